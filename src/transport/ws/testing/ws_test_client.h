// WsTestClient: a blocking Beast WebSocket client for the transport's tests
// (never linked by the product). Reads give up after `read_timeout` so a
// broken server fails a test instead of hanging it.
//
//   XS_TRY(auto client, WsTestClient::Connect(port));
//   Json hello = client->Auth("tok", std::nullopt).value();
//   Json reply = client->Request({{"type","heartbeat"}, ...}).value();
//
// Thread contract: one thread per client.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "signet/agent/agent_surface.h"

namespace xs::transport::ws::testing {

using Json = nlohmann::json;

class WsTestClient {
 public:
  static Result<std::unique_ptr<WsTestClient>> Connect(
      std::uint16_t port, std::string path = "/v1/agent",
      std::chrono::milliseconds read_timeout = std::chrono::seconds(20));

  Status Send(const std::string& text);
  Status SendJson(const Json& frame) { return Send(frame.dump()); }
  // The next text message. When the server closed, an error and close_code().
  Result<std::string> ReadText();
  Result<Json> Read();
  // Sends {type:"auth", token, lastSeenSeq} and returns the first answer.
  Result<Json> Auth(const std::string& token, std::optional<std::uint64_t> last_seen_seq);
  // Sends the request and reads until its response (other frames kept in
  // events()).
  Result<Json> Request(const Json& request);
  // Reads until the server closes; returns the close code (frames kept).
  Result<int> ReadUntilClose();
  Status Close(int code = 1000);

  std::optional<int> close_code() const { return close_code_; }
  std::vector<Json>& events() { return events_; }

 private:
  WsTestClient() = default;
  boost::asio::io_context ioc_;
  std::unique_ptr<boost::beast::websocket::stream<boost::asio::ip::tcp::socket>> ws_;
  boost::beast::flat_buffer buffer_;
  std::optional<int> close_code_;
  std::vector<Json> events_;
};

// One plain HTTP/1.1 GET; returns the status code (e.g. 404, 400, 101).
Result<int> HttpGetStatus(std::uint16_t port, const std::string& target,
                          const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace xs::transport::ws::testing
