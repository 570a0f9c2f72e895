#include "transport/admin/admin_server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <variant>

#include "base/unique_fd.h"

#include "signet/util/util.h"
#include "transport/admin/admin_jwt.h"
#include "transport/admin/json_rpc.h"
#include "transport/admin/line_socket.h"

namespace xs::transport {

namespace {

// How often a waiting stream handler re-checks whether its client left.
constexpr std::chrono::milliseconds kPeerPollInterval{100};
// A client that stops reading cannot hold a connection thread longer.
constexpr int kSendTimeoutSeconds = 30;

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

Error InvalidRequest(std::string reason) { return Error::Validation("request", reason); }

AdminRequestRecord Record(std::string method, std::string request_id, const Status& status,
                          double duration_ms) {
  AdminRequestRecord record;
  record.method = std::move(method);
  record.request_id = std::move(request_id);
  record.ok = status.ok();
  if (!status.ok()) record.category = std::string(CategoryName(status.error().category()));
  record.duration_ms = duration_ms;
  return record;
}

}  // namespace

struct AdminServer::Connection {
  LineSocket socket;
  std::thread thread;
  std::atomic<bool> done{false};
};

class AdminServer::Sink final : public NotificationSink {
 public:
  Sink(AdminServer* server, Connection* connection, Json id, std::string method, ResponseMeta meta)
      : server_(server),
        connection_(connection),
        id_(std::move(id)),
        method_(std::move(method)),
        meta_(std::move(meta)) {}

  bool Accept() override {
    if (!accepted_) {
      accepted_ = true;
      Json data = {{"subscribed", true}};
      if (!connection_->socket.WriteLine(SuccessLine(id_, std::move(data), meta_))) {
        broken_ = true;
      }
    }
    return !broken_;
  }

  bool Notify(const Json& params) override {
    if (!Accept() || Cancelled()) return false;
    if (!connection_->socket.WriteLine(NotificationLine(method_, params))) broken_ = true;
    return !broken_;
  }

  bool Cancelled() override {
    if (broken_ || server_->stopping_.load()) return true;
    if (connection_->socket.PeerClosed()) broken_ = true;
    return broken_;
  }

  bool WaitCancelled(std::chrono::milliseconds timeout) override {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!Cancelled()) {
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      auto slice = std::min<std::chrono::steady_clock::duration>(deadline - now, kPeerPollInterval);
      std::unique_lock lock(server_->mu_);
      server_->stop_cv_.wait_for(lock, slice, [this] { return server_->stopping_.load(); });
    }
    return true;
  }

  // Ends the stream after the handler returned.
  void Finish(const Status& status) {
    if (!status.ok() && !accepted_) {
      connection_->socket.WriteLine(ErrorLine(id_, status.error(), &meta_));
      return;
    }
    Accept();
    if (status.ok()) {
      connection_->socket.WriteLine(
          NotificationLine(kStreamEndMethod, {{"id", id_}, {"method", method_}}));
    } else {
      Json params = ErrorObject(status.error());
      params["id"] = id_;
      params["method"] = method_;
      connection_->socket.WriteLine(NotificationLine(kStreamErrorMethod, params));
    }
  }

 private:
  AdminServer* server_;
  Connection* connection_;
  Json id_;
  std::string method_;
  ResponseMeta meta_;
  bool accepted_ = false;
  bool broken_ = false;
};

AdminServer::AdminServer(signet::Runtime* runtime, AdminServerOptions options)
    : runtime_(runtime), options_(std::move(options)) {}

AdminServer::~AdminServer() { Stop(); }

void AdminServer::AddMethod(std::string name, Method method) {
  methods_[std::move(name)] = std::move(method);
}

void AdminServer::AddStreamMethod(std::string name, StreamMethod method) {
  stream_methods_[std::move(name)] = std::move(method);
}

void AdminServer::SetRequestObserver(std::function<void(const AdminRequestRecord&)> observer) {
  observer_ = std::move(observer);
}

Status AdminServer::Start() {
  if (started_) return Error::Internal("admin server already started");
  const std::string& path = options_.socket_path;
  XS_TRY(UnixListener listener, ListenUnixSocket(path, "admin.socketPath"));
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

void AdminServer::Stop() {
  if (!started_) return;
  started_ = false;
  stopping_ = true;
  std::uint64_t one = 1;
  (void)!::write(wake_fd_.get(), &one, sizeof one);
  if (acceptor_.joinable()) acceptor_.join();
  listener_.fd.reset();
  // Only if it is still ours (a new daemon may have replaced it).
  RemoveUnixSocket(options_.socket_path, listener_);
  std::list<std::unique_ptr<Connection>> connections;
  {
    std::lock_guard lock(mu_);
    // Readers wake up with EOF; a request being handled still gets its
    // response written, since only the read side is shut.
    for (auto& c : connections_) c->socket.ShutdownRead();
    connections.swap(connections_);
  }
  stop_cv_.notify_all();
  // In-flight requests get a grace period to write their answers; then a
  // send stuck on a client that stopped reading is failed, so Stop() ends.
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.stop_grace_ms);
  auto all_done = [&connections] {
    for (auto& c : connections) {
      if (!c->done.load()) return false;
    }
    return true;
  };
  while (!all_done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  {
    std::lock_guard lock(mu_);
    for (auto& c : connections) {
      if (!c->done.load()) c->socket.ShutdownBoth();
    }
  }
  for (auto& c : connections) {
    if (c->thread.joinable()) c->thread.join();
  }
  wake_fd_.reset();
}

void AdminServer::ReapFinished() {
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

void AdminServer::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd fds[2] = {{listener_.fd.get(), POLLIN, 0}, {wake_fd_.get(), POLLIN, 0}};
    int ready = ::poll(fds, 2, 1000);
    if (ready < 0 && errno != EINTR) break;
    if (stopping_.load() || (fds[1].revents & POLLIN)) break;
    ReapFinished();
    if (ready <= 0 || !(fds[0].revents & POLLIN)) continue;

    int fd = ::accept4(listener_.fd.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // EMFILE and friends: back off instead of spinning on a full table.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      continue;
    }
    LineSocket socket(fd);
    ucred peer{};
    socklen_t len = sizeof peer;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != ::geteuid()) {
      socket.WriteLine(ErrorLine(nullptr, Error::Permission("the admin socket only accepts "
                                                            "processes of the daemon's user")));
      continue;
    }
    if (active_connections_.load() >= options_.max_connections) {
      socket.WriteLine(ErrorLine(
          nullptr,
          Error::Network(options_.socket_path, "too many admin connections (" +
                                                   std::to_string(options_.max_connections) +
                                                   " open); retry shortly")));
      continue;
    }
    timeval send_timeout{kSendTimeoutSeconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    auto connection = std::make_unique<Connection>();
    connection->socket = std::move(socket);
    Connection* raw = connection.get();
    ++active_connections_;
    std::lock_guard lock(mu_);
    connections_.push_back(std::move(connection));
    raw->thread = std::thread([this, raw] { Serve(raw); });
  }
}

void AdminServer::Serve(Connection* connection) {
  std::string fingerprint;
  if (Authenticate(connection, &fingerprint)) {
    std::string line;
    while (!stopping_.load()) {
      auto status = connection->socket.ReadLine(&line, options_.max_line_bytes, -1);
      if (status == LineSocket::ReadStatus::kTooLong) {
        connection->socket.WriteLine(ErrorLine(
            nullptr,
            InvalidRequest("line exceeds " + std::to_string(options_.max_line_bytes) + " bytes"),
            nullptr, kJsonRpcInvalidRequest));
        break;
      }
      if (status != LineSocket::ReadStatus::kLine) break;
      if (line.empty() || line == "\r") continue;
      HandleLine(connection, line, fingerprint);
    }
  }
  {
    // Closed here (not when reaped) so the client sees EOF at once; under the
    // lock because Stop() shuts connections down from another thread.
    std::lock_guard lock(mu_);
    connection->socket.Close();
  }
  --active_connections_;
  connection->done = true;
}

bool AdminServer::Authenticate(Connection* connection, std::string* fingerprint) {
  std::string line;
  auto status =
      connection->socket.ReadLine(&line, options_.max_line_bytes, options_.auth_timeout_ms);
  auto reject = [&](const Error& error, int code = 0) {
    connection->socket.WriteLine(ErrorLine(nullptr, error, nullptr, code));
    return false;
  };
  switch (status) {
    case LineSocket::ReadStatus::kLine:
      break;
    case LineSocket::ReadStatus::kTimeout:
      return reject(Error::Auth("no admin_auth message within " +
                                std::to_string(options_.auth_timeout_ms) + " ms"));
    case LineSocket::ReadStatus::kTooLong:
      return reject(
          InvalidRequest("line exceeds " + std::to_string(options_.max_line_bytes) + " bytes"),
          kJsonRpcInvalidRequest);
    default:
      return false;
  }
  Json frame = Json::parse(line, nullptr, false);
  if (frame.is_discarded()) return reject(InvalidRequest("invalid JSON"), kJsonRpcParseError);
  auto type = frame.is_object() ? frame.find("type") : frame.end();
  auto token = frame.is_object() ? frame.find("token") : frame.end();
  if (!frame.is_object() || type == frame.end() || !type->is_string() ||
      type->get_ref<const std::string&>() != kAdminAuthType || token == frame.end() ||
      !token->is_string()) {
    return reject(Error::Auth(
        "authentication required: the first message must be {\"type\":\"admin_auth\",\"token\":"
        "<admin JWT>}"));
  }
  static_assert(kJsonRpcAuthFailed == -32000);
  auto claims = VerifyAdminJwt(token->get_ref<const std::string&>(), runtime_->admin_public_key(),
                               runtime_->admin_fingerprint(), options_.clock->NowSeconds());
  if (!claims.ok()) return reject(claims.error());
  *fingerprint = claims->iss;
  return connection->socket.WriteLine(
      DumpLine({{"jsonrpc", "2.0"},
                {"result", {{"authenticated", true}, {"adminFingerprint", *fingerprint}}}}));
}

void AdminServer::HandleLine(Connection* connection, const std::string& line,
                             const std::string& fingerprint) {
  const auto start = std::chrono::steady_clock::now();
  ResponseMeta meta;
  meta.started_ms = options_.clock->NowMs();
  meta.request_id = signet::NewPrefixedId("req_");

  ParsedRequest parsed = ParseRequest(line);
  if (auto* rejected = std::get_if<RpcRejection>(&parsed)) {
    meta.duration_ms = MillisSince(start);
    connection->socket.WriteLine(WriteEnvelope(*rejected, meta));
    Observe(Record(rejected->method, meta.request_id, rejected->error, meta.duration_ms));
    return;
  }
  const RpcRequest& request = std::get<RpcRequest>(parsed);
  const signet::CallContext ctx = AdminCallContext(request, fingerprint, meta.request_id);
  Status status = OkStatus();
  if (auto stream = stream_methods_.find(request.method); stream != stream_methods_.end()) {
    status = RunStream(connection, stream->second, request, ctx, meta);
    meta.duration_ms = MillisSince(start);
  } else {
    Result<Json> result = Dispatch(request, methods_, runtime_->registry(), ctx);
    meta.duration_ms = MillisSince(start);
    if (!result.ok()) status = result.error();
    connection->socket.WriteLine(WriteEnvelope(request.id, std::move(result), meta));
  }
  ++requests_served_;
  Observe(Record(request.method, meta.request_id, status, meta.duration_ms));
}

Status AdminServer::RunStream(Connection* connection, const StreamMethod& method,
                              const RpcRequest& request, const signet::CallContext& ctx,
                              const ResponseMeta& meta) {
  Sink sink(this, connection, request.id, request.method, meta);
  Status status = OkStatus();
  try {
    status = method(request.params, ctx, sink);
  } catch (const std::exception&) {
    status = Error::Internal("internal error in " + request.method);
  }
  sink.Finish(status);
  return status;
}

void AdminServer::Observe(const AdminRequestRecord& record) {
  if (observer_) observer_(record);
}

}  // namespace xs::transport
