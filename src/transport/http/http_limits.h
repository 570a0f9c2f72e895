// Every bound the HTTP API puts on what a client can make it hold or wait
// for. The defaults of HttpServerOptions; the constants name them in errors.
#pragma once

#include <cstddef>

namespace xs::transport {

// Request line plus headers.
inline constexpr std::size_t kHttpMaxHeaderBytes = 16 * 1024;
// A JSON body: the same bound as one admin-socket line.
inline constexpr std::size_t kHttpMaxBodyBytes = 1 << 20;
// A bearer token longer than this is refused unread (admin JWTs are ~330
// bytes, credential tokens 43).
inline constexpr std::size_t kHttpMaxTokenBytes = 4096;
// Open connections; the next one is answered 503 and closed.
inline constexpr std::size_t kHttpMaxConnections = 256;
// A request (headers and body) must arrive within this long of the
// connection opening or of the previous response (keep-alive idle time).
inline constexpr int kHttpRequestTimeoutMs = 30000;
// Threads that run the server and the actions it dispatches.
inline constexpr int kHttpDefaultThreads = 4;
// How long Stop() lets requests being handled finish.
inline constexpr int kHttpStopGraceMs = 5000;

}  // namespace xs::transport
