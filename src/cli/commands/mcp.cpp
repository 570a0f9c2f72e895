// xs mcp: the stdio MCP server of one credential (decisions.md #27). The
// token comes from XMTP_SIGNET_CREDENTIAL_TOKEN (never argv, never printed);
// the process connects to the daemon's <runtime dir>/mcp.sock, authenticates
// (refusing to start on failure: the error on stderr, the exit code of its
// category, auth 9), then pipes stdin -> socket and socket -> stdout byte
// for byte, so stdout carries only the daemon's JSON-RPC lines. EOF on stdin
// ends the process cleanly once the daemon has answered what it read; the
// daemon going away first is a network error (exit 6).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <thread>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "daemon/mcp_daemon.h"
#include "transport/admin/admin_protocol.h"
#include "transport/admin/line_socket.h"

namespace xs::cli {

namespace {

constexpr const char* kTokenVariable = "XMTP_SIGNET_CREDENTIAL_TOKEN";
constexpr const char* kSignetIdVariable = "XMTP_SIGNET_ID";
// The daemon answers the handshake at once; this bounds a stuck one.
constexpr int kHandshakeTimeoutMs = 15000;
constexpr std::size_t kMaxHandshakeAnswerBytes = 64 * 1024;
constexpr std::size_t kPumpChunkBytes = 64 * 1024;

bool WriteAll(int fd, const char* data, std::size_t size, bool socket) {
  while (size > 0) {
    ssize_t n = socket ? ::send(fd, data, size, MSG_NOSIGNAL) : ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

Error NoDaemon(const std::string& path) {
  return Error::Network(path, "the daemon is not running (no MCP socket at " + path +
                                  "); start it with `xs daemon start`");
}

// Connects and authenticates; the socket ready for JSON-RPC.
Result<transport::LineSocket> Connect(const std::string& path, const std::string& token,
                                      const std::optional<std::string>& signet_id) {
  auto socket = transport::ConnectUnixSocket(path);
  if (!socket.ok()) {
    if (socket.error().IsNotFound()) return NoDaemon(path);
    return std::move(socket).error();
  }
  Json hello = {{"token", token}, {"signetId", nullptr}};
  if (signet_id) hello["signetId"] = *signet_id;
  if (!socket->WriteLine(transport::DumpLine(hello))) return NoDaemon(path);
  std::string line;
  if (socket->ReadLine(&line, kMaxHandshakeAnswerBytes, kHandshakeTimeoutMs) !=
      transport::LineSocket::ReadStatus::kLine) {
    return Error::Network(path, "the daemon did not answer the MCP handshake");
  }
  Json answer = Json::parse(line, nullptr, false);
  if (!answer.is_object()) return Error::Internal("unreadable MCP handshake answer");
  if (answer.value("ok", false)) return std::move(socket).value();
  Error error = transport::ErrorFromObject(answer.value("error", Json::object()));
  if (error.IsValidation() && error.message().find("signetId") != std::string::npos) {
    return Error::Validation(kSignetIdVariable,
                             "does not match the daemon's signet id (`signetId` in "
                             "`xs status --json`)");
  }
  return error;
}

// Pipes stdin -> socket and socket -> stdout until stdin ends (then waits
// for the daemon to finish and close) or the daemon closes first.
Status Pump(int socket_fd, const std::string& path) {
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC) != 0) return Error::Internal("pipe failed");
  std::atomic<bool> daemon_closed{false};
  std::atomic<bool> stdout_closed{false};
  std::thread reader([&] {
    char chunk[kPumpChunkBytes];
    for (;;) {
      ssize_t n = ::recv(socket_fd, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        daemon_closed = true;
        break;
      }
      if (!WriteAll(STDOUT_FILENO, chunk, static_cast<std::size_t>(n), false)) {
        stdout_closed = true;
        break;
      }
    }
    (void)!::write(wake[1], "x", 1);
  });
  bool stdin_ended = false;
  char chunk[kPumpChunkBytes];
  while (!stdin_ended) {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) break;  // the reader ended
    if (fds[0].revents == 0) continue;
    ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      stdin_ended = true;
      // The daemon answers what it read, then closes.
      ::shutdown(socket_fd, SHUT_WR);
      break;
    }
    if (!WriteAll(socket_fd, chunk, static_cast<std::size_t>(n), true)) break;
  }
  if (!stdin_ended && !daemon_closed) ::shutdown(socket_fd, SHUT_RDWR);
  reader.join();
  ::close(wake[0]);
  ::close(wake[1]);
  if (stdin_ended || stdout_closed) return OkStatus();
  return Error::Network(path, "the signet daemon closed the MCP connection (" + path + ")");
}

Status ServeMcp(Invocation& inv) {
  std::optional<std::string> token = signet::EnvValue(inv.env(), kTokenVariable);
  if (!token || token->empty()) {
    return Error::Validation(kTokenVariable,
                             "is not set; export the credential token `xs cred issue` printed");
  }
  std::optional<std::string> signet_id = signet::EnvValue(inv.env(), kSignetIdVariable);
  if (signet_id && signet_id->empty()) signet_id.reset();
  XS_TRY(signet::Config * config, inv.config());
  const std::string path = daemon::McpSocketPath(*config);
  XS_TRY(transport::LineSocket socket, Connect(path, *token, signet_id));
  // A host that closes our stdout must not kill us with SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  inv.out().flush();
  inv.err() << "xs mcp: connected to " << path << "\n";
  inv.err().flush();
  return Pump(socket.fd(), path);
}

}  // namespace

Command McpCommand() {
  Command mcp{"mcp",
              "Serve MCP on stdin/stdout for the credential in $XMTP_SIGNET_CREDENTIAL_TOKEN"};
  mcp.run = ServeMcp;
  mcp.examples = {"XMTP_SIGNET_CREDENTIAL_TOKEN=<token> xs mcp",
                  "XMTP_SIGNET_CREDENTIAL_TOKEN=<token> xs mcp --config ~/.config/xmtp-signet/"
                  "config.toml"};
  return mcp;
}

}  // namespace xs::cli
