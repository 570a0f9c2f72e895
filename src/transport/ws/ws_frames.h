// The WebSocket harness transport's wire frames (transport.md §1): parsing
// of what a client sends (the auth frame, request frames) and the text of
// what the server sends (authenticated, auth_error, backpressure, responses).
//
// Everything here is pure and socket-free so the fuzzers and unit tests call
// it directly. Parsers never throw: a frame is classified, never trusted.
//
//   XS_TRY(AuthFrame auth, ParseAuthFrame(text));          // error => 4009
//   ParsedRequest req = ParseRequestFrame(text);          // verdict decides
//   std::string reply = OkResponse(req.request_id, data);
//
// Thread contract: free functions over values; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "signet/agent/agent_surface.h"

namespace xs::transport::ws {

using Json = nlohmann::json;

// Close codes the transport sends beyond agent_surface.h's table: Beast
// answers an over-long message with 1009 (RFC 6455 §7.4.1) and invalid UTF-8
// in a text frame with 1007.
inline constexpr int kCloseMessageTooBig = 1009;

// Bounds on the fields of client frames (besides ws.maxFrameSizeBytes).
inline constexpr std::size_t kMaxTokenBytes = 4096;
inline constexpr std::size_t kMaxRequestIdBytes = 256;

// The first client frame: {type:"auth", token, lastSeenSeq: int >= 0 | null}.
struct AuthFrame {
  std::string token;
  std::optional<std::uint64_t> last_seen_seq;  // nullopt = fresh
};

// Validation error naming the offending field for anything but a well-formed
// auth frame (not JSON, not an object, wrong type, missing or mistyped
// token / lastSeenSeq, a legacy `sessionId`).
Result<AuthFrame> ParseAuthFrame(std::string_view text);

// The 7 harness requests of events-and-pipeline.md §2.
bool IsRequestType(std::string_view type);

enum class RequestVerdict {
  kOk,             // object with a string requestId and a known type
  kInvalidJson,    // not JSON => close 4009
  kInvalidWithId,  // schema failure with a usable requestId => validation reply
  kInvalidNoId,    // schema failure without one => close 4009
};

struct ParsedRequest {
  RequestVerdict verdict = RequestVerdict::kInvalidJson;
  Json json;               // the parsed frame (kOk; otherwise may be discarded)
  std::string request_id;  // kOk and kInvalidWithId
  std::string type;        // kOk
};

// Classifies a request frame. Only the envelope is checked here (requestId,
// type, no legacy session-era `sessionId`); the request's own fields are the
// agent plane's to validate (AgentSurface::Handle returns validation errors).
ParsedRequest ParseRequestFrame(std::string_view text);

// Server frames, as the text sent.
std::string AuthenticatedFrame(std::string_view connection_id, const signet::agent::AuthInfo& who,
                               std::optional<std::uint64_t> resumed_from_seq);
std::string AuthErrorFrame(int code, std::string_view message);
std::string BackpressureFrame(std::size_t buffered, std::size_t limit);

// Responses: {ok:true, requestId, data} / {ok:false, requestId, error:{code,
// category, message, context|null}}.
std::string OkResponse(std::string_view request_id, const Json& data);
std::string ErrorResponse(std::string_view request_id, const Error& error);
std::string InvalidRequestResponse(std::string_view request_id);
std::string TimeoutResponse(std::string_view request_id, std::string_view type,
                            std::int64_t timeout_ms);
std::string InternalErrorResponse(std::string_view request_id);

// The events the transport itself emits through AgentSurface::Emit.
Json HeartbeatEvent(std::string_view credential_id, std::int64_t now_ms);
Json ShutdownEvent(std::string_view credential_id);

}  // namespace xs::transport::ws
