// Test and benchmark helper: the xmtp-node executable run as a child
// process with its stdout on a pipe, so callers can wait for its one
// "xmtp-node listening on <host>:<port>" line, signal it and reap it.
// (stderr is inherited.) Header-only; not part of the node library's API.
//
// Thread contract: one owning thread.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace xs::node::testing {

inline constexpr const char* kListeningPrefix = "xmtp-node listening on ";

class NodeProcess {
 public:
  NodeProcess(std::string binary, std::vector<std::string> args) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<char*> argv;
      argv.push_back(binary.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
  }

  // A process still running is killed.
  ~NodeProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      Wait();
    }
    if (stdout_) std::fclose(stdout_);
  }
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  pid_t pid() const { return pid_; }

  // The next stdout line ("" at end of file).
  std::string ReadLine() {
    char buf[256];
    if (!stdout_ || !std::fgets(buf, sizeof(buf), stdout_)) return "";
    return buf;
  }

  // Everything left on stdout until the process closes it.
  std::string ReadRest() {
    std::string rest;
    char buf[256];
    while (stdout_ && std::fgets(buf, sizeof(buf), stdout_)) rest += buf;
    return rest;
  }

  // Blocks for the "listening" line and returns its address, or "".
  std::string WaitListening() {
    const std::string line = ReadLine();
    const std::size_t prefix = std::strlen(kListeningPrefix);
    if (line.rfind(kListeningPrefix, 0) != 0 || line.back() != '\n') return "";
    return line.substr(prefix, line.size() - prefix - 1);
  }

  void Signal(int sig) { kill(pid_, sig); }

  // Reaps the process; returns the waitpid status.
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return status;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  FILE* stdout_ = nullptr;
};

}  // namespace xs::node::testing
