// JSON-RPC 2.0 request handling shared by every surface that speaks the admin
// wire protocol (admin_protocol.h): the admin socket today, the MCP and HTTP
// transports later. Three steps, each usable on its own and free of sockets,
// threads and AdminServer internals:
//
//   ParseRequest   one request line -> a typed RpcRequest, or the rejection to
//                  answer with (the JSON-RPC 2.0 framing rules below);
//   Dispatch       an RpcRequest -> the handler's Result, looked up in a
//                  transport's own method table first, then the action registry;
//   WriteEnvelope  a Result or a rejection -> one response line.
//
//   ResponseMeta meta{signet::NewPrefixedId("req_"), clock.NowMs(), 0};
//   ParsedRequest parsed = ParseRequest(line);
//   if (auto* rejected = std::get_if<RpcRejection>(&parsed)) {
//     return Send(WriteEnvelope(*rejected, meta));
//   }
//   const RpcRequest& request = std::get<RpcRequest>(parsed);
//   auto ctx = AdminCallContext(request, fingerprint, meta.request_id);
//   Result<Json> result = Dispatch(request, methods, runtime->registry(), ctx);
//   meta.duration_ms = ...;
//   Send(WriteEnvelope(request.id, std::move(result), meta));
//
// Framing rules, checked in this order (the first failure is the answer):
//   not JSON                              -> -32700, id null, "invalid JSON"
//   not an object                         -> -32600, id null
//   id not a string or an integer         -> -32600, id null (notifications,
//                                            i.e. no id, are not accepted)
//   jsonrpc member not "2.0"              -> -32600, the request's id
//   method not a non-empty string         -> -32600, the request's id
//   params neither absent, null nor object-> validation error (its category's
//                                            code), the request's id
// Every rejection is a validation error (field "request", or "params").
//
// Thread contract: pure functions; Dispatch runs the handler on the calling
// thread and is as thread-safe as the handlers and the registry.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "base/result.h"
#include "signet/core/action.h"
#include "transport/admin/admin_protocol.h"

namespace xs::transport {

struct RpcRequest {
  Json id;             // a string or an integer, echoed in the response
  std::string method;  // non-empty
  Json params;         // always an object ({} when absent or null)
};

// A line that is not a valid request, with everything needed to answer it.
struct RpcRejection {
  Json id;             // null unless the request's id could be read
  std::string method;  // set when the method was valid (for request logs)
  Error error;
  int json_rpc_code = 0;  // 0 = the error category's code
};

using ParsedRequest = std::variant<RpcRequest, RpcRejection>;

// Never throws; `line` is one NDJSON line without its '\n'.
ParsedRequest ParseRequest(std::string_view line);

// Methods a transport serves itself ("daemon.status", test hooks), looked up
// before the action registry.
using RpcMethod = std::function<Result<Json>(const Json& params, const signet::CallContext& ctx)>;
using RpcMethodTable = std::map<std::string, RpcMethod, std::less<>>;

// Runs request.method from `methods`, else from `registry` (whose errors,
// e.g. not_found "unknown action: <method>", come back unchanged). A handler
// that throws (a bug) yields internal "internal error in <method>" instead of
// taking the process down.
Result<Json> Dispatch(const RpcRequest& request, const RpcMethodTable& methods,
                      const signet::ActionRegistry& registry, const signet::CallContext& ctx);

// The CallContext of an admin request: caller admin, the admin key's
// fingerprint, the request id, and params.dangerouslyAllowMessageRead when
// it is a boolean.
signet::CallContext AdminCallContext(const RpcRequest& request, std::string admin_fingerprint,
                                     std::string request_id);

// The response line (no trailing newline): {ok, data, meta} for a value, the
// error object with meta for an error (admin_protocol.h has the shapes).
std::string WriteEnvelope(const Json& id, Result<Json> result, const ResponseMeta& meta);
std::string WriteEnvelope(const RpcRejection& rejection, const ResponseMeta& meta);

}  // namespace xs::transport
