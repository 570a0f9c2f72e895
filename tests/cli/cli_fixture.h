// The fixture of the `xs` integration tests (cli_test.cpp and the tests of
// each command family beside it): every test runs the real executable in its
// own temp home (HOME and XDG dirs), most against a real daemon started with
// `xs init --env local` + `xs daemon start --daemon` (local env: the daemon
// embeds the local XMTP node, nothing leaves the machine), and ends with the
// secret scan (CliTest::TearDown). A test binary defines XS_BINARY (the
// built `xs`; $XS_BIN overrides it at run time).
//
// Thread contract: one test thread, as gtest runs them.
#pragma once

#include <poll.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/data_dir_secrets.h"
#include "support/secret_scan.h"
#include "xs_process.h"

namespace xs::cli::testing {

using Json = nlohmann::json;
namespace fs = std::filesystem;

inline std::string Binary() {
  if (const char* env = std::getenv("XS_BIN")) return env;
  return XS_BINARY;
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Exit codes by category (cli.md).
inline constexpr int kValidation = 1, kNotFound = 2, kPermission = 4, kNetwork = 6, kAuth = 9;

// Every test ends with the secret scan (TearDown, not opt-in): all outputs
// of every `xs` run (init and daemon start/stop included; env_'s and the
// second signet's, other_, when a test started one), the state,
// runtime, config and data dirs (logs, the audit log, the database) are
// searched for every secret the test can know: the vault's keys and seeds,
// every private key sealed in the store (wallets, installation and
// operational keys), passphrases and key files the test wrote, and each
// credential token, which must appear exactly once, in the output of the
// `cred issue` that created it.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { env_ = std::make_unique<XsEnv>(Binary()); }

  void TearDown() override {
    for (XsEnv* env : Envs()) {
      if (env->daemon_started()) {
        RunResult stop = env->StopDaemon();
        EXPECT_EQ(stop.code, 0) << stop.Describe();
      }
    }
    ScanForSecrets();
    if (HasFailure()) {
      for (XsEnv* env : Envs()) env->keep();
    }
    other_.reset();
    env_.reset();
  }

  // env_, then the second signet when the test started one.
  std::vector<XsEnv*> Envs() const {
    std::vector<XsEnv*> envs = {env_.get()};
    if (other_) envs.push_back(other_.get());
    return envs;
  }

  void ScanForSecrets() {
    xs::testing::SecretScan scan;
    // env_'s runs first: a token's index is its issuing run in env_->runs().
    for (const XsEnv* env : Envs()) {
      for (const auto& run : env->runs()) {
        scan.AddOutput(run.command, run.result.out + "\n" + run.result.err);
      }
    }
    for (const auto& [what, secret] : secrets_) scan.AddSecret(what, secret);
    for (const auto& [token, index] : tokens_) scan.AddToken("token", token, index);
    bool initialized = false;
    for (const fs::path& dir : DataDirs()) {
      bool has_vault = false;
      Status collected = xs::testing::AddDataDir(dir, passphrase_, scan, &has_vault);
      EXPECT_TRUE(collected.ok()) << dir << ": " << collected.error().ToString();
      initialized |= has_vault;
    }
    if (other_) {  // its vault is not sealed by passphrase_
      bool has_vault = false;
      Status collected =
          xs::testing::AddDataDir(other_->data_dir(), std::nullopt, scan, &has_vault);
      EXPECT_TRUE(collected.ok()) << other_->data_dir() << ": " << collected.error().ToString();
      EXPECT_TRUE(has_vault) << other_->data_dir();
    }
    for (const XsEnv* env : Envs()) {
      for (const fs::path& dir : {env->state_dir(), env->runtime_dir(), env->root() / "config"}) {
        scan.AddFilesUnder(dir);
      }
    }
    if (initialized) {
      EXPECT_TRUE(scan.HasFileNamed("audit.jsonl")) << "no audit log scanned";
    }
    if (DaemonRan()) {
      EXPECT_TRUE(scan.HasFileNamed("signet.log")) << "no daemon log scanned";
    }
    for (const auto& finding : scan.Findings()) ADD_FAILURE() << "secret leak: " << finding;
  }

  std::vector<fs::path> DataDirs() const {
    std::vector<fs::path> dirs = extra_data_dirs_;
    dirs.push_back(env_->data_dir());
    return dirs;
  }

  bool DaemonRan() const {
    for (const auto& run : env_->runs()) {
      const bool help = Contains(run.result.out, "Usage:");
      if (run.command.rfind("xs daemon start", 0) == 0 && run.result.code == 0 && !help) {
        return true;
      }
    }
    return false;
  }

  // init + daemon start; checks the daemon it reports is the one serving.
  void Start(const std::vector<std::string>& init_args = {},
             const std::map<std::string, std::string>& extra = {}) {
    RunResult r = env_->InitAndStart(init_args, extra);
    ASSERT_EQ(r.code, 0) << r.Describe();
    const int pid = r.Json().value("pid", 0);
    ASSERT_GT(pid, 0) << r.out;
    ASSERT_EQ(::kill(pid, 0), 0) << "daemon pid " << pid << " is not alive";
    Json status = Ok({"status"});
    ASSERT_EQ(status.value("pid", 0), pid) << status.dump();
  }

  RunResult Xs(const std::vector<std::string>& args,
               const std::map<std::string, std::string>& extra = {}) {
    RunResult r = env_->Run(args, extra);
    last_index_ = r.index;
    return r;
  }

  // Runs with --json on `env`, expects exit 0 and one JSON document.
  static Json OkOn(XsEnv& env, std::vector<std::string> args) {
    args.emplace_back("--json");
    RunResult r = env.Run(args);
    EXPECT_EQ(r.code, 0) << r.Describe();
    Json j = r.Json();
    EXPECT_FALSE(j.is_discarded()) << "not one JSON document: " << r.out;
    return j;
  }
  // OkOn env_.
  Json Ok(std::vector<std::string> args) {
    Json j = OkOn(*env_, std::move(args));
    last_index_ = env_->runs().size() - 1;
    return j;
  }

  // Expects `code` with an error on stderr and nothing on stdout.
  RunResult Fails(std::vector<std::string> args, int code) {
    RunResult r = Xs(args);
    EXPECT_EQ(r.code, code) << r.Describe();
    EXPECT_TRUE(r.out.empty()) << r.Describe();
    EXPECT_TRUE(Contains(r.err, "error: ")) << r.Describe();
    args.emplace_back("--json");
    RunResult j = Xs(args);
    EXPECT_EQ(j.code, code) << j.Describe();
    Json e = j.ErrJson();
    EXPECT_FALSE(e.is_discarded()) << j.err;
    if (!e.is_discarded()) {
      EXPECT_FALSE(e.value("ok", true));
    }
    return r;
  }

  // A real chat (chat.create on the daemon's network); returns its conv_ id.
  std::string NewChat(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"chat", "create", "--name",
                                     "chat" + std::to_string(++chats_created_)};
    args.insert(args.end(), extra.begin(), extra.end());
    Json chat = Ok(args);
    return chat.value("id", "");
  }

  std::string CreateOperator(const std::string& label) {
    Json op = Ok({"operator", "create", "--label", label});
    return op.value("id", "");
  }

  // Issues a credential; its token is scanned for (issued by the last run).
  Json Issue(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"cred", "issue"};
    args.insert(args.end(), extra.begin(), extra.end());
    Json j = Ok(args);
    IssuedToken(j.value("token", ""), last_index_);
    return j;
  }
  void IssuedToken(const std::string& token, std::size_t index) {
    EXPECT_FALSE(token.empty()) << "no token in the issuing output";
    tokens_.emplace_back(token, index);
  }
  void Secret(const std::string& what, const std::string& secret) {
    secrets_.emplace_back(what, secret);
  }

  // A second signet (other_, in the secret scan too) on the node env_'s
  // daemon serves.
  void StartOther(const std::vector<std::string>& init_args = {}) {
    other_ = std::make_unique<XsEnv>(Binary());
    std::string url = Ok({"status"})["network"].value("url", "");
    ASSERT_EQ(url.rfind("http://", 0), 0u) << url;
    other_->set_var("XMTP_SIGNET_LOCAL_NODE", url.substr(7));
    RunResult r = other_->InitAndStart(init_args);
    ASSERT_EQ(r.code, 0) << r.Describe();
  }

  std::unique_ptr<XsEnv> env_;
  std::unique_ptr<XsEnv> other_;                              // StartOther's signet, when started
  std::vector<std::pair<std::string, std::string>> secrets_;  // what, secret
  std::vector<std::pair<std::string, std::size_t>> tokens_;   // token, issuing run
  std::vector<fs::path> extra_data_dirs_;                     // besides env_->data_dir()
  std::optional<std::string> passphrase_;                     // seals the vault
  std::size_t last_index_ = 0;
  int chats_created_ = 0;
};

// Polls `ready` (the actual state, never a fixed delay) until it holds or
// `timeout` passes; true when it held.
template <typename Ready>
bool WaitUntil(Ready ready, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// A loopback TCP listener: the address a network client would reach.
class Listener {
 public:
  Listener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::listen(fd_, 8) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~Listener() { ::close(fd_); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  int port() const { return port_; }
  // True when a connection is waiting to be accepted.
  bool Contacted() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

 private:
  int fd_;
  int port_ = 0;
};

}  // namespace xs::cli::testing
