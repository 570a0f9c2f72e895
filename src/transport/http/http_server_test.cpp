// HttpServer + HttpApi over a real TCP port with a real Beast client and a
// real Runtime (SQLite store, vault, admin key) in a temporary data dir:
// routing, authentication, the envelope, status codes and limits.
#include "transport/http/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <future>
#include <regex>

#include "signet/keys/admin_key.h"
#include "signet/testing/temp_dir.h"
#include "transport/admin/admin_jwt.h"

namespace xs::transport {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Reply {
  int status = 0;
  Json body;
  bool keep_alive = false;
};

// One keep-alive connection to the server.
class Client {
 public:
  explicit Client(int port) : socket_(ioc_) {
    socket_.connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port)));
  }

  Reply Send(http::verb verb, const std::string& target, const std::string& body = {},
             const std::string& token = {}) {
    http::request<http::string_body> request(verb, target, 11);
    request.set(http::field::host, "127.0.0.1");
    if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
    http::write(socket_, request);
    return Read();
  }

  Reply Read() {
    http::response<http::string_body> response;
    beast::error_code ec;
    http::read(socket_, buffer_, response, ec);
    EXPECT_FALSE(ec) << ec.message();
    Reply reply{static_cast<int>(response.result_int()),
                Json::parse(response.body(), nullptr, false), response.keep_alive()};
    EXPECT_FALSE(reply.body.is_discarded()) << response.body();
    return reply;
  }

  void WriteRaw(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

  // True once the server closed the connection (reads EOF or a reset).
  bool ClosedByServer() {
    char byte = 0;
    beast::error_code ec;
    socket_.read_some(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signet::RuntimeOptions o;
    o.data_dir = dir_.path() + "/data";
    o.audit_log_path = dir_.path() + "/audit.jsonl";
    auto rt = signet::Runtime::Init(o);
    ASSERT_TRUE(rt.ok()) << rt.error().ToString();
    runtime_ = std::move(rt).value();
    // What a credential caller sees of itself, and the admin read flag.
    runtime_->Extend([](signet::ActionRegistry& registry, signet::RuntimeState&) {
      registry.Register(
          {.id = "test.whoami",
           .description = "the caller",
           .intent = signet::Intent::kRead,
           .admin_only = false,
           .handler = [](const Json& params, const signet::CallContext& ctx) -> Result<Json> {
             return Json{{"credentialId", ctx.credential_id},
                         {"admin", ctx.caller == signet::CallContext::Caller::kAdmin},
                         {"elevated", ctx.dangerously_allow_message_read},
                         {"requestId", ctx.request_id},
                         {"params", params}};
           }});
    });
    api_ = std::make_unique<HttpApi>(BackendFor(*runtime_, [] {
      return Json{{"state", "running"}, {"probe", 42}};
    }));
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  void Start(HttpServerOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<HttpServer>(api_.get(), options);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);
  }

  std::string AdminJwt() {
    auto key = signet::AdminKey::Load(dir_.path() + "/data");
    EXPECT_TRUE(key.ok());
    return *MintAdminJwt(*key);
  }

  // An active credential's token (and its id).
  std::pair<std::string, std::string> IssueCredential(Client& client) {
    Reply op = client.Send(http::verb::post, "/v1/admin/operator.create", R"({"label":"http-op"})",
                           AdminJwt());
    EXPECT_EQ(op.status, 200) << op.body.dump();
    Json params = {{"operatorId", op.body["data"]["id"]}, {"chatIds", {"conv_00000000000000c1"}}};
    Reply issued =
        client.Send(http::verb::post, "/v1/admin/credential.issue", params.dump(), AdminJwt());
    EXPECT_EQ(issued.status, 200) << issued.body.dump();
    return {issued.body["data"]["token"], issued.body["data"]["credential"]["id"]};
  }

  static void ExpectError(const Reply& reply, int status, const std::string& category,
                          const std::string& message = {}) {
    EXPECT_EQ(reply.status, status) << reply.body.dump();
    EXPECT_EQ(reply.body["ok"], false);
    EXPECT_EQ(reply.body["error"]["category"], category) << reply.body.dump();
    for (const char* member : {"_tag", "code", "message", "context"}) {
      EXPECT_TRUE(reply.body["error"].contains(member)) << member;
    }
    EXPECT_TRUE(reply.body["meta"]["requestId"].is_string());
    if (!message.empty()) {
      EXPECT_EQ(reply.body["error"]["message"], message);
    }
  }

  signet::testing::TempDir dir_;
  std::unique_ptr<signet::Runtime> runtime_;
  std::unique_ptr<HttpApi> api_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, HealthNeedsNoTokenAndCarriesTheStatusInTheEnvelope) {
  Start();
  Client client(server_->port());
  Reply reply = client.Send(http::verb::get, "/v1/health");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["ok"], true);
  EXPECT_EQ(reply.body["data"], (Json{{"state", "running"}, {"probe", 42}}));
  EXPECT_TRUE(std::regex_match(reply.body["meta"]["requestId"].get<std::string>(),
                               std::regex("req_[0-9a-f]+")));
  EXPECT_TRUE(std::regex_match(reply.body["meta"]["timestamp"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  EXPECT_TRUE(reply.body["meta"]["durationMs"].is_number());
  EXPECT_FALSE(reply.body.contains("error"));
}

TEST_F(HttpServerTest, AdminRouteDispatchesToTheRegistryWithTheJwt) {
  Start();
  Client client(server_->port());
  Reply created = client.Send(http::verb::post, "/v1/admin/operator.create", R"({"label":"alice"})",
                              AdminJwt());
  ASSERT_EQ(created.status, 200) << created.body.dump();
  EXPECT_EQ(created.body["data"]["status"], "active") << created.body.dump();
  Reply listed = client.Send(http::verb::post, "/v1/admin/operator.list", "", AdminJwt());
  ASSERT_EQ(listed.status, 200);
  EXPECT_NE(listed.body["data"].dump().find(created.body["data"]["id"].get<std::string>()),
            std::string::npos);
  // The admin context: the elevation flag travels in the body, as on the socket.
  Reply who = client.Send(http::verb::post, "/v1/admin/test.whoami",
                          R"({"dangerouslyAllowMessageRead":true})", AdminJwt());
  ASSERT_EQ(who.status, 200);
  EXPECT_EQ(who.body["data"]["admin"], true);
  EXPECT_EQ(who.body["data"]["elevated"], true);
  EXPECT_EQ(who.body["data"]["requestId"], who.body["meta"]["requestId"]);
}

TEST_F(HttpServerTest, AuthFailuresAre401) {
  Start();
  Client client(server_->port());
  ExpectError(client.Send(http::verb::post, "/v1/admin/operator.list"), 401, "auth",
              "Missing authorization token");
  ExpectError(client.Send(http::verb::post, "/v1/credential/test.whoami"), 401, "auth",
              "Missing authorization token");
  ExpectError(client.Send(http::verb::get, "/v1/actions/operator/list"), 401, "auth",
              "Missing authorization token");
  Reply forged = client.Send(http::verb::post, "/v1/admin/operator.list", "",
                             "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.c2ln");
  ExpectError(forged, 401, "auth");
  EXPECT_EQ(forged.body["error"]["_tag"], "AuthError");
  EXPECT_EQ(forged.body["error"]["code"], 1300);
  ExpectError(client.Send(http::verb::post, "/v1/credential/test.whoami", "", "not-a-token"), 401,
              "auth");
  // A credential token is not an admin token.
  auto [token, id] = IssueCredential(client);
  ExpectError(client.Send(http::verb::post, "/v1/admin/operator.list", "", token), 401, "auth");
}

TEST_F(HttpServerTest, CredentialRoutesCarryTheCredentialAndItsPermissions) {
  Start();
  Client client(server_->port());
  auto [token, id] = IssueCredential(client);
  Reply who = client.Send(http::verb::post, "/v1/credential/test.whoami", R"({"x":1})", token);
  ASSERT_EQ(who.status, 200) << who.body.dump();
  EXPECT_EQ(who.body["data"]["credentialId"], id);
  EXPECT_EQ(who.body["data"]["admin"], false);
  EXPECT_EQ(who.body["data"]["params"], (Json{{"x", 1}}));
  // Admin-only actions are a permission error for a credential.
  ExpectError(client.Send(http::verb::post, "/v1/credential/operator.list", "", token), 403,
              "permission");
  // Revoked: the token no longer authenticates.
  Reply revoked = client.Send(http::verb::post, "/v1/admin/credential.revoke",
                              Json({{"credentialId", id}, {"force", true}}).dump(), AdminJwt());
  ASSERT_EQ(revoked.status, 200) << revoked.body.dump();
  ExpectError(client.Send(http::verb::post, "/v1/credential/test.whoami", "", token), 401, "auth");
}

TEST_F(HttpServerTest, DerivedActionRoutesTakeGetQueriesForReadsAndEitherToken) {
  Start();
  Client client(server_->port());
  auto [token, id] = IssueCredential(client);
  Reply who =
      client.Send(http::verb::get, "/v1/actions/test/whoami?limit=5&name=a%20b&on", {}, token);
  ASSERT_EQ(who.status, 200) << who.body.dump();
  EXPECT_EQ(who.body["data"]["credentialId"], id);
  EXPECT_EQ(who.body["data"]["params"], (Json{{"limit", 5}, {"name", "a b"}, {"on", true}}));
  Reply admin = client.Send(
      http::verb::get, "/v1/actions/test/whoami?dangerouslyAllowMessageRead=true", {}, AdminJwt());
  ASSERT_EQ(admin.status, 200) << admin.body.dump();
  EXPECT_EQ(admin.body["data"]["admin"], true);
  EXPECT_EQ(admin.body["data"]["elevated"], true);
  Reply listed = client.Send(http::verb::get, "/v1/actions/operator/list", {}, AdminJwt());
  EXPECT_EQ(listed.status, 200) << listed.body.dump();
  // A write action is POST with a JSON body.
  Reply created = client.Send(http::verb::post, "/v1/actions/operator/create", R"({"label":"bob"})",
                              AdminJwt());
  EXPECT_EQ(created.status, 200) << created.body.dump();
  // The other method is no route.
  ExpectError(client.Send(http::verb::post, "/v1/actions/test/whoami", "{}", token), 404,
              "not_found", "Route not found: POST /v1/actions/test/whoami");
  ExpectError(client.Send(http::verb::get, "/v1/actions/operator/create", {}, AdminJwt()), 404,
              "not_found");
  ExpectError(client.Send(http::verb::get, "/v1/actions/test/whoami?bad=%zz", {}, token), 400,
              "validation");
}

TEST_F(HttpServerTest, UnknownRoutesAndLegacySessionRoutesAre404) {
  Start();
  Client client(server_->port());
  ExpectError(client.Send(http::verb::get, "/v1/nope"), 404, "not_found",
              "Route not found: GET /v1/nope");
  ExpectError(client.Send(http::verb::post, "/v1/session/abc/messages", "{}"), 404, "not_found",
              "Route not found: POST /v1/session/abc/messages");
  ExpectError(client.Send(http::verb::post, "/v1/health"), 404, "not_found",
              "Route not found: POST /v1/health");
  ExpectError(client.Send(http::verb::get, "/v1/admin/operator.list", {}, AdminJwt()), 404,
              "not_found");
  ExpectError(client.Send(http::verb::get, "/v1/actions/no/such/action", {}, AdminJwt()), 404,
              "not_found");
  // An unknown action behind a valid token: the registry's not_found.
  ExpectError(client.Send(http::verb::post, "/v1/admin/no.such", "{}", AdminJwt()), 404,
              "not_found");
}

TEST_F(HttpServerTest, BadBodiesAndBadParamsAre400) {
  Start();
  Client client(server_->port());
  Reply invalid = client.Send(http::verb::post, "/v1/admin/operator.create", "{nope", AdminJwt());
  ExpectError(invalid, 400, "validation", "Validation failed on 'body': invalid JSON");
  EXPECT_EQ(invalid.body["error"]["_tag"], "ValidationError");
  EXPECT_EQ(invalid.body["error"]["code"], 1000);
  EXPECT_EQ(invalid.body["error"]["context"]["field"], "body");
  ExpectError(client.Send(http::verb::post, "/v1/admin/operator.create", "[1]", AdminJwt()), 400,
              "validation", "Validation failed on 'body': must be a JSON object");
  // The action's own validation.
  ExpectError(
      client.Send(http::verb::post, "/v1/admin/operator.create", R"({"label":7})", AdminJwt()), 400,
      "validation");
  // Authentication comes first.
  ExpectError(client.Send(http::verb::post, "/v1/admin/operator.create", "{nope"), 401, "auth");
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Start();
  Client client(server_->port());
  for (int i = 0; i < 3; ++i) {
    Reply reply = client.Send(http::verb::get, "/v1/health");
    EXPECT_EQ(reply.status, 200);
    EXPECT_TRUE(reply.keep_alive);
  }
  EXPECT_EQ(server_->requests_served(), 3u);
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(HttpServerTest, OversizedBodyIs413NamingTheLimit) {
  Start({.max_body_bytes = 1024});
  Client client(server_->port());
  Reply reply = client.Send(http::verb::post, "/v1/admin/operator.create",
                            R"({"label":")" + std::string(2000, 'x') + R"("})", AdminJwt());
  ExpectError(reply, 413, "validation",
              "Validation failed on 'body': exceeds the limit of 1024 bytes");
  EXPECT_FALSE(reply.keep_alive);
  EXPECT_TRUE(client.ClosedByServer());
  // Under the limit the same route works.
  Client again(server_->port());
  EXPECT_EQ(
      again.Send(http::verb::post, "/v1/admin/operator.create", R"({"label":"ok"})", AdminJwt())
          .status,
      200);
}

TEST_F(HttpServerTest, OversizedHeadersAre431AndGarbageIs400) {
  Start({.max_header_bytes = 2048});
  Client big(server_->port());
  big.WriteRaw("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'y') +
               "\r\n\r\n");
  ExpectError(big.Read(), 431, "validation");
  Client garbage(server_->port());
  garbage.WriteRaw("NOT HTTP AT ALL\r\n\r\n");
  Reply reply = garbage.Read();
  ExpectError(reply, 400, "validation", "Validation failed on 'request': malformed HTTP request");
  EXPECT_TRUE(garbage.ClosedByServer());
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAre503) {
  Start({.max_connections = 1});
  Client first(server_->port());
  EXPECT_EQ(first.Send(http::verb::get, "/v1/health").status, 200);
  Client second(server_->port());
  ExpectError(second.Read(), 503, "network");
  EXPECT_EQ(first.Send(http::verb::get, "/v1/health").status, 200);
}

TEST_F(HttpServerTest, AConnectionThatSendsNothingIsClosedAfterTheRequestTimeout) {
  Start({.request_timeout_ms = 200});
  Client idle(server_->port());
  EXPECT_TRUE(idle.ClosedByServer());
  Client slow(server_->port());
  slow.WriteRaw("GET /v1/health HTTP/1.1\r\nHost: x\r\n");  // never finished
  EXPECT_TRUE(slow.ClosedByServer());
}

TEST_F(HttpServerTest, StopClosesConnectionsAndFreesThePort) {
  Start();
  Client client(server_->port());
  EXPECT_EQ(client.Send(http::verb::get, "/v1/health").status, 200);
  server_->Stop();
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_EQ(server_->port(), 0);
}

TEST_F(HttpServerTest, ExtraRoutesPlugInBeforeTheV1Routes) {
  api_->AddRoute("/mcp", [](const HttpRequest& request) {
    return HttpResponse{202, "application/json", Json({{"seen", request.method}}).dump()};
  });
  Start();
  Client client(server_->port());
  Reply reply = client.Send(http::verb::post, "/mcp", "{}");
  EXPECT_EQ(reply.status, 202);
  EXPECT_EQ(reply.body["seen"], "POST");
}

TEST_F(HttpServerTest, RoutesReadRequestHeadersAndSetResponseHeaders) {
  api_->AddRoute("/mcp", [](const HttpRequest& request) {
    HttpResponse response{204, "", ""};
    response.headers.emplace_back("Mcp-Session-Id", std::string(request.Header("mcp-session-id")));
    response.headers.emplace_back("X-Accept", std::string(request.Header("accept")));
    response.headers.emplace_back("X-Missing", std::string(request.Header("origin")) + "-");
    return response;
  });
  Start();
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                               static_cast<std::uint16_t>(server_->port())));
  http::request<http::string_body> request(http::verb::delete_, "/mcp", 11);
  request.set(http::field::host, "127.0.0.1");
  request.set("MCP-Session-Id", "abc123");
  request.set(http::field::accept, "text/event-stream");
  request.prepare_payload();
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  EXPECT_EQ(response.result_int(), 204u);
  EXPECT_EQ(response["Mcp-Session-Id"], "abc123");
  EXPECT_EQ(response["X-Accept"], "text/event-stream");
  EXPECT_EQ(response["X-Missing"], "-");
  EXPECT_EQ(response.count(http::field::content_type), 0u);
}

TEST_F(HttpServerTest, AStreamingAnswerIsChunkedUntilTheProducerEndsIt) {
  std::promise<std::pair<HttpStreamWrite, std::function<void()>>> opened;
  api_->AddRoute("/mcp", [&opened](const HttpRequest&) {
    HttpResponse response{200, "text/event-stream", ""};
    response.stream = [&opened](HttpStreamWrite write, std::function<void()> end) {
      write("first\n");
      opened.set_value({std::move(write), std::move(end)});
      return std::function<void()>([] {});
    };
    return response;
  });
  Start();
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                               static_cast<std::uint16_t>(server_->port())));
  http::request<http::string_body> request(http::verb::get, "/mcp", 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(socket, request);
  auto [write, end] = opened.get_future().get();
  EXPECT_TRUE(write("second\n"));
  end();
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response[http::field::content_type], "text/event-stream");
  EXPECT_TRUE(response.chunked());
  EXPECT_EQ(response.body(), "first\nsecond\n");
  EXPECT_FALSE(write("late\n")) << "a write after the end is refused";
}

TEST_F(HttpServerTest, AStreamsProducerHearsWhenTheClientLeaves) {
  std::promise<void> stopped;
  std::promise<void> opened;
  api_->AddRoute("/mcp", [&](const HttpRequest&) {
    HttpResponse response{200, "text/event-stream", ""};
    response.stream = [&](HttpStreamWrite write, std::function<void()>) {
      write(": open\n\n");
      opened.set_value();
      return std::function<void()>([&stopped] { stopped.set_value(); });
    };
    return response;
  });
  Start();
  {
    Client client(server_->port());
    client.WriteRaw("GET /mcp HTTP/1.1\r\nHost: x\r\n\r\n");
    opened.get_future().wait();
  }
  EXPECT_EQ(stopped.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(HttpServerStartTest, ABadHostIsAValidationErrorAndABusyPortANetworkError) {
  HttpApi api(HttpApiBackend{});
  HttpServer bad(&api, {.host = "not an address"});
  auto status = bad.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().IsValidation());
  HttpServer first(&api, {});
  ASSERT_TRUE(first.Start().ok());
  HttpServer second(&api, {.port = first.port()});
  status = second.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().IsNetwork()) << status.error().ToString();
}

TEST(HttpQueryTest, ParsesEscapesNumbersFlagsAndRepeats) {
  auto params = ParseQueryParams("a=1&b=x%2By&c=true&d&e=%7B%7D&a=2&f=");
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(*params,
            (Json{{"a", {1, 2}}, {"b", "x+y"}, {"c", true}, {"d", true}, {"e", "{}"}, {"f", ""}}));
  EXPECT_TRUE(ParseQueryParams("a=%4").error().IsValidation());
  EXPECT_TRUE(ParseQueryParams("=1").error().IsValidation());
}

}  // namespace
}  // namespace xs::transport
