#include "transport/ws/ws_connection.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <chrono>
#include <exception>

#include "base/clock.h"

namespace xs::transport::ws {

namespace http = beast::http;
namespace websocket = beast::websocket;
using signet::agent::CredentialState;

namespace {

constexpr std::string_view kPath = "/v1/agent";
constexpr std::size_t kMaxHttpHeaderBytes = 8192;
constexpr std::size_t kMaxIdleReadBufferBytes = 64 * 1024;
// How long a close the credential asked for waits for the requests in flight.
constexpr int kDeferredCloseMs = 1000;

std::int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Frame MakeFrame(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

}  // namespace

// --- ServerCore --------------------------------------------------------------

void ServerCore::Register(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu);
  connections[c.get()] = Entry{c, {}};
}

void ServerCore::SetAuthenticated(const Connection* c, const std::string& credential_id) {
  std::lock_guard lock(mu);
  auto it = connections.find(c);
  if (it != connections.end()) it->second.credential_id = credential_id;
}

void ServerCore::Unregister(const Connection* c) {
  std::lock_guard lock(mu);
  connections.erase(c);
}

std::size_t ServerCore::Count() const {
  std::lock_guard lock(mu);
  return connections.size();
}

std::size_t ServerCore::AuthenticatedCount() const {
  std::lock_guard lock(mu);
  std::size_t n = 0;
  for (const auto& [c, entry] : connections) n += entry.credential_id.empty() ? 0 : 1;
  return n;
}

// --- ConnectionSink ----------------------------------------------------------

std::shared_ptr<Connection> ConnectionSink::Get() {
  std::lock_guard lock(mu_);
  return connection_.lock();
}

void ConnectionSink::Deliver(const Frame& frame) {
  if (auto c = Get()) c->Deliver(frame);
}

void ConnectionSink::DeliverBatch(std::span<const Frame> frames) {
  if (auto c = Get()) c->DeliverBatch(std::vector<Frame>(frames.begin(), frames.end()));
}

void ConnectionSink::Close(int code, std::string_view reason) {
  if (auto c = Get()) c->CloseAfterFlush(code, std::string(reason));
}

void ConnectionSink::Disconnect() {
  std::lock_guard lock(mu_);
  connection_.reset();
}

// --- Connection: upgrade ------------------------------------------------------

struct Connection::InFlight {
  explicit InFlight(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
  std::string request_id;
  std::string type;
  bool finished = false;  // answered (result or timeout); later results are dropped
};

Connection::Connection(ServerCore& core, Tcp::socket socket)
    : core_(core),
      ws_(std::move(socket)),
      auth_timer_(ws_.get_executor()),
      heartbeat_timer_(ws_.get_executor()),
      close_timer_(ws_.get_executor()) {}

void Connection::Start() {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this()] {
    self->http_.emplace();
    self->http_->header_limit(kMaxHttpHeaderBytes);
    self->http_->body_limit(0);
    self->TcpLayer().expires_after(std::chrono::milliseconds(self->core_.options.auth_timeout_ms));
    http::async_read(self->TcpLayer(), self->read_buf_, *self->http_,
                     beast::bind_front_handler(&Connection::OnHttpRead, self));
  });
}

void Connection::OnHttpRead(beast::error_code ec, std::size_t) {
  if (ec) return Finish();
  const auto& req = http_->get();
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  if (path != kPath) return RespondHttp(404, R"({"error":"not found"})");
  if (!websocket::is_upgrade(req))
    return RespondHttp(400, R"({"error":"websocket upgrade required"})");
  TcpLayer().expires_never();
  websocket::stream_base::timeout timeouts{
      std::chrono::milliseconds(core_.options.drain_timeout_ms),  // opening and closing handshakes
      websocket::stream_base::none(),                             // liveness is the heartbeat's job
      false};
  ws_.set_option(timeouts);
  ws_.read_message_max(static_cast<std::uint64_t>(core_.options.max_frame_size_bytes));
  ws_.async_accept(req, beast::bind_front_handler(&Connection::OnUpgrade, shared_from_this()));
}

void Connection::RespondHttp(unsigned status, std::string body) {
  auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status),
                                                                 http_->get().version());
  res->set(http::field::content_type, "application/json");
  res->keep_alive(false);
  res->body() = std::move(body);
  res->prepare_payload();
  http::async_write(TcpLayer(), *res,
                    [self = shared_from_this(), res](beast::error_code, std::size_t) {
                      beast::error_code ignored;
                      self->TcpLayer().socket().shutdown(Tcp::socket::shutdown_send, ignored);
                      self->Finish();
                    });
}

void Connection::OnUpgrade(beast::error_code ec) {
  http_.reset();
  if (ec) return Finish();  // Beast has answered 400
  read_buf_.clear();
  read_buf_.shrink_to_fit();
  ws_.text(true);
  std::int64_t now = SystemClock::Get()->NowMs();
  id_ = "conn_" + std::to_string(now) + "_" + std::to_string(++core_.next_connection);
  core_.Register(shared_from_this());
  phase_ = Phase::kAuthenticating;
  last_activity_ms_ = SteadyMs();
  sink_ = std::make_shared<ConnectionSink>(weak_from_this());
  if (core_.draining) return StartClose(signet::agent::kCloseGoingAway, "signet shutdown", false);
  auth_timer_.expires_after(std::chrono::milliseconds(core_.options.auth_timeout_ms));
  auth_timer_.async_wait(beast::bind_front_handler(&Connection::OnAuthTimeout, shared_from_this()));
  ReadNext();
}

// --- Connection: reading ------------------------------------------------------

void Connection::ReadNext() {
  if (reading_ || phase_ == Phase::kClosed || phase_ == Phase::kAuthPending) return;
  if (in_flight_ >= core_.options.max_in_flight_per_connection) return;
  if (static_cast<std::int64_t>(queue_.size()) >= core_.options.send_buffer_hard_limit) return;
  if (read_buf_.capacity() > kMaxIdleReadBufferBytes) {
    read_buf_.clear();
    read_buf_.shrink_to_fit();
  }
  reading_ = true;
  ws_.async_read(read_buf_, beast::bind_front_handler(&Connection::OnRead, shared_from_this()));
}

void Connection::MaybeResumeRead() {
  if (!reading_ && (phase_ == Phase::kAuthenticating || phase_ == Phase::kActive ||
                    phase_ == Phase::kDraining || phase_ == Phase::kClosing)) {
    ReadNext();
  }
}

void Connection::OnRead(beast::error_code ec, std::size_t) {
  reading_ = false;
  if (ec) return Finish();  // peer close (1000), 1009/1007 sent by Beast, reset
  // Answers to the frames already read go out together: the hold ends when
  // Beast next reads the socket (or below, when no read follows).
  ws_.next_layer().Hold();
  last_activity_ms_ = SteadyMs();
  auto data = read_buf_.cdata();
  std::string_view text(static_cast<const char*>(data.data()), data.size());
  switch (phase_) {
    case Phase::kAuthenticating:
      OnAuthFrame(text);
      break;
    case Phase::kActive:
      if (RateLimited()) {
        StartClose(signet::agent::kCloseRateLimited, "rate limited", false);
      } else {
        OnRequestFrame(text);
      }
      break;
    default:  // draining / closing: ignored (transport.md)
      break;
  }
  read_buf_.consume(read_buf_.size());
  ReadNext();
  if (!reading_) ws_.next_layer().Release();
}

bool Connection::RateLimited() {
  if (!core_.options.rate_limit_max_messages) return false;
  std::int64_t now = last_activity_ms_;
  if (now - window_start_ms_ >= core_.options.rate_limit_window_ms) {
    window_start_ms_ = now;
    window_count_ = 0;
  }
  return ++window_count_ > *core_.options.rate_limit_max_messages;
}

// --- Connection: authentication ------------------------------------------------

void Connection::OnAuthTimeout(beast::error_code ec) {
  if (ec || phase_ != Phase::kAuthenticating) return;
  Enqueue(MakeFrame(AuthErrorFrame(signet::agent::kCloseAuthTimeout, "Authentication timeout")),
          false);
  StartClose(signet::agent::kCloseAuthTimeout, "authentication timeout", true);
}

void Connection::OnAuthFrame(std::string_view text) {
  Result<AuthFrame> auth = ParseAuthFrame(text);
  if (!auth.ok()) {
    auth_timer_.cancel();
    Enqueue(MakeFrame(AuthErrorFrame(signet::agent::kCloseProtocolError,
                                     "Invalid auth frame: " + auth.error().message())),
            false);
    return StartClose(signet::agent::kCloseProtocolError, "invalid auth frame", true);
  }
  phase_ = Phase::kAuthPending;  // no reads until the surface answers
  asio::post(*core_.workers, [self = shared_from_this(), frame = std::move(auth).value()] {
    auto& surface = self->core_.surface;
    Result<signet::agent::AuthInfo> who = surface.Authenticate(frame.token);
    std::optional<signet::agent::Attachment> attachment;
    if (who.ok()) {
      Result<signet::agent::Attachment> attached =
          surface.Attach(who->credential_id, frame.last_seen_seq, self->sink_);
      if (attached.ok()) attachment = std::move(attached).value();
    }
    std::optional<signet::agent::AuthInfo> info;
    if (who.ok()) info = std::move(who).value();
    asio::post(self->ws_.get_executor(),
               [self, info = std::move(info), attachment = std::move(attachment)]() mutable {
                 self->OnAuthenticated(std::move(info), std::move(attachment),
                                       signet::agent::kCloseAuthFailed);
               });
  });
}

void Connection::OnAuthenticated(std::optional<signet::agent::AuthInfo> who,
                                 std::optional<signet::agent::Attachment> attachment,
                                 int error_code) {
  if (phase_ != Phase::kAuthPending) {  // closed meanwhile (shutdown, timeout)
    if (who && attachment) {
      asio::post(*core_.workers, [self = shared_from_this(), cred = who->credential_id] {
        self->core_.surface.Detach(cred, self->sink_.get());
      });
    }
    return;
  }
  auth_timer_.cancel();
  if (!who || !attachment) {
    phase_ = Phase::kAuthenticating;
    Enqueue(MakeFrame(AuthErrorFrame(error_code, "Authentication failed")), false);
    return StartClose(error_code, "authentication failed", true);
  }
  credential_id_ = who->credential_id;
  core_.SetAuthenticated(this, credential_id_);
  phase_ = Phase::kActive;
  Enqueue(MakeFrame(AuthenticatedFrame(id_, *who, attachment->resumed_from)), false);
  for (Frame& frame : attachment->replay) Enqueue(std::move(frame), true);
  for (Frame& frame : held_) Enqueue(std::move(frame), true);
  held_.clear();
  held_.shrink_to_fit();
  window_start_ms_ = SteadyMs();
  ArmHeartbeat();
  ReadNext();
}

// --- Connection: requests ------------------------------------------------------

void Connection::OnRequestFrame(std::string_view text) {
  ParsedRequest parsed = ParseRequestFrame(text);
  if (parsed.verdict == RequestVerdict::kInvalidJson) {
    return StartClose(signet::agent::kCloseProtocolError, "invalid JSON", true);
  }
  if (AnswerOnStrand(parsed)) return;
  auto req = std::make_shared<InFlight>(ws_.get_executor());
  req->request_id = std::move(parsed.request_id);
  req->type = std::move(parsed.type);
  if (parsed.verdict == RequestVerdict::kOk) {
    req->timer.expires_after(std::chrono::milliseconds(core_.options.request_timeout_ms));
    req->timer.async_wait([self = shared_from_this(), req](beast::error_code ec) {
      if (ec || req->finished || self->phase_ == Phase::kClosed) return;
      req->finished = true;
      self->Enqueue(MakeFrame(TimeoutResponse(req->request_id, req->type,
                                              self->core_.options.request_timeout_ms)),
                    false);
    });
  }
  ++in_flight_;
  ++core_.in_flight;
  asio::post(*core_.workers, [self = shared_from_this(), req, json = std::move(parsed.json),
                              verdict = static_cast<int>(parsed.verdict)]() mutable {
    self->RunRequest(std::move(req), std::move(json), verdict);
  });
}

// The fast lane, on the strand: what the credential's state, the envelope's
// verdict or the surface's Precheck decides is answered here without a
// worker (same order as RunRequest). False when the request needs Handle().
bool Connection::AnswerOnStrand(const ParsedRequest& parsed) {
  CredentialState state = core_.surface.Check(credential_id_);
  if (state != CredentialState::kActive) {
    // As OnRequestDone: wait for the plane's close, after the event explaining it.
    RequestClose(signet::agent::CloseCodeFor(state), "credential not active", true);
    return true;
  }
  if (parsed.verdict == RequestVerdict::kInvalidNoId) {
    StartClose(signet::agent::kCloseProtocolError, "invalid request frame", true);
    return true;
  }
  if (parsed.verdict == RequestVerdict::kInvalidWithId) {
    Enqueue(MakeFrame(InvalidRequestResponse(parsed.request_id)), false);
    return true;
  }
  std::optional<Result<Json>> early;
  try {
    early = core_.surface.Precheck(credential_id_, parsed.json);
  } catch (const std::exception&) {
    return false;  // Handle() answers it (an internal error if it throws too)
  }
  if (!early) return false;
  Enqueue(MakeFrame(early->ok() ? OkResponse(parsed.request_id, **early)
                                : ErrorResponse(parsed.request_id, early->error())),
          false);
  return true;
}

// On a worker: re-check the credential first (decisions.md #7), then the
// envelope's verdict, then the surface.
void Connection::RunRequest(std::shared_ptr<InFlight> req, Json json, int verdict) {
  std::optional<std::string> reply;
  int close_code = 0;
  CredentialState state = core_.surface.Check(credential_id_);
  if (state != CredentialState::kActive) {
    close_code = signet::agent::CloseCodeFor(state);
  } else if (verdict == static_cast<int>(RequestVerdict::kInvalidNoId)) {
    close_code = signet::agent::kCloseProtocolError;
  } else if (verdict == static_cast<int>(RequestVerdict::kInvalidWithId)) {
    reply = InvalidRequestResponse(req->request_id);
  } else {
    try {
      Result<Json> data = core_.surface.Handle(credential_id_, json);
      reply = data.ok() ? OkResponse(req->request_id, *data)
                        : ErrorResponse(req->request_id, data.error());
    } catch (const std::exception&) {
      reply = InternalErrorResponse(req->request_id);
    }
  }
  asio::post(ws_.get_executor(),
             [self = shared_from_this(), req = std::move(req), reply = std::move(reply),
              close_code]() mutable { self->OnRequestDone(req, std::move(reply), close_code); });
}

void Connection::OnRequestDone(const std::shared_ptr<InFlight>& req,
                               std::optional<std::string> reply, int close_code) {
  --in_flight_;
  --core_.in_flight;
  bool late = req->finished;
  req->finished = true;
  req->timer.cancel();
  if (phase_ == Phase::kClosed) return;
  if (close_code == signet::agent::kCloseProtocolError) {
    return StartClose(close_code, "invalid request frame", true);
  }
  if (close_code != 0) return RequestClose(close_code, "credential not active", true);
  if (reply && !late) Enqueue(MakeFrame(std::move(*reply)), false);
  if (in_flight_ == 0 && deferred_close_code_ != 0 && !deferred_for_plane_) {
    return StartDeferredClose();
  }
  MaybeResumeRead();
}

// --- Connection: heartbeat -----------------------------------------------------

void Connection::ArmHeartbeat() {
  heartbeat_timer_.expires_after(std::chrono::milliseconds(core_.options.heartbeat_interval_ms));
  heartbeat_timer_.async_wait(
      beast::bind_front_handler(&Connection::OnHeartbeat, shared_from_this()));
}

void Connection::OnHeartbeat(beast::error_code ec) {
  if (ec || phase_ != Phase::kActive) return;
  const std::int64_t dead_after =
      core_.options.heartbeat_interval_ms * core_.options.missed_heartbeats;
  if (SteadyMs() - last_activity_ms_ > dead_after) {
    return StartClose(signet::agent::kCloseDeadConnection, "dead connection", true);
  }
  asio::post(*core_.workers, [self = shared_from_this()] {
    auto& surface = self->core_.surface;
    CredentialState state = surface.Check(self->credential_id_);
    if (state != CredentialState::kActive) {
      return self->CloseAfterFlush(signet::agent::CloseCodeFor(state), "credential not active",
                                   true);
    }
    surface.Emit(self->credential_id_,
                 HeartbeatEvent(self->credential_id_, SystemClock::Get()->NowMs()));
  });
  ArmHeartbeat();
}

// --- Connection: writing -------------------------------------------------------

void Connection::Deliver(Frame frame) {
  delivered_.fetch_add(1, std::memory_order_relaxed);
  asio::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
    self->OnDeliver(std::move(frame));
  });
}

void Connection::DeliverBatch(std::vector<Frame> frames) {
  delivered_.fetch_add(frames.size(), std::memory_order_relaxed);
  asio::post(ws_.get_executor(), [self = shared_from_this(), frames = std::move(frames)]() mutable {
    for (Frame& frame : frames) self->OnDeliver(std::move(frame));
  });
}

void Connection::OnDeliver(Frame frame) {
  switch (phase_) {
    case Phase::kAuthenticating:
    case Phase::kAuthPending:
      held_.push_back(std::move(frame));  // sent after `authenticated` and the replay
      break;
    case Phase::kActive:
    case Phase::kDraining:
      Enqueue(std::move(frame), true);
      break;
    default:
      break;
  }
}

// transport.md "Backpressure": the depth is what waits behind the frame being
// written; checked after each sequenced frame.
void Connection::Enqueue(Frame frame, bool sequenced) {
  if (close_sent_ || phase_ == Phase::kClosed) return;
  queue_.push_back(std::move(frame));
  if (!writing_) WriteNext();
  if (!sequenced) return;
  const auto depth = static_cast<std::int64_t>(queue_.size());
  const auto hard = core_.options.send_buffer_hard_limit;
  // At the hard limit nothing more is queued; what is queued (bounded by the
  // limit, including the backpressure notice) is flushed before the close,
  // within the close deadline.
  if (depth >= hard) {
    return StartClose(signet::agent::kCloseBackpressure, "send buffer full", true);
  }
  if (depth >= core_.options.send_buffer_soft_limit && !backpressure_notified_) {
    backpressure_notified_ = true;
    queue_.push_back(MakeFrame(
        BackpressureFrame(static_cast<std::size_t>(depth), static_cast<std::size_t>(hard))));
    if (static_cast<std::int64_t>(queue_.size()) >= hard) {
      StartClose(signet::agent::kCloseBackpressure, "send buffer full", true);
    }
  }
}

void Connection::WriteNext() {
  if (queue_.empty()) {
    backpressure_notified_ = false;  // drained
    if (close_pending_) DoClose();
    return;
  }
  writing_ = std::move(queue_.front());
  queue_.pop_front();
  ws_.async_write(asio::buffer(*writing_),
                  beast::bind_front_handler(&Connection::OnWrite, shared_from_this()));
}

void Connection::OnWrite(beast::error_code ec, std::size_t) {
  writing_.reset();
  if (ec) return Finish();
  if (phase_ == Phase::kClosed) return;
  WriteNext();
  MaybeResumeRead();
}

// --- Connection: closing -------------------------------------------------------

// Closes after what is queued has been written. Two kinds of close wait:
// - the agent plane's close (an escalating update_scopes of this connection)
//   waits for the answers in flight, so the harness reads its answer first;
// - a close this connection decided itself (a re-check found the credential
//   no longer active, `wait_for_plane`) waits for the plane's own close, which
//   comes after the event that explains it (credential.expired,
//   agent.revoked, ...).
// Either waits at most kDeferredCloseMs.
void Connection::CloseAfterFlush(int code, std::string reason, bool wait_for_plane) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason),
                                  wait_for_plane]() mutable {
    self->RequestClose(code, std::move(reason), wait_for_plane);
  });
}

void Connection::RequestClose(int code, std::string reason, bool wait_for_plane) {
  if (phase_ != Phase::kActive) return StartClose(code, std::move(reason), true);
  const bool armed = deferred_close_code_ != 0;
  if (wait_for_plane) {
    if (armed) return;  // a close is already on its way
    deferred_for_plane_ = true;
  } else {
    if (in_flight_ == 0) return StartClose(code, std::move(reason), true);
    if (armed && !deferred_for_plane_) return;
    deferred_for_plane_ = false;  // the plane's close replaces our own
  }
  deferred_close_code_ = code;
  deferred_close_reason_ = std::move(reason);
  if (armed) return;
  close_timer_.expires_after(std::chrono::milliseconds(kDeferredCloseMs));
  close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->StartDeferredClose();
  });
}

void Connection::StartDeferredClose() {
  if (deferred_close_code_ == 0) return;
  int code = deferred_close_code_;
  deferred_close_code_ = 0;
  StartClose(code, std::move(deferred_close_reason_), true);
}

void Connection::BeginDrain() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->phase_ == Phase::kActive) {
      self->phase_ = Phase::kDraining;
    } else if (self->phase_ == Phase::kAuthenticating || self->phase_ == Phase::kAuthPending) {
      self->StartClose(signet::agent::kCloseGoingAway, "signet shutdown", false);
    }
  });
}

// flush = send what is queued first (EventSink::Close, auth errors, backpressure);
// otherwise the queue is dropped (rate limit, shutdown of unauthenticated).
void Connection::StartClose(int code, std::string reason, bool flush) {
  if (phase_ == Phase::kClosing || phase_ == Phase::kClosed || phase_ == Phase::kHttp) return;
  phase_ = Phase::kClosing;
  close_code_ = code;
  close_reason_ = std::move(reason);
  auth_timer_.cancel();
  heartbeat_timer_.cancel();
  held_.clear();
  if (!flush) queue_.clear();
  close_timer_.expires_after(std::chrono::milliseconds(core_.options.drain_timeout_ms));
  close_timer_.async_wait(
      beast::bind_front_handler(&Connection::OnCloseDeadline, shared_from_this()));
  close_pending_ = true;
  if (!writing_) WriteNext();  // empty queue => DoClose
}

void Connection::DoClose() {
  if (close_sent_) return;
  close_sent_ = true;
  close_pending_ = false;
  websocket::close_reason why(static_cast<websocket::close_code>(close_code_), close_reason_);
  ws_.async_close(why, [self = shared_from_this()](beast::error_code) { self->Finish(); });
}

void Connection::OnCloseDeadline(beast::error_code ec) {
  if (!ec) Finish();  // the peer never drained or never answered the close
}

void Connection::DetachAbandoned() {
  if (phase_ == Phase::kClosed || credential_id_.empty()) return;
  phase_ = Phase::kClosed;
  if (sink_) sink_->Disconnect();
  core_.surface.Detach(credential_id_, sink_.get());
}

void Connection::Finish() {
  if (phase_ == Phase::kClosed) return;
  const bool attached = !credential_id_.empty();
  phase_ = Phase::kClosed;
  finished_ = true;
  auth_timer_.cancel();
  heartbeat_timer_.cancel();
  close_timer_.cancel();
  queue_.clear();
  held_.clear();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  core_.Unregister(this);
  if (sink_) sink_->Disconnect();
  if (attached) {
    asio::post(*core_.workers, [self = shared_from_this()] {
      self->core_.surface.Detach(self->credential_id_, self->sink_.get());
    });
  }
}

}  // namespace xs::transport::ws
