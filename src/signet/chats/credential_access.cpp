#include "signet/chats/credential_access.h"

#include <algorithm>
#include <cctype>

#include "signet/policy/content_types.h"
#include "xmtp/content/content_types.h"

namespace xs::signet {

namespace content = xmtp::content;

std::string AgentContentType(const content::ContentTypeId& type) {
  if (type.SameType(content::ReactionV2Type())) return content::ReactionV1Type().ToString();
  if (type.SameType(content::GroupUpdatedType())) return "xmtp.org/groupUpdated:1.0";
  return type.ToString();
}

Result<Credential> CallerCredential(RuntimeState& s, const std::string& credential_id) {
  auto c = s.credentials->Get(credential_id);
  if (!c.ok() && c.error().IsNotFound()) return Error::Auth("Credential is unknown");
  return c;
}

Status RequireActive(const Credential& c, std::string_view doing) {
  if (c.status == CredentialStatus::kActive) return OkStatus();
  const std::string status(CredentialStatusName(c.status));
  const std::string message = "Credential is " + status + " -- " + std::string(doing);
  if (c.status == CredentialStatus::kExpired) {
    return Error(Category::kAuth, 1310, "CredentialExpiredError", message,
                 ContextJson({{"credentialId", c.id}}));
  }
  return Error::Auth(message).WithContext(
      ContextJson({{"credentialId", c.id}, {"status", status}}));
}

bool HasScope(const Credential& c, std::string_view scope) {
  std::optional<std::size_t> index = ScopeIndex(scope);
  return index && c.effective_set().test(*index);
}

Status RequireScope(const Credential& c, std::string_view scope) {
  if (HasScope(c, scope)) return OkStatus();
  return Error::Permission("Permission denied: " + std::string(scope))
      .WithContext(ContextJson({{"scope", std::string(scope)}}));
}

std::vector<std::string> AllowlistOf(const RuntimeState& s, const Credential& c) {
  // Both lists were validated when they were set; a list that no longer
  // yields anything allows nothing.
  auto list = EffectiveAllowlist(s.options.content_types, c.content_types);
  return list.ok() ? *std::move(list) : std::vector<std::string>{};
}

std::optional<std::string> ScopedChat(Chats::Impl& impl, const Credential& c,
                                      std::string_view ref) {
  std::string lower(ref);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char ch) { return static_cast<char>(std::tolower(ch)); });
  for (const auto& id : c.chat_ids) {
    if (id == ref) return id;
    const Json* chat = impl.chats->Find(id);
    if (chat != nullptr && !lower.empty() && chat->value("networkGroupId", "") == lower) return id;
  }
  return std::nullopt;
}

Result<std::string> RequireScopedChat(Chats::Impl& impl, const Credential& c,
                                      std::string_view ref) {
  std::optional<std::string> id = ScopedChat(impl, c, ref);
  if (id) return *id;
  return Error::Permission("chat not in scoped conversations")
      .WithContext(ContextJson({{"chatId", std::string(ref)}}));
}

std::optional<std::string> ReadVisibility(const Credential& c,
                                          const std::vector<std::string>& allowlist,
                                          const xmtp::client::Message& m) {
  if (!IsAllowed(allowlist, AgentContentType(m.content.type))) return std::nullopt;
  const auto sent_ms = static_cast<std::int64_t>(m.sent_ns / kNsPerMs);
  if (sent_ms >= c.issued_at_ms) return "visible";
  if (!HasScope(c, "read-history")) return std::nullopt;
  return "historical";
}

}  // namespace xs::signet
