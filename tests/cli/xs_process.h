// Test and benchmark helper: runs the real `xs` binary as a child process in
// a private environment (HOME and every XDG base directory inside one temp
// dir, no inherited XMTP_SIGNET_* variables), capturing stdout, stderr and
// the exit code. Every run (init, daemon start/stop included) is recorded,
// so a test can scan all its outputs for secrets. The environment is torn
// down on destruction: a daemon that was started is stopped (and killed if
// it does not stop), the temp dir removed. Header-only; not part of any
// library.
//
// Thread contract: one owning thread; Run() may also be called from a helper
// thread (a foreground daemon), the record is guarded.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace xs::cli::testing {

struct RunResult {
  int code = -1;
  std::size_t index = 0;  // position in XsEnv::runs()
  std::string out;
  std::string err;

  // stdout as JSON (discarded value when it is not one document).
  nlohmann::json Json() const { return nlohmann::json::parse(out, nullptr, false); }
  nlohmann::json ErrJson() const { return nlohmann::json::parse(err, nullptr, false); }
  std::string Describe() const {
    return "exit " + std::to_string(code) + "\nstdout: " + out + "\nstderr: " + err;
  }
};

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Runs `argv` with `env` ("K=V"), reading both pipes until the child exits
// (a forked daemon grandchild may keep copies open, so EOF is not awaited).
inline RunResult Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                       std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  RunResult r;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) return r;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    r.err = "posix_spawn failed";
    return r;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  bool exited = false;
  int status = 0;
  char buf[4096];
  while (true) {
    if (!exited && fds[0].fd < 0 && fds[1].fd < 0) {
      // Both pipes closed: the child is exiting; reap it promptly.
      if (waitpid(pid, &status, WNOHANG) == pid) break;
      if (std::chrono::steady_clock::now() < deadline) {
        usleep(100);
        continue;
      }
    }
    if (!exited && waitpid(pid, &status, WNOHANG) == pid) exited = true;
    int ready = poll(fds, 2, exited ? 20 : 5);
    bool any = false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
        any = true;
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
      }
    }
    if (fds[0].fd < 0 && fds[1].fd < 0 && exited) break;
    if (exited && ready == 0 && !any) break;  // drained; a grandchild holds the pipe
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      exited = true;
      r.err += "\n[killed after timeout]";
      break;
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  if (WIFEXITED(status))
    r.code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    r.code = 128 + WTERMSIG(status);
  return r;
}

// A TCP port that was free a moment ago (the kernel's pick for port 0).
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// A private signet home: temp dir with config/data/state/runtime dirs.
class XsEnv {
 public:
  explicit XsEnv(std::string binary) : binary_(std::move(binary)) {
    char tmpl[] = "/tmp/xs-cli-XXXXXX";
    root_ = mkdtemp(tmpl);
    for (const char* d : {"home", "config", "data", "state", "run"}) {
      std::filesystem::create_directories(root_ / d);
    }
    std::filesystem::permissions(root_ / "run", std::filesystem::perms::owner_all);
    vars_ = {{"HOME", (root_ / "home").string()},
             {"XDG_CONFIG_HOME", (root_ / "config").string()},
             {"XDG_DATA_HOME", (root_ / "data").string()},
             {"XDG_STATE_HOME", (root_ / "state").string()},
             {"XDG_RUNTIME_DIR", (root_ / "run").string()},
             {"TMPDIR", (root_ / "run").string()},
             {"PATH", "/usr/local/bin:/usr/bin:/bin"},
             // Free ports, so parallel tests never collide (and never use a
             // node another process runs on the default 127.0.0.1:5556).
             {"XMTP_SIGNET_WS_PORT", "0"},
             {"XMTP_SIGNET_LOCAL_NODE", "127.0.0.1:" + std::to_string(FreePort())}};
  }

  ~XsEnv() {
    if (daemon_started_) StopDaemon();
    std::error_code ignored;
    if (!keep_) std::filesystem::remove_all(root_, ignored);
  }

  XsEnv(const XsEnv&) = delete;
  XsEnv& operator=(const XsEnv&) = delete;

  RunResult Run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& extra = {}) const {
    std::vector<std::string> argv = {binary_};
    argv.insert(argv.end(), args.begin(), args.end());
    auto vars = vars_;
    for (const auto& [k, v] : extra) vars[k] = v;
    std::vector<std::string> env;
    for (const auto& [k, v] : vars) env.push_back(std::string(k).append("=").append(v));
    RunResult r = Spawn(argv, env);
    std::lock_guard lock(runs_mu_);
    r.index = runs_.size();
    std::string command = "xs";
    for (const auto& a : args) command += " " + a;
    runs_.push_back({std::move(command), r});
    return r;
  }

  // Every run so far, in order: the command line and what it printed.
  struct Recorded {
    std::string command;
    RunResult result;
  };
  std::vector<Recorded> runs() const {
    std::lock_guard lock(runs_mu_);
    return runs_;
  }
  bool daemon_started() const { return daemon_started_; }

  // `xs init --env local` then `xs daemon start --daemon`.
  RunResult InitAndStart(const std::vector<std::string>& init_args = {},
                         const std::map<std::string, std::string>& extra = {}) {
    std::vector<std::string> args = {"init", "--env", "local", "--json"};
    args.insert(args.end(), init_args.begin(), init_args.end());
    RunResult init = Run(args, extra);
    if (init.code != 0) return init;
    return StartDaemon(extra);
  }

  RunResult StartDaemon(const std::map<std::string, std::string>& extra = {}) {
    RunResult r = Run({"daemon", "start", "--daemon", "--json"}, extra);
    if (r.code == 0) {
      daemon_started_ = true;
      stop_env_ = extra;
    }
    return r;
  }

  RunResult StopDaemon() {
    RunResult r = Run({"daemon", "stop", "--json"}, stop_env_);
    daemon_started_ = false;
    if (r.code != 0) KillFromPidFile();
    return r;
  }

  void set_var(const std::string& k, const std::string& v) { vars_[k] = v; }
  void keep() { keep_ = true; }
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path data_dir() const { return root_ / "data" / "xmtp-signet"; }
  std::filesystem::path state_dir() const { return root_ / "state" / "xmtp-signet"; }
  std::filesystem::path runtime_dir() const { return root_ / "run" / "xmtp-signet"; }
  std::filesystem::path config_file() const {
    return root_ / "config" / "xmtp-signet" / "config.toml";
  }

 private:
  void KillFromPidFile() {
    std::string pid_text = ReadFile(runtime_dir() / "signet.pid");
    int pid = std::atoi(pid_text.c_str());
    if (pid > 1) kill(pid, SIGKILL);
  }

  std::string binary_;
  std::filesystem::path root_;
  std::map<std::string, std::string> vars_;
  std::map<std::string, std::string> stop_env_;
  bool daemon_started_ = false;
  bool keep_ = false;
  mutable std::mutex runs_mu_;
  mutable std::vector<Recorded> runs_;
};

}  // namespace xs::cli::testing
