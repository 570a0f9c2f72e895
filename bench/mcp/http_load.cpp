// xs-mcp-load http / rest: keep-alive HTTP/1.1 clients (Beast, one strand
// each) making requests back to back. `http`: one MCP session per client
// over streamable HTTP (initialize answers with Mcp-Session-Id; later
// requests carry it and MCP-Protocol-Version; answers are JSON or an SSE
// stream whose `data:` lines hold the response). `rest`: the same loop
// against a plain route whose answer is the decisions-15 envelope.
//
// Phases: every client connects, opens its session and makes its warm-up
// calls; then the measured phase starts for all at once (until --seconds
// pass or the client's share of --calls is done); then each client DELETEs
// its session and closes.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <thread>

#include "mcp_load.h"

namespace xs::bench::mcp {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Tcp = asio::ip::tcp;

constexpr std::uint64_t kMaxAnswerBytes = 64 * 1024 * 1024;
constexpr auto kRequestTimeout = std::chrono::seconds(60);

struct Target {
  std::string host;
  std::string port;
  std::string path;
};

bool ParseUrl(const std::string& url, Target* t) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return false;
  const std::string rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  t->path = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) return false;
  t->host = authority.substr(0, colon);
  t->port = authority.substr(colon + 1);
  return !t->host.empty() && !t->port.empty();
}

// The message answering request `id`: the body when it is JSON, else the
// SSE event (its `data:` lines joined) whose id is `id`, or the last one.
std::string AnswerOf(const http::response<http::string_body>& res, std::int64_t id) {
  const auto type = res[http::field::content_type];
  if (type.find("text/event-stream") == std::string_view::npos) return res.body();
  std::string last;
  std::string data;
  std::size_t at = 0;
  const std::string& body = res.body();
  while (at <= body.size()) {
    auto nl = body.find('\n', at);
    if (nl == std::string::npos) nl = body.size();
    std::string_view line(body.data() + at, nl - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("data:", 0) == 0) {
      line.remove_prefix(line.size() > 5 && line[5] == ' ' ? 6 : 5);
      if (!data.empty()) data += '\n';
      data.append(line);
    } else if (line.empty() && !data.empty()) {
      if (PeekMessage(data).id == id) return data;
      last = std::move(data);
      data.clear();
    }
    at = nl + 1;
  }
  return data.empty() ? last : data;
}

// Clients arriving at a phase's end; the main thread waits without polling
// (a polling thread's wake-ups would count as client CPU).
class Latch {
 public:
  void Arrive() {
    std::lock_guard lock(mu_);
    ++count_;
    cv_.notify_all();
  }
  void Wait(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return count_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
};

struct Shared {
  explicit Shared(const LoadOptions& o) : options(o) {}
  const LoadOptions& options;
  Target target;
  LoadStats stats;
  Latch ready;  // clients through their warm-up (or failed)
  Latch done;   // clients finished (or failed)
  std::atomic<std::int64_t> stop_ns{0};
};

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& ioc, Shared& shared, int quota)
      : stream_(asio::make_strand(ioc)), shared_(shared), o_(shared.options), quota_(quota) {}

  void Start(const Tcp::resolver::results_type& endpoints) {
    stream_.expires_after(kRequestTimeout);
    stream_.async_connect(
        endpoints, [self = shared_from_this()](beast::error_code ec, const Tcp::endpoint&) {
          if (ec) return self->Fail("connect: " + ec.message());
          self->stream_.socket().set_option(Tcp::no_delay(true));
          if (self->o_.mode == "rest") return self->Warm();
          self->Send(http::verb::post, InitializeRequest(0, self->o_.protocol_version),
                     [self](const Res& res) { self->OnInitialized(res); });
        });
  }

  void Go() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Next(); });
  }

 private:
  using Res = http::response<http::string_body>;
  using Then = void (Client::*)(const Res&);

  void OnInitialized(const Res& res) {
    const Json answer = Json::parse(AnswerOf(res, 0), nullptr, false);
    if (res.result() != http::status::ok || !answer.is_object() || !answer.contains("result")) {
      return Fail("initialize: HTTP " + std::to_string(res.result_int()) + " " +
                  res.body().substr(0, 500));
    }
    session_ = std::string(res["Mcp-Session-Id"]);
    version_ = answer["result"].value("protocolVersion", o_.protocol_version);
    auto self = shared_from_this();
    Send(http::verb::post, InitializedNotification(), [self](const Res& r) {
      if (r.result() != http::status::accepted && r.result() != http::status::ok) {
        return self->Fail("notifications/initialized: HTTP " + std::to_string(r.result_int()));
      }
      self->Warm();
    });
  }

  void Warm() {
    if (warm_ < o_.warmup) {
      ++warm_;
      auto self = shared_from_this();
      return Send(http::verb::post, Request(), [self](const Res&) { self->Warm(); });
    }
    warmed_ = true;
    shared_.ready.Arrive();
  }

  std::string Request() {
    ++id_;
    if (o_.mode == "rest") return Expand(o_.body, static_cast<std::uint64_t>(id_));
    return ToolCallRequest(id_, o_.tool, Expand(o_.args, static_cast<std::uint64_t>(id_)));
  }

  void Next() {
    const bool out_of_time = o_.calls == 0 && NowNs() >= shared_.stop_ns.load();
    if (out_of_time || (o_.calls > 0 && made_ >= quota_)) return Finish();
    ++made_;
    const auto sent = Clock::now();
    auto self = shared_from_this();
    Send(http::verb::post, Request(), [self, sent](const Res& res) {
      self->shared_.stats.Add(ElapsedUs(sent));
      self->Record(res);
      self->Next();
    });
  }

  void Record(const Res& res) {
    LoadStats& stats = shared_.stats;
    const std::string answer = o_.mode == "rest" ? res.body() : AnswerOf(res, id_);
    const Peek peek = PeekMessage(answer);
    stats.answer_bytes += res.body().size();
    // An answer to another request is as wrong as no answer.
    const bool ours = o_.mode == "rest" || peek.id == id_;
    Count(stats, ours ? peek.outcome : Outcome::kBad,
          "HTTP " + std::to_string(res.result_int()) + " " + res.body());
  }

  void Finish() {
    if (session_.empty()) return Done();
    auto self = shared_from_this();
    Send(http::verb::delete_, "", [self](const Res&) { self->Done(); });
  }

  void Done() {
    beast::error_code ignored;
    stream_.socket().shutdown(Tcp::socket::shutdown_both, ignored);
    shared_.done.Arrive();
  }

  template <typename F>
  void Send(http::verb verb, std::string body, F then) {
    req_ = {};
    req_.method(verb);
    req_.target(shared_.target.path);
    req_.version(11);
    req_.keep_alive(true);
    req_.set(http::field::host, shared_.target.host + ":" + shared_.target.port);
    req_.set(http::field::authorization, "Bearer " + o_.token);
    if (o_.mode == "http") {
      req_.set(http::field::accept, "application/json, text/event-stream");
      if (!session_.empty()) req_.set("Mcp-Session-Id", session_);
      if (!version_.empty()) req_.set("MCP-Protocol-Version", version_);
    }
    if (verb == http::verb::post) {
      req_.set(http::field::content_type, "application/json");
      req_.body() = std::move(body);
    }
    req_.prepare_payload();
    stream_.expires_after(kRequestTimeout);
    http::async_write(stream_, req_,
                      [self = shared_from_this(), then](beast::error_code ec, std::size_t) {
                        if (ec) return self->Fail("write: " + ec.message());
                        self->parser_.emplace();
                        self->parser_->body_limit(kMaxAnswerBytes);
                        http::async_read(self->stream_, self->buffer_, *self->parser_,
                                         [self, then](beast::error_code ec2, std::size_t) {
                                           if (ec2) return self->Fail("read: " + ec2.message());
                                           Res res = self->parser_->release();
                                           then(res);
                                         });
                      });
  }

  void Fail(const std::string& why) {
    if (failed_) return;
    failed_ = true;
    ++shared_.stats.failed_clients;
    shared_.stats.NoteError(why);
    if (!warmed_) shared_.ready.Arrive();
    shared_.done.Arrive();
  }

  beast::tcp_stream stream_;
  Shared& shared_;
  const LoadOptions& o_;
  int quota_;
  int warm_ = 0;
  int made_ = 0;
  int id_ = 0;
  bool failed_ = false;
  bool warmed_ = false;
  std::string session_;
  std::string version_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

}  // namespace

int RunHttp(const LoadOptions& o) {
  Shared shared(o);
  if (!ParseUrl(o.url, &shared.target)) {
    std::fprintf(stderr, "xs-mcp-load: --url must be http://host:port/path\n");
    return 2;
  }
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);
  Tcp::resolver resolver(ioc);
  beast::error_code ec;
  auto endpoints = resolver.resolve(shared.target.host, shared.target.port, ec);
  if (ec) {
    std::fprintf(stderr, "xs-mcp-load: resolve: %s\n", ec.message().c_str());
    return 1;
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i) threads.emplace_back([&] { ioc.run(); });
  std::vector<std::shared_ptr<Client>> clients;
  for (int i = 0; i < o.clients; ++i) {
    const int quota = o.calls / o.clients + (i < o.calls % o.clients ? 1 : 0);
    clients.push_back(std::make_shared<Client>(ioc, shared, quota));
    clients.back()->Start(endpoints);
  }
  shared.ready.Wait(o.clients);
  std::map<int, std::int64_t> cpu_before;
  for (int pid : o.pids) cpu_before[pid] = ProcessCpuUs(pid);
  const std::int64_t self_before = SelfCpuUs();
  const auto start = Clock::now();
  shared.stop_ns = NowNs() + static_cast<std::int64_t>(o.seconds * 1e9);
  for (auto& c : clients) c->Go();
  shared.done.Wait(o.clients);
  const double seconds = static_cast<double>(ElapsedUs(start)) / 1e6;
  LoadStats& stats = shared.stats;
  const auto calls = static_cast<std::int64_t>(std::max<std::uint64_t>(stats.Answers(), 1));
  Json servers = Json::object();
  for (int pid : o.pids)
    servers[std::to_string(pid)] = (ProcessCpuUs(pid) - cpu_before[pid]) / calls;
  Json out = {{"mode", o.mode},
              {"tool", o.mode == "rest" ? o.url : o.tool},
              {"clients", o.clients},
              {"failedClients", stats.failed_clients.load()},
              {"calls", stats.Answers()},
              {"ok", stats.ok.load()},
              {"toolErrors", stats.tool_errors.load()},
              {"rpcErrors", stats.rpc_errors.load()},
              {"badAnswers", stats.http_errors.load()},
              {"seconds", seconds},
              {"callsPerSecond", static_cast<double>(stats.Answers()) / std::max(seconds, 1e-9)},
              {"latency", stats.Percentiles()},
              {"meanAnswerBytes", stats.answer_bytes / static_cast<std::uint64_t>(calls)},
              {"clientCpuUsPerCall", (SelfCpuUs() - self_before) / calls},
              {"serverCpuUsPerCall", servers}};
  work.reset();
  ioc.stop();
  for (auto& t : threads) t.join();
  if (!stats.first_error.empty()) {
    std::fprintf(stderr, "xs-mcp-load: first failure: %s\n", stats.first_error.c_str());
  }
  std::printf("%s\n", out.dump().c_str());
  if (stats.failed_clients > 0) return 1;
  return o.expect_ok && stats.ok != stats.Answers() ? 1 : 0;
}

}  // namespace xs::bench::mcp
