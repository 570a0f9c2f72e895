#include "transport/ws/testing/ws_test_client.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>

namespace xs::transport::ws::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Tcp = asio::ip::tcp;

namespace {

void SetReadTimeout(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

}  // namespace

Result<std::unique_ptr<WsTestClient>> WsTestClient::Connect(std::uint16_t port, std::string path,
                                                            std::chrono::milliseconds timeout) {
  std::unique_ptr<WsTestClient> c(new WsTestClient());
  c->ws_ = std::make_unique<beast::websocket::stream<Tcp::socket>>(c->ioc_);
  beast::error_code ec;
  Tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  c->ws_->next_layer().connect(endpoint, ec);
  if (ec) return Error::Network("127.0.0.1", "connect: " + ec.message());
  SetReadTimeout(c->ws_->next_layer().native_handle(), timeout);
  c->ws_->handshake("127.0.0.1:" + std::to_string(port), path, ec);
  if (ec) return Error::Network("127.0.0.1", "handshake: " + ec.message());
  c->ws_->text(true);
  return c;
}

Status WsTestClient::Send(const std::string& text) {
  beast::error_code ec;
  ws_->write(asio::buffer(text), ec);
  if (ec) return Error::Network("ws", "write: " + ec.message());
  return OkStatus();
}

Result<std::string> WsTestClient::ReadText() {
  beast::error_code ec;
  buffer_.clear();
  ws_->read(buffer_, ec);
  // A close frame was received; answering it may still fail when the server
  // tore the connection down right after sending it (1009 from Beast).
  if (ec == beast::websocket::error::closed || ws_->reason().code != 0) {
    close_code_ = ws_->reason().code;
    return Error::Network("ws", "closed " + std::to_string(*close_code_));
  }
  if (ec) return Error::Network("ws", "read: " + ec.message());
  return beast::buffers_to_string(buffer_.data());
}

Result<Json> WsTestClient::Read() {
  XS_TRY(std::string text, ReadText());
  Json frame = Json::parse(text, nullptr, false);
  if (frame.is_discarded()) return Error::Validation("frame", "server sent invalid JSON");
  return frame;
}

Result<Json> WsTestClient::Auth(const std::string& token,
                                std::optional<std::uint64_t> last_seen_seq) {
  Json frame = {{"type", "auth"},
                {"token", token},
                {"lastSeenSeq", last_seen_seq ? Json(*last_seen_seq) : Json(nullptr)}};
  XS_RETURN_IF_ERROR(SendJson(frame));
  return Read();
}

Result<Json> WsTestClient::Request(const Json& request) {
  XS_RETURN_IF_ERROR(SendJson(request));
  for (;;) {
    XS_TRY(Json frame, Read());
    if (frame.contains("requestId") && frame["requestId"] == request["requestId"]) return frame;
    events_.push_back(std::move(frame));
  }
}

Result<int> WsTestClient::ReadUntilClose() {
  for (;;) {
    Result<std::string> text = ReadText();
    if (!text.ok()) {
      if (close_code_) return *close_code_;
      return text.error();
    }
    Json frame = Json::parse(*text, nullptr, false);
    events_.push_back(frame.is_discarded() ? Json(*text) : std::move(frame));
  }
}

Status WsTestClient::Close(int code) {
  beast::error_code ec;
  ws_->close(beast::websocket::close_reason(static_cast<beast::websocket::close_code>(code)), ec);
  if (ec) return Error::Network("ws", "close: " + ec.message());
  return OkStatus();
}

Result<int> HttpGetStatus(std::uint16_t port, const std::string& target,
                          const std::vector<std::pair<std::string, std::string>>& headers) {
  asio::io_context ioc;
  Tcp::socket socket(ioc);
  beast::error_code ec;
  socket.connect(Tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return Error::Network("127.0.0.1", "connect: " + ec.message());
  SetReadTimeout(socket.native_handle(), std::chrono::seconds(20));
  http::request<http::empty_body> req(http::verb::get, target, 11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  http::write(socket, req, ec);
  if (ec) return Error::Network("127.0.0.1", "write: " + ec.message());
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res, ec);
  if (ec) return Error::Network("127.0.0.1", "read: " + ec.message());
  return static_cast<int>(res.result_int());
}

}  // namespace xs::transport::ws::testing
