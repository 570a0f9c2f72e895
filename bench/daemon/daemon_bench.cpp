// Admin-plane benchmarks against a real daemon (RunDaemon on a thread of this
// process, real Unix socket, real SQLite store in a temporary data dir):
//   * credential.issue per second over the admin socket (target 2,000/s),
//     one client and several concurrent clients;
//   * daemon.status round trip on an open connection, and connect + JWT +
//     auth + daemon.status (what `xs status` does besides exec).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "daemon/daemon.h"
#include "signet/config/config.h"
#include "signet/core/runtime.h"
#include "signet/testing/fake_network.h"
#include "signet/testing/temp_dir.h"
#include "transport/admin/admin_client.h"

namespace xs::daemon {
namespace {

constexpr int kOperators = 256;

// A daemon per benchmark configuration (a fresh store, so one benchmark's
// credentials do not slow the next), created by the first thread that asks.
class BenchDaemon {
 public:
  static BenchDaemon& Get(const std::string& key) {
    static std::mutex mu;
    static auto* daemons = new std::map<std::string, BenchDaemon*>();  // live until exit
    std::lock_guard lock(mu);
    auto& slot = (*daemons)[key];
    if (slot == nullptr) slot = new BenchDaemon();
    return *slot;
  }
  const signet::Config& config() const { return config_; }
  const std::string& operator_id(int i) const { return operators_[i % operators_.size()]; }
  std::atomic<long>& chat_counter() { return chat_counter_; }

  transport::AdminClient Client() {
    auto client = transport::AdminClient::Connect(config_.SocketPath(), config_.DataDir());
    if (!client.ok()) {
      std::fprintf(stderr, "connect: %s\n", client.error().ToString().c_str());
      std::abort();
    }
    return std::move(client).value();
  }

 private:
  BenchDaemon() {
    signet::EnvMap env = {{"HOME", dir_.path()},
                          {"XDG_CONFIG_HOME", dir_.path() + "/config"},
                          {"XDG_DATA_HOME", dir_.path() + "/data"},
                          {"XDG_STATE_HOME", dir_.path() + "/state"},
                          {"XDG_RUNTIME_DIR", dir_.path() + "/run"},
                          {"XMTP_SIGNET_ENV", "dev"}};
    config_ = signet::LoadConfig({.config_path = std::nullopt, .env = env}).value();
    // Per-chat operators, each issue a new credential: the limit is raised so
    // the figure is the issue path, not evictions.
    config_.credentials.max_concurrent_per_operator = 1000;
    if (!signet::Runtime::Init(config_.ToRuntimeOptions()).ok()) std::abort();
    DaemonOptions options;
    options.config = config_;
    options.foreground = false;
    options.network = std::make_shared<signet::FakeXmtpNetwork>();
    std::promise<Status> started;
    options.on_started = [&started](const Status& s) { started.set_value(s); };
    thread_ = std::thread([options] { (void)RunDaemon(options); });
    if (!started.get_future().get().ok()) std::abort();
    transport::AdminClient client = Client();
    for (int i = 0; i < kOperators; ++i) {
      auto op = client.Call("operator.create", {{"label", "bench-" + std::to_string(i)}});
      if (!op.ok()) std::abort();
      operators_.push_back((*op)["id"]);
    }
  }

  signet::testing::TempDir dir_;
  signet::Config config_;
  std::thread thread_;
  std::vector<std::string> operators_;
  std::atomic<long> chat_counter_{0};
};

nlohmann::json IssueParams(BenchDaemon& d) {
  long n = d.chat_counter()++;
  char chat[32];
  std::snprintf(chat, sizeof chat, "conv_%016lx", n);
  return {{"operatorId", d.operator_id(static_cast<int>(n))},
          {"chatIds", {chat}},
          {"allow", {"send", "reply", "read-messages"}}};
}

void BM_CredentialIssueOverSocket(benchmark::State& state) {
  BenchDaemon& d = BenchDaemon::Get("issue/" + std::to_string(state.threads()));
  transport::AdminClient client = d.Client();
  for (auto _ : state) {
    auto r = client.Call("credential.issue", IssueParams(d));
    if (!r.ok()) {
      state.SkipWithError(r.error().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
// Fixed work per run: every issue adds a credential, and the runtime's issue
// path scans the operator's credentials.
BENCHMARK(BM_CredentialIssueOverSocket)->UseRealTime()->Iterations(2000)->Threads(1);
BENCHMARK(BM_CredentialIssueOverSocket)->UseRealTime()->Iterations(500)->Threads(4);
BENCHMARK(BM_CredentialIssueOverSocket)->UseRealTime()->Iterations(250)->Threads(8);

void BM_OperatorListOverSocket(benchmark::State& state) {
  BenchDaemon& d = BenchDaemon::Get("shared");
  transport::AdminClient client = d.Client();
  for (auto _ : state) {
    auto r = client.Call("operator.list");
    if (!r.ok()) state.SkipWithError("operator.list failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OperatorListOverSocket)->UseRealTime();

void BM_DaemonStatusRoundTrip(benchmark::State& state) {
  BenchDaemon& d = BenchDaemon::Get("shared");
  transport::AdminClient client = d.Client();
  for (auto _ : state) {
    auto r = client.Call("daemon.status");
    if (!r.ok()) state.SkipWithError("daemon.status failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DaemonStatusRoundTrip)->UseRealTime();

// A fresh connection each time: load admin.key, mint a JWT, connect,
// authenticate (server verifies), daemon.status, close.
void BM_ConnectAuthStatus(benchmark::State& state) {
  BenchDaemon& d = BenchDaemon::Get("shared");
  for (auto _ : state) {
    auto status = DaemonStatus(d.config());
    if (!status.ok()) state.SkipWithError("status failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConnectAuthStatus)->UseRealTime();

}  // namespace
}  // namespace xs::daemon

BENCHMARK_MAIN();
