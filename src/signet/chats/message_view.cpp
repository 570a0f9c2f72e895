// Content fields and summaries of messages (message_view.h).
#include "signet/chats/message_view.h"

#include <string_view>
#include <vector>

#include "xmtp/content/decoded.h"

namespace xs::signet {

namespace content = xmtp::content;
using Json = nlohmann::json;

namespace {

// Inbox ids in a summary: the first 8 hex digits, as `xs` shows short ids.
constexpr std::size_t kShortInboxChars = 8;
// A reference without a msg_ id: this many hex digits of the network id.
constexpr std::size_t kShortReferenceChars = 12;

std::string_view ActionName(content::ReactionAction action) {
  switch (action) {
    case content::ReactionAction::kAdded:
      return "added";
    case content::ReactionAction::kRemoved:
      return "removed";
    case content::ReactionAction::kUnspecified:
      break;
  }
  return "unspecified";
}

std::string_view SchemaName(content::ReactionSchema schema) {
  switch (schema) {
    case content::ReactionSchema::kUnicode:
      return "unicode";
    case content::ReactionSchema::kShortcode:
      return "shortcode";
    case content::ReactionSchema::kCustom:
      return "custom";
    case content::ReactionSchema::kUnspecified:
      break;
  }
  return "unspecified";
}

Json ReplyJson(const content::Reply& reply) {
  Json out = {{"reference", reply.reference}, {"contentType", reply.content.type.ToString()}};
  if (reply.reference_inbox_id) out["referenceInboxId"] = *reply.reference_inbox_id;
  if (auto text = content::DecodeText(reply.content); text.ok()) {
    out["text"] = *text;
  } else if (auto md = content::DecodeMarkdown(reply.content); md.ok()) {
    out["text"] = *md;
  }
  return out;
}

Json ReactionJson(const content::Reaction& reaction) {
  Json out = {{"reference", reaction.reference},
              {"action", ActionName(reaction.action)},
              {"emoji", reaction.content},
              {"schema", SchemaName(reaction.schema)}};
  if (!reaction.reference_inbox_id.empty()) out["referenceInboxId"] = reaction.reference_inbox_id;
  return out;
}

Json GroupUpdatedJson(const content::GroupUpdated& u) {
  Json changes = Json::array();
  for (const auto& c : u.metadata_field_changes) {
    Json change = {{"field", c.field_name}};
    if (c.old_value) change["oldValue"] = *c.old_value;
    if (c.new_value) change["newValue"] = *c.new_value;
    changes.push_back(std::move(change));
  }
  return {{"initiatedBy", u.initiated_by_inbox_id},
          {"addedInboxes", u.added_inboxes},
          {"removedInboxes", u.removed_inboxes},
          {"leftInboxes", u.left_inboxes},
          {"addedAdmins", u.added_admin_inboxes},
          {"removedAdmins", u.removed_admin_inboxes},
          {"addedSuperAdmins", u.added_super_admin_inboxes},
          {"removedSuperAdmins", u.removed_super_admin_inboxes},
          {"metadataChanges", std::move(changes)}};
}

// ---- summaries

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string ShortInbox(const std::string& inbox) { return inbox.substr(0, kShortInboxChars); }

std::string Reference(const Json& j) {
  std::string id = Str(j, "referenceId");
  if (!id.empty()) return id;
  return "message " + Str(j, "reference").substr(0, kShortReferenceChars);
}

std::string Inboxes(const Json& list) {
  std::string out;
  for (const auto& id : list) {
    if (!out.empty()) out += ", ";
    out += ShortInbox(id.is_string() ? id.get<std::string>() : "");
  }
  return out;
}

std::string GroupUpdatedSummary(const Json& u) {
  std::vector<std::string> parts;
  const std::pair<const char*, const char*> lists[] = {
      {"addedInboxes", "added "},
      {"removedInboxes", "removed "},
      {"leftInboxes", "left: "},
      {"addedAdmins", "made admin "},
      {"removedAdmins", "removed admin "},
      {"addedSuperAdmins", "made super admin "},
      {"removedSuperAdmins", "removed super admin "}};
  for (const auto& [key, verb] : lists) {
    if (u.contains(key) && !u[key].empty()) parts.push_back(verb + Inboxes(u[key]));
  }
  for (const auto& c : u.value("metadataChanges", Json::array())) {
    std::string field = Str(c, "field");
    if (c.contains("newValue")) {
      parts.push_back("set " + field + " to \"" + Str(c, "newValue") + "\"");
    } else {
      parts.push_back("cleared " + field);
    }
  }
  std::string out = ShortInbox(Str(u, "initiatedBy"));
  if (parts.empty()) return out + " updated the group";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? " " : "; ") + parts[i];
  return out;
}

}  // namespace

void AddContentFields(const content::EncodedContent& encoded, Json& message) {
  using Kind = content::Decoded::Kind;
  if (encoded.type.SameType(content::LeaveRequestType())) {
    if (content::DecodeLeaveRequest(encoded).ok()) {
      message["leaveRequest"] = true;
      return;
    }
  }
  auto decoded = content::Decode(encoded);
  if (!decoded.ok()) {
    message["decodeError"] = decoded.error().message();
    return;
  }
  const auto& v = decoded->value;
  switch (decoded->kind) {
    case Kind::kText:
    case Kind::kMarkdown:
      message["text"] = std::get<std::string>(v);
      return;
    case Kind::kReply: {
      Json reply = ReplyJson(std::get<content::Reply>(v));
      if (reply.contains("text")) message["text"] = reply["text"];
      message["reply"] = std::move(reply);
      return;
    }
    case Kind::kReaction:
      message["reaction"] = ReactionJson(std::get<content::Reaction>(v));
      return;
    case Kind::kReadReceipt:
      message["readReceipt"] = true;
      return;
    case Kind::kGroupUpdated:
      message["groupUpdated"] = GroupUpdatedJson(std::get<content::GroupUpdated>(v));
      return;
    case Kind::kAttachment: {
      const auto& a = std::get<content::Attachment>(v);
      message["attachment"] = {{"mimeType", a.mime_type}, {"size", a.data.size()}};
      if (a.filename) message["attachment"]["filename"] = *a.filename;
      return;
    }
    case Kind::kRemoteAttachment: {
      const auto& r = std::get<content::RemoteAttachment>(v);
      message["remoteAttachment"] = {
          {"url", r.url}, {"contentLength", r.content_length}, {"scheme", r.scheme}};
      if (r.filename) message["remoteAttachment"]["filename"] = *r.filename;
      return;
    }
    case Kind::kAgentPayload:
      // The signed JSON text as sent (a seal, revocation or liveness):
      // what a verifier reads (docs/seals.md).
      message["agentPayload"] = std::get<content::AgentPayload>(v).json;
      return;
    case Kind::kUnknown:
      break;
  }
  if (encoded.fallback) message["fallback"] = *encoded.fallback;
}

std::string MessageSummary(const Json& m) {
  if (m.contains("reply")) {
    const Json& r = m["reply"];
    std::string out = "reply to " + Reference(r);
    if (r.contains("text")) return out + ": " + Str(r, "text");
    return out + " (" + Str(r, "contentType") + ")";
  }
  if (m.contains("text")) return Str(m, "text");
  if (m.contains("reaction")) {
    const Json& r = m["reaction"];
    std::string emoji = Str(r, "emoji");
    std::string action = Str(r, "action");
    if (action == "removed") return "removed reaction " + emoji + " from " + Reference(r);
    return "reacted " + emoji + " to " + Reference(r);
  }
  if (m.contains("readReceipt")) return "read receipt";
  if (m.contains("groupUpdated")) return GroupUpdatedSummary(m["groupUpdated"]);
  if (m.contains("leaveRequest")) return "asked to leave the group";
  if (m.contains("attachment")) {
    const Json& a = m["attachment"];
    std::string name = Str(a, "filename");
    return "attachment " + (name.empty() ? "" : name + " ") + "(" + Str(a, "mimeType") + ", " +
           std::to_string(a.value("size", 0)) + " bytes)";
  }
  if (m.contains("remoteAttachment")) {
    const Json& a = m["remoteAttachment"];
    std::string name = Str(a, "filename");
    return "remote attachment " + (name.empty() ? "" : name + " ") + "at " + Str(a, "url");
  }
  if (m.contains("decodeError")) return "(undecodable " + Str(m, "contentType") + ")";
  if (m.contains("fallback")) return Str(m, "fallback");
  return "(" + Str(m, "contentType") + ")";
}

}  // namespace xs::signet
