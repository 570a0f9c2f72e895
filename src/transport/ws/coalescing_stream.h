// Internal to xs_transport_ws: the layer between Beast's websocket::stream and
// the TCP socket that lets several server frames share one `sendmsg`.
//
// Beast writes one WebSocket message per async_write, and writes pongs and
// close frames on its own while a read is in progress. Everything Beast
// writes (the handshake answer, data frames, pongs, the close frame) goes
// through this layer's async_write_some, which copies the bytes, in order,
// onto one pending buffer and completes; the buffer is written to the socket
// by one async_write at a time. Frames are never split or interleaved: the
// byte stream is exactly what Beast wrote, in Beast's order (Beast itself
// serializes its frame writes). So coalescing is safe with pings, closes and
// any frame size. permessage-deflate is off (Beast's default for servers).
//
// When the bytes go out: at once, unless the connection Hold()s them while
// it answers frames it already has. The hold ends when Beast next asks the
// socket for bytes (async_read_some: nothing more to answer without the
// peer), or at Release(). So a burst of requests read together is answered
// in one send. Back-pressure stays with the caller: once more than
// kMaxBufferedBytes wait, a write completes only after the socket took the
// write in flight (the socket's own buffer bounds what is queued here, and
// the connection's send queue sees a slow peer as before).
//
// Teardown (async_teardown below) writes what is pending before Beast shuts
// the socket down, so the close frame is never lost.
//
// Thread contract: as the socket: one strand (the connection's) calls
// everything; completions run on the socket's executor.
#pragma once

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace xs::transport::ws {

// Above this many bytes waiting (pending + in flight), writes wait for the socket.
inline constexpr std::size_t kMaxCoalescedBytes = 64 * 1024;

class CoalescingStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  explicit CoalescingStream(boost::asio::ip::tcp::socket socket)
      : core_(std::make_shared<Core>(std::move(socket))) {}

  executor_type get_executor() { return core_->stream.get_executor(); }
  // The TCP stream (HTTP phase, timeouts); beast::get_lowest_layer finds it.
  boost::beast::tcp_stream& next_layer() { return core_->stream; }

  // Keep written bytes until Release() or the next read from the socket.
  void Hold() { core_->held = true; }
  void Release();
  // Calls `done` once nothing is pending or in flight (or a write failed).
  void WhenFlushed(std::function<void(boost::beast::error_code)> done);
  // Socket writes started (tests check that a held burst is one write).
  std::uint64_t socket_writes() const { return core_->socket_writes; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    Release();  // the peer is needed: send what the burst produced
    return core_->stream.socket().async_read_some(buffers, std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        InitiateWrite{this}, token, buffers);
  }

 private:
  struct InitiateWrite {
    CoalescingStream* self;
    template <class Handler, class ConstBuffers>
    void operator()(Handler&& handler, const ConstBuffers& buffers) const {
      self->Append(buffers, std::forward<Handler>(handler));
    }
  };

  struct Core {
    explicit Core(boost::asio::ip::tcp::socket s) : stream(std::move(s)) {}
    boost::beast::tcp_stream stream;
    std::string pending;  // written by Beast, not yet handed to the socket
    std::string writing;  // the socket write in flight
    bool in_flight = false;
    bool held = false;
    boost::beast::error_code failed;
    std::vector<std::function<void(boost::beast::error_code)>> blocked;  // writes over the limit
    std::function<void(boost::beast::error_code)> flushed;               // WhenFlushed
    std::uint64_t socket_writes = 0;
  };

  template <class ConstBuffers, class Handler>
  void Append(const ConstBuffers& buffers, Handler handler) {
    auto ex = boost::asio::get_associated_executor(handler, get_executor());
    const std::size_t n = boost::asio::buffer_size(buffers);
    if (core_->failed) {
      boost::asio::post(
          ex, boost::beast::bind_front_handler(std::move(handler), core_->failed, std::size_t{0}));
      return;
    }
    const std::size_t at = core_->pending.size();
    core_->pending.resize(at + n);
    boost::asio::buffer_copy(boost::asio::buffer(core_->pending.data() + at, n), buffers);
    const bool over = core_->pending.size() + core_->writing.size() > kMaxCoalescedBytes;
    if (!core_->held || over) StartWrite(core_);
    if (over && core_->in_flight) {
      // Completes when the socket took the write in flight (or it failed).
      auto h = std::make_shared<Handler>(std::move(handler));
      core_->blocked.emplace_back([h, ex, n](boost::beast::error_code ec) {
        boost::asio::post(ex, boost::beast::bind_front_handler(std::move(*h), ec, ec ? 0 : n));
      });
      return;
    }
    boost::asio::post(
        ex, boost::beast::bind_front_handler(std::move(handler), boost::beast::error_code{}, n));
  }

  static void StartWrite(const std::shared_ptr<Core>& core);
  static void OnWritten(const std::shared_ptr<Core>& core, boost::beast::error_code ec);

  std::shared_ptr<Core> core_;
};

// Beast's teardown customization (found by argument-dependent lookup): what
// is pending (the close frame) is written first, then the TCP teardown.
template <class Handler>
void async_teardown(boost::beast::role_type role, CoalescingStream& stream, Handler&& handler) {
  auto h = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
  auto ex = stream.get_executor();
  stream.WhenFlushed([&stream, role, h, ex](boost::beast::error_code ec) {
    if (ec) {
      boost::asio::post(ex, boost::beast::bind_front_handler(std::move(*h), ec));
      return;
    }
    boost::beast::websocket::async_teardown(role, stream.next_layer().socket(), std::move(*h));
  });
}

}  // namespace xs::transport::ws
