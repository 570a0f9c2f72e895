// The projection pipeline (events-and-pipeline.md §3): what one credential
// sees of one inbound message.
//
//   1. scope        groupId in the credential's chats, else drop
//   2. content type contentType in the effective allowlist, else drop
//                   (held at the signet)
//   3. visibility   read-messages -> visible; else revealed -> revealed;
//                   else hidden -> drop
//   3b. historical  historical without read-history -> drop; historical
//                   and visible -> historical (revealed stays revealed)
//   4. projector    visible/historical/revealed keep the content;
//                   redacted/hidden carry null
//
// The result is a `message.visible` event, or nothing. The input's content
// is already what an agent may see (agent_content.h): unknown and
// signet-internal types never get here.
//
//   RawMessage m = ...;
//   Viewer v{&scopes, &chat_ids, &allowlist, revealed};
//   if (std::optional<Json> event = RunPipeline(m, v)) hub.Publish(...);
//
// Thread contract: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signet/policy/scopes.h"

namespace xs::signet::agent {

using Json = nlohmann::json;

enum class Visibility { kVisible, kHistorical, kRevealed, kRedacted, kHidden };
std::string_view VisibilityName(Visibility v);

// The pipeline's input message (events-and-pipeline.md §3).
struct RawMessage {
  std::string message_id;  // XMTP message id (hex)
  std::string group_id;    // the chat's conv_ id (decisions.md #26)
  std::string sender_inbox_id;
  std::string content_type;  // baseline id (agent_content.h)
  Json content;
  std::int64_t sent_at_ms = 0;
  std::optional<std::string> seal_id;
  std::optional<std::string> thread_id;
  bool is_historical = false;
};

// The inputs a credential gives the pipeline. Pointers borrow; they must
// outlive the call.
struct Viewer {
  const ScopeSet* scopes = nullptr;                     // resolved effective scopes
  const std::vector<std::string>* chat_ids = nullptr;   // conv_ ids
  const std::vector<std::string>* allowlist = nullptr;  // effective content types
  bool is_revealed = false;                             // from the reveal store
};

// Stages 1-3b: the visibility `m` gets for `v`, or nullopt when dropped.
std::optional<Visibility> ResolveVisibility(const RawMessage& m, const Viewer& v);

// Stage 4 and the event: `message.visible` with `visibility`.
Json MessageVisibleEvent(const RawMessage& m, Visibility visibility);

// All stages: the event, or nullopt when dropped.
std::optional<Json> RunPipeline(const RawMessage& m, const Viewer& v);

// The serialized `message.visible` event without a copy of the message:
// what the inbound feed sends once per visibility.
std::string SerializeMessageVisible(const RawMessage& m, Visibility visibility);

}  // namespace xs::signet::agent
