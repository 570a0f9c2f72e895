#include "transport/mcp/mcp_socket_server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <optional>

#include "transport/admin/admin_protocol.h"
#include "transport/admin/line_socket.h"

namespace xs::transport::mcp {

namespace {

using Json = nlohmann::json;

// A client that stops reading cannot hold a writer thread longer per line.
constexpr int kSendTimeoutSeconds = 30;
constexpr int kJsonRpcInvalidRequest = -32600;

std::string HandshakeError(const Error& error) {
  return DumpLine({{"ok", false}, {"error", ErrorObject(error)}});
}

std::string OversizedLine(std::size_t limit) {
  return DumpLine({{"jsonrpc", "2.0"},
                   {"id", nullptr},
                   {"error",
                    {{"code", kJsonRpcInvalidRequest},
                     {"message", "message exceeds " + std::to_string(limit) + " bytes"}}}});
}

}  // namespace

// What the writer thread sends, in order. Pushed from the reader thread
// (answers) and from agent-plane threads (notifications), never blocking.
class Outbox {
 public:
  Outbox(int fd, std::size_t max_bytes) : fd_(fd), max_bytes_(max_bytes) {}

  // False once closed or aborted; a push beyond max_bytes aborts and shuts
  // the socket down (the reader then sees EOF and ends the connection).
  bool Push(std::string line) {
    std::lock_guard lock(mu_);
    if (closed_ || aborted_) return false;
    if (queued_bytes_ + line.size() > max_bytes_) {
      AbortLocked();
      return false;
    }
    queued_bytes_ += line.size();
    lines_.push_back(std::move(line));
    cv_.notify_one();
    return true;
  }

  // The next line; nullopt once closed and drained, or aborted.
  std::optional<std::string> Pop() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return aborted_ || closed_ || !lines_.empty(); });
    if (aborted_ || lines_.empty()) return std::nullopt;
    std::string line = std::move(lines_.front());
    lines_.pop_front();
    queued_bytes_ -= line.size();
    return line;
  }

  // No more lines; Pop drains what is queued.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }

  // Drops what is queued and shuts the socket down (unless forgotten).
  void Abort() {
    std::lock_guard lock(mu_);
    AbortLocked();
  }

  // The socket is about to close: never touch its descriptor again.
  void Forget() {
    std::lock_guard lock(mu_);
    fd_ = -1;
    aborted_ = true;
    lines_.clear();
    cv_.notify_all();
  }

 private:
  void AbortLocked() {
    aborted_ = true;
    lines_.clear();
    queued_bytes_ = 0;
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int fd_;
  const std::size_t max_bytes_;
  std::deque<std::string> lines_;
  std::size_t queued_bytes_ = 0;
  bool closed_ = false;
  bool aborted_ = false;
};

struct McpSocketServer::Connection {
  LineSocket socket;
  std::shared_ptr<Outbox> outbox;
  std::thread thread;
  std::atomic<bool> done{false};
};

McpSocketServer::McpSocketServer(McpServer* server, McpSocketServerOptions options)
    : server_(server), options_(std::move(options)) {
  if (options_.max_line_bytes == 0) {
    options_.max_line_bytes = McpOptions{}.max_message_bytes + kMcpSocketLineSlackBytes;
  }
}

McpSocketServer::~McpSocketServer() { Stop(); }

Status McpSocketServer::Start() {
  if (started_) return Error::Internal("mcp socket server already started");
  const std::string& path = options_.socket_path;
  XS_TRY(UnixListener listener, ListenUnixSocket(path, "mcp.socketPath"));
  UniqueFd wake_fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_fd) {
    int err = errno;
    ::unlink(path.c_str());
    return Error::Internal(std::string("eventfd: ") + std::strerror(err));
  }
  listener_ = std::move(listener);
  wake_fd_ = std::move(wake_fd);
  started_ = true;
  stopping_ = false;
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return OkStatus();
}

void McpSocketServer::Stop() {
  if (!started_) return;
  started_ = false;
  stopping_ = true;
  std::uint64_t one = 1;
  (void)!::write(wake_fd_.get(), &one, sizeof one);
  if (acceptor_.joinable()) acceptor_.join();
  listener_.fd.reset();
  RemoveUnixSocket(options_.socket_path, listener_);
  std::list<std::unique_ptr<Connection>> connections;
  {
    std::lock_guard lock(mu_);
    // Readers see EOF; a message being handled still gets its answer out.
    for (auto& c : connections_) c->socket.ShutdownRead();
    connections.swap(connections_);
  }
  auto all_done = [&connections] {
    for (auto& c : connections) {
      if (!c->done.load()) return false;
    }
    return true;
  };
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.stop_grace_ms);
  while (!all_done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  {
    std::lock_guard lock(mu_);
    for (auto& c : connections) {
      if (!c->done.load()) c->outbox->Abort();
    }
  }
  for (auto& c : connections) {
    if (c->thread.joinable()) c->thread.join();
  }
  wake_fd_.reset();
}

void McpSocketServer::ReapFinished() {
  std::lock_guard lock(mu_);
  for (auto it = connections_.begin(); it != connections_.end();) {
    if ((*it)->done.load()) {
      if ((*it)->thread.joinable()) (*it)->thread.join();
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void McpSocketServer::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd fds[2] = {{listener_.fd.get(), POLLIN, 0}, {wake_fd_.get(), POLLIN, 0}};
    int ready = ::poll(fds, 2, 1000);
    if (ready < 0 && errno != EINTR) break;
    if (stopping_.load() || (fds[1].revents & POLLIN)) break;
    ReapFinished();
    if (ready <= 0 || !(fds[0].revents & POLLIN)) continue;
    int fd = ::accept4(listener_.fd.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      continue;
    }
    LineSocket socket(fd);
    ucred peer{};
    socklen_t len = sizeof peer;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != ::geteuid()) {
      socket.WriteLine(HandshakeError(
          Error::Permission("the MCP socket only accepts processes of the daemon's user")));
      continue;
    }
    if (active_.load() >= options_.max_connections) {
      socket.WriteLine(HandshakeError(
          Error::Network(options_.socket_path, "too many MCP connections (" +
                                                   std::to_string(options_.max_connections) +
                                                   " open); retry shortly")));
      continue;
    }
    timeval send_timeout{kSendTimeoutSeconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    auto connection = std::make_unique<Connection>();
    connection->outbox = std::make_shared<Outbox>(fd, options_.max_queued_bytes);
    connection->socket = std::move(socket);
    Connection* raw = connection.get();
    ++active_;
    std::lock_guard lock(mu_);
    connections_.push_back(std::move(connection));
    raw->thread = std::thread([this, raw] { Serve(raw); });
  }
}

std::shared_ptr<McpSession> McpSocketServer::Handshake(Connection* connection) {
  LineSocket& socket = connection->socket;
  auto reject = [&socket](const Error& error) -> std::shared_ptr<McpSession> {
    socket.WriteLine(HandshakeError(error));
    return nullptr;
  };
  std::string line;
  switch (socket.ReadLine(&line, options_.max_line_bytes, options_.handshake_timeout_ms)) {
    case LineSocket::ReadStatus::kLine:
      break;
    case LineSocket::ReadStatus::kTimeout:
      return reject(Error::Auth("no handshake within " +
                                std::to_string(options_.handshake_timeout_ms) + " ms"));
    case LineSocket::ReadStatus::kTooLong:
      return reject(Error::Validation(
          "handshake", "exceeds " + std::to_string(options_.max_line_bytes) + " bytes"));
    default:
      return nullptr;
  }
  Json hello = Json::parse(line, nullptr, false);
  auto token = hello.is_object() ? hello.find("token") : hello.end();
  if (!hello.is_object() || token == hello.end() || !token->is_string()) {
    return reject(Error::Validation(
        "handshake",
        "the first line must be {\"token\":<credential token>,\"signetId\":<id>|null}"));
  }
  if (auto id = hello.find("signetId"); id != hello.end() && !id->is_null()) {
    if (!id->is_string()) return reject(Error::Validation("signetId", "must be a string or null"));
    if (!options_.signet_id.empty() && id->get_ref<const std::string&>() != options_.signet_id) {
      return reject(Error::Validation(
          "signetId", "does not match this signet (its id is " + options_.signet_id + ")"));
    }
  }
  auto who = server_->Authenticate(token->get_ref<const std::string&>());
  if (!who.ok()) return reject(who.error());
  std::shared_ptr<Outbox> outbox = connection->outbox;
  auto session = server_->Open(who->credential_id,
                               [outbox](std::string message) { outbox->Push(std::move(message)); });
  Json ok = {{"ok", true}, {"credentialId", who->credential_id}};
  if (!options_.signet_id.empty()) ok["signetId"] = options_.signet_id;
  if (!socket.WriteLine(DumpLine(ok))) {
    session->Close();
    return nullptr;
  }
  return session;
}

void McpSocketServer::Serve(Connection* connection) {
  if (std::shared_ptr<McpSession> session = Handshake(connection)) {
    Outbox& outbox = *connection->outbox;
    std::thread writer([connection, &outbox] {
      while (std::optional<std::string> line = outbox.Pop()) {
        if (!connection->socket.WriteLine(*line)) {
          outbox.Abort();
          break;
        }
      }
    });
    std::string line;
    while (!stopping_.load()) {
      auto status = connection->socket.ReadLine(&line, options_.max_line_bytes, -1);
      if (status == LineSocket::ReadStatus::kTooLong) {
        outbox.Push(OversizedLine(options_.max_line_bytes));
        break;
      }
      if (status != LineSocket::ReadStatus::kLine) break;
      if (line.empty() || line == "\r") continue;
      std::optional<std::string> answer = session->Handle(line);
      if (answer && !outbox.Push(std::move(*answer))) break;
    }
    session->Close();  // no more notifications
    outbox.Close();    // the writer drains what is queued, then ends
    writer.join();
  }
  {
    // Under the lock: Stop() aborts outboxes from another thread.
    std::lock_guard lock(mu_);
    connection->outbox->Forget();
    connection->socket.Close();
  }
  --active_;
  connection->done = true;
}

}  // namespace xs::transport::mcp
