// xs-client-bench: our native XMTP client's side of bench/client_vs_sdk.sh
// (the contract is at the top of that script). One scenario per run against
// a node given by --url; prints one JSON line on stdout.
//
//   xs-client-bench --url http://127.0.0.1:PORT --scenario send2|send50 [--messages N]
//   xs-client-bench --url ... --scenario sync [--messages N]
//   xs-client-bench --url ... --scenario add99 [--members N]
//   xs-client-bench --url ... --scenario memory [--groups N] [--per-group N]
//
// Only the measured phase is timed; creating clients and seeding are setup.
// The measured client's store lives in a temporary directory removed at exit
// (on disk, fsyncs included); seeding clients keep theirs in /dev/shm.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "codec/hex.h"
#include "xmtp/api/api_client.h"
#include "xmtp/client/client.h"
#include "xmtp/content/codecs.h"

namespace {

using json = nlohmann::json;
using xs::Error;
using xs::Result;
using xs::Status;
namespace client = xs::xmtp::client;
namespace content = xs::xmtp::content;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string url, scenario, receiver_inbox, store_dir;
  int messages = 0, members = 99, groups = 100, per_group = 1000;
};

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds of this process so far (all threads, user and system).
double CpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// One process's clients: a store and a connection.
class Env {
 public:
  static Result<std::unique_ptr<Env>> Make(const std::string& url, const std::string& dir) {
    auto env = std::unique_ptr<Env>(new Env());
    XS_TRY(env->api_, xs::xmtp::api::ApiClient::Connect(url));
    XS_TRY(env->store_,
           xs::xmtp::store::Store::Open(dir + "/bench-" + std::to_string(::getpid()) + ".sqlite3",
                                        xs::crypto::Secret::Random(32), *xs::SystemClock::Get()));
    env->ctx_ = std::make_unique<client::ClientContext>(
        *env->api_, *env->store_, *xs::SystemClock::Get(),
        [](std::string_view line) { std::cerr << line << "\n"; });
    return env;
  }
  Result<std::unique_ptr<client::Client>> NewClient() {
    XS_TRY(auto wallet, xs::xmtp::identity::WalletKey::Generate());
    return client::Client::Register(*ctx_, wallet);
  }

 private:
  Env() = default;
  std::unique_ptr<xs::xmtp::api::ApiClient> api_;
  std::unique_ptr<xs::xmtp::store::Store> store_;
  std::unique_ptr<client::ClientContext> ctx_;
};

Result<std::vector<std::unique_ptr<client::Client>>> NewClients(Env& env, int n) {
  std::vector<std::unique_ptr<client::Client>> out;
  for (int i = 0; i < n; ++i) {
    XS_TRY(auto c, env.NewClient());
    out.push_back(std::move(c));
  }
  return out;
}

Result<json> Send(Env& env, const Options& o, int member_count) {
  int n = o.messages > 0 ? o.messages : 500;
  auto setup = Clock::now();
  XS_TRY(auto clients, NewClients(env, member_count));
  std::vector<std::string> others;
  for (std::size_t i = 1; i < clients.size(); ++i) others.push_back(clients[i]->inbox_id());
  XS_TRY(auto group, clients[0]->CreateGroup(others));
  // Warm-up, as the SDK side does.
  for (int i = 0; i < 5; ++i) {
    XS_TRY(auto id, clients[0]->Send(group, content::EncodeText("warm-up")));
    (void)id;
  }
  double setup_seconds = Since(setup);
  auto start = Clock::now();
  double cpu = CpuSeconds();
  for (int i = 0; i < n; ++i) {
    XS_TRY(auto id, clients[0]->Send(group, content::EncodeText("message " + std::to_string(i))));
    (void)id;
  }
  double seconds = Since(start);
  cpu = CpuSeconds() - cpu;
  return json{{"scenario", member_count == 2 ? "send2" : "send" + std::to_string(member_count)},
              {"messages", n},
              {"seconds", seconds},
              {"perSecond", n / seconds},
              {"cpuSeconds", cpu},
              {"setupSeconds", setup_seconds}};
}

// Where seeding clients keep their store: tmpfs when there is one (their
// fsyncs are setup, not what is measured).
std::string SeedDir(const std::string& fallback) {
  std::error_code ec;
  std::string dir = "/dev/shm/xs-client-bench-seed-" + std::to_string(::getpid());
  if (std::filesystem::is_directory("/dev/shm", ec) &&
      std::filesystem::create_directories(dir, ec)) {
    return dir;
  }
  return fallback;
}

Result<json> Sync(Env& env, const Options& o) {
  int n = o.messages > 0 ? o.messages : 10000;
  auto setup = Clock::now();
  std::string seed_dir = SeedDir(o.store_dir);
  XS_TRY(auto seed_env, Env::Make(o.url, seed_dir));
  XS_TRY(auto sender, seed_env->NewClient());
  XS_TRY(auto member, env.NewClient());
  XS_TRY(auto group, sender->CreateGroup({member->inbox_id()}));
  XS_TRY(auto joined, member->SyncWelcomes());
  if (joined.size() != 1) return Error::Internal("member did not join");
  for (int i = 0; i < n; ++i) {
    XS_TRY(auto id, sender->Send(group, content::EncodeText("backlog " + std::to_string(i))));
    (void)id;
  }
  double setup_seconds = Since(setup);
  auto start = Clock::now();
  double cpu = CpuSeconds();
  XS_RETURN_IF_ERROR(member->SyncGroup(group));
  double seconds = Since(start);
  cpu = CpuSeconds() - cpu;
  seed_env.reset();
  if (seed_dir != o.store_dir) std::filesystem::remove_all(seed_dir);
  XS_TRY(auto messages, member->Messages(group));
  int texts = 0;
  for (const auto& m : messages) texts += m.kind == client::Message::Kind::kApplication;
  if (texts != n) return Error::Internal("member has " + std::to_string(texts) + " messages");
  return json{{"scenario", "sync"},       {"messages", n},     {"seconds", seconds},
              {"perSecond", n / seconds}, {"cpuSeconds", cpu}, {"setupSeconds", setup_seconds},
              {"verified", true}};
}

Result<json> Add(Env& env, const Options& o) {
  auto setup = Clock::now();
  XS_TRY(auto clients, NewClients(env, o.members + 1));
  XS_TRY(auto group, clients[0]->CreateGroup({}));
  std::vector<std::string> inboxes;
  for (std::size_t i = 1; i < clients.size(); ++i) inboxes.push_back(clients[i]->inbox_id());
  double setup_seconds = Since(setup);
  auto start = Clock::now();
  XS_RETURN_IF_ERROR(clients[0]->AddMembers(group, inboxes));
  double seconds = Since(start);
  XS_TRY(auto view, clients[0]->Group(group));
  if (view.members.size() != clients.size()) return Error::Internal("members missing");
  return json{{"scenario", "add99"},
              {"members", o.members},
              {"seconds", seconds},
              {"setupSeconds", setup_seconds}};
}

// A /proc/self/status figure in bytes: "VmRSS:" (now) or "VmHWM:" (peak).
long StatusBytes(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + key.size()) * 1024;
  }
  return -1;
}

// Child of "memory": registers a sender, fills --groups groups with the
// receiver, --per-group messages each.
Result<json> MemorySeed(Env& env, const Options& o) {
  XS_TRY(auto sender, env.NewClient());
  for (int g = 0; g < o.groups; ++g) {
    XS_TRY(auto group, sender->CreateGroup({o.receiver_inbox}));
    for (int i = 0; i < o.per_group; ++i) {
      XS_TRY(auto id, sender->Send(group, content::EncodeText("m" + std::to_string(i))));
      (void)id;
    }
  }
  return json{{"scenario", "memory-seed"}};
}

Result<json> Memory(Env& env, const Options& o, const char* self) {
  auto setup = Clock::now();
  XS_TRY(auto receiver, env.NewClient());
  std::string seed_dir = SeedDir(o.store_dir);
  std::string cmd = std::string(self) + " --url " + o.url + " --scenario memory-seed --groups " +
                    std::to_string(o.groups) + " --per-group " + std::to_string(o.per_group) +
                    " --receiver " + receiver->inbox_id() + " --store-dir " + seed_dir +
                    " >/dev/null";
  int seeded = std::system(cmd.c_str());
  if (seed_dir != o.store_dir) std::filesystem::remove_all(seed_dir);
  if (seeded != 0) return Error::Internal("seeding failed");
  double setup_seconds = Since(setup);
  auto start = Clock::now();
  XS_RETURN_IF_ERROR(receiver->SyncAll());
  double seconds = Since(start);
  std::size_t stored = 0;
  for (const auto& view : receiver->Conversations()) {
    XS_TRY(auto messages, receiver->Messages(view.group_id));
    stored += messages.size();
  }
  return json{{"scenario", "memory"},
              {"groups", receiver->Conversations().size()},
              {"messages", stored},
              {"rssBytes", StatusBytes("VmRSS:")},
              {"peakRssMiB", static_cast<double>(StatusBytes("VmHWM:")) / 1048576.0},
              {"syncSeconds", seconds},
              {"setupSeconds", setup_seconds}};
}

Result<Options> Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--url")
      o.url = value;
    else if (flag == "--scenario")
      o.scenario = value;
    else if (flag == "--messages")
      o.messages = std::atoi(value.c_str());
    else if (flag == "--members")
      o.members = std::atoi(value.c_str());
    else if (flag == "--groups")
      o.groups = std::atoi(value.c_str());
    else if (flag == "--per-group")
      o.per_group = std::atoi(value.c_str());
    else if (flag == "--receiver")
      o.receiver_inbox = value;
    else if (flag == "--store-dir")
      o.store_dir = value;
    else
      return Error::Validation(flag, "unknown option");
  }
  if (o.url.empty() || o.scenario.empty()) return Error::Validation("--url/--scenario", "required");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = Parse(argc, argv);
  if (!options.ok()) {
    std::cerr << "xs-client-bench: " << options.error().ToString() << "\n";
    return 2;
  }
  bool own_dir = options->store_dir.empty();
  if (own_dir) {
    options->store_dir =
        std::filesystem::temp_directory_path() / ("xs-client-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(options->store_dir);
  }
  Result<json> result = Error::Validation("--scenario", "unknown scenario " + options->scenario);
  {
    auto env = Env::Make(options->url, options->store_dir);
    if (!env.ok()) {
      result = env.error();
    } else if (options->scenario == "send2") {
      result = Send(**env, *options, 2);
    } else if (options->scenario == "send50") {
      result = Send(**env, *options, 50);
    } else if (options->scenario == "sync") {
      result = Sync(**env, *options);
    } else if (options->scenario == "add99") {
      result = Add(**env, *options);
    } else if (options->scenario == "memory") {
      result = Memory(**env, *options, argv[0]);
    } else if (options->scenario == "memory-seed") {
      result = MemorySeed(**env, *options);
    }
  }
  if (own_dir) std::filesystem::remove_all(options->store_dir);
  if (!result.ok()) {
    std::cerr << "xs-client-bench: " << options->scenario
              << " failed: " << result.error().ToString() << "\n";
    return 1;
  }
  std::cout << result->dump() << std::endl;
  return 0;
}
