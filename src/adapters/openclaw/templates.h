// The operators and policies `xs agent setup openclaw` provisions
// (shared/spec/openclaw-adapter.md, setup steps 3 and 4), as data: three
// operators (role operator, provider internal) and four policies whose
// scope lists use the names of signet/policy/scopes.h.
//
// Thread contract: immutable tables.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace xs::adapters::openclaw {

struct OperatorTemplate {
  std::string label;
  std::string role;
  std::string scope_mode;  // per-chat | shared
  std::string provider;

  // The operator.create params (and the template file's entry).
  nlohmann::json ToJson() const;
};

struct PolicyTemplate {
  std::string label;
  std::vector<std::string> allow;
  std::vector<std::string> deny;

  // The policy.create params (and the template file's entry).
  nlohmann::json ToJson() const;
};

// openclaw-main, openclaw-subagent-per-chat, openclaw-specialist-shared.
const std::vector<OperatorTemplate>& OperatorTemplates();
// openclaw-readonly, openclaw-standard-reply, openclaw-draft-only,
// openclaw-group-helper.
const std::vector<PolicyTemplate>& PolicyTemplates();

// The operator a credential for OpenClaw is issued to, and its default
// policy (setup's next steps).
inline constexpr const char* kMainOperator = "openclaw-main";
inline constexpr const char* kDefaultPolicy = "openclaw-standard-reply";

}  // namespace xs::adapters::openclaw
