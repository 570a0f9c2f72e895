// xs-mcp-load stdio: one `xs mcp` child, requests one after another over its
// stdin/stdout (newline-delimited JSON-RPC). Lines from the server that are
// not the awaited response (notifications, server requests) are skipped; a
// line that is not JSON is a protocol violation and counted as a bad answer.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

#include "mcp_load.h"

namespace xs::bench::mcp {
namespace {

// A response must come within this long (an MLS send on a loaded machine
// takes milliseconds; a minute means the server is stuck).
constexpr int kAnswerTimeoutMs = 60'000;

class Child {
 public:
  ~Child() { Stop(); }

  bool Start(const LoadOptions& o) {
    const char* token = std::getenv(o.token_env.c_str());
    if (token == nullptr) {
      std::fprintf(stderr, "xs-mcp-load: $%s is not set\n", o.token_env.c_str());
      return false;
    }
    int in[2];
    int out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) return false;
    std::vector<std::string> env_text;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::strncmp(*e, "XMTP_SIGNET_CREDENTIAL_TOKEN=", 29) != 0) env_text.emplace_back(*e);
    }
    env_text.push_back(std::string(kTokenVariable) + "=" + token);
    std::vector<char*> env;
    for (auto& e : env_text) env.push_back(e.data());
    env.push_back(nullptr);
    std::vector<std::string> arg_text = {o.xs, "mcp"};
    if (!o.config.empty()) {
      arg_text.emplace_back("--config");
      arg_text.push_back(o.config);
    }
    std::vector<char*> args;
    for (auto& a : arg_text) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    const int rc = posix_spawn(&pid_, o.xs.c_str(), &actions, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    to_child_ = in[1];
    from_child_ = out[0];
    if (rc != 0) {
      std::fprintf(stderr, "xs-mcp-load: cannot start %s: %s\n", o.xs.c_str(), std::strerror(rc));
      pid_ = 0;
      return false;
    }
    return true;
  }

  bool WriteLine(const std::string& line) {
    std::string framed = line + "\n";
    std::size_t done = 0;
    while (done < framed.size()) {
      const ssize_t n = write(to_child_, framed.data() + done, framed.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  // The next line from the server; nullopt at EOF or after the timeout.
  std::optional<std::string> ReadLine() {
    for (;;) {
      const auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      pollfd p{from_child_, POLLIN, 0};
      const int ready = poll(&p, 1, kAnswerTimeoutMs);
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return std::nullopt;
      char chunk[65536];
      const ssize_t n = read(from_child_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // Closes stdin (the client's end of the session) and waits up to 5 s for
  // the child to exit, then terminates it. Returns its exit status.
  int Stop() {
    if (to_child_ >= 0) close(to_child_);
    to_child_ = -1;
    int status = 0;
    if (pid_ > 0) {
      for (int i = 0; i < 500 && waitpid(pid_, &status, WNOHANG) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (waitpid(pid_, &status, WNOHANG) == 0) {
        kill(pid_, SIGTERM);
        waitpid(pid_, &status, 0);
      }
      pid_ = 0;
    }
    if (from_child_ >= 0) close(from_child_);
    from_child_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = 0;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffer_;
};

// Sends `request` (id `id`) and reads until its response (its text, and
// what PeekMessage read of it). nullopt: the server closed, timed out or
// wrote something that is not JSON (`bad` says which).
std::optional<std::pair<std::string, Peek>> Call(Child& child, int id, const std::string& request,
                                                 std::string* bad) {
  if (!child.WriteLine(request)) {
    *bad = "cannot write to the server (it exited?)";
    return std::nullopt;
  }
  for (;;) {
    auto line = child.ReadLine();
    if (!line) {
      *bad = "the server closed stdout or did not answer within 60 s";
      return std::nullopt;
    }
    if (line->empty()) continue;
    const Peek peek = PeekMessage(*line);
    if (!peek.json) {
      *bad = "not JSON on stdout: " + line->substr(0, 200);
      return std::nullopt;
    }
    if (peek.has_method) continue;  // a notification or a server request
    if (peek.id == id) return std::make_pair(std::move(*line), peek);
  }
}

}  // namespace

int RunStdio(const LoadOptions& o) {
  Child child;
  const auto spawned = Clock::now();
  if (!child.Start(o)) return 1;
  std::string bad;
  auto init_answer = Call(child, 0, InitializeRequest(0, o.protocol_version), &bad);
  const Json init = init_answer ? Json::parse(init_answer->first, nullptr, false) : Json();
  if (!init.is_object() || !init.contains("result")) {
    std::fprintf(stderr, "xs-mcp-load: initialize failed: %s\n",
                 init_answer ? init_answer->first.c_str() : bad.c_str());
    std::fprintf(stderr, "xs-mcp-load: server exit %d\n", child.Stop());
    return 1;
  }
  const double startup_ms = static_cast<double>(ElapsedUs(spawned)) / 1000.0;
  child.WriteLine(InitializedNotification());

  LoadStats stats;
  const int total = o.warmup + o.calls;
  std::map<int, std::int64_t> cpu_before;
  std::int64_t self_before = 0;
  Clock::time_point start;
  std::string last_answer;
  for (int i = 1; i <= total; ++i) {
    if (i == o.warmup + 1) {
      for (int pid : o.pids) cpu_before[pid] = ProcessCpuUs(pid);
      cpu_before[child.pid()] = ProcessCpuUs(child.pid());
      self_before = SelfCpuUs();
      start = Clock::now();
    }
    const std::string request =
        ToolCallRequest(i, o.tool, Expand(o.args, static_cast<std::uint64_t>(i)));
    const auto sent = Clock::now();
    auto answer = Call(child, i, request, &bad);
    const std::int64_t us = ElapsedUs(sent);
    if (!answer) {
      ++stats.failed_clients;
      stats.NoteError(bad);
      break;
    }
    if (i <= o.warmup) continue;
    stats.Add(us);
    Count(stats, answer->second.outcome, answer->first);
    stats.answer_bytes += answer->first.size();
    if (o.keep_answer) last_answer = std::move(answer->first);
  }
  const double seconds = static_cast<double>(ElapsedUs(start)) / 1e6;
  const auto calls = std::max<std::uint64_t>(stats.Answers(), 1);
  Json servers = Json::object();
  for (int pid : o.pids) {
    servers[std::to_string(pid)] =
        (ProcessCpuUs(pid) - cpu_before[pid]) / static_cast<std::int64_t>(calls);
  }
  Json out = {
      {"mode", "stdio"},
      {"tool", o.tool},
      {"protocolVersion", init["result"].value("protocolVersion", "")},
      {"startupMs", startup_ms},
      {"calls", stats.Answers()},
      {"ok", stats.ok.load()},
      {"toolErrors", stats.tool_errors.load()},
      {"rpcErrors", stats.rpc_errors.load()},
      {"badAnswers", stats.http_errors.load()},
      {"seconds", seconds},
      {"callsPerSecond", static_cast<double>(stats.Answers()) / std::max(seconds, 1e-9)},
      {"latency", stats.Percentiles()},
      {"meanAnswerBytes", stats.answer_bytes / calls},
      {"clientCpuUsPerCall", (SelfCpuUs() - self_before) / static_cast<std::int64_t>(calls)},
      {"mcpProcessCpuUsPerCall",
       (ProcessCpuUs(child.pid()) - cpu_before[child.pid()]) / static_cast<std::int64_t>(calls)},
      {"serverCpuUsPerCall", servers}};
  out["serverExit"] = child.Stop();
  if (o.keep_answer) out["lastAnswer"] = Json::parse(last_answer, nullptr, false);
  if (!stats.first_error.empty()) {
    std::fprintf(stderr, "xs-mcp-load: first failure: %s\n", stats.first_error.c_str());
  }
  std::printf("%s\n", out.dump().c_str());
  const bool complete =
      stats.failed_clients == 0 && stats.Answers() == static_cast<std::uint64_t>(o.calls);
  if (!complete) return 1;
  return o.expect_ok && stats.ok != static_cast<std::uint64_t>(o.calls) ? 1 : 0;
}

}  // namespace xs::bench::mcp
