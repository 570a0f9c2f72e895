// AdminServer + AdminClient over a real Unix socket, with a real Runtime
// (SQLite store, vault, admin key) in a temporary data dir.
#include "transport/admin/admin_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "signet/keys/admin_key.h"
#include "signet/testing/temp_dir.h"
#include "transport/admin/admin_client.h"
#include "transport/admin/admin_jwt.h"
#include "transport/admin/line_socket.h"

namespace xs::transport {
namespace {

using signet::testing::FileMode;
using signet::testing::ReadAll;
using signet::testing::TempDir;

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signet::RuntimeOptions o;
    o.data_dir = data_dir();
    o.audit_log_path = dir_.path() + "/audit.jsonl";
    auto rt = signet::Runtime::Init(o);
    ASSERT_TRUE(rt.ok()) << rt.error().ToString();
    runtime_ = std::move(rt).value();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  std::string data_dir() const { return dir_.path() + "/data"; }
  std::string socket_path() const { return dir_.path() + "/run/admin.sock"; }

  void StartServer(AdminServerOptions options = {}) {
    options.socket_path = socket_path();
    server_ = std::make_unique<AdminServer>(runtime_.get(), options);
    server_->AddMethod("test.echo",
                       [](const Json& params, const signet::CallContext& ctx) -> Result<Json> {
                         return Json{{"params", params},
                                     {"fingerprint", ctx.admin_key_fingerprint},
                                     {"requestId", ctx.request_id},
                                     {"elevated", ctx.dangerously_allow_message_read}};
                       });
    server_->AddStreamMethod(
        "test.watch", [](const Json& params, const signet::CallContext&, NotificationSink& sink) {
          if (params.contains("fail")) return Status(Error::Validation("fail", "asked to fail"));
          int count = params.value("count", 3);
          for (int i = 0; i < count; ++i) {
            if (!sink.Notify({{"n", i}})) return OkStatus();
          }
          if (params.value("forever", false)) {
            while (!sink.WaitCancelled(std::chrono::milliseconds(50))) {
            }
          }
          return OkStatus();
        });
    ASSERT_TRUE(server_->Start().ok());
  }

  AdminClient Client() {
    auto client = AdminClient::Connect(socket_path(), data_dir());
    EXPECT_TRUE(client.ok()) << client.error().ToString();
    return std::move(client).value();
  }

  // A raw connection for protocol-level tests.
  LineSocket Raw() {
    auto socket = ConnectUnixSocket(socket_path());
    EXPECT_TRUE(socket.ok());
    return std::move(socket).value();
  }
  LineSocket RawAuthenticated() {
    LineSocket socket = Raw();
    auto key = signet::AdminKey::Load(data_dir());
    EXPECT_TRUE(key.ok());
    EXPECT_TRUE(socket.WriteLine(AuthLine(*MintAdminJwt(*key))));
    Json reply = ReadJson(socket);
    EXPECT_EQ(reply["result"]["authenticated"], true) << reply.dump();
    return socket;
  }
  static Json ReadJson(LineSocket& socket, int timeout_ms = 5000) {
    std::string line;
    auto status = socket.ReadLine(&line, 1 << 24, timeout_ms);
    if (status != LineSocket::ReadStatus::kLine) return Json{{"readStatus", int(status)}};
    return Json::parse(line);
  }
  static bool ClosedByServer(LineSocket& socket) {
    std::string line;
    return socket.ReadLine(&line, 1 << 20, 5000) == LineSocket::ReadStatus::kEof;
  }

  TempDir dir_;
  std::unique_ptr<signet::Runtime> runtime_;
  std::unique_ptr<AdminServer> server_;
};

TEST_F(AdminServerTest, SocketIsPrivate) {
  StartServer();
  EXPECT_EQ(FileMode(socket_path()), 0600u);
  EXPECT_EQ(FileMode(dir_.path() + "/run"), 0700u);
  server_->Stop();
  EXPECT_FALSE(std::filesystem::exists(socket_path()));
}

TEST_F(AdminServerTest, RealCallsThroughTheClient) {
  StartServer();
  AdminClient client = Client();
  auto op = client.Call("operator.create", {{"label", "alice"}});
  ASSERT_TRUE(op.ok()) << op.error().ToString();
  EXPECT_EQ((*op)["config"]["label"], "alice");
  std::string request_id = client.last_meta()["requestId"];
  EXPECT_EQ(request_id.rfind("req_", 0), 0u);
  EXPECT_TRUE(client.last_meta()["timestamp"].is_string());
  EXPECT_TRUE(client.last_meta()["durationMs"].is_number());

  auto list = client.Call("operator.list");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0]["id"], (*op)["id"]);

  // The admin write is audited with the JWT's issuer and the request id.
  std::string audit = ReadAll(dir_.path() + "/audit.jsonl");
  EXPECT_NE(audit.find(request_id), std::string::npos);
  EXPECT_NE(audit.find(runtime_->admin_fingerprint()), std::string::npos);

  auto echo = client.Call("test.echo", {{"dangerouslyAllowMessageRead", true}});
  ASSERT_TRUE(echo.ok());
  EXPECT_EQ((*echo)["fingerprint"], runtime_->admin_fingerprint());
  EXPECT_EQ((*echo)["elevated"], true);
}

TEST_F(AdminServerTest, ErrorsKeepTheirCategoryMessageAndContext) {
  StartServer();
  AdminClient client = Client();
  auto unknown = client.Call("operator.fly");
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.error().IsNotFound()) << unknown.error().ToString();

  auto superadmin = client.Call("operator.create", {{"label", "x"}, {"role", "superadmin"}});
  ASSERT_FALSE(superadmin.ok());
  EXPECT_TRUE(superadmin.error().IsPermission());

  auto invalid = client.Call("operator.create", {{"label", "x"}, {"scopeMode", "nope"}});
  ASSERT_FALSE(invalid.ok());
  EXPECT_TRUE(invalid.error().IsValidation());
  EXPECT_EQ(invalid.error().code(), 1000);
  EXPECT_EQ(invalid.error().tag(), "ValidationError");
  Json context = Json::parse(invalid.error().context_json());
  EXPECT_EQ(context["field"], "scopeMode");

  // The wire form: category code and the error object in data.
  LineSocket raw = RawAuthenticated();
  raw.WriteLine(RequestLine(7, "operator.create", {{"label", "x"}, {"scopeMode", "nope"}}));
  Json reply = ReadJson(raw);
  EXPECT_EQ(reply["id"], 7);
  EXPECT_EQ(reply["error"]["code"], -32602);
  EXPECT_EQ(reply["error"]["data"]["category"], "validation");
  EXPECT_EQ(reply["error"]["data"]["_tag"], "ValidationError");
  EXPECT_EQ(reply["error"]["data"]["context"]["field"], "scopeMode");
  EXPECT_EQ(reply["error"]["data"]["field"], "scopeMode");  // context lifted too
  EXPECT_TRUE(reply["error"]["data"]["meta"]["requestId"].is_string());
  raw.WriteLine(RequestLine("s1", "operator.list", Json::object()));
  reply = ReadJson(raw);
  EXPECT_EQ(reply["id"], "s1");
  EXPECT_EQ(reply["result"]["ok"], true);
  EXPECT_TRUE(reply["result"]["data"].is_array());
}

TEST_F(AdminServerTest, AuthenticationIsRequired) {
  StartServer();
  // A request instead of admin_auth.
  LineSocket raw = Raw();
  raw.WriteLine(RequestLine(1, "operator.list", Json::object()));
  Json reply = ReadJson(raw);
  EXPECT_TRUE(reply["id"].is_null());
  EXPECT_EQ(reply["error"]["code"], -32000);
  EXPECT_EQ(reply["error"]["data"]["category"], "auth");
  EXPECT_TRUE(ClosedByServer(raw));

  // A token of another admin key.
  TempDir other;
  ASSERT_TRUE(signet::AdminKey::Save(other.path(), signet::Ed25519Key::Generate()).ok());
  auto foreign = AdminClient::Connect(socket_path(), other.path());
  ASSERT_FALSE(foreign.ok());
  EXPECT_TRUE(foreign.error().IsAuth()) << foreign.error().ToString();

  // An expired token of the right key.
  auto key = signet::AdminKey::Load(data_dir());
  auto expired =
      AdminClient::ConnectWithToken(socket_path(), *MintAdminJwt(*key, UnixSeconds() - 1000, 120));
  ASSERT_FALSE(expired.ok());
  EXPECT_TRUE(expired.error().IsAuth());
  EXPECT_NE(expired.error().message().find("expired"), std::string::npos);

  // Garbage instead of a token.
  auto garbage = AdminClient::ConnectWithToken(socket_path(), "not-a-jwt");
  ASSERT_FALSE(garbage.ok());
  EXPECT_TRUE(garbage.error().IsAuth());

  // Bad JSON as the first line.
  LineSocket raw2 = Raw();
  raw2.WriteLine("{nope");
  reply = ReadJson(raw2);
  EXPECT_EQ(reply["error"]["code"], -32700);
  EXPECT_TRUE(ClosedByServer(raw2));
}

TEST_F(AdminServerTest, AuthTimesOut) {
  AdminServerOptions options;
  options.auth_timeout_ms = 200;
  StartServer(options);
  LineSocket raw = Raw();
  Json reply = ReadJson(raw, 3000);
  EXPECT_EQ(reply["error"]["data"]["category"], "auth");
  EXPECT_TRUE(ClosedByServer(raw));
}

TEST_F(AdminServerTest, FramingErrorsAfterAuth) {
  StartServer();
  LineSocket raw = RawAuthenticated();
  raw.WriteLine("{\"jsonrpc\":\"2.0\",");  // bad JSON: answered, connection kept
  Json reply = ReadJson(raw);
  EXPECT_EQ(reply["error"]["code"], -32700);
  EXPECT_TRUE(reply["id"].is_null());
  raw.WriteLine(R"({"id":2,"method":"operator.list"})");  // no jsonrpc member
  reply = ReadJson(raw);
  EXPECT_EQ(reply["error"]["code"], -32600);
  EXPECT_EQ(reply["id"], 2);
  raw.WriteLine(R"({"jsonrpc":"2.0","id":3,"method":"operator.list","params":[1]})");
  reply = ReadJson(raw);
  EXPECT_EQ(reply["error"]["code"], -32602);
  raw.WriteLine(R"({"jsonrpc":"2.0","id":{"x":1},"method":"operator.list"})");
  reply = ReadJson(raw);
  EXPECT_EQ(reply["error"]["code"], -32600);
  raw.WriteLine(R"([1,2])");
  reply = ReadJson(raw);
  EXPECT_EQ(reply["error"]["code"], -32600);
  raw.WriteLine(R"({"jsonrpc":"2.0","id":4,"method":"operator.list"})");
  reply = ReadJson(raw);
  EXPECT_EQ(reply["id"], 4);
  EXPECT_EQ(reply["result"]["ok"], true);
}

TEST_F(AdminServerTest, OverlongLineIsRefusedAndClosed) {
  AdminServerOptions options;
  options.max_line_bytes = 4096;
  StartServer(options);
  LineSocket raw = RawAuthenticated();
  raw.WriteLine(std::string(10000, 'x'));
  Json reply = ReadJson(raw);
  EXPECT_EQ(reply["error"]["code"], -32600);
  EXPECT_TRUE(ClosedByServer(raw));
}

TEST_F(AdminServerTest, DaemonNotRunningAndNoAdminKey) {
  auto client = AdminClient::Connect(socket_path(), data_dir());
  ASSERT_FALSE(client.ok());
  EXPECT_TRUE(client.error().IsNetwork());
  EXPECT_EQ(client.error().message(), "daemon is not running; start it with `xs daemon start`");
  EXPECT_NE(client.error().context_json().find(socket_path()), std::string::npos);

  StartServer();
  TempDir empty;
  auto no_key = AdminClient::Connect(socket_path(), empty.path());
  ASSERT_FALSE(no_key.ok());
  EXPECT_TRUE(no_key.error().IsAuth());
  EXPECT_NE(no_key.error().message().find("xs init"), std::string::npos);
}

TEST_F(AdminServerTest, StreamsNotifyUntilTheClientStops) {
  StartServer();
  AdminClient client = Client();
  std::vector<int> seen;
  Status s = client.Subscribe("test.watch", {{"count", 5}}, [&](const Json& n) {
    seen.push_back(n["n"]);
    return true;
  });
  ASSERT_TRUE(s.ok()) << s.error().ToString();  // ended by stream.end
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4}));

  seen.clear();
  s = client.Subscribe("test.watch", {{"count", 2}, {"forever", true}}, [&](const Json& n) {
    seen.push_back(n["n"]);
    return seen.size() < 2;  // stop after the second
  });
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(seen.size(), 2u);

  s = client.Subscribe("test.watch", {{"fail", true}}, [](const Json&) { return true; });
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().IsValidation());

  // The original connection is still usable.
  EXPECT_TRUE(client.Call("operator.list").ok());
  // The cancelled stream's connection was noticed and released.
  for (int i = 0; i < 100 && server_->connection_count() > 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(AdminServerTest, ConcurrentClients) {
  StartServer();
  constexpr int kThreads = 6;
  constexpr int kPerThread = 15;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> ids(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = AdminClient::Connect(socket_path(), data_dir());
      ASSERT_TRUE(client.ok());
      for (int i = 0; i < kPerThread; ++i) {
        auto op = client->Call("operator.create",
                               {{"label", "op-" + std::to_string(t) + "-" + std::to_string(i)}});
        ASSERT_TRUE(op.ok()) << op.error().ToString();
        ids[t].push_back((*op)["id"]);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> unique;
  for (auto& v : ids) unique.insert(v.begin(), v.end());
  EXPECT_EQ(unique.size(), std::size_t{kThreads * kPerThread});
  auto list = Client().Call("operator.list");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), std::size_t{kThreads * kPerThread});
}

TEST_F(AdminServerTest, ConnectionLimit) {
  AdminServerOptions options;
  options.max_connections = 2;
  StartServer(options);
  AdminClient a = Client();
  AdminClient b = Client();
  auto c = AdminClient::Connect(socket_path(), data_dir());
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.error().IsNetwork());
  EXPECT_NE(c.error().message().find("too many"), std::string::npos);
  EXPECT_TRUE(a.Call("operator.list").ok());
}

TEST_F(AdminServerTest, StopEndsIdleConnectionsAndStreamsPromptly) {
  StartServer();
  AdminClient idle = Client();
  std::atomic<bool> streaming_started{false};
  std::thread watcher([&] {
    AdminClient streaming = Client();
    Status s =
        streaming.Subscribe("test.watch", {{"count", 1}, {"forever", true}}, [&](const Json&) {
          streaming_started = true;
          return true;
        });
    EXPECT_TRUE(s.ok()) << s.error().ToString();  // the server ends it with stream.end
  });
  for (int i = 0; i < 500 && !streaming_started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(streaming_started);
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  watcher.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  auto after = idle.Call("operator.list");
  ASSERT_FALSE(after.ok());
  EXPECT_TRUE(after.error().IsNetwork());
}

TEST_F(AdminServerTest, StopIsNotHeldByAClientThatStopsReading) {
  AdminServerOptions options;
  options.stop_grace_ms = 300;
  StartServer(options);
  LineSocket raw = RawAuthenticated();
  // Big answers the client never reads fill both socket buffers, so the
  // connection thread blocks in send().
  std::string blob(200 * 1024, 'x');
  std::thread writer([&] {
    for (int i = 0; i < 20; ++i) {
      if (!raw.WriteLine(RequestLine(i, "test.echo", {{"blob", blob}}))) break;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  raw.ShutdownBoth();
  writer.join();
}

TEST_F(AdminServerTest, StaleSocketIsReplacedLiveOneRefused) {
  // A socket file nobody listens on (a crashed daemon's).
  std::filesystem::create_directories(dir_.path() + "/run");
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, socket_path().c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  StartServer();
  EXPECT_TRUE(Client().Call("operator.list").ok());

  AdminServer second(runtime_.get(), {.socket_path = socket_path()});
  Status s = second.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("another server"), std::string::npos);
  EXPECT_TRUE(Client().Call("operator.list").ok());
}

}  // namespace
}  // namespace xs::transport
