#include "adapters/openclaw/adapter_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"

namespace xs::adapters::openclaw {

namespace {

// How long one poll waits before checking whether the child has exited.
constexpr int kPollIntervalMs = 100;

Status CheckProgram(const std::string& program) {
  if (::access(program.c_str(), F_OK) != 0) {
    return Error::NotFound("adapter program not found: " + program);
  }
  if (::access(program.c_str(), X_OK) != 0) {
    return Error::Permission("adapter program is not executable: " + program);
  }
  return OkStatus();
}

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

Result<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Error::Internal(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Spawns the child with stdout/stderr on the pipes' write ends.
Result<pid_t> Spawn(const std::string& program, const std::vector<std::string>& args,
                    const signet::EnvMap& env, int out_fd, int err_fd) {
  std::vector<std::string> env_lines;
  for (const auto& [k, v] : env) env_lines.push_back(std::string(k).append("=").append(v));
  std::vector<char*> argv = {const_cast<char*>(program.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& line : env_lines) envp.push_back(line.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return Error::Internal("cannot start the adapter program " + program + ": " +
                           std::strerror(rc));
  }
  return pid;
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// Copies what is readable on `fd` to `sink`; false at end of file.
bool Pump(int fd, std::ostream& sink) {
  char buf[8192];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  sink.write(buf, n);
  sink.flush();
  return true;
}

}  // namespace

Result<int> RunAdapterProcess(const std::string& program, const std::vector<std::string>& args,
                              const signet::EnvMap& env, std::ostream& out, std::ostream& err) {
  XS_RETURN_IF_ERROR(CheckProgram(program));
  XS_TRY(Pipe out_pipe, MakePipe());
  XS_TRY(Pipe err_pipe, MakePipe());
  XS_TRY(pid_t pid, Spawn(program, args, env, out_pipe.write.get(), err_pipe.write.get()));
  out_pipe.write.reset();
  err_pipe.write.reset();

  pollfd fds[2] = {{out_pipe.read.get(), POLLIN, 0}, {err_pipe.read.get(), POLLIN, 0}};
  std::ostream* sinks[2] = {&out, &err};
  bool exited = false;
  int status = 0;
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    // After the child's exit everything it wrote is already in the pipes:
    // drain without waiting, so a background grandchild holding a copy of
    // a pipe cannot keep us here.
    const int ready = ::poll(fds, 2, exited ? 0 : kPollIntervalMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0 && exited) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      if (!Pump(fds[i].fd, *sinks[i])) fds[i].fd = -1;
    }
    if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) exited = true;
  }
  if (!exited) {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  return ExitCodeOf(status);
}

}  // namespace xs::adapters::openclaw
