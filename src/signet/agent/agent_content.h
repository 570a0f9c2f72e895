// What an agent may see of a message's content (decisions.md #21): the five
// baseline content types of scopes.md, decoded to their payload shapes and
// named by their baseline id. Everything else never reaches an agent:
// unknown types, signet-internal ones (xmtp.org/agentSeal,
// agentRevocation, agentLiveness), Convos types, markdown, attachments, and
// payloads that do not decode.
//
// Wire spellings map to the baseline ids: xmtp.org/group_updated:1.0 is
// "xmtp.org/groupUpdated:1.0", and a reaction of either version (the SDKs
// send reaction:2.0, protobuf) is "xmtp.org/reaction:1.0" with the same
// payload.
//
//   text         {text}                           (decisions.md #26: always {text})
//   reply        {reference, content:{type, payload}}   payload as projected here
//   reaction     {reference, action, content, schema}
//   readReceipt  {}
//   groupUpdated {initiatedByInboxId, addedInboxes[{inboxId}],
//                 removedInboxes[{inboxId}], metadataFieldsChanged[{fieldName, oldValue,
//                 newValue}]}
//
// Thread contract: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "xmtp/content/encoded_content.h"

namespace xs::signet::agent {

inline constexpr const char* kTextType = "xmtp.org/text:1.0";
inline constexpr const char* kReplyType = "xmtp.org/reply:1.0";
inline constexpr const char* kReactionType = "xmtp.org/reaction:1.0";
inline constexpr const char* kReadReceiptType = "xmtp.org/readReceipt:1.0";
inline constexpr const char* kGroupUpdatedType = "xmtp.org/groupUpdated:1.0";

struct AgentContent {
  std::string content_type;  // one of the five baseline ids above
  nlohmann::json content;
  std::optional<std::string> thread_id;  // replies: the referenced message id (hex)
};

// nullopt: the message is never shown to an agent.
std::optional<AgentContent> ProjectContent(const xmtp::content::EncodedContent& encoded);

}  // namespace xs::signet::agent
