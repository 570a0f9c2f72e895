// Typed codecs of the XMTP content types (shared/xmtp/protocol.md §5.2):
// each Encode* builds the EncodedContent (parameters and fallback text as
// libxmtp 1.9 / the JS SDK set them) and each Decode* checks the content type
// and validates the payload, returning a Validation error whose kind is one
// of limits.h's kError* (kErrorWrongType for another type).
//
// Remote attachments and agent payloads have their own headers.
//
// Thread contract: pure functions over plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "xmtp/content/content_types.h"
#include "xmtp/content/encoded_content.h"

namespace xs::xmtp::content {

// ---- text, markdown: UTF-8 content, parameter encoding=UTF-8 ----
EncodedContent EncodeText(std::string_view text);
Result<std::string> DecodeText(const EncodedContent& encoded);
EncodedContent EncodeMarkdown(std::string_view markdown);
Result<std::string> DecodeMarkdown(const EncodedContent& encoded);

// ---- reply: the inner EncodedContent serialized as content ----
struct Reply {
  std::string reference;  // hex id of the message replied to
  std::optional<std::string> reference_inbox_id;
  EncodedContent content;

  bool operator==(const Reply&) const = default;
};
EncodedContent EncodeReply(const Reply& reply);
Result<Reply> DecodeReply(const EncodedContent& encoded);

// ---- reaction: v2 protobuf (sent), v1 JSON (decoded, and encodable) ----
enum class ReactionAction { kUnspecified = 0, kAdded = 1, kRemoved = 2 };
enum class ReactionSchema { kUnspecified = 0, kUnicode = 1, kShortcode = 2, kCustom = 3 };
struct Reaction {
  std::string reference;           // hex id of the message reacted to
  std::string reference_inbox_id;  // empty when absent
  ReactionAction action = ReactionAction::kAdded;
  std::string content;
  ReactionSchema schema = ReactionSchema::kUnicode;

  bool operator==(const Reaction&) const = default;
};
EncodedContent EncodeReaction(const Reaction& reaction);    // reaction:2.0
EncodedContent EncodeReactionV1(const Reaction& reaction);  // reaction:1.0
// Either version.
Result<Reaction> DecodeReaction(const EncodedContent& encoded);

// ---- read receipt: no content ----
EncodedContent EncodeReadReceipt();
Status DecodeReadReceipt(const EncodedContent& encoded);

// ---- group updated: the summary of a commit (synthesized locally) ----
struct GroupUpdated {
  struct MetadataFieldChange {
    std::string field_name;
    std::optional<std::string> old_value;
    std::optional<std::string> new_value;
    bool operator==(const MetadataFieldChange&) const = default;
  };
  std::string initiated_by_inbox_id;
  std::vector<std::string> added_inboxes;
  std::vector<std::string> removed_inboxes;
  std::vector<MetadataFieldChange> metadata_field_changes;
  std::vector<std::string> left_inboxes;
  std::vector<std::string> added_admin_inboxes;
  std::vector<std::string> removed_admin_inboxes;
  std::vector<std::string> added_super_admin_inboxes;
  std::vector<std::string> removed_super_admin_inboxes;

  bool operator==(const GroupUpdated&) const = default;
};
EncodedContent EncodeGroupUpdated(const GroupUpdated& update);
Result<GroupUpdated> DecodeGroupUpdated(const EncodedContent& encoded);

// ---- leave request: a member asks to be removed (libxmtp 1.9 leave_group) ----
struct LeaveRequest {
  std::optional<Bytes> authenticated_note;  // libxmtp sends none

  bool operator==(const LeaveRequest&) const = default;
};
EncodedContent EncodeLeaveRequest(const LeaveRequest& request = {});
Result<LeaveRequest> DecodeLeaveRequest(const EncodedContent& encoded);

// ---- attachment: raw bytes inline ----
struct Attachment {
  std::optional<std::string> filename;
  std::string mime_type;
  Bytes data;

  bool operator==(const Attachment&) const = default;
};
EncodedContent EncodeAttachment(const Attachment& attachment);
Result<Attachment> DecodeAttachment(const EncodedContent& encoded);

}  // namespace xs::xmtp::content
