// The conversation commands' speed targets (issue 12), measured end to end:
// the real `xs` against a real daemon (private temp home, identityMode
// per-group, read gate off) attached to our xmtp-node in its own process.
//
//   xs_chats_bench [--sends N] [--lists N] [--messages N] [--inboxes N]
//                  [--chats N] [--idle-seconds S] [--hold-seconds S]
//   (XS_BIN / XMTP_NODE_BIN override the binaries)
//
// Phases, in order, on one daemon:
//   1. `xs chat create --members <peer>` (a fresh inbox: per-group), then a
//      peer (our native client, in this process) sends --messages texts
//      into it; the daemon takes them from its stream and `chat sync`.
//   2. More chats until there are --inboxes inboxes (one chat each, per-group)
//      and --chats chats (`--as` the inboxes in turn), every one with the peer.
//   3. `xs chat list --json`: wall time (spawn to exit), --lists runs.
//   4. `xs msg list --limit 50` of the big chat, and for comparison the
//      whole chat (--limit = all): --lists runs each.
//   5. `xs msg send` to the big chat: --sends runs.
//   6. Idle: every client streaming (`xs status`), then the daemon's CPU
//      (utime + stime from /proc/<pid>/stat) over --idle-seconds, its RSS
//      and peak RSS, thread count; the node's too, for reference.
// Prints a table and one JSON line.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "cli_timing.h"
#include "codec/hex.h"
#include "node/node_process.h"
#include "xmtp/api/api_client.h"
#include "xmtp/client/client.h"
#include "xmtp/content/codecs.h"

namespace {

using json = nlohmann::json;
using xs::Result;
using xs::cli::testing::RunResult;
using xs::cli::testing::XsEnv;
namespace client = xs::xmtp::client;
using SteadyClock = std::chrono::steady_clock;

struct Options {
  int sends = 200, lists = 100, messages = 10'000, inboxes = 100, chats = 1'000;
  int idle_seconds = 60;
  int hold_seconds = 0;  // keep the setup this long at the end (profiling)
};

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (flag == "--sends") {
      o.sends = value;
    } else if (flag == "--lists") {
      o.lists = value;
    } else if (flag == "--messages") {
      o.messages = value;
    } else if (flag == "--inboxes") {
      o.inboxes = value;
    } else if (flag == "--chats") {
      o.chats = value;
    } else if (flag == "--idle-seconds") {
      o.idle_seconds = value;
    } else if (flag == "--hold-seconds") {
      o.hold_seconds = value;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  if (o.inboxes < 1 || o.chats < o.inboxes || o.lists < 1 || o.sends < 1) {
    std::fprintf(stderr, "need 1 <= inboxes <= chats, lists >= 1, sends >= 1\n");
    std::exit(2);
  }
  return o;
}

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "xs_chats_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Fail(what + ": " + r.error().ToString());
  return std::move(r).value();
}

json Ok(const XsEnv& env, const std::vector<std::string>& args) {
  std::vector<std::string> with_json = args;
  with_json.emplace_back("--json");
  RunResult r = env.Run(with_json);
  if (r.code != 0) Fail(xs::bench::CommandLine(args) + ": " + r.Describe());
  return r.Json();
}

double Since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// ---- /proc sampling

struct ProcSample {
  double cpu_seconds = 0;  // utime + stime
  double rss_mib = 0, peak_mib = 0;
  int threads = 0;
};

ProcSample Sample(pid_t pid) {
  ProcSample s;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the parenthesised command name; utime and stime are the
  // 14th and 15th fields of the line.
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  if (fields.size() > 13) {
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    s.cpu_seconds = (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    auto kib = [&] { return std::stod(line.substr(line.find(':') + 1)) / 1024.0; };
    if (line.rfind("VmRSS:", 0) == 0) s.rss_mib = kib();
    if (line.rfind("VmHWM:", 0) == 0) s.peak_mib = kib();
    if (line.rfind("Threads:", 0) == 0) s.threads = std::stoi(line.substr(8));
  }
  return s;
}

// ---- the peer: our native client in this process, store on tmpfs

class Peer {
 public:
  explicit Peer(const std::string& url) {
    dir_ =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    dir_ /= "xs-chats-bench-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
    api_ = Must(xs::xmtp::api::ApiClient::Connect(url), "connect the peer");
    store_ =
        Must(xs::xmtp::store::Store::Open((dir_ / "peer.sqlite3").string(),
                                          xs::crypto::Secret::Random(32), *xs::SystemClock::Get()),
             "open the peer store");
    ctx_ = std::make_unique<client::ClientContext>(*api_, *store_, *xs::SystemClock::Get());
    auto wallet = Must(xs::xmtp::identity::WalletKey::Generate(), "wallet");
    client_ = Must(client::Client::Register(*ctx_, wallet), "register the peer");
  }
  ~Peer() {
    client_.reset();
    ctx_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  const std::string& inbox_id() const { return client_->inbox_id(); }
  client::Client& client() { return *client_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<xs::xmtp::api::ApiClient> api_;
  std::unique_ptr<xs::xmtp::store::Store> store_;
  std::unique_ptr<client::ClientContext> ctx_;
  std::unique_ptr<client::Client> client_;
};

void PrintRow(const std::string& what, const xs::bench::Stats& s, const std::string& target) {
  std::printf("%-58s %8.2f %8.2f %8.2f %8.2f  %s\n", what.c_str(), s.p50, s.p95, s.mean, s.min,
              target.c_str());
}

json StatsJson(const xs::bench::Stats& s) {
  return {
      {"p50Ms", s.p50}, {"p95Ms", s.p95}, {"meanMs", s.mean}, {"minMs", s.min}, {"runs", s.runs}};
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  const char* xs_bin = std::getenv("XS_BIN");
  const char* node_bin = std::getenv("XMTP_NODE_BIN");
  XsEnv env(xs_bin ? xs_bin : XS_BINARY);
  xs::node::testing::NodeProcess node(
      node_bin ? node_bin : XMTP_NODE_BINARY,
      {"--port", "0", "--data-dir", (env.root() / "node").string()});
  const std::string address = node.WaitListening();
  if (address.empty()) Fail("the node did not start");
  env.set_var("XMTP_SIGNET_LOCAL_NODE", address);

  // trusted-local (no read gate), identityMode per-group.
  RunResult init = env.Run({"init", "trusted-local", "--env", "local", "--json"});
  if (init.code != 0) Fail("init: " + init.Describe());
  {
    std::string config = xs::cli::testing::ReadFile(env.config_file());
    const std::string shared = "identityMode = \"shared\"";
    auto at = config.find(shared);
    if (at == std::string::npos) Fail("no identityMode in the config");
    config.replace(at, shared.size(), "identityMode = \"per-group\"");
    xs::cli::testing::WriteFile(env.config_file(), config);
  }
  RunResult started = env.StartDaemon();
  if (started.code != 0) Fail("daemon start: " + started.Describe());
  const pid_t daemon_pid =
      std::atoi(xs::cli::testing::ReadFile(env.runtime_dir() / "signet.pid").c_str());

  Peer peer("http://" + address);
  std::fprintf(stderr, "node %s, daemon pid %d, peer %s\n", address.c_str(), daemon_pid,
               peer.inbox_id().c_str());

  // 1. The big chat and its messages, sent by the peer.
  auto setup = SteadyClock::now();
  json big = Ok(env, {"chat", "create", "--name", "bench", "--members", peer.inbox_id()});
  const std::string big_id = big.value("id", "");
  const auto group = Must(xs::codec::HexDecode(big.value("networkGroupId", "")), "group id");
  auto joined = Must(peer.client().SyncWelcomes(), "peer joins");
  if (joined.empty()) Fail("the peer got no Welcome");
  for (int i = 0; i < o.messages; ++i) {
    (void)Must(peer.client().Send(
                   group, xs::xmtp::content::EncodeText("peer message " + std::to_string(i))),
               "peer send");
  }
  (void)Ok(env, {"chat", "sync", big_id});
  std::fprintf(stderr, "seeded %d messages in %.1f s\n", o.messages, Since(setup));

  // 2. Inboxes (one chat each, per-group), then the other chats `--as` them.
  setup = SteadyClock::now();
  std::vector<std::string> inboxes = {big.value("inboxId", "")};
  for (int i = 1; i < o.inboxes; ++i) {
    json c = Ok(env, {"chat", "create", "--name", "chat-" + std::to_string(i), "--members",
                      peer.inbox_id()});
    inboxes.push_back(c.value("inboxId", ""));
  }
  for (int i = o.inboxes; i < o.chats; ++i) {
    (void)Ok(env, {"chat", "create", "--name", "chat-" + std::to_string(i), "--members",
                   peer.inbox_id(), "--as", inboxes[static_cast<std::size_t>(i) % inboxes.size()]});
  }
  std::fprintf(stderr, "created %d chats over %d inboxes in %.1f s\n", o.chats, o.inboxes,
               Since(setup));

  std::printf("%-58s %8s %8s %8s %8s  (ms)\n", "command", "p50", "p95", "mean", "min");
  json out = {{"inboxes", o.inboxes}, {"chats", o.chats}, {"messages", o.messages}};

  // 3. chat list.
  const std::vector<std::string> chat_list = {"chat", "list", "--json"};
  xs::bench::Stats chats = xs::bench::Measure(env, chat_list, o.lists, 3, [&](const RunResult& r) {
    return r.Json().size() == static_cast<std::size_t>(o.chats);
  });
  PrintRow(xs::bench::CommandLine(chat_list) + " (" + std::to_string(o.chats) + " chats)", chats,
           "target p50 < 30");
  out["chatList"] = StatsJson(chats);

  // 4. msg list: the newest 50, and the whole chat for comparison.
  const std::string all = std::to_string(std::min(o.messages, 10'000));  // the limit's maximum
  for (const std::string& limit : {std::string("50"), all}) {
    const std::vector<std::string> args = {
        "msg",   "list", "--from", big_id, "--limit", limit, "--dangerously-allow-message-read",
        "--json"};
    const std::size_t want = std::stoul(limit);
    const std::string newest = "peer message " + std::to_string(o.messages - 1);
    xs::bench::Stats s = xs::bench::Measure(
        env, args, limit == "50" ? o.lists : o.lists / 10 + 1, 2, [&](const RunResult& r) {
          json rows = r.Json();
          return rows.size() == want && rows.back().value("text", "") == newest;
        });
    PrintRow("xs msg list --limit " + limit + " (of " + std::to_string(o.messages) + "+ stored)", s,
             limit == "50" ? "target p50 < 20" : "comparison");
    out[limit == "50" ? "msgListNewest50" : "msgListAll"] = StatsJson(s);
  }

  // 5. msg send.
  const std::vector<std::string> send = {"msg", "send", "bench send", "--to", big_id, "--json"};
  xs::bench::Stats sends = xs::bench::Measure(env, send, o.sends);
  PrintRow("xs msg send (chat with " + std::to_string(o.messages) + " messages)", sends,
           "target p50 < 25");
  out["msgSend"] = StatsJson(sends);
  const std::vector<std::string> version = {"--version"};
  xs::bench::Stats start_up = xs::bench::Measure(env, version, o.sends);
  PrintRow("xs --version (process start-up, comparison)", start_up, "");
  out["version"] = StatsJson(start_up);

  // 6. Idle, every stream live.
  json status = Ok(env, {"status"});
  std::size_t streaming = 0;
  for (const auto& c : status["clients"]) streaming += c.value("state", "") == "streaming";
  if (status["connectedInboxIds"].size() != static_cast<std::size_t>(o.inboxes) ||
      streaming != static_cast<std::size_t>(o.inboxes)) {
    Fail("not every client is streaming: " + status.dump());
  }
  std::this_thread::sleep_for(std::chrono::seconds(5));  // settle
  ProcSample d0 = Sample(daemon_pid), n0 = Sample(node.pid());
  auto idle_start = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::seconds(o.idle_seconds));
  const double wall = Since(idle_start);
  ProcSample d1 = Sample(daemon_pid), n1 = Sample(node.pid());
  const double daemon_cpu = 100.0 * (d1.cpu_seconds - d0.cpu_seconds) / wall;
  const double node_cpu = 100.0 * (n1.cpu_seconds - n0.cpu_seconds) / wall;
  std::printf("\nidle %.0f s, %d inboxes streaming, %d chats:\n", wall, o.inboxes, o.chats);
  std::printf(
      "  daemon: CPU %.2f %%  RSS %.1f MiB  peak %.1f MiB  threads %d   (target < 1 %%, "
      "< 80 MB)\n",
      daemon_cpu, d1.rss_mib, d1.peak_mib, d1.threads);
  std::printf("  node:   CPU %.2f %%  RSS %.1f MiB  peak %.1f MiB  threads %d\n", node_cpu,
              n1.rss_mib, n1.peak_mib, n1.threads);
  out["idle"] = {{"seconds", wall},
                 {"daemonCpuPercent", daemon_cpu},
                 {"daemonRssMiB", d1.rss_mib},
                 {"daemonPeakRssMiB", d1.peak_mib},
                 {"daemonThreads", d1.threads},
                 {"nodeCpuPercent", node_cpu},
                 {"nodeRssMiB", n1.rss_mib}};
  std::cout << out.dump() << "\n" << std::flush;
  if (o.hold_seconds > 0) {
    const std::string r = env.root().string();
    std::fprintf(stderr,
                 "holding %d s: HOME=%s/home XDG_CONFIG_HOME=%s/config XDG_DATA_HOME=%s/data "
                 "XDG_STATE_HOME=%s/state XDG_RUNTIME_DIR=%s/run XMTP_SIGNET_LOCAL_NODE=%s\n",
                 o.hold_seconds, r.c_str(), r.c_str(), r.c_str(), r.c_str(), r.c_str(),
                 address.c_str());
    std::this_thread::sleep_for(std::chrono::seconds(o.hold_seconds));
  }
  return 0;
}
