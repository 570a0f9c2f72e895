// How `msg list` and `msg info` show what a message says: the decoded
// fields of every content type the client knows (text, reply, reaction,
// read receipt, group update, leave request, attachments) and a one-line
// summary for the table. This is message content: the caller shows it only
// under read elevation (decisions.md #12).
//
// Fields added to a message record (each only for its content type):
//   text              text, markdown, and the text of a reply
//   reply             {reference, referenceInboxId?, contentType, text?}
//   reaction          {reference, referenceInboxId?, action, emoji, schema}
//   readReceipt       true
//   groupUpdated      {initiatedBy, addedInboxes, removedInboxes, leftInboxes,
//                      addedAdmins, removedAdmins, addedSuperAdmins,
//                      removedSuperAdmins, metadataChanges[{field, oldValue?, newValue?}]}
//   leaveRequest      true
//   attachment        {filename?, mimeType, size}
//   remoteAttachment  {url, filename?, contentLength, scheme} (never the key)
//   fallback          the sender's fallback text of any other type
//   decodeError       a known type whose payload did not decode
// References are network message ids (hex); the caller may add the msg_ id
// as `referenceId` beside each before asking for the summary.
//
// Thread contract: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "xmtp/content/encoded_content.h"

namespace xs::signet {

// Adds the content fields of `content` to `message`.
void AddContentFields(const xmtp::content::EncodedContent& content, nlohmann::json& message);

// One line a person reads: the text, "reply to msg_…: text", "reacted 👍 to
// msg_…", "read receipt", "1a2b3c4d added 5e6f7a8b", ...
std::string MessageSummary(const nlohmann::json& message);

}  // namespace xs::signet
