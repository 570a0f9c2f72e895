// The daemon in this process (RunDaemon on a thread) over a temporary data
// dir with every XDG directory pointed into it. Every test ends with the
// secret scan (ScannedTest::TearDown): what it recorded (status documents,
// error messages) and every file under its temp home (logs, audit log,
// database) searched for the data dir's secrets and the passphrases it used.
#include "daemon/daemon.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "base/testing/fake_clock.h"
#include "daemon/daemon_log.h"
#include "daemon/instance_lock.h"
#include "daemon/local_node.h"
#include "signet/core/runtime.h"
#include "signet/testing/fake_network.h"
#include "signet/testing/temp_dir.h"
#include "support/data_dir_secrets.h"
#include "support/secret_scan.h"
#include "transport/admin/admin_client.h"

namespace xs::daemon {
namespace {

using signet::testing::FileMode;
using signet::testing::ReadAll;
using signet::testing::TempDir;

int FreeTcpPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

signet::Config TestConfig(const TempDir& dir, const std::string& env = "dev") {
  signet::EnvMap vars = {{"HOME", dir.path()},
                         {"XDG_CONFIG_HOME", dir.path() + "/config"},
                         {"XDG_DATA_HOME", dir.path() + "/data"},
                         {"XDG_STATE_HOME", dir.path() + "/state"},
                         {"XDG_RUNTIME_DIR", dir.path() + "/run"},
                         {"XMTP_SIGNET_ENV", env},
                         {"XMTP_SIGNET_WS_PORT", "0"}};  // a free port: tests run side by side
  auto config = signet::LoadConfig({.config_path = std::nullopt, .env = vars});
  EXPECT_TRUE(config.ok()) << config.error().ToString();
  return std::move(config).value();
}

void InitDataDir(const signet::Config& config) {
  auto rt = signet::Runtime::Init(config.ToRuntimeOptions());
  ASSERT_TRUE(rt.ok()) << rt.error().ToString();
}

// Options of a daemon on `config`'s freshly initialized data dir with the
// in-memory network.
DaemonOptions InitializedDaemon(const signet::Config& config) {
  InitDataDir(config);
  DaemonOptions options;
  options.config = config;
  options.network = std::make_shared<signet::FakeXmtpNetwork>();
  return options;
}

class ScannedTest : public ::testing::Test {
 protected:
  void TearDown() override {
    xs::testing::SecretScan scan;
    for (const auto& [where, text] : outputs_) scan.AddOutput(where, text);
    for (const auto& p : passphrases_) scan.AddSecret("passphrase", std::string_view(p));
    scan.AddFilesUnder(dir_.path(), xs::testing::SecretHolderFiles());
    bool initialized = false;
    Status collected =
        xs::testing::AddDataDir(TestConfig(dir_).DataDir(), vault_passphrase_, scan, &initialized);
    EXPECT_TRUE(collected.ok()) << collected.error().ToString();
    if (initialized) {
      EXPECT_TRUE(scan.HasFileNamed("audit.jsonl")) << "no audit log scanned";
    }
    for (const auto& finding : scan.Findings()) ADD_FAILURE() << "secret leak: " << finding;
  }

  void Record(std::string where, std::string text) {
    outputs_.emplace_back(std::move(where), std::move(text));
  }

  TempDir dir_;
  std::optional<std::string> vault_passphrase_;               // seals the vault, if any
  std::vector<std::string> passphrases_;                      // every passphrase the test used
  std::vector<std::pair<std::string, std::string>> outputs_;  // where, text
};
using InstanceLockTest = ScannedTest;
using DaemonLogTest = ScannedTest;
using HostPortTest = ScannedTest;
using DaemonTest = ScannedTest;

// RunDaemon on a thread; Start() waits until it serves (or failed).
class DaemonThread {
 public:
  explicit DaemonThread(DaemonOptions options) : options_(std::move(options)) {}
  ~DaemonThread() { (void)Join(); }
  Status Start() {
    std::promise<Status> started;
    auto future = started.get_future();
    options_.foreground = false;
    options_.on_started = [&started](const Status& s) { started.set_value(s); };
    thread_ = std::thread([this] { result_ = RunDaemon(options_); });
    Status s = future.get();
    if (!s.ok()) (void)Join();
    return s;
  }
  Status Join() {
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  DaemonOptions options_;
  std::thread thread_;
  Status result_;
};

TEST_F(InstanceLockTest, OneHolderAtATime) {
  std::string path = dir_.path() + "/signet.lock";
  EXPECT_FALSE(InstanceLock::Holder(path).has_value());
  auto lock = InstanceLock::Acquire(path);
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(FileMode(path), 0600u);
  EXPECT_EQ(InstanceLock::Holder(path), static_cast<int>(::getpid()));
  auto second = InstanceLock::Acquire(path);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.error().IsValidation());
  EXPECT_NE(
      second.error().message().find("already running (pid " + std::to_string(::getpid()) + ")"),
      std::string::npos);
  lock->Release();
  EXPECT_FALSE(InstanceLock::Holder(path).has_value());
  EXPECT_TRUE(InstanceLock::Acquire(path).ok());
}

TEST_F(DaemonLogTest, JsonLinesFilteredByLevel) {
  std::string path = dir_.path() + "/signet.log";
  auto log = DaemonLog::Open(path, LogLevel::kInfo, false);
  ASSERT_TRUE(log.ok());
  (*log)->Debug("hidden");
  (*log)->Info("shown", {{"n", 1}});
  (*log)->Error("bad", {{"message", "line\nbreak"}});
  log->reset();
  EXPECT_EQ(FileMode(path), 0600u);
  std::string text = ReadAll(path);
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  std::istringstream lines(text);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j["ts"].is_string());
    EXPECT_TRUE(j["level"] == "info" || j["level"] == "error");
    ++count;
  }
  EXPECT_EQ(count, 2);
  EXPECT_TRUE(ParseLogLevel("trace").error().IsValidation());
}

TEST_F(HostPortTest, Parses) {
  auto a = ParseHostPort("127.0.0.1:5556");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 5556);
  auto b = ParseHostPort("[::1]:80");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_FALSE(ParseHostPort("localhost").ok());
  EXPECT_FALSE(ParseHostPort("localhost:0").ok());
  EXPECT_FALSE(ParseHostPort("localhost:99999").ok());
  EXPECT_FALSE(ParseHostPort("[::1]80").ok());
}

TEST_F(DaemonTest, LifecycleStatusAndStop) {
  signet::Config config = TestConfig(dir_);
  DaemonOptions options = InitializedDaemon(config);
  DaemonThread daemon(options);
  ASSERT_TRUE(daemon.Start().ok());

  EXPECT_EQ(FileMode(config.RuntimeDir()), 0700u);
  EXPECT_EQ(FileMode(config.SocketPath()), 0600u);
  EXPECT_EQ(FileMode(config.PidFilePath()), 0600u);
  EXPECT_EQ(ReadAll(config.PidFilePath()), std::to_string(::getpid()) + "\n");
  EXPECT_EQ(RunningDaemonPid(config), static_cast<int>(::getpid()));

  auto client = transport::AdminClient::Connect(config.SocketPath(), config.DataDir());
  ASSERT_TRUE(client.ok()) << client.error().ToString();
  auto issued = client->Call("operator.create", {{"label", "alice"}});
  ASSERT_TRUE(issued.ok());

  auto status = DaemonStatus(config);
  ASSERT_TRUE(status.ok()) << status.error().ToString();
  Record("daemon status", status->dump());
  EXPECT_EQ((*status)["pid"], static_cast<int>(::getpid()));
  EXPECT_EQ((*status)["xmtpEnv"], "dev");
  EXPECT_EQ((*status)["onboardingScheme"], "convos");
  EXPECT_EQ((*status)["identityMode"], "per-group");
  EXPECT_EQ((*status)["dataDir"], config.DataDir());
  EXPECT_EQ((*status)["socketPath"], config.SocketPath());
  EXPECT_EQ((*status)["counts"]["operators"], 1);
  EXPECT_EQ((*status)["counts"]["credentials"]["total"], 0);
  EXPECT_GE((*status)["connections"]["admin"], 1);
  EXPECT_TRUE((*status)["uptimeSeconds"].is_number_integer());
  EXPECT_TRUE((*status)["version"].is_string());

  // A second daemon on the same data dir is refused with the first one's pid.
  DaemonThread second(options);
  Status refused = second.Start();
  ASSERT_FALSE(refused.ok());
  Record("second daemon", refused.error().ToString());
  EXPECT_TRUE(refused.error().IsValidation());
  EXPECT_NE(refused.error().message().find("already running (pid " + std::to_string(::getpid())),
            std::string::npos)
      << refused.error().message();

  ASSERT_TRUE(StopDaemon(config, std::chrono::seconds(5)).ok());
  EXPECT_TRUE(daemon.Join().ok());
  EXPECT_FALSE(std::filesystem::exists(config.SocketPath()));
  EXPECT_FALSE(std::filesystem::exists(config.PidFilePath()));
  EXPECT_FALSE(RunningDaemonPid(config).has_value());

  auto after = DaemonStatus(config);
  ASSERT_FALSE(after.ok());
  EXPECT_TRUE(after.error().IsNetwork());
  EXPECT_NE(after.error().message().find("xs daemon start"), std::string::npos);
  Status stop_again = StopDaemon(config, std::chrono::seconds(1));
  ASSERT_FALSE(stop_again.ok());
  EXPECT_TRUE(stop_again.error().IsNetwork());

  std::string log = ReadAll(config.LogFilePath());
  EXPECT_NE(log.find("\"daemon.started\""), std::string::npos);
  EXPECT_NE(log.find("\"daemon.stopped\""), std::string::npos);
  EXPECT_EQ(FileMode(config.LogFilePath()), 0600u);
  std::string audit = ReadAll(config.AuditLogPath());
  EXPECT_NE(audit.find("daemon.started"), std::string::npos);
  EXPECT_NE(audit.find("daemon.stopped"), std::string::npos);
}

// The daemon's time is the injected clock: its status and its log read it.
// (It starts at the real time because the in-process admin client mints its
// token on the system clock and the server checks it on the injected one.)
TEST_F(DaemonTest, KeepsTimeWithTheInjectedClock) {
  signet::Config config = TestConfig(dir_);
  const std::int64_t start = SystemClock::Get()->NowMs() / 1000 * 1000 + 123;
  FakeClock clock(start);
  DaemonOptions options = InitializedDaemon(config);
  options.clock = &clock;
  DaemonThread daemon(options);
  ASSERT_TRUE(daemon.Start().ok());
  clock.Advance(90'000);

  auto status = DaemonStatus(config);
  ASSERT_TRUE(status.ok()) << status.error().ToString();
  Record("daemon status", status->dump());
  EXPECT_EQ((*status)["startedAt"], IsoTime(start));
  EXPECT_EQ((*status)["uptimeSeconds"], 90);
  ASSERT_TRUE(StopDaemon(config, std::chrono::seconds(5)).ok());
  EXPECT_TRUE(daemon.Join().ok());
  EXPECT_NE(ReadAll(config.LogFilePath()).find("\"ts\":\"" + IsoTime(start)), std::string::npos);
}

TEST_F(DaemonTest, SigtermStopsCleanly) {
  signet::Config config = TestConfig(dir_);
  DaemonOptions options = InitializedDaemon(config);
  DaemonThread daemon(options);
  ASSERT_TRUE(daemon.Start().ok());
  ::kill(::getpid(), SIGTERM);
  EXPECT_TRUE(daemon.Join().ok());
  EXPECT_FALSE(std::filesystem::exists(config.SocketPath()));
  EXPECT_NE(ReadAll(config.LogFilePath()).find("SIGTERM"), std::string::npos);
}

TEST_F(DaemonTest, StartupErrorsNameTheProblem) {
  signet::Config config = TestConfig(dir_);
  DaemonOptions options;
  options.config = config;
  options.foreground = false;
  options.network = std::make_shared<signet::FakeXmtpNetwork>();
  Status not_initialized = RunDaemon(options);
  ASSERT_FALSE(not_initialized.ok());
  EXPECT_TRUE(not_initialized.error().IsValidation());
  EXPECT_NE(not_initialized.error().message().find("xs init"), std::string::npos);

  options.config.ws.port = 70000;
  Status invalid = RunDaemon(options);
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(invalid.error().message().find("ws.port"), std::string::npos);
}

TEST_F(DaemonTest, WrongPassphraseIsAnAuthError) {
  signet::Config config = TestConfig(dir_);
  ASSERT_TRUE(config.ApplyPreset("hardened").ok());
  auto runtime_options = config.ToRuntimeOptions();
  passphrases_ = {"correct horse", "Tr0ub4dor&3"};
  vault_passphrase_ = "correct horse";
  runtime_options.passphrase = "correct horse";
  ASSERT_TRUE(signet::Runtime::Init(runtime_options).ok());
  DaemonOptions options;
  options.config = config;
  options.network = std::make_shared<signet::FakeXmtpNetwork>();
  options.passphrase = "Tr0ub4dor&3";
  options.foreground = false;
  Status s = RunDaemon(options);
  ASSERT_FALSE(s.ok());
  Record("daemon with a wrong passphrase", s.error().ToString());
  EXPECT_TRUE(s.error().IsAuth()) << s.error().ToString();
  EXPECT_FALSE(RunningDaemonPid(config).has_value());
  // The passphrase never reaches the log.
  EXPECT_EQ(ReadAll(config.LogFilePath()).find("correct horse"), std::string::npos);
  EXPECT_EQ(ReadAll(config.LogFilePath()).find("Tr0ub4dor&3"), std::string::npos);

  options.passphrase = "correct horse";
  DaemonThread daemon(options);
  ASSERT_TRUE(daemon.Start().ok());
  ASSERT_TRUE(StopDaemon(config, std::chrono::seconds(5)).ok());
}

TEST_F(DaemonTest, LocalEnvEmbedsTheNodeAndRegistersInboxesOnIt) {
  signet::Config config = TestConfig(dir_, "local");
  InitDataDir(config);
  DaemonOptions options;
  options.config = config;
  options.local_node_address = "127.0.0.1:" + std::to_string(FreeTcpPort());
  DaemonThread daemon(options);
  ASSERT_TRUE(daemon.Start().ok());

  auto status = DaemonStatus(config);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)["network"]["embeddedNode"], true);
  EXPECT_EQ((*status)["networkState"], "embedded");
  EXPECT_EQ((*status)["network"]["url"], "http://" + options.local_node_address);
  EXPECT_TRUE(std::filesystem::exists(config.NodeDataDir()));

  auto client = transport::AdminClient::Connect(config.SocketPath(), config.DataDir());
  ASSERT_TRUE(client.ok());
  auto inbox = client->Call("inbox.create", {{"label", "bot"}});
  ASSERT_TRUE(inbox.ok()) << inbox.error().ToString();
  auto info = client->Call("inbox.info", {{"inboxId", "bot"}, {"network", true}});
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ((*info)["networkStatus"]["registered"], true) << info->dump();

  ASSERT_TRUE(StopDaemon(config, std::chrono::seconds(10)).ok());
  EXPECT_TRUE(daemon.Join().ok());
  std::string log = ReadAll(config.LogFilePath());
  EXPECT_NE(log.find("node.embedded"), std::string::npos);
}

}  // namespace
}  // namespace xs::daemon
