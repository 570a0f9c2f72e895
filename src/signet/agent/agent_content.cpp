#include "signet/agent/agent_content.h"

#include "xmtp/content/codecs.h"

namespace xs::signet::agent {

namespace content = xmtp::content;
using Json = nlohmann::json;

namespace {

bool IsXmtp(const content::ContentTypeId& t, std::string_view type_id, std::uint32_t major) {
  return t.authority_id == "xmtp.org" && t.type_id == type_id && t.version_major == major;
}

std::string_view ActionName(content::ReactionAction a) {
  return a == content::ReactionAction::kRemoved ? "removed" : "added";
}

std::string_view SchemaName(content::ReactionSchema s) {
  switch (s) {
    case content::ReactionSchema::kShortcode:
      return "shortcode";
    case content::ReactionSchema::kCustom:
      return "custom";
    case content::ReactionSchema::kUnicode:
    case content::ReactionSchema::kUnspecified:
      break;
  }
  return "unicode";
}

Json Inboxes(const std::vector<std::string>& ids) {
  Json out = Json::array();
  for (const auto& id : ids) out.push_back({{"inboxId", id}});
  return out;
}

Json NullOr(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

std::optional<AgentContent> GroupUpdated(const content::EncodedContent& encoded) {
  auto decoded = content::DecodeGroupUpdated(encoded);
  if (!decoded.ok()) return std::nullopt;
  Json fields = Json::array();
  for (const auto& change : decoded->metadata_field_changes) {
    fields.push_back({{"fieldName", change.field_name},
                      {"oldValue", NullOr(change.old_value)},
                      {"newValue", NullOr(change.new_value)}});
  }
  return AgentContent{kGroupUpdatedType,
                      {{"initiatedByInboxId", decoded->initiated_by_inbox_id},
                       {"addedInboxes", Inboxes(decoded->added_inboxes)},
                       {"removedInboxes", Inboxes(decoded->removed_inboxes)},
                       {"metadataFieldsChanged", std::move(fields)}},
                      std::nullopt};
}

std::optional<AgentContent> Reply(const content::EncodedContent& encoded) {
  auto decoded = content::DecodeReply(encoded);
  if (!decoded.ok()) return std::nullopt;
  // The inner content follows the same rule; a reply to a reply is not a
  // baseline shape.
  if (IsXmtp(decoded->content.type, "reply", 1)) return std::nullopt;
  std::optional<AgentContent> inner = ProjectContent(decoded->content);
  if (!inner) return std::nullopt;
  return AgentContent{
      kReplyType,
      {{"reference", decoded->reference},
       {"content", {{"type", inner->content_type}, {"payload", std::move(inner->content)}}}},
      decoded->reference};
}

}  // namespace

std::optional<AgentContent> ProjectContent(const content::EncodedContent& encoded) {
  const content::ContentTypeId& t = encoded.type;
  if (IsXmtp(t, "text", 1)) {
    auto text = content::DecodeText(encoded);
    if (!text.ok()) return std::nullopt;
    return AgentContent{kTextType, {{"text", *std::move(text)}}, std::nullopt};
  }
  if (IsXmtp(t, "reply", 1)) return Reply(encoded);
  if (IsXmtp(t, "reaction", 1) || IsXmtp(t, "reaction", 2)) {
    auto r = content::DecodeReaction(encoded);
    if (!r.ok()) return std::nullopt;
    return AgentContent{kReactionType,
                        {{"reference", r->reference},
                         {"action", ActionName(r->action)},
                         {"content", r->content},
                         {"schema", SchemaName(r->schema)}},
                        std::nullopt};
  }
  if (IsXmtp(t, "readReceipt", 1)) {
    if (!content::DecodeReadReceipt(encoded).ok()) return std::nullopt;
    return AgentContent{kReadReceiptType, Json::object(), std::nullopt};
  }
  if (IsXmtp(t, "group_updated", 1) || IsXmtp(t, "groupUpdated", 1)) return GroupUpdated(encoded);
  return std::nullopt;
}

}  // namespace xs::signet::agent
