#include "signet/agent/pipeline.h"

#include <algorithm>

#include "base/clock.h"
#include "signet/util/util.h"

namespace xs::signet::agent {

namespace {

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool Has(const ScopeSet& scopes, std::string_view scope) {
  std::optional<std::size_t> index = ScopeIndex(scope);
  return index && scopes.test(*index);
}

Json NullOr(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

std::string_view VisibilityName(Visibility v) {
  switch (v) {
    case Visibility::kVisible:
      return "visible";
    case Visibility::kHistorical:
      return "historical";
    case Visibility::kRevealed:
      return "revealed";
    case Visibility::kRedacted:
      return "redacted";
    case Visibility::kHidden:
      break;
  }
  return "hidden";
}

std::optional<Visibility> ResolveVisibility(const RawMessage& m, const Viewer& v) {
  // 1. scope
  if (v.chat_ids == nullptr || !Contains(*v.chat_ids, m.group_id)) return std::nullopt;
  // 2. content type
  if (v.allowlist == nullptr || !Contains(*v.allowlist, m.content_type)) return std::nullopt;
  // 3. visibility
  const bool can_read = v.scopes != nullptr && Has(*v.scopes, "read-messages");
  Visibility visibility = Visibility::kHidden;
  if (can_read) {
    visibility = Visibility::kVisible;
  } else if (v.is_revealed) {
    visibility = Visibility::kRevealed;
  }
  if (visibility == Visibility::kHidden) return std::nullopt;
  // 3b. historical override
  if (m.is_historical) {
    if (v.scopes == nullptr || !Has(*v.scopes, "read-history")) return std::nullopt;
    if (visibility == Visibility::kVisible) visibility = Visibility::kHistorical;
  }
  return visibility;
}

Json MessageVisibleEvent(const RawMessage& m, Visibility visibility) {
  // 4. content projector
  const bool keep = visibility == Visibility::kVisible || visibility == Visibility::kHistorical ||
                    visibility == Visibility::kRevealed;
  return Json{{"type", "message.visible"},
              {"messageId", m.message_id},
              {"groupId", m.group_id},
              {"senderInboxId", m.sender_inbox_id},
              {"contentType", m.content_type},
              {"content", keep ? m.content : Json(nullptr)},
              {"visibility", VisibilityName(visibility)},
              {"sentAt", IsoTime(m.sent_at_ms)},
              {"sealId", NullOr(m.seal_id)},
              {"threadId", NullOr(m.thread_id)}};
}

std::optional<Json> RunPipeline(const RawMessage& m, const Viewer& v) {
  std::optional<Visibility> visibility = ResolveVisibility(m, v);
  if (!visibility) return std::nullopt;
  return MessageVisibleEvent(m, *visibility);
}

std::string SerializeMessageVisible(const RawMessage& m, Visibility visibility) {
  return SafeDump(MessageVisibleEvent(m, visibility));
}

}  // namespace xs::signet::agent
