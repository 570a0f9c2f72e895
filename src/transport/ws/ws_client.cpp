#include "transport/ws/ws_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <charconv>

namespace xs::transport::ws {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr std::string_view kWsScheme = "ws://";
constexpr std::string_view kWssScheme = "wss://";
constexpr std::uint16_t kDefaultWsPort = 80;

}  // namespace

std::string WsUrl::ToString() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return std::string(kWsScheme) + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) +
         target;
}

Result<WsUrl> ParseWsUrl(std::string_view url, std::string_view field) {
  if (url.substr(0, kWssScheme.size()) == kWssScheme) {
    return Error::Validation(field,
                             "wss:// is not supported; the signet's WebSocket listens on ws:// "
                             "(use ws://127.0.0.1:<port>/v1/agent)");
  }
  if (url.substr(0, kWsScheme.size()) != kWsScheme) {
    return Error::Validation(field, "must be a ws:// URL, e.g. ws://127.0.0.1:8393/v1/agent");
  }
  std::string_view rest = url.substr(kWsScheme.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  WsUrl out;
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.find_first_of(" \t\r\n#") != std::string::npos) {
    return Error::Validation(field, "the path must not contain spaces or a fragment");
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8393
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error::Validation(field, "unclosed '[' in host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Error::Validation(field, "junk after the IPv6 host");
      port = after.substr(1);
    }
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return Error::Validation(field, "the URL has no host");
  if (host.find('@') != std::string_view::npos) {
    return Error::Validation(field, "credentials in the URL are not supported");
  }
  out.host = std::string(host);
  out.port = kDefaultWsPort;
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return Error::Validation(field, "the port must be a number from 1 to 65535");
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  return out;
}

struct WsClient::Impl {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  bool read_pending = false;
  bool read_done = false;
  beast::error_code read_ec;
  bool ended = false;  // the connection is gone (closed, failed or timed out)

  ~Impl() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
    // Lets the aborted operations finish; a timer Beast may still hold for a
    // failed handshake is dropped with the context, not waited for.
    ioc.restart();
    ioc.poll();
  }

  // Runs the context until `done` or `timeout`; false on timeout.
  bool RunUntil(const bool& done, std::chrono::milliseconds timeout) {
    const auto deadline = SteadyClock::now() + timeout;
    while (!done) {
      if (SteadyClock::now() >= deadline) return false;
      if (ioc.stopped()) ioc.restart();
      ioc.run_one_until(deadline);
    }
    return true;
  }

  // Abandons the connection: cancels what is in flight and waits for it.
  void Abort(const bool& done) {
    ended = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
    RunUntil(done, kWsClientIoTimeout);
  }
};

WsClient::WsClient(std::unique_ptr<Impl> impl, std::string endpoint)
    : impl_(std::move(impl)), endpoint_(std::move(endpoint)) {}

WsClient::~WsClient() = default;

Result<std::unique_ptr<WsClient>> WsClient::Connect(const WsUrl& url,
                                                    const WsClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  const std::string endpoint = url.host + ":" + std::to_string(url.port);
  beast::error_code ec;
  Tcp::resolver resolver(impl->ioc);
  auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec) return Error::Network(endpoint, "cannot resolve " + url.host + ": " + ec.message());

  bool done = false;
  beast::get_lowest_layer(impl->ws).expires_after(options.connect_timeout);
  beast::get_lowest_layer(impl->ws).async_connect(endpoints,
                                                  [&](beast::error_code e, const Tcp::endpoint&) {
                                                    ec = e;
                                                    done = true;
                                                  });
  if (!impl->RunUntil(done, options.connect_timeout + kWsClientIoTimeout)) impl->Abort(done);
  if (!done || ec) {
    return Error::Network(endpoint, "cannot connect to " + endpoint + ": " +
                                        (ec ? ec.message() : std::string("timed out")));
  }
  beast::get_lowest_layer(impl->ws).expires_never();
  impl->ws.set_option(websocket::stream_base::timeout{options.connect_timeout,
                                                      websocket::stream_base::none(), false});
  impl->ws.read_message_max(kMaxWsClientMessageBytes);
  done = false;
  impl->ws.async_handshake(endpoint, url.target, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  if (!impl->RunUntil(done, options.connect_timeout + kWsClientIoTimeout)) impl->Abort(done);
  if (!done || ec) {
    return Error::Network(endpoint, "WebSocket upgrade of " + url.ToString() + " failed: " +
                                        (ec ? ec.message() : std::string("timed out")));
  }
  impl->ws.text(true);
  return std::unique_ptr<WsClient>(new WsClient(std::move(impl), endpoint));
}

Status WsClient::Send(std::string_view text) {
  if (impl_->ended) return Error::Network(endpoint_, "the connection is closed");
  bool done = false;
  beast::error_code ec;
  impl_->ws.async_write(asio::buffer(text.data(), text.size()),
                        [&](beast::error_code e, std::size_t) {
                          ec = e;
                          done = true;
                        });
  if (!impl_->RunUntil(done, kWsClientIoTimeout)) {
    impl_->Abort(done);
    return Error::Network(endpoint_, "write timed out");
  }
  if (ec) {
    impl_->ended = true;
    return Error::Network(endpoint_, "write failed: " + ec.message());
  }
  return OkStatus();
}

Result<std::optional<std::string>> WsClient::Read(std::chrono::milliseconds timeout) {
  Impl& impl = *impl_;
  if (impl.ended && !impl.read_pending) {
    return Error::Network(endpoint_, "the connection is closed");
  }
  if (!impl.read_pending) {
    impl.read_pending = true;
    impl.read_done = false;
    impl.buffer.clear();
    impl.ws.async_read(impl.buffer, [&impl](beast::error_code e, std::size_t) {
      impl.read_ec = e;
      impl.read_done = true;
    });
  }
  if (!impl.RunUntil(impl.read_done, timeout)) return std::optional<std::string>();
  impl.read_pending = false;
  if (!impl.read_ec)
    return std::optional<std::string>(beast::buffers_to_string(impl.buffer.data()));
  impl.ended = true;
  if (impl.read_ec == websocket::error::closed || impl.ws.reason().code != 0) {
    close_code_ = static_cast<int>(impl.ws.reason().code);
    close_reason_ = std::string(impl.ws.reason().reason.data(), impl.ws.reason().reason.size());
    return Error::Network(endpoint_, "the server closed the connection (code " +
                                         std::to_string(*close_code_) +
                                         (close_reason_.empty() ? "" : ": " + close_reason_) + ")");
  }
  return Error::Network(endpoint_, "connection lost: " + impl.read_ec.message());
}

void WsClient::Close(int code) {
  Impl& impl = *impl_;
  if (!impl.ended) {
    impl.ended = true;
    bool done = false;
    impl.ws.async_close(websocket::close_reason(static_cast<websocket::close_code>(code)),
                        [&](beast::error_code) { done = true; });
    if (!impl.RunUntil(done, kWsClientIoTimeout)) impl.Abort(done);
  }
  beast::error_code ignored;
  beast::get_lowest_layer(impl.ws).socket().close(ignored);
  if (impl.read_pending) {
    impl.RunUntil(impl.read_done, kWsClientIoTimeout);
    impl.read_pending = false;
  }
}

}  // namespace xs::transport::ws
