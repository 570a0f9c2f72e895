// xs_node_load: a small load tool for the xmtp-node executable. It spawns the
// node on a free port with a fresh data directory (on disk, the production
// configuration) and drives it over real gRPC connections:
//   1. publish: SendGroupMessages (one ~250-byte message per call) from 1, 8
//      and 64 concurrent clients (one connection each, one call in flight
//      each) for a fixed time; throughput and call latency p50/p99;
//   2. stream: 100 subscribers on one group (one connection each, then 10
//      connections with 10 streams each) while one open-loop publisher
//      sends 1,000 msg/s; publish-to-subscriber latency p50/p99, CPU of the
//      node and of this tool;
//   3. query: 100,000 stored messages (100 groups x 1,000), then
//      QueryGroupMessages pages (oldest, newest, from a random cursor) and
//      GetNewestGroupMessage; latency p50/p99 and the node's RSS.
//
//   xs_node_load [--node PATH] [--seconds S] [--subscribers N] [--rate R]
//                [--stored N]
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "node/limits.h"
#include "node/node_process.h"
#include "node/test_util.h"
#include "xmtp/mls/api/v1/mls.grpc.pb.h"

namespace {

namespace api = ::xmtp::mls::api::v1;
using Clock = std::chrono::steady_clock;
using xs::node::testing::NodeProcess;
using xs::node::testing::PrivateMessage;

struct Options {
  std::string node = XMTP_NODE_BINARY;
  double seconds = 3.0;  // per publish level
  int subscribers = 100;
  int rate = 1000;  // stream phase, messages per second
  double stream_seconds = 5.0;
  int stored = 100000;
  int query_samples = 500;  // per query kind
};

constexpr int kPublishLevels[] = {1, 8, 64};
constexpr std::size_t kPublishBodyBytes = 200;
constexpr int kStoredGroups = 100;
constexpr int kTimestampDigits = 20;
constexpr auto kStreamDrainTimeout = std::chrono::seconds(30);

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t i =
      std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

// A channel with its own TCP connection (no subchannel sharing), like
// separate client processes.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

long RssKiB(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::strtol(line.c_str() + key.size(), nullptr, 10);
  }
  return -1;
}

// User + system CPU seconds the process has used so far.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the parenthesised command name; utime and stime are the
  // 12th and 13th of them.
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 1; i <= 13 && rest >> field; ++i) {
    if (i >= 12) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// ---- 1. publish -----------------------------------------------------------

// One client: a connection with one SendGroupMessages in flight at a time.
class Publisher {
 public:
  Publisher(const std::string& address, int index, std::atomic<bool>* stop,
            std::function<void()> on_idle)
      : stub_(api::MlsApi::NewStub(NewChannel(address))),
        index_(index),
        stop_(stop),
        on_idle_(std::move(on_idle)),
        group_("publish-group-" + std::to_string(index % 16)) {}

  void Next() {
    if (stop_->load()) {
      on_idle_();
      return;
    }
    ctx_ = std::make_unique<grpc::ClientContext>();
    req_.Clear();
    const std::string body = std::to_string(index_) + "/" + std::to_string(sent_++) + "/" +
                             std::string(kPublishBodyBytes, 'b');
    auto* v1 = req_.add_messages()->mutable_v1();
    v1->set_data(PrivateMessage(group_, 1, body));
    v1->set_sender_hmac(std::string(32, 'h'));
    v1->set_should_push(true);
    const auto start = Clock::now();
    stub_->async()->SendGroupMessages(ctx_.get(), &req_, &resp_, [this, start](grpc::Status s) {
      if (s.ok()) {
        latencies_us_.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - start).count());
      } else {
        ++errors_;
      }
      Next();
    });
  }

  const std::vector<double>& latencies() const { return latencies_us_; }
  int errors() const { return errors_; }

 private:
  std::unique_ptr<api::MlsApi::Stub> stub_;
  const int index_;
  std::atomic<bool>* const stop_;
  std::function<void()> on_idle_;
  const std::string group_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  api::SendGroupMessagesRequest req_;
  google::protobuf::Empty resp_;
  std::uint64_t sent_ = 0;
  std::vector<double> latencies_us_;
  int errors_ = 0;
};

void RunPublish(const std::string& address, pid_t node_pid, const Options& opt) {
  std::printf("\n## publish (SendGroupMessages, 1 message of ~%zu B per call)\n",
              kPublishBodyBytes + 40);
  std::printf(
      "| clients | calls | seconds | publishes/s | p50 ms | p99 ms | node CPU us/publish "
      "| errors |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  for (int clients : kPublishLevels) {
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::condition_variable cv;
    int idle = 0;
    std::vector<std::unique_ptr<Publisher>> pubs;
    for (int i = 0; i < clients; ++i) {
      pubs.push_back(std::make_unique<Publisher>(address, i, &stop, [&] {
        std::lock_guard lock(mu);
        ++idle;
        cv.notify_all();
      }));
    }
    const auto start = Clock::now();
    const double cpu_start = CpuSeconds(node_pid);
    for (auto& p : pubs) p->Next();
    std::this_thread::sleep_for(std::chrono::duration<double>(opt.seconds));
    stop = true;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return idle == clients; });
    }
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = CpuSeconds(node_pid) - cpu_start;
    std::vector<double> all;
    int errors = 0;
    for (auto& p : pubs) {
      all.insert(all.end(), p->latencies().begin(), p->latencies().end());
      errors += p->errors();
    }
    std::printf("| %d | %zu | %.1f | %.0f | %.2f | %.2f | %.0f | %d |\n", clients, all.size(), secs,
                static_cast<double>(all.size()) / secs, Percentile(all, 0.5) / 1000,
                Percentile(all, 0.99) / 1000,
                all.empty() ? 0.0 : cpu * 1e6 / static_cast<double>(all.size()), errors);
    std::fflush(stdout);
  }
}

// ---- 2. stream --------------------------------------------------------------

// One subscriber: its own connection and SubscribeGroupMessages stream;
// records publish-to-receive latency from the timestamp at the end of data.
class Subscriber final : public grpc::ClientReadReactor<api::GroupMessage> {
 public:
  Subscriber(api::MlsApi::Stub* stub, const std::string& group) : stub_(stub) {
    req_.add_filters()->set_group_id(group);
  }

  void Start() {
    stub_->async()->SubscribeGroupMessages(&ctx_, &req_, this);
    StartRead(&msg_);
    StartCall();
  }

  void OnReadInitialMetadataDone(bool) override {
    std::lock_guard lock(mu_);
    subscribed_ = true;
    cv_.notify_all();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    const std::string& data = msg_.v1().data();
    if (data.size() >= kTimestampDigits) {
      const std::int64_t sent =
          std::strtoll(data.c_str() + data.size() - kTimestampDigits, nullptr, 10);
      const double us = static_cast<double>(NowNs() - sent) / 1000.0;
      std::lock_guard lock(mu_);
      latencies_us_.push_back(us);
      cv_.notify_all();
    }
    StartRead(&msg_);
  }

  void OnDone(const grpc::Status&) override {
    std::lock_guard lock(mu_);
    done_ = true;
    cv_.notify_all();
  }

  void WaitSubscribed() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return subscribed_ || done_; });
  }

  // Waits until `n` messages arrived; false on timeout.
  bool WaitReceived(std::size_t n, Clock::time_point deadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return latencies_us_.size() >= n || done_; }) &&
           latencies_us_.size() >= n;
  }

  void Stop() {
    ctx_.TryCancel();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return done_; });
  }

  std::vector<double> latencies() {
    std::lock_guard lock(mu_);
    return latencies_us_;
  }

 private:
  api::MlsApi::Stub* const stub_;
  grpc::ClientContext ctx_;
  api::SubscribeGroupMessagesRequest req_;
  api::GroupMessage msg_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool subscribed_ = false;
  bool done_ = false;
  std::vector<double> latencies_us_;
};

// `connections` connections carry the subscribers' streams (round robin).
void RunStream(const std::string& address, pid_t node_pid, const Options& opt, int connections,
               bool header) {
  const std::string group = "stream-group-" + std::to_string(connections);
  std::vector<std::unique_ptr<api::MlsApi::Stub>> stubs;
  for (int c = 0; c < connections; ++c) stubs.push_back(api::MlsApi::NewStub(NewChannel(address)));
  std::vector<std::unique_ptr<Subscriber>> subs;
  for (int i = 0; i < opt.subscribers; ++i) {
    subs.push_back(std::make_unique<Subscriber>(stubs[i % connections].get(), group));
    subs.back()->Start();
  }
  for (auto& s : subs) s->WaitSubscribed();

  // Open loop: sends are paced by the clock, never by their own latency.
  auto stub = api::MlsApi::NewStub(NewChannel(address));
  const int total = static_cast<int>(opt.rate * opt.stream_seconds);
  const auto interval = std::chrono::nanoseconds(1000000000LL / opt.rate);
  struct Call {
    grpc::ClientContext ctx;
    api::SendGroupMessagesRequest req;
    google::protobuf::Empty resp;
  };
  std::mutex mu;
  std::condition_variable cv;
  int outstanding = 0;
  int errors = 0;
  const double cpu_start = CpuSeconds(node_pid);
  const double self_cpu_start = CpuSeconds(getpid());
  const auto start = Clock::now();
  for (int i = 0; i < total; ++i) {
    std::this_thread::sleep_until(start + i * interval);
    char stamp[kTimestampDigits + 1];
    std::snprintf(stamp, sizeof(stamp), "%020lld", static_cast<long long>(NowNs()));
    auto* call = new Call();
    call->req.add_messages()->mutable_v1()->set_data(
        PrivateMessage(group, 1, "stream/" + std::to_string(i) + "/" + stamp));
    {
      std::lock_guard lock(mu);
      ++outstanding;
    }
    stub->async()->SendGroupMessages(&call->ctx, &call->req, &call->resp,
                                     [&, call](grpc::Status s) {
                                       delete call;
                                       std::lock_guard lock(mu);
                                       if (!s.ok()) ++errors;
                                       --outstanding;
                                       cv.notify_all();
                                     });
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return outstanding == 0; });
  }
  const double send_secs = std::chrono::duration<double>(Clock::now() - start).count();
  const auto deadline = Clock::now() + kStreamDrainTimeout;
  int complete = 0;
  for (auto& s : subs) complete += s->WaitReceived(total - errors, deadline) ? 1 : 0;
  const double cpu = CpuSeconds(node_pid) - cpu_start;
  const double self_cpu = CpuSeconds(getpid()) - self_cpu_start;
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const long rss = RssKiB(node_pid, "VmRSS");
  std::vector<double> all;
  for (auto& s : subs) {
    s->Stop();
    auto l = s->latencies();
    all.insert(all.end(), l.begin(), l.end());
  }
  if (header) {
    std::printf("\n## stream (%d subscribers on one group, %d msg/s for %.1f s)\n", opt.subscribers,
                opt.rate, opt.stream_seconds);
    std::printf(
        "| connections | sent | achieved msg/s | deliveries | complete subscribers | "
        "p50 ms | p99 ms | max ms | node CPU %% | load tool CPU %% | node RSS MiB | send errors "
        "|\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  }
  std::printf("| %d | %d | %.0f | %zu | %d/%d | %.2f | %.2f | %.2f | %.0f | %.0f | %.1f | %d |\n",
              connections, total, total / send_secs, all.size(), complete, opt.subscribers,
              Percentile(all, 0.5) / 1000, Percentile(all, 0.99) / 1000,
              Percentile(all, 1.0) / 1000, 100 * cpu / secs, 100 * self_cpu / secs,
              static_cast<double>(rss) / 1024.0, errors);
  std::fflush(stdout);
}

// ---- 3. query ---------------------------------------------------------------

std::string StoredGroup(int g) { return "stored-group-" + std::to_string(g); }

void Fill(api::MlsApi::Stub& stub, int stored) {
  const int per_group = stored / kStoredGroups;
  const int batch = static_cast<int>(xs::node::kMaxGroupMessagesPerRequest);
  for (int g = 0; g < kStoredGroups; ++g) {
    for (int i = 0; i < per_group; i += batch) {
      api::SendGroupMessagesRequest req;
      for (int j = i; j < std::min(per_group, i + batch); ++j) {
        auto* v1 = req.add_messages()->mutable_v1();
        v1->set_data(PrivateMessage(StoredGroup(g), 1,
                                    std::to_string(j) + std::string(kPublishBodyBytes, 'q')));
        v1->set_sender_hmac(std::string(32, 'h'));
      }
      google::protobuf::Empty resp;
      grpc::ClientContext ctx;
      auto st = stub.SendGroupMessages(&ctx, req, &resp);
      if (!st.ok()) std::fprintf(stderr, "fill failed: %s\n", st.error_message().c_str());
    }
  }
}

void RunQuery(const std::string& address, pid_t node_pid, const Options& opt) {
  auto stub = api::MlsApi::NewStub(NewChannel(address));
  const auto fill_start = Clock::now();
  Fill(*stub, opt.stored);
  const double fill_secs = std::chrono::duration<double>(Clock::now() - fill_start).count();
  const long rss_after_fill = RssKiB(node_pid, "VmRSS");

  std::mt19937 rng(42);  // NOLINT(cert-msc51-cpp): the same query mix every run
  std::uniform_int_distribution<int> pick_group(0, kStoredGroups - 1);
  std::uniform_int_distribution<std::uint64_t> pick_cursor(1, opt.stored);
  struct Kind {
    const char* name;
    api::SortDirection dir;
    bool random_cursor;
  };
  const Kind kinds[] = {{"oldest page (asc, cursor 0)", api::SORT_DIRECTION_ASCENDING, false},
                        {"newest page (desc, cursor 0)", api::SORT_DIRECTION_DESCENDING, false},
                        {"page after a random cursor (asc)", api::SORT_DIRECTION_ASCENDING, true}};
  std::printf(
      "\n## query (%d messages stored in %d groups; filled in %.1f s with batches of "
      "%zu)\n",
      opt.stored, kStoredGroups, fill_secs, xs::node::kMaxGroupMessagesPerRequest);
  std::printf("| query | rows/page | p50 ms | p99 ms |\n|---|---|---|---|\n");
  for (const Kind& k : kinds) {
    std::vector<double> lat;
    std::size_t rows = 0;
    for (int i = 0; i < opt.query_samples; ++i) {
      api::QueryGroupMessagesRequest req;
      req.set_group_id(StoredGroup(pick_group(rng)));
      req.mutable_paging_info()->set_direction(k.dir);
      req.mutable_paging_info()->set_limit(100);
      if (k.random_cursor) req.mutable_paging_info()->set_id_cursor(pick_cursor(rng));
      api::QueryGroupMessagesResponse resp;
      grpc::ClientContext ctx;
      const auto t0 = Clock::now();
      stub->QueryGroupMessages(&ctx, req, &resp);
      lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      rows += resp.messages_size();
    }
    std::printf("| %s | %.0f | %.2f | %.2f |\n", k.name, double(rows) / opt.query_samples,
                Percentile(lat, 0.5) / 1000, Percentile(lat, 0.99) / 1000);
  }
  std::vector<double> lat;
  for (int i = 0; i < opt.query_samples; ++i) {
    api::GetNewestGroupMessageRequest req;
    for (int g = 0; g < kStoredGroups; ++g) req.add_group_ids(StoredGroup(g));
    api::GetNewestGroupMessageResponse resp;
    grpc::ClientContext ctx;
    const auto t0 = Clock::now();
    stub->GetNewestGroupMessage(&ctx, req, &resp);
    lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::printf("| GetNewestGroupMessage (%d groups) | - | %.2f | %.2f |\n", kStoredGroups,
              Percentile(lat, 0.5) / 1000, Percentile(lat, 0.99) / 1000);
  std::printf(
      "\nnode RSS after fill: %.1f MiB; after queries: %.1f MiB; peak (VmHWM): %.1f "
      "MiB\n",
      static_cast<double>(rss_after_fill) / 1024.0,
      static_cast<double>(RssKiB(node_pid, "VmRSS")) / 1024.0,
      static_cast<double>(RssKiB(node_pid, "VmHWM")) / 1024.0);
}

bool ParseArgs(int argc, char** argv, Options* opt) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* v = argv[i + 1];
    if (flag == "--node") {
      opt->node = v;
    } else if (flag == "--seconds") {
      opt->seconds = std::atof(v);
    } else if (flag == "--subscribers") {
      opt->subscribers = std::atoi(v);
    } else if (flag == "--rate") {
      opt->rate = std::atoi(v);
    } else if (flag == "--stored") {
      opt->stored = std::atoi(v);
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && opt->rate > 0 && opt->subscribers > 0 && opt->stored >= kStoredGroups;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!ParseArgs(argc, argv, &opt)) {
    std::fprintf(stderr,
                 "usage: xs_node_load [--node PATH] [--seconds S] [--subscribers N] "
                 "[--rate R] [--stored N]\n");
    return 2;
  }
  const std::string dir =
      std::filesystem::temp_directory_path().string() + "/xs-node-load-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::printf("# xs_node_load: node %s, data dir %s\n", opt.node.c_str(), dir.c_str());
  std::printf("load average before: %s; hardware threads: %u\n", LoadAverage().c_str(),
              std::thread::hardware_concurrency());
  int rc = 0;
  {
    NodeProcess node(opt.node, {"--port", "0", "--data-dir", dir});
    const std::string address = node.WaitListening();
    if (address.empty()) {
      std::fprintf(stderr, "xs_node_load: the node did not start\n");
      return 1;
    }
    std::printf("node RSS at start: %.1f MiB\n",
                static_cast<double>(RssKiB(node.pid(), "VmRSS")) / 1024.0);
    RunPublish(address, node.pid(), opt);
    RunStream(address, node.pid(), opt, opt.subscribers, true);
    RunStream(address, node.pid(), opt, std::max(1, opt.subscribers / 10), false);
    RunQuery(address, node.pid(), opt);
    std::printf("\nload average after: %s\n", LoadAverage().c_str());
    node.Signal(SIGTERM);
    const int status = node.Wait();
    rc = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
  }
  std::filesystem::remove_all(dir);
  return rc;
}
