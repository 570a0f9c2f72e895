#include "transport/admin/admin_protocol.h"

#include "base/clock.h"
#include "signet/util/util.h"

namespace xs::transport {

namespace {

// nlohmann's value() throws on a member of another type; replies come from
// another process and are read defensively.
std::string StringMember(const Json& object, const char* name, std::string fallback) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

std::string DumpLine(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json MetaJson(const ResponseMeta& meta) {
  return {{"requestId", meta.request_id},
          {"timestamp", IsoTime(meta.started_ms)},
          {"durationMs", meta.duration_ms}};
}

Json ErrorObject(const Error& error) {
  Json context = nullptr;
  if (!error.context_json().empty()) {
    context = Json::parse(error.context_json(), nullptr, false);
    if (context.is_discarded()) context = nullptr;
  }
  return {{"_tag", error.tag()},
          {"code", error.code()},
          {"category", CategoryName(error.category())},
          {"message", error.message()},
          {"context", std::move(context)}};
}

Error ErrorFromObject(const Json& object) {
  if (!object.is_object()) return Error::Internal("malformed error from the daemon");
  Category category = Category::kInternal;
  std::string category_name = StringMember(object, "category", "internal");
  if (!ParseCategory(category_name, &category)) category = Category::kInternal;
  int code = 1400;
  if (auto it = object.find("code"); it != object.end() && it->is_number_integer()) {
    code = it->get<int>();
  }
  std::string tag = StringMember(object, "_tag", "InternalError");
  std::string message = StringMember(object, "message", "error");
  std::string context;
  if (auto it = object.find("context"); it != object.end() && it->is_object()) {
    context = DumpLine(*it);
  }
  return Error(category, code, std::move(tag), std::move(message), std::move(context));
}

std::string SuccessLine(const Json& id, Json data, const ResponseMeta& meta) {
  Json line = {{"jsonrpc", "2.0"},
               {"id", id},
               {"result", {{"ok", true}, {"data", std::move(data)}, {"meta", MetaJson(meta)}}}};
  return DumpLine(line);
}

std::string ErrorLine(const Json& id, const Error& error, const ResponseMeta* meta,
                      int json_rpc_code) {
  Json data = ErrorObject(error);
  if (meta != nullptr) data["meta"] = MetaJson(*meta);
  // The context members are also lifted to data's top level ({category,
  // field, reason, ...}) for clients that read them there; the error object's
  // own members win on a clash.
  if (data["context"].is_object()) {
    for (auto it = data["context"].begin(); it != data["context"].end(); ++it) {
      if (!data.contains(it.key())) data[it.key()] = it.value();
    }
  }
  Json line = {{"jsonrpc", "2.0"},
               {"id", id},
               {"error",
                {{"code", json_rpc_code != 0 ? json_rpc_code : JsonRpcCode(error.category())},
                 {"message", error.message()},
                 {"data", std::move(data)}}}};
  return DumpLine(line);
}

std::string NotificationLine(std::string_view method, const Json& params) {
  return DumpLine({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
}

std::string RequestLine(const Json& id, std::string_view method, const Json& params) {
  return DumpLine({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
}

std::string AuthLine(std::string_view token) {
  return DumpLine({{"type", kAdminAuthType}, {"token", token}});
}

Error ErrorFromJsonRpc(const Json& error_member) {
  if (!error_member.is_object()) return Error::Internal("malformed error from the daemon");
  if (auto data = error_member.find("data");
      data != error_member.end() && data->is_object() && data->contains("category")) {
    Json object = *data;
    if (!object.contains("message")) object["message"] = StringMember(error_member, "message", "");
    return ErrorFromObject(object);
  }
  // A bare JSON-RPC error (another implementation): map the standard codes.
  std::string message = StringMember(error_member, "message", "error");
  auto code_it = error_member.find("code");
  int code =
      code_it != error_member.end() && code_it->is_number_integer() ? code_it->get<int>() : 0;
  switch (code) {
    case kJsonRpcParseError:
    case kJsonRpcInvalidRequest:
    case -32602:
      return Error::Validation("request", message);
    case -32601:
      return Error::NotFound(message);
    case kJsonRpcAuthFailed:
      return Error::Auth(message);
    default:
      return Error::Internal(message);
  }
}

}  // namespace xs::transport
