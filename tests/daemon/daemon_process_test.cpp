// Integration tests of the daemon as a separate process (xs-daemon-tool, a
// thin driver of the daemon library): background start / status / stop, and
// the crash test: kill -9 during bursts of admin writes, restart,
// and every acknowledged write must be there. Every test ends with the secret
// scan (TearDown): what the tool and the daemons printed, every file under the
// test's home (logs, audit log, database), searched for the data dir's
// secrets (read through the vault and store) and the issued tokens.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "base/testing/seed.h"
#include "signet/config/config.h"
#include "signet/testing/temp_dir.h"
#include "support/data_dir_secrets.h"
#include "support/secret_scan.h"
#include "transport/admin/admin_client.h"

namespace xs::transport {
namespace {

using signet::testing::TempDir;
using Json = nlohmann::json;

// True once `pid` is gone or only a zombie waiting for its new parent (in
// containers PID 1 may reap late).
bool ExitedOrZombie(int pid) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!stat || !std::getline(stat, text)) return true;
    auto close = text.rfind(')');
    if (close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z')
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

struct ToolResult {
  int exit_code = -1;
  std::string out;  // stdout; stderr goes to a file under captured/
};

class DaemonProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {{"HOME", dir_.path()},
            {"XDG_CONFIG_HOME", dir_.path() + "/config"},
            {"XDG_DATA_HOME", dir_.path() + "/data"},
            {"XDG_STATE_HOME", dir_.path() + "/state"},
            {"XDG_RUNTIME_DIR", dir_.path() + "/run"},
            {"XMTP_SIGNET_ENV", "dev"},
            {"XMTP_SIGNET_WS_PORT", "0"},  // a free port: tests run side by side
            {"PATH", "/usr/bin:/bin"}};
    auto config = signet::LoadConfig({.config_path = std::nullopt, .env = env_});
    ASSERT_TRUE(config.ok());
    config_ = std::move(config).value();
    std::filesystem::create_directories(CapturedDir());
  }
  void TearDown() override {
    for (pid_t pid : spawned_) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    // A background daemon is not our child: stop it through its lock's pid.
    RunTool({"stop", "--timeout", "5000"});
    ScanForSecrets();
  }

  // Tool stdout as outputs; stderr and foreground daemon output are files
  // under captured/, scanned with the rest of the home.
  void ScanForSecrets() {
    xs::testing::SecretScan scan;
    for (const auto& [where, text] : outputs_) scan.AddOutput(where, text);
    for (const auto& [response, token] : issued_) {
      scan.AddToken("token", token, scan.AddOutput("admin call credential.issue", response));
    }
    bool initialized = false;
    Status collected = xs::testing::AddDataDir(config_.DataDir(), std::nullopt, scan, &initialized);
    EXPECT_TRUE(collected.ok()) << collected.error().ToString();
    scan.AddFilesUnder(dir_.path(), xs::testing::SecretHolderFiles());
    if (initialized) {
      EXPECT_TRUE(scan.HasFileNamed("audit.jsonl")) << "no audit log scanned";
    }
    if (daemon_ran_) {
      EXPECT_TRUE(scan.HasFileNamed("signet.log")) << "no daemon log scanned";
    }
    for (const auto& finding : scan.Findings()) ADD_FAILURE() << "secret leak: " << finding;
  }

  std::string CapturedDir() const { return dir_.path() + "/captured"; }
  // A fresh file under captured/ for one process's stderr (or all output).
  int CaptureFile(const std::string& name) {
    const std::string path = CapturedDir() + "/" + std::to_string(++captures_) + "-" + name;
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  }

  std::vector<std::string> EnvStrings() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : env_) out.push_back(std::string(k).append("=").append(v));
    return out;
  }

  // fork + execve of the tool; stdout into `out_fd`, stderr into `err_fd`.
  pid_t Spawn(const std::vector<std::string>& args, int out_fd, int err_fd) {
    std::vector<std::string> argv_strings = {XS_DAEMON_TOOL};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<std::string> env_strings = EnvStrings();
    std::vector<char*> argv, envp;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
      int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
      ::dup2(out_fd, STDOUT_FILENO);
      ::dup2(err_fd, STDERR_FILENO);
      ::dup2(null_fd, STDIN_FILENO);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    return pid;
  }

  ToolResult RunTool(const std::vector<std::string>& args) {
    int fds[2];
    // CLOEXEC: only the tool's stdout (a dup2 copy) may hold the write end;
    // a background daemon must not keep it open.
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    const int err_fd = CaptureFile(args.front() + ".err");
    pid_t pid = Spawn(args, fds[1], err_fd);
    ::close(fds[1]);
    ::close(err_fd);
    ToolResult result;
    char buf[4096];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      pollfd p{fds[0], POLLIN, 0};
      if (::poll(&p, 1, 1000) <= 0) {
        if (std::chrono::steady_clock::now() > deadline) break;
        continue;
      }
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      result.out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::string command = "xs-daemon-tool";
    for (const auto& a : args) command += " " + a;
    outputs_.emplace_back(command, result.out);
    daemon_ran_ |= args.front() == "start" && result.exit_code == 0;
    return result;
  }

  // A foreground daemon as our child, so the test can SIGKILL it.
  pid_t StartForeground() {
    const int fd = CaptureFile("run.out");
    pid_t pid = Spawn({"run", "--fake-network"}, fd, fd);
    ::close(fd);
    spawned_.insert(pid);
    daemon_ran_ = true;
    return pid;
  }
  void Reap(pid_t pid) {
    ::waitpid(pid, nullptr, 0);
    spawned_.erase(pid);
  }

  Result<AdminClient> WaitForDaemon() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      auto client = AdminClient::Connect(config_.SocketPath(), config_.DataDir());
      if (client.ok() || std::chrono::steady_clock::now() > deadline) return client;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  TempDir dir_;
  signet::EnvMap env_;
  signet::Config config_;
  std::set<pid_t> spawned_;
  std::vector<std::pair<std::string, std::string>> outputs_;  // command, stdout
  std::mutex issued_mu_;
  std::vector<std::pair<std::string, std::string>> issued_;  // response, token
  int captures_ = 0;
  bool daemon_ran_ = false;
};

TEST_F(DaemonProcessTest, BackgroundStartStatusStop) {
  ToolResult init = RunTool({"init"});
  ASSERT_EQ(init.exit_code, 0) << init.out;

  ToolResult status = RunTool({"status"});
  EXPECT_EQ(status.exit_code, 6);  // network: not running

  ToolResult start = RunTool({"start", "--fake-network"});
  ASSERT_EQ(start.exit_code, 0);
  int pid = Json::parse(start.out)["pid"];
  EXPECT_GT(pid, 0);
  EXPECT_EQ(::kill(pid, 0), 0);

  status = RunTool({"status"});
  ASSERT_EQ(status.exit_code, 0);
  EXPECT_EQ(Json::parse(status.out)["pid"], pid);

  ToolResult second = RunTool({"start", "--fake-network"});
  EXPECT_EQ(second.exit_code, 1);  // validation: already running

  ToolResult stop = RunTool({"stop"});
  ASSERT_EQ(stop.exit_code, 0);
  EXPECT_TRUE(ExitedOrZombie(pid));  // (not our child: double fork; init reaps it)
  EXPECT_FALSE(std::filesystem::exists(config_.SocketPath()));
  EXPECT_FALSE(std::filesystem::exists(config_.PidFilePath()));
  EXPECT_EQ(RunTool({"stop"}).exit_code, 6);
}

TEST_F(DaemonProcessTest, StartOnUninitializedDataDirFailsInTheParent) {
  ToolResult start = RunTool({"start", "--fake-network"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(config_.SocketPath()));
}

// kill -9 at any moment leaves the store consistent and keeps
// every acknowledged write.
TEST_F(DaemonProcessTest, AcknowledgedWritesSurviveSigkill) {
  ASSERT_EQ(RunTool({"init"}).exit_code, 0);
  constexpr int kRounds = 4;
  constexpr int kWriters = 4;
  const std::uint32_t seed = ::xs::testing::TestSeed();
  XS_TRACE_SEED(seed);
  std::mt19937 rng(seed);

  std::mutex mu;
  std::set<std::string> acknowledged_operators;
  std::map<std::string, std::string> acknowledged_credentials;  // id -> operator id
  std::size_t attempted_operators = 0;

  for (int round = 0; round <= kRounds; ++round) {
    pid_t pid = StartForeground();
    auto probe = WaitForDaemon();
    ASSERT_TRUE(probe.ok()) << "round " << round << ": " << probe.error().ToString();

    // Everything acknowledged before any earlier kill is there.
    auto operators = probe->Call("operator.list");
    ASSERT_TRUE(operators.ok()) << operators.error().ToString();
    std::set<std::string> present;
    for (const Json& op : *operators) present.insert(op["id"].get<std::string>());
    {
      std::lock_guard lock(mu);
      for (const std::string& id : acknowledged_operators) {
        EXPECT_TRUE(present.count(id)) << "round " << round << ": lost operator " << id;
      }
      // Nothing appears that was never attempted.
      EXPECT_LE(present.size(), attempted_operators);
      for (const auto& [cred_id, op_id] : acknowledged_credentials) {
        auto cred = probe->Call("credential.lookup", {{"credentialId", cred_id}});
        ASSERT_TRUE(cred.ok()) << "round " << round << ": lost credential " << cred_id;
        EXPECT_EQ((*cred)["operatorId"], op_id);
        EXPECT_EQ((*cred)["status"], "active");
      }
    }
    if (round == kRounds) {
      ::kill(pid, SIGTERM);
      Reap(pid);
      break;
    }

    // A burst of writes from several clients, then SIGKILL mid-burst.
    std::atomic<bool> stop{false};
    std::atomic<int> acks_this_round{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        auto client = AdminClient::Connect(config_.SocketPath(), config_.DataDir());
        if (!client.ok()) return;
        for (int i = 0; !stop; ++i) {
          std::string label =
              "r" + std::to_string(round) + "-w" + std::to_string(w) + "-" + std::to_string(i);
          {
            std::lock_guard lock(mu);
            ++attempted_operators;
          }
          auto op = client->Call("operator.create", {{"label", label}});
          if (!op.ok()) return;  // the daemon died
          std::string op_id = (*op)["id"];
          {
            std::lock_guard lock(mu);
            acknowledged_operators.insert(op_id);
          }
          ++acks_this_round;
          char chat[32];
          std::snprintf(chat, sizeof chat, "conv_%016llx",
                        static_cast<unsigned long long>(round) * 1000000 +
                            static_cast<unsigned long long>(w) * 10000 +
                            static_cast<unsigned long long>(i));
          auto cred = client->Call(
              "credential.issue",
              {{"operatorId", op_id}, {"chatIds", {chat}}, {"allow", {"send", "read-messages"}}});
          if (!cred.ok()) return;
          {
            std::lock_guard issued_lock(issued_mu_);
            issued_.emplace_back(cred->dump(), cred->value("token", ""));
          }
          std::lock_guard lock(mu);
          acknowledged_credentials[(*cred)["credential"]["id"]] = op_id;
        }
      });
    }
    // Kill after a random number of acknowledged writes, so the kill lands
    // mid-transaction as often as between transactions.
    int target = 20 + static_cast<int>(rng() % 80);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (acks_this_round < target && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200 + rng() % 3000));
    }
    ::kill(pid, SIGKILL);
    Reap(pid);
    stop = true;
    for (auto& t : writers) t.join();
    EXPECT_GE(acks_this_round.load(), target) << "round " << round;
  }
  std::lock_guard lock(mu);
  EXPECT_GE(acknowledged_operators.size(), std::size_t{kRounds * 20});
  EXPECT_GE(acknowledged_credentials.size(), std::size_t{kRounds * 10});
}

}  // namespace
}  // namespace xs::transport
