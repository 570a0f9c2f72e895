// HttpServer: HTTP/1.1 over TCP (Boost.Beast on Boost.Asio) in front of an
// HttpApi. Keep-alive; every request bounded (http_limits.h): headers
// 16 KiB (431 beyond), body 1 MiB (413 beyond, a validation error naming the
// limit), 30 s to deliver a whole request (the connection is closed
// otherwise, also when idle between keep-alive requests), 256 connections
// (503 beyond). A request the parser cannot read is 400 and closes the
// connection. Error bodies are the API's envelope.
//
//   HttpApi api(BackendFor(*runtime, [&] { return StatusJson(); }));
//   HttpServer server(&api, {.host = "127.0.0.1", .port = 0});
//   XS_RETURN_IF_ERROR(server.Start());   // bound; server.port() is the port
//   ...
//   server.Stop();                        // requests being handled finish first
//
// A handler runs on one of the server's threads (options.threads) until the
// action returns; the action is not cut off by the request timeout, which
// bounds only how long the server waits for a client.
//
// Thread contract: Start/Stop from one owning thread; port(), counters from
// any thread. The HttpApi must outlive the server.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "transport/http/http_api.h"
#include "transport/http/http_limits.h"

namespace xs::transport {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = a free port (see port())
  int threads = kHttpDefaultThreads;
  std::size_t max_connections = kHttpMaxConnections;
  std::size_t max_header_bytes = kHttpMaxHeaderBytes;
  std::size_t max_body_bytes = kHttpMaxBodyBytes;
  int request_timeout_ms = kHttpRequestTimeoutMs;
  int stop_grace_ms = kHttpStopGraceMs;
};

class HttpServer {
 public:
  HttpServer(const HttpApi* api, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port and starts serving. Validation error for a host that is
  // not an IP address; network error when the port cannot be bound.
  Status Start();
  // Stops accepting, waits up to stop_grace_ms for requests being handled,
  // closes every connection and joins the threads. Idempotent.
  void Stop();

  // The bound port (after Start), 0 before.
  int port() const { return port_.load(); }
  std::size_t connection_count() const;
  std::uint64_t requests_served() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> port_{0};
};

}  // namespace xs::transport
