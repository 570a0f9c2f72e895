// The 30 permission scopes in 6 categories (shared/spec/scopes.md) and the
// allow/deny merge of concepts.md §3: effective = allow \ deny, deny always
// wins, empty allow permits nothing.
//
// Thread contract: pure functions over immutable tables.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace xs::signet {

inline constexpr std::size_t kScopeCount = 30;
inline constexpr std::size_t kScopeCategoryCount = 6;

enum class ScopeCategory {
  kMessaging,
  kGroupManagement,
  kMetadata,
  kAccess,
  kObservation,
  kEgress
};

using ScopeSet = std::bitset<kScopeCount>;

struct ScopeInfo {
  std::string_view name;
  ScopeCategory category;
};

// All scopes in spec order.
const std::vector<ScopeInfo>& AllScopes();
std::string_view ScopeCategoryName(ScopeCategory c);
// Index of a scope name; nullopt when unknown.
std::optional<std::size_t> ScopeIndex(std::string_view name);
// Validates a list of scope names (validation error naming `field` and the
// unknown scope).
Status ValidateScopes(const std::vector<std::string>& scopes, std::string_view field);
ScopeSet ToScopeSet(const std::vector<std::string>& scopes);  // unknown names ignored
std::vector<std::string> ScopeNames(const ScopeSet& set);

// {allow, deny} pair as stored on a credential (concepts.md §3 step 3).
struct ScopePair {
  std::vector<std::string> allow;
  std::vector<std::string> deny;
};
// Step 1: plain concatenation of policy and inline lists.
ScopePair MergeScopes(const ScopePair& policy, const ScopePair& inline_scopes);
// Step 2: effective = allow \ deny.
ScopeSet Resolve(const ScopePair& pair);

// Per-scope change between two pairs (concepts.md §4, in-place update).
struct ScopeChange {
  std::string scope;
  enum class Kind { kAdded, kRemoved, kChanged } kind;
  std::string from;  // kChanged: "allow" | "deny"
  std::string to;
};
struct ScopeDiff {
  std::vector<ScopeChange> changes;
  bool material() const { return !changes.empty(); }
  // Any added scope, or any change to allow.
  bool requires_reauthorization() const;
  // "added: a, b; removed: c; changed: d (deny→allow)".
  std::string reason() const;
};
ScopeDiff DiffScopes(const ScopePair& before, const ScopePair& after);

}  // namespace xs::signet
