#include "adapters/openclaw/templates.h"

namespace xs::adapters::openclaw {

namespace {

using Scopes = std::vector<std::string>;

Scopes Join(std::initializer_list<const Scopes*> parts) {
  Scopes out;
  for (const Scopes* p : parts) out.insert(out.end(), p->begin(), p->end());
  return out;
}

// The seven observation scopes (scopes.md).
const Scopes kRead = {"read-messages",       "read-history",     "list-members",
                      "list-conversations",  "read-permissions", "stream-messages",
                      "stream-conversations"};
const Scopes kReply = {"send", "reply", "react", "read-receipt", "attachment"};
const Scopes kNoSend = {"send", "reply", "react", "attachment"};
const Scopes kNoAdmin = {"promote-admin", "demote-admin", "update-permission"};

}  // namespace

nlohmann::json OperatorTemplate::ToJson() const {
  return {{"label", label}, {"role", role}, {"scopeMode", scope_mode}, {"provider", provider}};
}

nlohmann::json PolicyTemplate::ToJson() const {
  return {{"label", label}, {"allow", allow}, {"deny", deny}};
}

const std::vector<OperatorTemplate>& OperatorTemplates() {
  static const std::vector<OperatorTemplate> kOperators = {
      {kMainOperator, "operator", "shared", "internal"},
      {"openclaw-subagent-per-chat", "operator", "per-chat", "internal"},
      {"openclaw-specialist-shared", "operator", "shared", "internal"},
  };
  return kOperators;
}

const std::vector<PolicyTemplate>& PolicyTemplates() {
  static const Scopes kReplyExtras = {"use-for-memory", "quote-revealed", "summarize"};
  static const Scopes kDraftExtras = {"store-excerpts", "use-for-memory", "summarize"};
  static const Scopes kGroupExtras = {"invite",      "add-member",         "remove-member",
                                      "update-name", "update-description", "update-image"};
  static const Scopes kNoMembers = {"add-member", "remove-member"};
  static const std::vector<PolicyTemplate> kPolicies = {
      {"openclaw-readonly", kRead, kNoSend},
      {kDefaultPolicy, Join({&kReply, &kRead, &kReplyExtras}), Join({&kNoMembers, &kNoAdmin})},
      {"openclaw-draft-only", Join({&kRead, &kDraftExtras}), kNoSend},
      {"openclaw-group-helper", Join({&kReply, &kRead, &kGroupExtras, &kReplyExtras}), kNoAdmin},
  };
  return kPolicies;
}

}  // namespace xs::adapters::openclaw
