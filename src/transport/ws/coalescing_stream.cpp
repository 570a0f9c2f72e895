#include "transport/ws/coalescing_stream.h"

#include <boost/asio/write.hpp>

namespace xs::transport::ws {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kMaxIdleWriteBufferBytes = 16 * 1024;
}  // namespace

void CoalescingStream::Release() {
  core_->held = false;
  StartWrite(core_);
}

void CoalescingStream::WhenFlushed(std::function<void(boost::beast::error_code)> done) {
  Release();
  if (core_->failed || (!core_->in_flight && core_->pending.empty())) {
    asio::post(get_executor(), [done = std::move(done), ec = core_->failed] { done(ec); });
    return;
  }
  core_->flushed = std::move(done);
}

void CoalescingStream::StartWrite(const std::shared_ptr<Core>& core) {
  if (core->in_flight || core->pending.empty() || core->failed) return;
  core->writing.swap(core->pending);
  core->pending.clear();
  core->in_flight = true;
  ++core->socket_writes;
  // The core (socket and buffers) stays alive until the write completes.
  asio::async_write(core->stream.socket(), asio::buffer(core->writing),
                    [core](boost::beast::error_code ec, std::size_t) { OnWritten(core, ec); });
}

void CoalescingStream::OnWritten(const std::shared_ptr<Core>& core, boost::beast::error_code ec) {
  core->in_flight = false;
  core->writing.clear();
  // An idle connection keeps no large buffer after a big frame.
  if (core->writing.capacity() > kMaxIdleWriteBufferBytes) std::string().swap(core->writing);
  if (ec) core->failed = ec;
  auto blocked = std::move(core->blocked);
  core->blocked.clear();
  for (auto& done : blocked) done(ec);
  const bool over = core->pending.size() > kMaxCoalescedBytes;
  if (!ec && (!core->held || over)) StartWrite(core);
  if (core->flushed && (ec || (!core->in_flight && core->pending.empty()))) {
    auto flushed = std::move(core->flushed);
    core->flushed = nullptr;
    flushed(ec);
  }
}

}  // namespace xs::transport::ws
