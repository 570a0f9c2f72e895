// reaction (shared/xmtp/protocol.md §5.2): v2 is the ReactionV2 protobuf that
// libxmtp sends; v1 is the legacy JSON that older SDKs send. Fallback texts
// as libxmtp 1.9 writes them for both.
#include <nlohmann/json.hpp>

#include "xmtp/content/codec_util.h"
#include "xmtp/content/codecs.h"
#include "xmtp/mls/message_contents/content_types/reaction.pb.h"

namespace xs::xmtp::content {
namespace {

namespace pb = ::xmtp::mls::message_contents::content_types;
using internal::Malformed;

std::string ReactionFallback(const Reaction& reaction) {
  if (reaction.action == ReactionAction::kRemoved) {
    return "Removed \"" + reaction.content + "\" from an earlier message";
  }
  return "Reacted with \"" + reaction.content + "\" to an earlier message";
}

std::string_view ActionName(ReactionAction action) {
  switch (action) {
    case ReactionAction::kAdded:
      return "added";
    case ReactionAction::kRemoved:
      return "removed";
    case ReactionAction::kUnspecified:
      break;
  }
  return "unknown";
}

std::string_view SchemaName(ReactionSchema schema) {
  switch (schema) {
    case ReactionSchema::kUnicode:
      return "unicode";
    case ReactionSchema::kShortcode:
      return "shortcode";
    case ReactionSchema::kCustom:
      return "custom";
    case ReactionSchema::kUnspecified:
      break;
  }
  return "unknown";
}

Result<ReactionAction> ParseAction(std::string_view name) {
  if (name == "added") return ReactionAction::kAdded;
  if (name == "removed") return ReactionAction::kRemoved;
  return Malformed("action", "expected \"added\" or \"removed\"");
}

Result<ReactionSchema> ParseSchema(std::string_view name) {
  if (name == "unicode") return ReactionSchema::kUnicode;
  if (name == "shortcode") return ReactionSchema::kShortcode;
  if (name == "custom") return ReactionSchema::kCustom;
  return Malformed("schema", "expected \"unicode\", \"shortcode\" or \"custom\"");
}

Result<std::string> JsonString(const nlohmann::json& object, const char* key, bool required) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) return Malformed(key, "required field is missing");
    return std::string();
  }
  if (!it->is_string()) return Malformed(key, "not a string");
  return it->get<std::string>();
}

Result<Reaction> DecodeV1(const EncodedContent& encoded) {
  XS_TRY(std::string text, internal::ContentAsUtf8(encoded, "reaction"));
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Malformed("reaction", "content is not a JSON object");
  }
  Reaction reaction;
  XS_TRY(reaction.reference, JsonString(json, "reference", true));
  XS_TRY(reaction.reference_inbox_id, JsonString(json, "referenceInboxId", false));
  XS_TRY(reaction.content, JsonString(json, "content", true));
  XS_TRY(std::string action, JsonString(json, "action", true));
  XS_TRY(std::string schema, JsonString(json, "schema", true));
  XS_TRY(reaction.action, ParseAction(action));
  XS_TRY(reaction.schema, ParseSchema(schema));
  if (reaction.reference.empty()) return Malformed("reference", "required field is empty");
  return reaction;
}

Result<Reaction> DecodeV2(const EncodedContent& encoded) {
  pb::ReactionV2 message;
  if (!message.ParseFromArray(encoded.content.data(), static_cast<int>(encoded.content.size()))) {
    return Malformed("reaction", "not a protobuf ReactionV2");
  }
  Reaction reaction;
  reaction.reference = message.reference();
  reaction.reference_inbox_id = message.reference_inbox_id();
  reaction.content = message.content();
  if (reaction.reference.empty()) return Malformed("reference", "required field is empty");
  switch (message.action()) {
    case pb::REACTION_ACTION_ADDED:
      reaction.action = ReactionAction::kAdded;
      break;
    case pb::REACTION_ACTION_REMOVED:
      reaction.action = ReactionAction::kRemoved;
      break;
    default:
      return Malformed("action", "neither added nor removed");
  }
  switch (message.schema()) {
    case pb::REACTION_SCHEMA_UNICODE:
      reaction.schema = ReactionSchema::kUnicode;
      break;
    case pb::REACTION_SCHEMA_SHORTCODE:
      reaction.schema = ReactionSchema::kShortcode;
      break;
    case pb::REACTION_SCHEMA_CUSTOM:
      reaction.schema = ReactionSchema::kCustom;
      break;
    default:
      return Malformed("schema", "not unicode, shortcode or custom");
  }
  return reaction;
}

}  // namespace

EncodedContent EncodeReaction(const Reaction& reaction) {
  pb::ReactionV2 message;
  message.set_reference(reaction.reference);
  message.set_reference_inbox_id(reaction.reference_inbox_id);
  message.set_action(static_cast<pb::ReactionAction>(reaction.action));
  message.set_content(reaction.content);
  message.set_schema(static_cast<pb::ReactionSchema>(reaction.schema));
  EncodedContent encoded;
  encoded.type = ReactionV2Type();
  encoded.fallback = ReactionFallback(reaction);
  const std::string bytes = message.SerializeAsString();
  encoded.content.assign(bytes.begin(), bytes.end());
  return encoded;
}

EncodedContent EncodeReactionV1(const Reaction& reaction) {
  // Field order as the JS codec and libxmtp's serde struct write it.
  nlohmann::ordered_json json;
  json["action"] = ActionName(reaction.action);
  json["reference"] = reaction.reference;
  if (!reaction.reference_inbox_id.empty()) json["referenceInboxId"] = reaction.reference_inbox_id;
  json["schema"] = SchemaName(reaction.schema);
  json["content"] = reaction.content;
  EncodedContent encoded;
  encoded.type = ReactionV1Type();
  encoded.fallback = ReactionFallback(reaction);
  encoded.content = internal::ToBytes(
      json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  return encoded;
}

Result<Reaction> DecodeReaction(const EncodedContent& encoded) {
  if (encoded.type.SameType(ReactionV2Type())) return DecodeV2(encoded);
  XS_RETURN_IF_ERROR(internal::CheckType(encoded, ReactionV1Type()));
  return DecodeV1(encoded);
}

}  // namespace xs::xmtp::content
