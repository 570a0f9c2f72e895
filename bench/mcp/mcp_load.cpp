// xs-mcp-load: load generator for the signet's MCP server (issue 14).
//
//   xs-mcp-load stdio --xs PATH [--config CFG] [--token-env VAR]
//                     [--tool message_send] [--args '{"chatId":"conv_…","text":"b {n}"}']
//                     [--calls 200] [--warmup 5] [--server-pid PID]... [--expect-ok]
//                     [--keep-answer]
//       spawns `PATH mcp [--config CFG]` with XMTP_SIGNET_CREDENTIAL_TOKEN set
//       from our VAR (default that same name), initializes (2025-11-25), then
//       makes `calls` tools/call requests one after another over
//       newline-delimited JSON-RPC on the child's stdin/stdout. Latency = the
//       request line written -> its response line read. --keep-answer adds
//       the last response to the output (`lastAnswer`).
//   xs-mcp-load http  --url http://127.0.0.1:P/mcp --token T [--clients 16]
//                     [--seconds 5 | --calls N] [--tool operator_list] [--args '{}']
//                     [--threads 1] [--warmup 5] [--server-pid PID]...
//       streamable HTTP: each client holds one keep-alive connection and one
//       MCP session (initialize -> Mcp-Session-Id, notifications/initialized),
//       then makes tools/call requests back to back (JSON or SSE answers),
//       and DELETEs its session at the end.
//   xs-mcp-load rest  --url http://127.0.0.1:P/v1/credential/message.send --token T
//                     --body '{"chatId":"conv_…","text":"b {n}"}' [--clients 1] [--calls N]
//       the same loop against a plain HTTP route (the comparison without MCP).
//
// {n} in --args / --body is the call number. Every process given with
// --server-pid gets its CPU time per measured call in the output
// (`serverCpuUsPerCall`, by pid); the stdio mode also reports its `xs mcp`
// child's. `clientCpuUsPerCall` is this process's. Prints one JSON line;
// exits 1 when the session cannot start, or with --expect-ok when any
// measured call did not succeed. Figures: docs/performance.md ("MCP").
#include "mcp_load.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace xs::bench::mcp {

void LoadStats::Add(std::int64_t us) {
  std::lock_guard lock(mu);
  if (latencies_us.size() < kMaxLatencySamples) latencies_us.push_back(us);
}

void LoadStats::NoteError(const std::string& text) {
  std::lock_guard lock(mu);
  if (first_error.empty()) first_error = text.substr(0, 2000);
}

Json LoadStats::Percentiles() {
  std::lock_guard lock(mu);
  if (latencies_us.empty()) return nullptr;
  std::sort(latencies_us.begin(), latencies_us.end());
  auto at = [&](double q) {
    return latencies_us[std::min(
        latencies_us.size() - 1,
        static_cast<std::size_t>(q * static_cast<double>(latencies_us.size())))];
  };
  return {{"p50Us", at(0.5)},
          {"p90Us", at(0.9)},
          {"p99Us", at(0.99)},
          {"maxUs", latencies_us.back()},
          {"samples", latencies_us.size()}};
}

namespace {

// SAX handler for PeekMessage: tracks the key at depth 1 (the message's own
// fields) and at depth 2 (inside `result`).
class PeekHandler : public nlohmann::json_sax<Json> {
 public:
  explicit PeekHandler(Peek* peek) : peek_(peek) {}

  bool null() override { return true; }
  bool boolean(bool v) override {
    if (depth_ == 1 && key1_ == "ok") ok_ = v ? 1 : 0;
    if (depth_ == 2 && key1_ == "result" && key2_ == "isError") is_error_ = v;
    return true;
  }
  bool number_integer(number_integer_t v) override {
    if (depth_ == 1 && key1_ == "id") peek_->id = v;
    return true;
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (depth_ == 1 && key1_ == "id") peek_->id = static_cast<std::int64_t>(v);
    return true;
  }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    if (depth_ == 1 && key1_ == "result") has_result_ = true;
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) {
      key1_ = k;
      if (k == "method") peek_->has_method = true;
      if (k == "error") has_error_ = true;
    } else if (depth_ == 2) {
      key2_ = k;
    }
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

  Outcome outcome() const {
    if (ok_ >= 0) return ok_ == 1 ? Outcome::kOk : Outcome::kToolError;
    if (has_error_) return Outcome::kRpcError;
    if (has_result_) return is_error_ ? Outcome::kToolError : Outcome::kOk;
    return Outcome::kBad;
  }

 private:
  Peek* peek_;
  int depth_ = 0;
  std::string key1_;
  std::string key2_;
  int ok_ = -1;
  bool has_error_ = false;
  bool has_result_ = false;
  bool is_error_ = false;
};

}  // namespace

Peek PeekMessage(std::string_view text) {
  Peek peek;
  PeekHandler handler(&peek);
  peek.json = Json::sax_parse(text, &handler, Json::input_format_t::json, true, false);
  peek.outcome = peek.json ? handler.outcome() : Outcome::kBad;
  return peek;
}

void Count(LoadStats& stats, Outcome outcome, const std::string& text) {
  switch (outcome) {
    case Outcome::kOk:
      ++stats.ok;
      return;
    case Outcome::kToolError:
      ++stats.tool_errors;
      break;
    case Outcome::kRpcError:
      ++stats.rpc_errors;
      break;
    case Outcome::kBad:
      ++stats.http_errors;
      break;
  }
  stats.NoteError(text);
}

std::string InitializeRequest(int id, const std::string& protocol_version) {
  return Json{{"jsonrpc", "2.0"},
              {"id", id},
              {"method", "initialize"},
              {"params",
               {{"protocolVersion", protocol_version},
                {"capabilities", Json::object()},
                {"clientInfo", {{"name", "xs-mcp-load"}, {"version", "1"}}}}}}
      .dump();
}

std::string InitializedNotification() {
  return R"({"jsonrpc":"2.0","method":"notifications/initialized"})";
}

std::string ToolCallRequest(int id, const std::string& tool, const std::string& arguments) {
  // Built as text: the arguments are already JSON (checked once by Parse).
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"tools/call","params":{"name":)" + Json(tool).dump() + R"(,"arguments":)" +
         arguments + "}}";
}

std::string Expand(const std::string& templ, std::uint64_t n) {
  std::string out = templ;
  const std::string value = std::to_string(n);
  for (auto at = out.find("{n}"); at != std::string::npos;
       at = out.find("{n}", at + value.size())) {
    out.replace(at, 3, value);
  }
  return out;
}

std::int64_t SelfCpuUs() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto us = [](const timeval& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000 + t.tv_usec;
  };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

std::int64_t ProcessCpuUs(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  std::int64_t utime = 0;
  std::int64_t stime = 0;
  for (int i = 0; i < 13 && fields >> field; ++i) {
    if (i == 11) utime = std::strtoll(field.c_str(), nullptr, 10);
    if (i == 12) stime = std::strtoll(field.c_str(), nullptr, 10);
  }
  return (utime + stime) * 1'000'000 / sysconf(_SC_CLK_TCK);
}

std::int64_t ElapsedUs(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - since).count();
}

namespace {

[[noreturn]] void Usage(const char* why) {
  std::fprintf(
      stderr,
      "xs-mcp-load: %s\n"
      "usage: xs-mcp-load stdio --xs PATH [--config CFG] [--token-env VAR] [--tool T]\n"
      "                         [--args JSON] [--calls N] [--warmup W] [--expect-ok]\n"
      "                         [--keep-answer]\n"
      "       xs-mcp-load http  --url URL --token T [--clients 16] [--seconds 5 | --calls N]\n"
      "                         [--tool T] [--args JSON] [--threads 1] [--warmup W]\n"
      "       xs-mcp-load rest  --url URL --token T --body JSON [--clients 1] [--calls N]\n"
      "       any mode: [--server-pid PID]... [--protocol-version V]\n",
      why);
  std::exit(2);
}

int ToInt(const std::string& flag, const std::string& value) {
  char* end = nullptr;
  const long n = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || n < 0 || n > 100'000'000) {
    Usage((flag + " needs a non-negative integer").c_str());
  }
  return static_cast<int>(n);
}

LoadOptions Parse(int argc, char** argv) {
  if (argc < 2) Usage("no mode");
  LoadOptions o;
  o.mode = argv[1];
  if (o.mode != "stdio" && o.mode != "http" && o.mode != "rest") Usage("unknown mode");
  for (int i = 2; i < argc; ++i) {
    const std::string f = argv[i];
    if (f == "--expect-ok" || f == "--keep-answer") {
      (f == "--expect-ok" ? o.expect_ok : o.keep_answer) = true;
      continue;
    }
    if (i + 1 >= argc) Usage((f + " needs a value").c_str());
    const std::string v = argv[++i];
    if (f == "--xs") {
      o.xs = v;
    } else if (f == "--config") {
      o.config = v;
    } else if (f == "--token-env") {
      o.token_env = v;
    } else if (f == "--url") {
      o.url = v;
    } else if (f == "--token") {
      o.token = v;
    } else if (f == "--body") {
      o.body = v;
    } else if (f == "--tool") {
      o.tool = v;
    } else if (f == "--args") {
      o.args = v;
    } else if (f == "--protocol-version") {
      o.protocol_version = v;
    } else if (f == "--calls") {
      o.calls = ToInt(f, v);
    } else if (f == "--warmup") {
      o.warmup = ToInt(f, v);
    } else if (f == "--seconds") {
      o.seconds = std::strtod(v.c_str(), nullptr);
    } else if (f == "--clients") {
      o.clients = std::max(1, ToInt(f, v));
    } else if (f == "--threads") {
      o.threads = std::max(1, ToInt(f, v));
    } else if (f == "--server-pid") {
      o.pids.push_back(ToInt(f, v));
    } else {
      Usage(("unknown flag " + f).c_str());
    }
  }
  if (o.mode == "stdio" && o.xs.empty()) Usage("stdio needs --xs");
  if (o.mode != "stdio" && (o.url.empty() || o.token.empty())) Usage("needs --url and --token");
  if (o.mode == "stdio" && o.calls == 0) o.calls = 200;
  if (!Json::accept(Expand(o.mode == "rest" ? o.body : o.args, 0))) {
    Usage("--args / --body is not JSON");
  }
  return o;
}

}  // namespace

}  // namespace xs::bench::mcp

int main(int argc, char** argv) {
  using namespace xs::bench::mcp;
  const LoadOptions options = Parse(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);  // a server that exits is an error answer, not our death
  return options.mode == "stdio" ? RunStdio(options) : RunHttp(options);
}
