// WsClient: a small blocking WebSocket client (Boost.Beast, plain ws://) for
// programs that talk to a signet's /v1/agent endpoint as a harness would:
// the OpenClaw read-only bridge (adapters/openclaw/bridge.h). It does not
// know the harness protocol; it moves text messages and reports how the
// server closed.
//
//   XS_TRY(WsUrl url, ParseWsUrl("ws://127.0.0.1:8393/v1/agent"));
//   XS_TRY(auto client, WsClient::Connect(url, {}));
//   XS_RETURN_IF_ERROR(client->Send(R"({"type":"auth",...})"));
//   XS_TRY(std::optional<std::string> text, client->Read(200ms));  // nullopt: nothing yet
//   ...on an error, client->close_code() says whether the server closed (4004, 1001, ...)
//
// Every wait is bounded: Connect by its timeout, Read by the caller's (a
// read still in progress carries over to the next Read), Send and Close by
// kWsClientIoTimeout. Messages larger than kMaxWsClientMessageBytes fail the
// read (the connection is then unusable).
//
// Thread contract: one owning thread; no method may be called concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace xs::transport::ws {

// The largest message the client accepts (the server's frames are at most
// its maxFrameSizeBytes, 1 MiB by default; events may carry content).
inline constexpr std::size_t kMaxWsClientMessageBytes = 16 * 1024 * 1024;
// How long a write or the closing handshake may take.
inline constexpr std::chrono::milliseconds kWsClientIoTimeout{5000};

// ws://host[:port][/path]; the port defaults to 80, the path to "/".
struct WsUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";
  std::string ToString() const;
};

// A validation error (field `field`) unless `url` is a ws:// URL with a host.
// wss:// is refused with a message saying so (the signet listens on
// loopback ws:// only).
Result<WsUrl> ParseWsUrl(std::string_view url, std::string_view field = "wsUrl");

struct WsClientOptions {
  std::chrono::milliseconds connect_timeout{5000};  // TCP connect + upgrade
};

class WsClient {
 public:
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Network errors name the endpoint ("127.0.0.1:8393").
  static Result<std::unique_ptr<WsClient>> Connect(const WsUrl& url,
                                                   const WsClientOptions& options);

  Status Send(std::string_view text);
  // The next text message, or nullopt when none arrived within `timeout`.
  // A network error when the connection ended; close_code() then holds the
  // server's close code if it sent one.
  Result<std::optional<std::string>> Read(std::chrono::milliseconds timeout);
  // Sends a close frame with `code` and waits briefly for the answer. Safe to
  // call after the connection ended.
  void Close(int code = 1000);

  std::optional<int> close_code() const { return close_code_; }
  const std::string& close_reason() const { return close_reason_; }
  const std::string& endpoint() const { return endpoint_; }

 private:
  struct Impl;
  explicit WsClient(std::unique_ptr<Impl> impl, std::string endpoint);

  std::unique_ptr<Impl> impl_;
  std::string endpoint_;
  std::optional<int> close_code_;
  std::string close_reason_;
};

}  // namespace xs::transport::ws
