#include "transport/ws/ws_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "transport/ws/ws_connection.h"

namespace xs::transport::ws {

namespace {

// How often Stop() looks at the drain's progress.
constexpr auto kDrainPoll = std::chrono::milliseconds(2);

}  // namespace

class WsServer::Impl {
 public:
  Impl(signet::agent::AgentSurface& surface, WsServerOptions options)
      : core_(surface, std::move(options)), acceptor_(asio::make_strand(core_.ioc)) {}

  Result<std::uint16_t> Start();
  void Stop();
  std::uint16_t port() const { return port_.load(); }
  const ServerCore& core() const { return core_; }

 private:
  void Accept();
  bool WaitUntil(std::chrono::steady_clock::time_point deadline, const auto& done) const;

  ServerCore core_;
  Tcp::acceptor acceptor_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> io_threads_;
  std::atomic<std::uint16_t> port_{0};
  bool started_ = false;
  bool stopped_ = false;
};

Result<std::uint16_t> WsServer::Impl::Start() {
  if (started_) return Error::Validation("ws", "server already started");
  const WsServerOptions& o = core_.options;
  if (o.send_buffer_soft_limit >= o.send_buffer_hard_limit || o.send_buffer_soft_limit < 1) {
    return Error::Validation("ws.sendBufferSoftLimit", "must be >= 1 and < sendBufferHardLimit");
  }
  if (o.io_threads < 1 || o.worker_threads < 1 || o.max_in_flight_per_connection < 1) {
    return Error::Validation("ws", "thread and in-flight counts must be >= 1");
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  if (ec) return Error::Validation("ws.host", "not an IP address: " + o.host);
  Tcp::endpoint endpoint(address, o.port);
  const std::string where = o.host + ":" + std::to_string(o.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error::Network(where, "cannot listen: " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  started_ = true;
  core_.workers.emplace(static_cast<std::size_t>(o.worker_threads));
  work_.emplace(core_.ioc.get_executor());
  Accept();
  for (int i = 0; i < o.io_threads; ++i) io_threads_.emplace_back([this] { core_.ioc.run(); });
  return port_.load();
}

void WsServer::Impl::Accept() {
  acceptor_.async_accept(asio::make_strand(core_.ioc),
                         [this](beast::error_code ec, Tcp::socket socket) {
                           if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
                           if (!ec) {
                             socket.set_option(Tcp::no_delay(true), ec);
                             std::make_shared<Connection>(core_, std::move(socket))->Start();
                           }
                           Accept();
                         });
}

bool WsServer::Impl::WaitUntil(std::chrono::steady_clock::time_point deadline,
                               const auto& done) const {
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kDrainPoll);
  }
  return true;
}

void WsServer::Impl::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  core_.draining = true;
  // Draining: every authenticated connection stops taking requests and gets
  // one sequenced credential.expired per credential (Emit reaches all of the
  // credential's sinks); unauthenticated ones close 1001 at once.
  std::vector<std::pair<std::shared_ptr<Connection>, std::uint64_t>> attached;
  std::set<std::string> credentials;
  {
    std::lock_guard lock(core_.mu);
    for (const auto& [key, entry] : core_.connections) {
      auto c = entry.connection.lock();
      if (!c) continue;
      c->BeginDrain();
      if (entry.credential_id.empty()) continue;
      attached.emplace_back(c, c->delivered());
      credentials.insert(entry.credential_id);
    }
  }
  for (const std::string& id : credentials) core_.surface.Emit(id, ShutdownEvent(id));
  const auto drain = std::chrono::milliseconds(core_.options.drain_timeout_ms);
  WaitUntil(std::chrono::steady_clock::now() + drain, [&] {
    if (core_.in_flight.load() > 0) return false;
    for (const auto& [c, before] : attached) {
      // The event is still on its way (a connection that closed meanwhile
      // will not get it).
      if (c->delivered() <= before && !c->finished()) return false;
    }
    return true;
  });
  {
    std::lock_guard lock(core_.mu);
    for (const auto& [key, entry] : core_.connections) {
      if (auto c = entry.connection.lock()) {
        c->CloseAfterFlush(signet::agent::kCloseGoingAway, "signet shutdown");
      }
    }
  }
  attached.clear();
  WaitUntil(std::chrono::steady_clock::now() + drain, [&] { return core_.Count() == 0; });
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  work_.reset();
  // Connections still closing (an unresponsive peer) lose their socket here.
  WaitUntil(std::chrono::steady_clock::now() + std::chrono::milliseconds(200),
            [&] { return core_.Count() == 0; });
  core_.ioc.stop();
  for (auto& t : io_threads_) t.join();
  io_threads_.clear();
  core_.workers->join();  // a surface call still running finishes first
  std::map<const Connection*, ServerCore::Entry> abandoned;
  {
    std::lock_guard lock(core_.mu);
    abandoned.swap(core_.connections);
  }
  for (auto& [key, entry] : abandoned) {
    if (auto c = entry.connection.lock()) c->DetachAbandoned();
  }
  port_ = 0;
}

WsServer::WsServer(signet::agent::AgentSurface& surface, WsServerOptions options)
    : impl_(std::make_unique<Impl>(surface, std::move(options))) {}

WsServer::~WsServer() { Stop(); }

Result<std::uint16_t> WsServer::Start() { return impl_->Start(); }
void WsServer::Stop() { impl_->Stop(); }
std::uint16_t WsServer::port() const { return impl_->port(); }
std::size_t WsServer::connection_count() const { return impl_->core().Count(); }
std::size_t WsServer::authenticated_count() const { return impl_->core().AuthenticatedCount(); }

}  // namespace xs::transport::ws
