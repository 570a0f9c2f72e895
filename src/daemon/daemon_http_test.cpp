// The daemon with [http] enabled (XMTP_SIGNET_HTTP_*): it serves the HTTP API
// on the configured port (0 = a free one), reports the bound port in its
// status, answers /v1/health with that status and admin routes against its
// own runtime, and closes the port on shutdown. Disabled, nothing listens.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <future>
#include <thread>

#include "daemon/daemon.h"
#include "signet/core/runtime.h"
#include "signet/keys/admin_key.h"
#include "signet/testing/fake_network.h"
#include "signet/testing/temp_dir.h"
#include "transport/admin/admin_client.h"
#include "transport/admin/admin_jwt.h"

namespace xs::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Json = nlohmann::json;

// The daemon of a fresh data dir under `dir`, on the in-memory network.
DaemonOptions DaemonWithHttp(const signet::testing::TempDir& dir, bool enabled) {
  signet::EnvMap env = {{"HOME", dir.path()},
                        {"XDG_CONFIG_HOME", dir.path() + "/config"},
                        {"XDG_DATA_HOME", dir.path() + "/data"},
                        {"XDG_STATE_HOME", dir.path() + "/state"},
                        {"XDG_RUNTIME_DIR", dir.path() + "/run"},
                        {"XMTP_SIGNET_ENV", "dev"},
                        {"XMTP_SIGNET_HTTP_ENABLED", enabled ? "true" : "false"},
                        {"XMTP_SIGNET_HTTP_PORT", "0"},
                        {"XMTP_SIGNET_WS_PORT", "0"}};  // a free port: tests run side by side
  auto config = signet::LoadConfig({.config_path = std::nullopt, .env = env});
  EXPECT_TRUE(config.ok()) << config.error().ToString();
  EXPECT_TRUE(signet::Runtime::Init(config->ToRuntimeOptions()).ok());
  DaemonOptions options;
  options.config = *config;
  options.foreground = false;
  options.network = std::make_shared<signet::FakeXmtpNetwork>();
  return options;
}

// One request on a fresh connection; {status, body}. Status 0 = no connection.
std::pair<int, Json> Request(int port, http::verb verb, const std::string& target,
                             const std::string& body = {}, const std::string& token = {}) {
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  beast::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port)}, ec);
  if (ec) return {0, nullptr};
  http::request<http::string_body> request(verb, target, 11);
  request.set(http::field::host, "127.0.0.1");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  request.body() = body;
  request.prepare_payload();
  http::write(socket, request, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!ec) http::read(socket, buffer, response, ec);
  if (ec) return {0, nullptr};
  return {static_cast<int>(response.result_int()), Json::parse(response.body(), nullptr, false)};
}

Json DaemonStatusOf(const signet::Config& config) {
  auto status = DaemonStatus(config);
  EXPECT_TRUE(status.ok()) << status.error().ToString();
  return status.ok() ? *status : Json();
}

TEST(DaemonHttpTest, ServesTheApiOnTheBoundPortAndStopsWithTheDaemon) {
  signet::testing::TempDir dir;
  DaemonOptions options = DaemonWithHttp(dir, true);
  std::promise<Status> started;
  options.on_started = [&started](const Status& s) { started.set_value(s); };
  std::thread daemon([&options] { (void)RunDaemon(options); });
  ASSERT_TRUE(started.get_future().get().ok());

  Json status = DaemonStatusOf(options.config);
  ASSERT_TRUE(status["httpPort"].is_number_integer()) << status.dump();
  const int port = status["httpPort"];
  EXPECT_GT(port, 0);
  EXPECT_EQ(status["http"]["listening"], true);
  EXPECT_EQ(status["http"]["port"], port);

  auto [health_status, health] = Request(port, http::verb::get, "/v1/health");
  EXPECT_EQ(health_status, 200);
  EXPECT_EQ(health["ok"], true);
  EXPECT_EQ(health["data"]["pid"], static_cast<int>(::getpid()));
  EXPECT_EQ(health["data"]["httpPort"], port);
  EXPECT_EQ(health["data"]["xmtpEnv"], "dev");

  auto key = signet::AdminKey::Load(options.config.DataDir());
  ASSERT_TRUE(key.ok());
  auto [created_status, created] =
      Request(port, http::verb::post, "/v1/admin/operator.create", R"({"label":"via-http"})",
              *transport::MintAdminJwt(*key));
  EXPECT_EQ(created_status, 200) << created.dump();
  // The same runtime the admin socket serves.
  EXPECT_EQ(DaemonStatusOf(options.config)["counts"]["operators"], 1);
  EXPECT_EQ(Request(port, http::verb::post, "/v1/admin/operator.list").first, 401);

  ASSERT_TRUE(StopDaemon(options.config, std::chrono::seconds(10)).ok());
  daemon.join();
  EXPECT_EQ(Request(port, http::verb::get, "/v1/health").first, 0);
}

TEST(DaemonHttpTest, DisabledNothingListens) {
  signet::testing::TempDir dir;
  DaemonOptions options = DaemonWithHttp(dir, false);
  std::promise<Status> started;
  options.on_started = [&started](const Status& s) { started.set_value(s); };
  std::thread daemon([&options] { (void)RunDaemon(options); });
  ASSERT_TRUE(started.get_future().get().ok());
  Json status = DaemonStatusOf(options.config);
  EXPECT_TRUE(status["httpPort"].is_null()) << status.dump();
  EXPECT_EQ(status["http"]["enabled"], false);
  EXPECT_EQ(status["http"]["listening"], false);
  ASSERT_TRUE(StopDaemon(options.config, std::chrono::seconds(10)).ok());
  daemon.join();
}

}  // namespace
}  // namespace xs::daemon
