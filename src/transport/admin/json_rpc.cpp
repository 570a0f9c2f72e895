#include "transport/admin/json_rpc.h"

#include <exception>
#include <utility>

namespace xs::transport {

namespace {

Error InvalidRequest(std::string_view reason) { return Error::Validation("request", reason); }

bool ValidId(const Json& id) { return id.is_string() || id.is_number_integer(); }

RpcRejection Reject(Json id, Error error, int json_rpc_code, std::string method = {}) {
  return RpcRejection{std::move(id), std::move(method), std::move(error), json_rpc_code};
}

}  // namespace

ParsedRequest ParseRequest(std::string_view line) {
  Json request = Json::parse(line, nullptr, false);
  if (request.is_discarded()) {
    return Reject(nullptr, InvalidRequest("invalid JSON"), kJsonRpcParseError);
  }
  if (!request.is_object()) {
    return Reject(nullptr, InvalidRequest("a JSON-RPC request must be an object"),
                  kJsonRpcInvalidRequest);
  }
  auto id_it = request.find("id");
  Json id = id_it != request.end() ? *id_it : Json();
  if (!ValidId(id)) {
    return Reject(nullptr, InvalidRequest("id must be a string or an integer"),
                  kJsonRpcInvalidRequest);
  }
  if (auto version = request.find("jsonrpc"); version == request.end() || *version != "2.0") {
    return Reject(std::move(id), InvalidRequest("jsonrpc must be \"2.0\""), kJsonRpcInvalidRequest);
  }
  auto method = request.find("method");
  if (method == request.end() || !method->is_string() ||
      method->get_ref<const std::string&>().empty()) {
    return Reject(std::move(id), InvalidRequest("method must be a non-empty string"),
                  kJsonRpcInvalidRequest);
  }
  RpcRequest parsed{std::move(id), method->get<std::string>(), Json::object()};
  if (auto params = request.find("params"); params != request.end() && !params->is_null()) {
    if (!params->is_object()) {
      return Reject(std::move(parsed.id), Error::Validation("params", "must be a JSON object"), 0,
                    std::move(parsed.method));
    }
    parsed.params = std::move(*params);
  }
  return parsed;
}

Result<Json> Dispatch(const RpcRequest& request, const RpcMethodTable& methods,
                      const signet::ActionRegistry& registry, const signet::CallContext& ctx) {
  // Handlers return errors as values; an exception (a bug) must not take the
  // daemon down with it.
  try {
    if (auto local = methods.find(request.method); local != methods.end()) {
      return local->second(request.params, ctx);
    }
    return registry.Call(request.method, request.params, ctx);
  } catch (const std::exception&) {
    return Error::Internal("internal error in " + request.method);
  }
}

signet::CallContext AdminCallContext(const RpcRequest& request, std::string admin_fingerprint,
                                     std::string request_id) {
  signet::CallContext ctx;
  ctx.caller = signet::CallContext::Caller::kAdmin;
  ctx.admin_key_fingerprint = std::move(admin_fingerprint);
  ctx.request_id = std::move(request_id);
  if (auto flag = request.params.find("dangerouslyAllowMessageRead");
      flag != request.params.end() && flag->is_boolean()) {
    ctx.dangerously_allow_message_read = flag->get<bool>();
  }
  return ctx;
}

std::string WriteEnvelope(const Json& id, Result<Json> result, const ResponseMeta& meta) {
  if (result.ok()) return SuccessLine(id, std::move(result).value(), meta);
  return ErrorLine(id, result.error(), &meta);
}

std::string WriteEnvelope(const RpcRejection& rejection, const ResponseMeta& meta) {
  return ErrorLine(rejection.id, rejection.error, &meta, rejection.json_rpc_code);
}

}  // namespace xs::transport
