#include "signet/policy/scopes.h"

#include <algorithm>

namespace xs::signet {

namespace {
using C = ScopeCategory;
}

const std::vector<ScopeInfo>& AllScopes() {
  static const std::vector<ScopeInfo> kScopes = {
      {"send", C::kMessaging},
      {"reply", C::kMessaging},
      {"react", C::kMessaging},
      {"read-receipt", C::kMessaging},
      {"attachment", C::kMessaging},
      {"add-member", C::kGroupManagement},
      {"remove-member", C::kGroupManagement},
      {"promote-admin", C::kGroupManagement},
      {"demote-admin", C::kGroupManagement},
      {"update-permission", C::kGroupManagement},
      {"update-name", C::kMetadata},
      {"update-description", C::kMetadata},
      {"update-image", C::kMetadata},
      {"invite", C::kAccess},
      {"join", C::kAccess},
      {"leave", C::kAccess},
      {"create-group", C::kAccess},
      {"create-dm", C::kAccess},
      {"read-messages", C::kObservation},
      {"read-history", C::kObservation},
      {"list-members", C::kObservation},
      {"list-conversations", C::kObservation},
      {"read-permissions", C::kObservation},
      {"stream-messages", C::kObservation},
      {"stream-conversations", C::kObservation},
      {"forward-to-provider", C::kEgress},
      {"store-excerpts", C::kEgress},
      {"use-for-memory", C::kEgress},
      {"quote-revealed", C::kEgress},
      {"summarize", C::kEgress},
  };
  return kScopes;
}

std::string_view ScopeCategoryName(ScopeCategory c) {
  switch (c) {
    case C::kMessaging:
      return "messaging";
    case C::kGroupManagement:
      return "group-management";
    case C::kMetadata:
      return "metadata";
    case C::kAccess:
      return "access";
    case C::kObservation:
      return "observation";
    case C::kEgress:
      return "egress";
  }
  return "";
}

std::optional<std::size_t> ScopeIndex(std::string_view name) {
  const auto& all = AllScopes();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].name == name) return i;
  }
  return std::nullopt;
}

Status ValidateScopes(const std::vector<std::string>& scopes, std::string_view field) {
  for (const auto& s : scopes) {
    if (!ScopeIndex(s)) return Error::Validation(field, "unknown scope '" + s + "'");
  }
  return OkStatus();
}

ScopeSet ToScopeSet(const std::vector<std::string>& scopes) {
  ScopeSet set;
  for (const auto& s : scopes) {
    if (auto i = ScopeIndex(s)) set.set(*i);
  }
  return set;
}

std::vector<std::string> ScopeNames(const ScopeSet& set) {
  std::vector<std::string> out;
  const auto& all = AllScopes();
  for (std::size_t i = 0; i < kScopeCount; ++i) {
    if (set.test(i)) out.emplace_back(all[i].name);
  }
  return out;
}

ScopePair MergeScopes(const ScopePair& policy, const ScopePair& inline_scopes) {
  ScopePair out = policy;
  out.allow.insert(out.allow.end(), inline_scopes.allow.begin(), inline_scopes.allow.end());
  out.deny.insert(out.deny.end(), inline_scopes.deny.begin(), inline_scopes.deny.end());
  return out;
}

ScopeSet Resolve(const ScopePair& pair) { return ToScopeSet(pair.allow) & ~ToScopeSet(pair.deny); }

bool ScopeDiff::requires_reauthorization() const {
  return std::any_of(changes.begin(), changes.end(), [](const ScopeChange& c) {
    return c.kind == ScopeChange::Kind::kAdded ||
           (c.kind == ScopeChange::Kind::kChanged && c.to == "allow");
  });
}

std::string ScopeDiff::reason() const {
  std::vector<std::string> added, removed, changed;
  for (const auto& c : changes) {
    if (c.kind == ScopeChange::Kind::kAdded) added.push_back(c.scope);
    if (c.kind == ScopeChange::Kind::kRemoved) removed.push_back(c.scope);
    if (c.kind == ScopeChange::Kind::kChanged) {
      changed.push_back(c.scope + " (" + c.from + "→" + c.to + ")");
    }
  }
  std::string out;
  auto part = [&out](const char* label, const std::vector<std::string>& v) {
    if (v.empty()) return;
    if (!out.empty()) out += "; ";
    out += label;
    out += ": ";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  };
  part("added", added);
  part("removed", removed);
  part("changed", changed);
  return out;
}

ScopeDiff DiffScopes(const ScopePair& before, const ScopePair& after) {
  ScopeSet old_eff = Resolve(before);
  ScopeSet new_eff = Resolve(after);
  ScopeSet mentioned = ToScopeSet(before.allow) | ToScopeSet(before.deny);
  ScopeSet new_deny = ToScopeSet(after.deny);
  ScopeDiff diff;
  const auto& all = AllScopes();
  for (std::size_t i = 0; i < kScopeCount; ++i) {
    std::string name(all[i].name);
    if (new_eff.test(i) && !old_eff.test(i)) {
      if (mentioned.test(i)) {
        diff.changes.push_back({name, ScopeChange::Kind::kChanged, "deny", "allow"});
      } else {
        diff.changes.push_back({name, ScopeChange::Kind::kAdded, "", ""});
      }
    } else if (!new_eff.test(i) && old_eff.test(i)) {
      if (new_deny.test(i)) {
        diff.changes.push_back({name, ScopeChange::Kind::kChanged, "allow", "deny"});
      } else {
        diff.changes.push_back({name, ScopeChange::Kind::kRemoved, "", ""});
      }
    }
  }
  return diff;
}

}  // namespace xs::signet
