#include "transport/mcp/mcp_resources.h"

#include "signet/util/util.h"
#include "transport/admin/json_rpc.h"
#include "transport/mcp/mcp_limits.h"

namespace xs::transport::mcp {

namespace {

constexpr std::string_view kMimeType = "application/json";

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Runs `action` as the credential (Dispatch turns a throwing handler into an
// internal error).
Result<Json> RunAs(const signet::ActionRegistry& registry, const std::string& credential_id,
                   std::string action, Json params) {
  signet::CallContext ctx;
  ctx.caller = signet::CallContext::Caller::kCredential;
  ctx.credential_id = credential_id;
  ctx.request_id = signet::NewPrefixedId("req_");
  const RpcMethodTable no_methods;
  return Dispatch(RpcRequest{nullptr, std::move(action), std::move(params)}, no_methods, registry,
                  ctx);
}

std::string StringOr(const Json& row, const char* key, const std::string& fallback) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() && !it->get_ref<const std::string&>().empty()
             ? it->get<std::string>()
             : fallback;
}

}  // namespace

std::string ChatResourceUri(std::string_view chat_id) {
  return std::string(kMcpChatUriPrefix) + std::string(chat_id) + std::string(kMcpChatUriSuffix);
}

Result<std::string> ParseChatResourceUri(std::string_view uri) {
  const std::size_t min = kMcpChatUriPrefix.size() + kMcpChatUriSuffix.size();
  if (uri.size() <= min || !uri.starts_with(kMcpChatUriPrefix) ||
      !uri.ends_with(kMcpChatUriSuffix)) {
    return Error::Validation("uri", "not a chat resource (xmtp-signet://chats/<chat id>/messages)");
  }
  std::string_view id = uri.substr(kMcpChatUriPrefix.size(), uri.size() - min);
  if (id.size() > kMcpMaxChatIdBytes) return Error::Validation("uri", "chat id too long");
  for (char c : id) {
    if (!IsIdChar(c)) return Error::Validation("uri", "chat id has a character not allowed");
  }
  return std::string(id);
}

Result<Json> ListResources(const signet::ActionRegistry& registry,
                           const std::string& credential_id) {
  Result<Json> chats = RunAs(registry, credential_id, "chat.list", Json::object());
  Json resources = Json::array();
  // No list-conversations scope: nothing to list, not a failure.
  if (!chats.ok() && chats.error().IsPermission()) return Json{{"resources", resources}};
  if (!chats.ok()) return chats.error();
  if (!chats->is_array()) return Json{{"resources", resources}};
  for (const Json& row : *chats) {
    if (!row.is_object()) continue;
    std::string id = StringOr(row, "id", "");
    if (!ParseChatResourceUri(ChatResourceUri(id)).ok()) continue;
    std::string name = StringOr(row, "name", id);
    resources.push_back({{"uri", ChatResourceUri(id)},
                         {"name", name},
                         {"title", name},
                         {"description", "Newest messages of chat " + id},
                         {"mimeType", kMimeType}});
  }
  return Json{{"resources", std::move(resources)}};
}

Result<Json> ReadResource(const signet::ActionRegistry& registry, const std::string& credential_id,
                          std::string_view uri) {
  XS_TRY(std::string chat_id, ParseChatResourceUri(uri));
  XS_TRY(Json messages, RunAs(registry, credential_id, "message.list",
                              Json{{"chatId", chat_id}, {"limit", kMcpResourceReadMessageCount}}));
  Json content = {{"uri", uri},
                  {"mimeType", kMimeType},
                  {"text", messages.dump(2, ' ', false, Json::error_handler_t::replace)}};
  return Json{{"contents", Json::array({std::move(content)})}};
}

}  // namespace xs::transport::mcp
