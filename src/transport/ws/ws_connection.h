// Internal to xs_transport_ws: the state shared by the server's connections
// (ServerCore) and one harness connection (Connection), whose phases are
// transport.md's: http -> authenticating -> active -> draining -> closed.
//
// Thread contract: a Connection's state is touched only on its strand (the
// executor of its socket). The public entry points (Start, Deliver,
// CloseAfterFlush, BeginDrain, delivered) may be called from any thread;
// they post to the strand. Blocking surface calls run on core.workers; the
// non-blocking Check and Precheck of a request run on the strand (the fast
// lane: what they decide is answered without a worker hop).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "transport/ws/coalescing_stream.h"
#include "transport/ws/ws_frames.h"
#include "transport/ws/ws_server.h"

namespace xs::transport::ws {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Tcp = asio::ip::tcp;
using signet::agent::Frame;

class Connection;

struct ServerCore {
  ServerCore(signet::agent::AgentSurface& s, WsServerOptions o)
      : surface(s), options(std::move(o)), ioc(options.io_threads) {}

  signet::agent::AgentSurface& surface;
  const WsServerOptions options;
  asio::io_context ioc;
  std::optional<asio::thread_pool> workers;  // between Start and Stop
  std::atomic<bool> draining{false};
  std::atomic<std::uint64_t> next_connection{0};
  std::atomic<std::int64_t> in_flight{0};  // requests inside the surface

  struct Entry {
    std::weak_ptr<Connection> connection;
    std::string credential_id;  // empty until authenticated
  };
  mutable std::mutex mu;
  std::map<const Connection*, Entry> connections;

  void Register(const std::shared_ptr<Connection>& c);
  void SetAuthenticated(const Connection* c, const std::string& credential_id);
  void Unregister(const Connection* c);
  std::size_t Count() const;
  std::size_t AuthenticatedCount() const;
};

// The EventSink the agent plane holds for one connection. It outlives the
// connection safely: once disconnected, Deliver and Close are no-ops.
class ConnectionSink final : public signet::agent::EventSink {
 public:
  explicit ConnectionSink(std::weak_ptr<Connection> c) : connection_(std::move(c)) {}
  void Deliver(const Frame& frame) override;
  void DeliverBatch(std::span<const Frame> frames) override;
  void Close(int code, std::string_view reason) override;
  void Disconnect();

 private:
  std::shared_ptr<Connection> Get();
  std::mutex mu_;
  std::weak_ptr<Connection> connection_;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ServerCore& core, Tcp::socket socket);

  void Start();
  void Deliver(Frame frame);
  // Several frames in one hand-off to the strand (as Deliver on each).
  void DeliverBatch(std::vector<Frame> frames);
  void CloseAfterFlush(int code, std::string reason, bool wait_for_plane = false);
  void BeginDrain();
  // After the I/O threads stopped: unregisters the sink of a connection that
  // never finished closing (no strand is running, so no race).
  void DetachAbandoned();
  std::uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }
  bool finished() const { return finished_.load(); }

 private:
  enum class Phase { kHttp, kAuthenticating, kAuthPending, kActive, kDraining, kClosing, kClosed };
  struct InFlight;

  // http -> upgrade
  void OnHttpRead(beast::error_code ec, std::size_t);
  void RespondHttp(unsigned status, std::string body);
  void OnUpgrade(beast::error_code ec);
  // reading
  void ReadNext();
  void MaybeResumeRead();
  void OnRead(beast::error_code ec, std::size_t);
  bool RateLimited();
  // auth
  void OnAuthTimeout(beast::error_code ec);
  void OnAuthFrame(std::string_view text);
  void OnAuthenticated(std::optional<signet::agent::AuthInfo> who,
                       std::optional<signet::agent::Attachment> attachment, int error_code);
  // requests
  void OnRequestFrame(std::string_view text);
  bool AnswerOnStrand(const ParsedRequest& parsed);
  void RunRequest(std::shared_ptr<InFlight> req, Json json, int verdict);
  void OnRequestDone(const std::shared_ptr<InFlight>& req, std::optional<std::string> reply,
                     int close_code);
  // heartbeat
  void ArmHeartbeat();
  void OnHeartbeat(beast::error_code ec);
  // writing
  void OnDeliver(Frame frame);
  void Enqueue(Frame frame, bool sequenced);
  void WriteNext();
  void OnWrite(beast::error_code ec, std::size_t);
  // closing
  void StartClose(int code, std::string reason, bool flush);
  void RequestClose(int code, std::string reason, bool wait_for_plane);
  void StartDeferredClose();
  void DoClose();
  void OnCloseDeadline(beast::error_code ec);
  void Finish();
  beast::tcp_stream& TcpLayer() { return ws_.next_layer().next_layer(); }

  ServerCore& core_;
  beast::websocket::stream<CoalescingStream> ws_;
  beast::flat_buffer read_buf_;
  std::optional<beast::http::request_parser<beast::http::string_body>> http_;
  asio::steady_timer auth_timer_;
  asio::steady_timer heartbeat_timer_;
  asio::steady_timer close_timer_;
  std::shared_ptr<ConnectionSink> sink_;

  Phase phase_ = Phase::kHttp;
  std::string id_;
  std::string credential_id_;
  std::int64_t last_activity_ms_ = 0;  // steady clock
  std::int64_t window_start_ms_ = 0;
  std::int64_t window_count_ = 0;
  int in_flight_ = 0;
  bool reading_ = false;
  std::vector<Frame> held_;  // live frames delivered while authenticating
  std::deque<Frame> queue_;  // frames waiting behind the one being written
  Frame writing_;
  bool backpressure_notified_ = false;
  bool close_pending_ = false;  // close once the queue is flushed
  bool close_sent_ = false;
  int close_code_ = 0;
  std::string close_reason_;
  int deferred_close_code_ = 0;  // CloseAfterFlush waiting for in_flight_ == 0
  std::string deferred_close_reason_;
  bool deferred_for_plane_ = false;  // waiting for the agent plane's own close
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<bool> finished_{false};
};

}  // namespace xs::transport::ws
