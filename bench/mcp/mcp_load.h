// xs-mcp-load: the pieces its two modes share. The options of one run, the
// latency record (percentiles over every measured call), CPU time of this
// process and of other processes read from /proc, and the MCP JSON-RPC
// messages a client sends (initialize, notifications/initialized,
// tools/call). Not thread-safe unless a member says so: the stdio mode runs
// on one thread, the HTTP mode's connections add to one LoadStats under its
// mutex.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xs::bench::mcp {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

inline constexpr const char* kProtocolVersion = "2025-11-25";
inline constexpr const char* kTokenVariable = "XMTP_SIGNET_CREDENTIAL_TOKEN";
// Latencies kept per run (enough for minutes at the HTTP mode's rates).
inline constexpr std::size_t kMaxLatencySamples = 5'000'000;

struct LoadOptions {
  std::string mode;  // stdio | http | rest
  // stdio: the server is `<xs> mcp [--config <config>]`, the token in its
  // XMTP_SIGNET_CREDENTIAL_TOKEN taken from our variable `token_env`.
  std::string xs;
  std::string config;
  std::string token_env = kTokenVariable;
  // http / rest: POST url with `Authorization: Bearer <token>`.
  std::string url;
  std::string token;
  std::string body = "{}";  // rest: the request body ({n} = call number)
  std::string tool = "message_send";
  std::string args = "{}";  // the tool's arguments, JSON ({n} = call number)
  std::string protocol_version = kProtocolVersion;
  int calls = 0;             // total calls (stdio default 200; http/rest: 0 = use seconds)
  int warmup = 5;            // calls before the measured ones (stdio, and per http connection)
  double seconds = 5;        // http/rest when calls == 0
  int clients = 16;          // http/rest: keep-alive connections, one MCP session each
  int threads = 1;           // http/rest: client I/O threads
  std::vector<int> pids;     // --server-pid: CPU per call of these processes
  bool expect_ok = false;    // exit 1 unless every measured call succeeded
  bool keep_answer = false;  // stdio: the last answer in the output (`lastAnswer`)
};

// Every measured call: its latency and how it ended.
struct LoadStats {
  std::mutex mu;
  std::vector<std::int64_t> latencies_us;
  std::atomic<std::uint64_t> ok{0};           // result, isError false / {"ok":true}
  std::atomic<std::uint64_t> tool_errors{0};  // result with isError true / {"ok":false}
  std::atomic<std::uint64_t> rpc_errors{0};   // JSON-RPC error object
  std::atomic<std::uint64_t> http_errors{0};  // status other than 200/202, or no JSON
  std::atomic<std::uint64_t> failed_clients{0};
  std::atomic<std::uint64_t> answer_bytes{0};  // measured answers' bodies (SSE: the body)
  std::string first_error;                     // the first failure's text, for stderr

  void Add(std::int64_t us);
  void NoteError(const std::string& text);
  std::uint64_t Answers() const { return ok + tool_errors + rpc_errors; }
  Json Percentiles();
};

// How an answer ended: a JSON-RPC response to a tools/call (error object;
// result with isError true or not), or a decisions-15 envelope ({ok}).
enum class Outcome { kOk, kToolError, kRpcError, kBad };

// What a load run needs from one message, read without building a DOM (a
// message.list answer carries 50 messages twice; parsing them into a tree
// would cost the client more CPU than the server spends): its outcome, its
// top-level numeric id, and whether it is a request/notification (method).
struct Peek {
  bool json = false;  // well-formed JSON
  bool has_method = false;
  std::optional<std::int64_t> id;
  Outcome outcome = Outcome::kBad;
};
Peek PeekMessage(std::string_view text);
// Counts `outcome` in `stats`; keeps the first failure's text.
void Count(LoadStats& stats, Outcome outcome, const std::string& text);

// The JSON-RPC requests of a session.
std::string InitializeRequest(int id, const std::string& protocol_version);
std::string InitializedNotification();
// `arguments`: JSON text (an object).
std::string ToolCallRequest(int id, const std::string& tool, const std::string& arguments);
// `templ` with every "{n}" replaced by `n` (so each send has its own text).
std::string Expand(const std::string& templ, std::uint64_t n);

// CPU time (user + system) in microseconds: this process, and a process by
// pid from /proc/<pid>/stat (-1 when it cannot be read).
std::int64_t SelfCpuUs();
std::int64_t ProcessCpuUs(int pid);

std::int64_t ElapsedUs(Clock::time_point since);

// The modes; each prints one JSON line and returns the exit code.
int RunStdio(const LoadOptions& options);
int RunHttp(const LoadOptions& options);

}  // namespace xs::bench::mcp
