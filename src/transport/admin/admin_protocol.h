// The admin socket's wire protocol (transport.md §3, decisions.md #15):
// newline-delimited JSON; the first client line is
//   {"type":"admin_auth","token":"<admin JWT>"}
// answered by {"jsonrpc":"2.0","result":{"authenticated":true,"adminFingerprint":…}}
// (or an error response with id null, after which the server closes); then
// JSON-RPC 2.0 requests {jsonrpc:"2.0", id, method, params?}. Responses:
//   {"jsonrpc":"2.0","id":…,"result":{"ok":true,"data":…,"meta":{requestId,timestamp,durationMs}}}
//   {"jsonrpc":"2.0","id":…|null,"error":{"code":<JSON-RPC code of the category>,"message":…,
//     "data":{"_tag","code","category","message","context","meta", ...context members}}}
// Streams (`--watch`): a stream method first answers {ok:true, data:{subscribed:true}}, then pushes
// notifications {"jsonrpc":"2.0","method":<the method>,"params":…}; it ends with a
// "stream.end" notification, or "stream.error" whose params are the error object.
//
// These helpers are shared by the server, the client and any other admin surface.
//
// Thread contract: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace xs::transport {

using Json = nlohmann::json;

// Framing-level JSON-RPC codes (transport.md §2 note); errors raised by
// actions use the category code (xs::JsonRpcCode).
inline constexpr int kJsonRpcParseError = -32700;
inline constexpr int kJsonRpcInvalidRequest = -32600;
inline constexpr int kJsonRpcAuthFailed = -32000;

inline constexpr std::size_t kAdminMaxLineBytes = 1 << 20;  // 1 MiB per NDJSON line
inline constexpr std::size_t kAdminMaxConnections = 64;
inline constexpr int kAdminAuthTimeoutMs = 5000;

inline constexpr std::string_view kAdminAuthType = "admin_auth";
inline constexpr std::string_view kStreamEndMethod = "stream.end";
inline constexpr std::string_view kStreamErrorMethod = "stream.error";

// Result-envelope meta.
struct ResponseMeta {
  std::string request_id;
  std::int64_t started_ms = 0;  // unix ms
  double duration_ms = 0;
};
Json MetaJson(const ResponseMeta& meta);

// The error object of the taxonomy: {_tag, code, category, message, context}.
Json ErrorObject(const Error& error);
// Rebuilds an Error from an error object (unknown category -> internal).
Error ErrorFromObject(const Json& object);

// One serialized line each (no trailing newline); never throws, invalid
// UTF-8 in strings is replaced.
std::string SuccessLine(const Json& id, Json data, const ResponseMeta& meta);
std::string ErrorLine(const Json& id, const Error& error, const ResponseMeta* meta = nullptr,
                      int json_rpc_code = 0 /* 0 = the category's code */);
std::string NotificationLine(std::string_view method, const Json& params);
std::string RequestLine(const Json& id, std::string_view method, const Json& params);
std::string AuthLine(std::string_view token);

// Error carried by a JSON-RPC error member ({code, message, data}).
Error ErrorFromJsonRpc(const Json& error_member);

std::string DumpLine(const Json& value);

}  // namespace xs::transport
