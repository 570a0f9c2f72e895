// McpSocketServer: the handshake (ok, bad token, garbage, wrong signet id,
// timeout), NDJSON JSON-RPC through the engine after it (a bad line is
// answered and the connection stays; an oversized line is answered and
// closes), notifications written as lines, the socket file's mode, and Stop.
#include "transport/mcp/mcp_socket_server.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "transport/admin/line_socket.h"
#include "transport/ws/testing/fake_agent_surface.h"

namespace xs::transport::mcp {
namespace {

using Json = nlohmann::json;
using ws::testing::FakeAgentSurface;

constexpr int kReadTimeoutMs = 10000;

class McpSocketServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xs-mcp-sock-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    surface_.AddCredential("good-token", "cred_1", {"conv_1"});
    surface_.AddCredential("other-token", "cred_2", {"conv_2"});
    registry_.Register({"chat.list", "List chats", signet::Intent::kRead, true, false,
                        [](const Json&, const signet::CallContext& ctx) -> Result<Json> {
                          return Json::array({ctx.credential_id});
                        }});
    server_ = std::make_unique<McpServer>(
        McpBackend{.registry = &registry_, .surface = &surface_, .server_version = "test"});
  }
  void TearDown() override {
    if (sockets_) sockets_->Stop();
    std::filesystem::remove_all(dir_);
  }

  void StartServer(McpSocketServerOptions options = {}) {
    options.socket_path = path();
    if (options.signet_id.empty()) options.signet_id = "sha256:signet";
    sockets_ = std::make_unique<McpSocketServer>(server_.get(), std::move(options));
    Status started = sockets_->Start();
    ASSERT_TRUE(started.ok()) << started.error().ToString();
  }

  std::string path() const { return dir_ + "/mcp.sock"; }

  LineSocket Connect() {
    auto socket = ConnectUnixSocket(path());
    EXPECT_TRUE(socket.ok());
    return std::move(socket).value();
  }

  static Json ReadJson(LineSocket& socket) {
    std::string line;
    if (socket.ReadLine(&line, 1 << 22, kReadTimeoutMs) != LineSocket::ReadStatus::kLine) {
      return Json();
    }
    return Json::parse(line, nullptr, false);
  }

  static bool AtEof(LineSocket& socket) {
    std::string line;
    return socket.ReadLine(&line, 1 << 22, kReadTimeoutMs) == LineSocket::ReadStatus::kEof;
  }

  // Connects and completes the handshake with `token`.
  LineSocket Authenticated(const std::string& token = "good-token") {
    LineSocket socket = Connect();
    EXPECT_TRUE(socket.WriteLine(Json({{"token", token}, {"signetId", nullptr}}).dump()));
    Json answer = ReadJson(socket);
    EXPECT_EQ(answer.value("ok", false), true) << answer.dump();
    return socket;
  }

  static Json Request(LineSocket& socket, int id, const std::string& method,
                      Json params = Json::object()) {
    EXPECT_TRUE(socket.WriteLine(
        Json({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}).dump()));
    return ReadJson(socket);
  }

  static Json Initialize(LineSocket& socket) {
    Json answer = Request(socket, 1, "initialize",
                          {{"protocolVersion", "2025-11-25"},
                           {"capabilities", Json::object()},
                           {"clientInfo", {{"name", "test"}, {"version", "1"}}}});
    EXPECT_TRUE(socket.WriteLine(
        Json({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}).dump()));
    // Messages are handled in order: once this is answered, so is the above.
    EXPECT_EQ(Request(socket, 99, "ping")["id"], 99);
    return answer;
  }

  std::string dir_;
  FakeAgentSurface surface_;
  signet::ActionRegistry registry_;
  std::unique_ptr<McpServer> server_;
  std::unique_ptr<McpSocketServer> sockets_;
};

TEST_F(McpSocketServerTest, HandshakeAnswersTheCredentialThenJsonRpcFlows) {
  StartServer();
  struct stat st {};
  ASSERT_EQ(::stat(path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  LineSocket socket = Connect();
  ASSERT_TRUE(socket.WriteLine(R"({"token":"good-token","signetId":"sha256:signet"})"));
  Json hello = ReadJson(socket);
  EXPECT_EQ(hello, Json({{"ok", true}, {"credentialId", "cred_1"}, {"signetId", "sha256:signet"}}));
  EXPECT_EQ(sockets_->connection_count(), 1u);
  Json init = Initialize(socket);
  EXPECT_EQ(init["id"], 1) << init.dump();
  EXPECT_TRUE(init["result"]["protocolVersion"].is_string()) << init.dump();
  Json tools = Request(socket, 2, "tools/list");
  EXPECT_EQ(tools["id"], 2);
  EXPECT_TRUE(tools["result"]["tools"].is_array()) << tools.dump();
  Json call = Request(socket, 3, "tools/call", {{"name", "chat_list"}, {"arguments", {}}});
  EXPECT_EQ(call["id"], 3);
  EXPECT_EQ(call["result"]["isError"], false) << call.dump();
  EXPECT_EQ(call["result"]["structuredContent"]["data"], Json::array({"cred_1"})) << call.dump();
}

TEST_F(McpSocketServerTest, BadTokenIsAnAuthErrorAndCloses) {
  StartServer();
  LineSocket socket = Connect();
  ASSERT_TRUE(socket.WriteLine(R"({"token":"wrong","signetId":null})"));
  Json answer = ReadJson(socket);
  EXPECT_EQ(answer["ok"], false) << answer.dump();
  EXPECT_EQ(answer["error"]["category"], "auth") << answer.dump();
  EXPECT_EQ(answer.dump().find("wrong"), std::string::npos) << "the token is echoed";
  EXPECT_TRUE(AtEof(socket));
}

TEST_F(McpSocketServerTest, RevokedCredentialIsRefused) {
  surface_.SetState("cred_1", signet::agent::CredentialState::kRevoked);
  StartServer();
  LineSocket socket = Connect();
  ASSERT_TRUE(socket.WriteLine(R"({"token":"good-token"})"));
  Json answer = ReadJson(socket);
  EXPECT_EQ(answer["error"]["category"], "auth") << answer.dump();
  EXPECT_TRUE(AtEof(socket));
}

TEST_F(McpSocketServerTest, GarbageHandshakeIsAValidationErrorAndCloses) {
  StartServer();
  for (const char* first : {"not json", "[1,2]", R"({"token":5})", R"({"signetId":null})"}) {
    LineSocket socket = Connect();
    ASSERT_TRUE(socket.WriteLine(first));
    Json answer = ReadJson(socket);
    EXPECT_EQ(answer["ok"], false) << first;
    EXPECT_EQ(answer["error"]["category"], "validation") << first << " " << answer.dump();
    EXPECT_TRUE(AtEof(socket)) << first;
  }
}

TEST_F(McpSocketServerTest, AnotherSignetIdIsRefusedBeforeTheToken) {
  StartServer();
  LineSocket socket = Connect();
  ASSERT_TRUE(socket.WriteLine(R"({"token":"good-token","signetId":"sha256:other"})"));
  Json answer = ReadJson(socket);
  EXPECT_EQ(answer["ok"], false);
  EXPECT_EQ(answer["error"]["category"], "validation") << answer.dump();
  EXPECT_NE(answer["error"]["message"].get<std::string>().find("signetId"), std::string::npos);
  EXPECT_TRUE(AtEof(socket));
}

TEST_F(McpSocketServerTest, NoHandshakeWithinTheTimeoutIsAnAuthError) {
  McpSocketServerOptions options;
  options.handshake_timeout_ms = 50;
  StartServer(options);
  LineSocket socket = Connect();
  Json answer = ReadJson(socket);
  EXPECT_EQ(answer["error"]["category"], "auth") << answer.dump();
  EXPECT_TRUE(AtEof(socket));
}

TEST_F(McpSocketServerTest, ABadLineGetsTheEnginesErrorAndTheConnectionStays) {
  StartServer();
  LineSocket socket = Authenticated();
  ASSERT_TRUE(socket.WriteLine("{not json"));
  Json parse_error = ReadJson(socket);
  EXPECT_EQ(parse_error["error"]["code"], -32700) << parse_error.dump();
  EXPECT_TRUE(parse_error["id"].is_null());
  Json ping = Request(socket, 7, "ping");
  EXPECT_EQ(ping["id"], 7) << ping.dump();
  EXPECT_TRUE(ping["result"].is_object()) << ping.dump();
}

TEST_F(McpSocketServerTest, AnOversizedLineIsAnsweredAndCloses) {
  McpSocketServerOptions options;
  options.max_line_bytes = 1024;
  StartServer(options);
  LineSocket socket = Authenticated();
  std::string big = R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":")" +
                    std::string(4096, 'x') + "\"}}";
  ASSERT_TRUE(socket.WriteLine(big));
  Json answer = ReadJson(socket);
  EXPECT_EQ(answer["error"]["code"], -32600) << answer.dump();
  EXPECT_NE(answer["error"]["message"].get<std::string>().find("1024"), std::string::npos);
  EXPECT_TRUE(AtEof(socket));
}

TEST_F(McpSocketServerTest, NotificationsAreWrittenAsLines) {
  StartServer();
  LineSocket socket = Authenticated();
  Initialize(socket);
  const std::string uri = "xmtp-signet://chats/conv_1/messages";
  Json subscribed = Request(socket, 2, "resources/subscribe", {{"uri", uri}});
  ASSERT_TRUE(subscribed.contains("result")) << subscribed.dump();
  surface_.Emit("cred_1", {{"type", "message.visible"},
                           {"messageId", "m1"},
                           {"groupId", "conv_1"},
                           {"senderInboxId", "inbox"},
                           {"contentType", "xmtp.org/text:1.0"},
                           {"content", {{"text", "hi"}}},
                           {"visibility", "visible"},
                           {"sentAt", "2026-01-01T00:00:00.000Z"},
                           {"sealId", nullptr},
                           {"threadId", nullptr}});
  Json note = ReadJson(socket);
  EXPECT_EQ(note["method"], "notifications/resources/updated") << note.dump();
  EXPECT_EQ(note["params"]["uri"], uri) << note.dump();
  // Answers still flow after a notification.
  EXPECT_EQ(Request(socket, 3, "ping")["id"], 3);
}

TEST_F(McpSocketServerTest, StopClosesConnectionsAndRemovesTheSocket) {
  StartServer();
  LineSocket socket = Authenticated();
  Initialize(socket);
  EXPECT_EQ(surface_.sink_count("cred_1"), 1u);
  sockets_->Stop();
  EXPECT_TRUE(AtEof(socket));
  EXPECT_FALSE(std::filesystem::exists(path()));
  EXPECT_EQ(sockets_->connection_count(), 0u);
  EXPECT_EQ(surface_.sink_count("cred_1"), 0u) << "the session did not detach";
}

TEST_F(McpSocketServerTest, ClosingTheClientDetachesTheSession) {
  StartServer();
  {
    LineSocket socket = Authenticated();
    Initialize(socket);
    EXPECT_EQ(Request(socket, 2, "ping")["id"], 2);
    EXPECT_EQ(surface_.sink_count("cred_1"), 1u);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sockets_->connection_count() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(sockets_->connection_count(), 0u);
  EXPECT_EQ(surface_.sink_count("cred_1"), 0u);
}

}  // namespace
}  // namespace xs::transport::mcp
