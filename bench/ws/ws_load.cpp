// xs-ws-load: load generator for the WebSocket harness transport.
//
//   xs-ws-load request  --port P [--connections 16] [--window 16] [--seconds 5]
//                       [--token-pattern token-{i}] [--chat conv_out_of_scope]
//       request-path throughput: every connection keeps `window` send_message
//       requests in flight to a chat outside its scope (error answers), so
//       the figure is auth-checked dispatch, not MLS sends.
//   xs-ws-load idle     --port P --pid SERVER_PID [--connections 1000]
//       RSS delta of the server process with N idle authenticated connections.
//   xs-ws-load send     --port P [--connections 16] [--chats 4] [--window 1]
//                       [--chat-pattern conv_{c}] [--seconds 5]
//       send_message end to end (connection i sends to chat i % chats, or
//       to the i % n-th of --chat-ids g0,g1,...):
//       ok answers per second and latency percentiles.
//   xs-ws-load inbound  --port P [--connections 16] [--publishers 1] [--chats 1]
//                       [--rate 200] [--seconds 5]
//       inbound delivery latency: `connections` listeners, `publishers`
//       more connections send stamped messages at `rate`/s in total
//       (open loop: `offered` frames written, `published` ok answers); the
//       listeners time each message.visible twice: from the publisher's
//       stamp (`deliveryLatency`: includes the publisher's queue and send)
//       and from the node's receipt (`nodeLatency`: the event's `sentAt`,
//       which is the node's store time of the envelope, created_ns, in
//       whole milliseconds, against this machine's realtime clock; the
//       node runs on the same machine; the truncation to milliseconds
//       makes it an upper bound, 0-1 ms high). After the run it waits up
//       to --drain seconds (default 30) for the answers and events still
//       in flight (`drainSeconds`), so a backlog shows as latency, not as
//       lost events.
//       --publish-port P2 (or --publish-ports P2,P3) --publish-tokens a,b
//       [--publish-chat GROUP | --publish-chats c1,c2]: the publishers
//       connect to other daemons (other members of the chat: the agent
//       plane does not feed a chat's own sends back to its agents) with
//       their own tokens; publisher j uses port, token and chat j % n of
//       each list (default chat: the listeners'), so several publishing
//       members (one per daemon) can share the load. The output then adds `published` (ok answers)
//       and `expectedEvents` (published x listeners).
//       --publishers 0: listen only. Another process publishes (stamping
//       its texts "xsbench <CLOCK_MONOTONIC ns>"); the tool prints
//       "xs-ws-load: listeners ready" on stderr once connected, listens for
//       --seconds, then until no event came for a second (at most --drain).
//
// Tokens: --token-pattern with {i} = connection index (listeners first, then
// publishers), or --tokens a,b,c used round-robin. --host defaults to
// 127.0.0.1. Prints one JSON line of results.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Tcp = asio::ip::tcp;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// The realtime clock (the node stamps envelopes with it), microseconds.
std::int64_t RealtimeUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2026-12-01T22:47:18.123Z" -> milliseconds since the epoch; -1 if malformed.
std::int64_t IsoMs(std::string_view iso) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (std::sscanf(std::string(iso).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &y, &mo, &d, &h, &mi,
                  &sec, &ms) != 7) {
    return -1;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

struct Args {
  std::string mode;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8393;
  int connections = 16;
  int publishers = 1;
  int window = 16;
  int chats = 4;
  double seconds = 5;
  int rate = 200;
  int pid = 0;
  int threads = 1;
  std::string token_pattern = "token-{i}";
  std::vector<std::string> tokens;
  std::string chat = "conv_out_of_scope";
  std::string chat_pattern = "conv_{c}";
  std::uint16_t publish_port = 0;          // 0: publishers use --port
  std::vector<std::string> publish_ports;  // --publish-ports: publisher j -> publish_ports[j % n]
  std::vector<std::string> publish_tokens;
  std::vector<std::string> chat_ids;  // --chat-ids: connection i -> chat_ids[i % n]
  std::string publish_chat;
  std::vector<std::string> publish_chats;  // --publish-chats: publisher j -> publish_chats[j % n]
  double drain = 30;

  bool Publisher(int i) const { return mode == "inbound" && i >= connections; }
  std::uint16_t Port(int i) const {
    if (Publisher(i) && !publish_ports.empty()) {
      return static_cast<std::uint16_t>(std::stoi(
          publish_ports[static_cast<std::size_t>(i - connections) % publish_ports.size()]));
    }
    return Publisher(i) && publish_port != 0 ? publish_port : port;
  }

  std::string Token(int i) const {
    if (Publisher(i) && !publish_tokens.empty()) {
      return publish_tokens[static_cast<std::size_t>(i - connections) % publish_tokens.size()];
    }
    if (!tokens.empty()) return tokens[static_cast<std::size_t>(i) % tokens.size()];
    std::string t = token_pattern;
    auto at = t.find("{i}");
    if (at != std::string::npos) t.replace(at, 3, std::to_string(i));
    return t;
  }
  std::string Chat(int i) const {
    if (Publisher(i) && !publish_chats.empty()) {
      return publish_chats[static_cast<std::size_t>(i - connections) % publish_chats.size()];
    }
    if (Publisher(i) && !publish_chat.empty()) return publish_chat;
    if (!chat_ids.empty()) return chat_ids[static_cast<std::size_t>(i) % chat_ids.size()];
    std::string c = chat_pattern;
    auto at = c.find("{c}");
    if (at != std::string::npos) c.replace(at, 3, std::to_string(i % std::max(chats, 1)));
    return c;
  }
};

// Latencies in microseconds, merged across connections.
struct Stats {
  std::mutex mu;
  std::vector<std::int64_t> latencies_us;
  std::vector<std::int64_t> node_latencies_us;  // inbound: from the node's sentAt
  std::atomic<std::uint64_t> ok{0}, errors{0}, events{0}, closed{0}, offered{0};
  void Add(std::int64_t us) {
    std::lock_guard lock(mu);
    if (latencies_us.size() < 5'000'000) latencies_us.push_back(us);
  }
  void AddNode(std::int64_t us) {
    std::lock_guard lock(mu);
    if (node_latencies_us.size() < 5'000'000) node_latencies_us.push_back(us);
  }
  Json Percentiles() {
    std::lock_guard lock(mu);
    return PercentilesOf(latencies_us);
  }
  Json NodePercentiles() {
    std::lock_guard lock(mu);
    return PercentilesOf(node_latencies_us);
  }

 private:
  static Json PercentilesOf(std::vector<std::int64_t>& v) {
    if (v.empty()) return nullptr;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
      return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
    };
    return {{"p50Us", at(0.5)}, {"p90Us", at(0.9)}, {"p99Us", at(0.99)}, {"maxUs", v.back()}};
  }
};

// One harness connection: connect, upgrade, auth, then the mode's loop.
class Conn : public std::enable_shared_from_this<Conn> {
 public:
  enum class Role { kRequester, kIdle, kListener, kPublisher };
  Conn(asio::io_context& ioc, const Args& args, Stats& stats, Role role, int index)
      : ws_(asio::make_strand(ioc)),
        args_(args),
        stats_(stats),
        role_(role),
        index_(index),
        send_times_(4096, 0) {}

  void Start(std::atomic<int>* ready) {
    ready_ = ready;
    Tcp::endpoint endpoint(asio::ip::make_address(args_.host), args_.Port(index_));
    beast::get_lowest_layer(ws_).async_connect(
        endpoint, [self = shared_from_this()](beast::error_code ec) {
          if (ec) return self->Fail("connect", ec);
          beast::get_lowest_layer(self->ws_).socket().set_option(Tcp::no_delay(true));
          self->ws_.async_handshake(
              self->args_.host + ":" + std::to_string(self->args_.Port(self->index_)), "/v1/agent",
              [self](beast::error_code ec2) {
                if (ec2) return self->Fail("handshake", ec2);
                self->ws_.text(true);
                Json auth = {{"type", "auth"},
                             {"token", self->args_.Token(self->index_)},
                             {"lastSeenSeq", nullptr}};
                self->Write(auth.dump());
                self->Read();
              });
        });
  }

  // Begins the measured phase (on the connection's strand).
  void Go(std::int64_t stop_ns) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), stop_ns] {
      self->stop_ns_ = stop_ns;
      if (self->role_ == Role::kRequester) {
        for (int i = 0; i < self->args_.window; ++i) self->SendRequest();
      }
    });
  }
  void Publish() {
    ++stats_.offered;
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      std::string text = "xsbench " + std::to_string(NowNs());
      self->Write(Json{{"type", "send_message"},
                       {"requestId", "p" + std::to_string(self->next_id_++)},
                       {"groupId", self->args_.Chat(self->index_)},
                       {"contentType", "xmtp.org/text:1.0"},
                       {"content", {{"text", text}}}}
                      .dump());
    });
  }
  void Close() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().shutdown(Tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(self->ws_).close();
    });
  }

 private:
  void Fail(const char* what, beast::error_code ec) {
    if (!authenticated_) {
      std::fprintf(stderr, "conn %d: %s: %s\n", index_, what, ec.message().c_str());
      ready_->fetch_add(1);  // counted, so the run does not wait forever
      failed_ = true;
    }
    ++stats_.closed;
  }

  void SendRequest() {
    const std::uint64_t id = next_id_++;
    send_times_[id % send_times_.size()] = NowNs();
    std::string group =
        role_ == Role::kRequester && args_.mode == "request" ? args_.chat : args_.Chat(index_);
    std::string frame = R"({"type":"send_message","requestId":")" + std::to_string(id) +
                        R"(","groupId":")" + group +
                        R"(","contentType":"xmtp.org/text:1.0","content":{"text":"bench"}})";
    Write(std::move(frame));
  }

  void Write(std::string text) {
    queue_.push_back(std::move(text));
    if (queue_.size() == 1) WriteFront();
  }
  void WriteFront() {
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) return self->Fail("write", ec);
                      self->queue_.pop_front();
                      if (!self->queue_.empty()) self->WriteFront();
                    });
  }

  void Read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->Fail("read", ec);
      auto data = self->buffer_.cdata();
      self->OnMessage(std::string_view(static_cast<const char*>(data.data()), data.size()));
      self->buffer_.consume(self->buffer_.size());
      self->Read();
    });
  }

  void OnMessage(std::string_view text) {
    if (!authenticated_) {
      if (text.find("\"authenticated\"") == std::string_view::npos) {
        std::fprintf(stderr, "conn %d: auth failed: %.*s\n", index_, static_cast<int>(text.size()),
                     text.data());
        failed_ = true;
      }
      authenticated_ = true;
      ready_->fetch_add(1);
      return;
    }
    if (text.rfind("{\"ok\":", 0) == 0) return OnResponse(text);
    if (text.find("\"message.visible\"") != std::string_view::npos && role_ == Role::kListener) {
      auto at = text.find("xsbench ");
      if (at != std::string_view::npos) {
        std::int64_t sent = std::strtoll(std::string(text.substr(at + 8, 20)).c_str(), nullptr, 10);
        if (stop_ns_ != 0) {
          const std::int64_t now_ns = NowNs();
          const std::int64_t now_real_us = RealtimeUs();
          ++stats_.events;
          stats_.Add((now_ns - sent) / 1000);
          static constexpr std::string_view kSentAt = R"("sentAt":")";
          auto node_at = text.find(kSentAt);
          if (node_at != std::string_view::npos) {
            std::int64_t node_ms = IsoMs(text.substr(node_at + kSentAt.size(), 24));
            if (node_ms >= 0) stats_.AddNode(now_real_us - node_ms * 1000);
          }
        }
      }
    }
  }

  void OnResponse(std::string_view text) {
    const bool ok = text.rfind("{\"ok\":true", 0) == 0;
    if (role_ != Role::kRequester) {
      ++(ok ? stats_.ok : stats_.errors);
      return;
    }
    auto at = text.find("\"requestId\":\"");
    std::uint64_t id =
        at == std::string_view::npos
            ? 0
            : std::strtoull(std::string(text.substr(at + 13, 20)).c_str(), nullptr, 10);
    const std::int64_t now = NowNs();
    if (now < stop_ns_) {
      ++(ok ? stats_.ok : stats_.errors);
      stats_.Add((now - send_times_[id % send_times_.size()]) / 1000);
      SendRequest();
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  const Args& args_;
  Stats& stats_;
  Role role_;
  int index_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::vector<std::int64_t> send_times_;
  std::uint64_t next_id_ = 1;
  std::int64_t stop_ns_ = 0;
  std::atomic<int>* ready_ = nullptr;
  bool authenticated_ = false;
  bool failed_ = false;
};

std::int64_t RssKb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoll(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

Args Parse(int argc, char** argv) {
  Args a;
  if (argc < 2) {
    std::fprintf(stderr, "usage: xs-ws-load request|idle|send|inbound --port P [options]\n");
    std::exit(2);
  }
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string f = argv[i];
    std::string v = argv[i + 1];
    if (f == "--host")
      a.host = v;
    else if (f == "--port")
      a.port = static_cast<std::uint16_t>(std::stoi(v));
    else if (f == "--connections")
      a.connections = std::stoi(v);
    else if (f == "--publishers")
      a.publishers = std::stoi(v);
    else if (f == "--window")
      a.window = std::stoi(v);
    else if (f == "--chats")
      a.chats = std::stoi(v);
    else if (f == "--seconds")
      a.seconds = std::stod(v);
    else if (f == "--rate")
      a.rate = std::stoi(v);
    else if (f == "--pid")
      a.pid = std::stoi(v);
    else if (f == "--threads")
      a.threads = std::stoi(v);
    else if (f == "--token-pattern")
      a.token_pattern = v;
    else if (f == "--chat")
      a.chat = v;
    else if (f == "--chat-pattern")
      a.chat_pattern = v;
    else if (f == "--publish-port")
      a.publish_port = static_cast<std::uint16_t>(std::stoi(v));
    else if (f == "--publish-chat")
      a.publish_chat = v;
    else if (f == "--drain")
      a.drain = std::stod(v);
    else if (f == "--tokens" || f == "--publish-tokens" || f == "--chat-ids" ||
             f == "--publish-chats" || f == "--publish-ports") {
      std::stringstream in(v);
      std::string t;
      auto& into = f == "--tokens"          ? a.tokens
                   : f == "--chat-ids"      ? a.chat_ids
                   : f == "--publish-chats" ? a.publish_chats
                   : f == "--publish-ports" ? a.publish_ports
                                            : a.publish_tokens;
      while (std::getline(in, t, ',')) into.push_back(t);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", f.c_str());
      std::exit(2);
    }
  }
  if (a.mode == "send" && a.window == 16) a.window = 1;
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  Args args = Parse(argc, argv);
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);
  std::vector<std::thread> threads;
  for (int i = 0; i < args.threads; ++i) threads.emplace_back([&] { ioc.run(); });
  Stats stats;
  std::vector<std::shared_ptr<Conn>> conns;
  std::vector<std::shared_ptr<Conn>> publishers;
  std::atomic<int> ready{0};
  const std::int64_t rss_before = args.pid ? RssKb(args.pid) : -1;
  Conn::Role role = args.mode == "idle"      ? Conn::Role::kIdle
                    : args.mode == "inbound" ? Conn::Role::kListener
                                             : Conn::Role::kRequester;
  const auto connect_start = Clock::now();
  for (int i = 0; i < args.connections; ++i) {
    conns.push_back(std::make_shared<Conn>(ioc, args, stats, role, i));
    conns.back()->Start(&ready);
    if (i % 64 == 63) {  // pace the handshakes (listen backlog)
      while (ready.load() < i - 256) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  if (args.mode == "inbound") {
    for (int i = 0; i < args.publishers; ++i) {
      publishers.push_back(
          std::make_shared<Conn>(ioc, args, stats, Conn::Role::kPublisher, args.connections + i));
      publishers.back()->Start(&ready);
    }
  }
  const int total = args.connections + static_cast<int>(publishers.size());
  while (ready.load() < total) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double connect_s = std::chrono::duration<double>(Clock::now() - connect_start).count();
  Json out = {{"mode", args.mode},
              {"connections", args.connections},
              {"connectSeconds", connect_s},
              {"closedEarly", stats.closed.load()}};
  if (args.mode == "idle") {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const std::int64_t rss_after = args.pid ? RssKb(args.pid) : -1;
    out["serverRssBeforeKb"] = rss_before;
    out["serverRssAfterKb"] = rss_after;
    out["deltaKb"] = rss_after - rss_before;
    out["perConnectionBytes"] =
        args.connections ? (rss_after - rss_before) * 1024 / args.connections : 0;
  } else {
    const auto start = Clock::now();
    const std::int64_t stop_ns = NowNs() + static_cast<std::int64_t>(args.seconds * 1e9);
    for (auto& c : conns) c->Go(stop_ns);
    if (args.mode == "inbound" && publishers.empty()) {
      // Listen only: another process publishes (daemon_bench.mjs's native
      // peers) and compares `eventsReceived` with what it published. The
      // drain ends once no event came for a second.
      std::fprintf(stderr, "xs-ws-load: listeners ready\n");
      std::fflush(stderr);
      std::this_thread::sleep_until(start + std::chrono::nanoseconds(stop_ns - NowNs()));
      const auto drain_start = Clock::now();
      const auto drain_until =
          drain_start + std::chrono::nanoseconds(static_cast<std::int64_t>(args.drain * 1e9));
      std::uint64_t seen = ~std::uint64_t{0};
      while (Clock::now() < drain_until && stats.events.load() != seen) {
        seen = stats.events.load();
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      out["drainSeconds"] = std::chrono::duration<double>(Clock::now() - drain_start).count();
    } else if (args.mode == "inbound") {
      for (auto& c : publishers) c->Go(stop_ns);
      const auto period = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / args.rate));
      auto next = Clock::now();
      std::size_t k = 0;
      while (NowNs() < stop_ns) {
        publishers[k++ % publishers.size()]->Publish();
        next += period;
        std::this_thread::sleep_until(next);
      }
      // In-flight answers and deliveries: until every offered frame is
      // answered and every published message reached every listener, or
      // --drain seconds.
      const auto drain_start = Clock::now();
      const auto drain_until =
          drain_start + std::chrono::nanoseconds(static_cast<std::int64_t>(args.drain * 1e9));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      while (
          Clock::now() < drain_until &&
          (stats.ok.load() + stats.errors.load() < stats.offered.load() ||
           stats.events.load() < stats.ok.load() * static_cast<std::uint64_t>(args.connections))) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      out["drainSeconds"] = std::chrono::duration<double>(Clock::now() - drain_start).count();
    } else {
      std::this_thread::sleep_until(start + std::chrono::nanoseconds(stop_ns - NowNs()));
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    out["seconds"] = elapsed;
    out["okAnswers"] = stats.ok.load();
    out["errorAnswers"] = stats.errors.load();
    if (args.mode == "inbound") {
      out["offered"] = stats.offered.load();
      out["offeredPerSecond"] = static_cast<double>(stats.offered.load()) / args.seconds;
      out["published"] = stats.ok.load();
      // Answered sends over the offered window plus the drain: the rate the
      // publishers really reached.
      out["publishedPerSecond"] = static_cast<double>(stats.ok.load()) / elapsed;
      out["expectedEvents"] = stats.ok.load() * static_cast<std::uint64_t>(args.connections);
      out["eventsReceived"] = stats.events.load();
      out["eventsPerSecond"] = static_cast<double>(stats.events.load()) / args.seconds;
      out["deliveryLatency"] = stats.Percentiles();
      out["nodeLatency"] = stats.NodePercentiles();
    } else {
      out["answersPerSecond"] =
          static_cast<double>(stats.ok.load() + stats.errors.load()) / args.seconds;
      out["latency"] = stats.Percentiles();
    }
  }
  std::printf("%s\n", out.dump().c_str());
  for (auto& c : conns) c->Close();
  for (auto& c : publishers) c->Close();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  work.reset();
  ioc.stop();
  for (auto& t : threads) t.join();
  return 0;
}
