#include "signet/agent/reveals.h"

#include <algorithm>

#include "base/clock.h"
#include "signet/util/util.h"

namespace xs::signet::agent {

namespace {

constexpr std::string_view kScopeNames[] = {"message", "thread", "sender", "content-type",
                                            "time-window"};
constexpr std::size_t kIsoSecondsLength = 19;  // "YYYY-MM-DDTHH:MM:SS"

Result<std::string> Field(const Json& reveal, std::string_view name) {
  std::string field = "reveal." + std::string(name);
  auto it = reveal.find(name);
  if (it == reveal.end() || !it->is_string()) return Error::Validation(field, "must be a string");
  const std::string& value = it->get_ref<const std::string&>();
  if (value.empty()) return Error::Validation(field, "must not be empty");
  if (value.size() > kMaxRevealFieldBytes) {
    return Error::Validation(field, "at most " + std::to_string(kMaxRevealFieldBytes) + " bytes");
  }
  return value;
}

bool InWindow(std::string_view target, std::int64_t sent_at_ms) {
  std::size_t bar = target.find('|');
  if (bar == std::string_view::npos) return false;
  std::optional<std::int64_t> start = ParseStrictIsoTime(target.substr(0, bar));
  std::optional<std::int64_t> end = ParseStrictIsoTime(target.substr(bar + 1));
  return start && end && *start <= sent_at_ms && sent_at_ms <= *end;
}

}  // namespace

std::optional<std::int64_t> ParseStrictIsoTime(std::string_view text) {
  auto parsed = ParseIsoTime(text, "time");
  if (!parsed.ok() || text.size() < kIsoSecondsLength) return std::nullopt;
  // ParseIsoTime normalizes out-of-range fields (month 13, February 30):
  // a real instant prints back as it was written.
  if (IsoTime(*parsed).compare(0, kIsoSecondsLength, text.substr(0, kIsoSecondsLength)) != 0) {
    return std::nullopt;
  }
  return *parsed;
}

Result<RevealRequest> ParseRevealRequest(const Json& reveal) {
  if (!reveal.is_object()) return Error::Validation("reveal", "must be an object");
  RevealRequest r;
  XS_TRY(r.reveal_id, Field(reveal, "revealId"));
  XS_TRY(r.group_id, Field(reveal, "groupId"));
  XS_TRY(std::string scope, Field(reveal, "scope"));
  const auto* named = std::find(std::begin(kScopeNames), std::end(kScopeNames), scope);
  if (named == std::end(kScopeNames)) {
    return Error::Validation("reveal.scope",
                             "must be message, thread, sender, content-type or time-window");
  }
  r.scope = static_cast<RevealScope>(named - std::begin(kScopeNames));
  XS_TRY(r.target_id, Field(reveal, "targetId"));
  XS_TRY(r.requested_by, Field(reveal, "requestedBy"));
  auto expires = reveal.find("expiresAt");
  if (expires == reveal.end()) {
    return Error::Validation("reveal.expiresAt", "is required (an ISO time or null)");
  }
  if (!expires->is_null()) {
    if (!expires->is_string()) {
      return Error::Validation("reveal.expiresAt", "must be an ISO time or null");
    }
    r.expires_at_ms = ParseStrictIsoTime(expires->get_ref<const std::string&>());
    if (!r.expires_at_ms) return Error::Validation("reveal.expiresAt", "must be an ISO time");
  }
  return r;
}

Json RevealAccessJson(const RevealAccess& access) {
  return Json{
      {"revealId", access.reveal_id},
      {"grantedAt", IsoTime(access.granted_at_ms)},
      {"grantedBy", access.granted_by},
      {"expiresAt", access.expires_at_ms ? Json(IsoTime(*access.expires_at_ms)) : Json(nullptr)}};
}

bool Matches(const RevealRequest& reveal, const RawMessage& m) {
  if (reveal.group_id != m.group_id) return false;
  switch (reveal.scope) {
    case RevealScope::kMessage:
      return reveal.target_id == m.message_id;
    case RevealScope::kThread:
      return m.thread_id && reveal.target_id == *m.thread_id;
    case RevealScope::kSender:
      return reveal.target_id == m.sender_inbox_id;
    case RevealScope::kContentType:
      return reveal.target_id == m.content_type;
    case RevealScope::kTimeWindow:
      return InWindow(reveal.target_id, m.sent_at_ms);
  }
  return false;
}

Result<RevealAccess> RevealStore::Grant(const std::string& credential_id,
                                        const RevealRequest& request, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto& reveals = by_credential_[credential_id];
  std::erase_if(reveals, [now_ms](const auto& entry) { return !Live(entry.second, now_ms); });
  if (!reveals.count(request.reveal_id) && reveals.size() >= kMaxRevealsPerCredential) {
    return Error::Validation("reveal", "at most " + std::to_string(kMaxRevealsPerCredential) +
                                           " active reveals per credential");
  }
  RevealAccess access{request.reveal_id, now_ms, request.requested_by, request.expires_at_ms};
  reveals[request.reveal_id] = Entry{request, access};
  return access;
}

std::optional<std::string> RevealStore::Match(const std::string& credential_id, const RawMessage& m,
                                              std::int64_t now_ms) const {
  std::lock_guard lock(mu_);
  auto it = by_credential_.find(credential_id);
  if (it == by_credential_.end()) return std::nullopt;
  for (const auto& [id, entry] : it->second) {
    if (Live(entry, now_ms) && Matches(entry.request, m)) return id;
  }
  return std::nullopt;
}

std::vector<RevealAccess> RevealStore::Active(const std::string& credential_id,
                                              std::int64_t now_ms) const {
  std::vector<RevealAccess> out;
  std::lock_guard lock(mu_);
  auto it = by_credential_.find(credential_id);
  if (it == by_credential_.end()) return out;
  for (const auto& [id, entry] : it->second) {
    if (Live(entry, now_ms)) out.push_back(entry.access);
  }
  std::stable_sort(out.begin(), out.end(), [](const RevealAccess& a, const RevealAccess& b) {
    return a.granted_at_ms < b.granted_at_ms;
  });
  return out;
}

void RevealStore::ExpireStale(std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  for (auto it = by_credential_.begin(); it != by_credential_.end();) {
    std::erase_if(it->second, [now_ms](const auto& entry) { return !Live(entry.second, now_ms); });
    it = it->second.empty() ? by_credential_.erase(it) : std::next(it);
  }
}

void RevealStore::Wipe(const std::string& credential_id) {
  std::lock_guard lock(mu_);
  by_credential_.erase(credential_id);
}

}  // namespace xs::signet::agent
