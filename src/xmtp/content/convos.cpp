// Convos content types (shared/spec/convos-interop.md §4). JSON types are
// written with the member order of their reference writers (convos-cli for
// join_request, the iOS Codable structs for the other two); protobuf types
// with proto/convos/profiles.proto.
#include "xmtp/content/convos.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "codec/hex.h"
#include "convos/profiles.pb.h"
#include "xmtp/content/codec_util.h"

namespace xs::xmtp::content {
namespace {

namespace pb = ::xs::convos;
using internal::Malformed;
using Json = nlohmann::ordered_json;

ContentTypeId Convos(std::string type_id) {
  return ContentTypeId{"convos.org", std::move(type_id), 1, 0};
}

std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

EncodedContent JsonContent(ContentTypeId type, const Json& json) {
  EncodedContent encoded;
  encoded.type = std::move(type);
  encoded.content = internal::ToBytes(Dump(json));
  return encoded;
}

Result<nlohmann::json> ParseJsonObject(const EncodedContent& encoded, std::string_view what) {
  XS_TRY(std::string text, internal::ContentAsUtf8(encoded, what));
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Malformed(what, "content is not a JSON object");
  }
  return json;
}

// A string member: absent or null -> nullopt; anything but a string is an error.
Result<std::optional<std::string>> OptionalString(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Malformed(key, "not a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::string> RequiredString(const nlohmann::json& object, const char* key) {
  XS_TRY(std::optional<std::string> value, OptionalString(object, key));
  if (!value || value->empty()) return Malformed(key, "required field is missing or empty");
  return *std::move(value);
}

// Whole seconds, no fraction: what Swift's .iso8601 date strategy writes and
// the only form it reads.
std::string IsoSeconds(std::int64_t unix_ms) {
  const std::int64_t seconds = unix_ms < 0 ? 0 : unix_ms / 1000;
  std::string text = IsoTime(seconds * 1000);  // "...:SS.000Z"
  return text.substr(0, text.size() - 5) + "Z";
}

Result<std::int64_t> Timestamp(const nlohmann::json& object) {
  XS_TRY(std::string text, RequiredString(object, "timestamp"));
  auto parsed = ParseIsoTime(text, "timestamp");
  if (!parsed.ok()) return Malformed("timestamp", "not an ISO-8601 UTC timestamp");
  return *parsed;
}

// ---- profiles ----

void ToProto(const ConvosImageRef& image, pb::EncryptedProfileImageRef* out) {
  out->set_url(image.url);
  out->set_salt(image.salt.data(), image.salt.size());
  out->set_nonce(image.nonce.data(), image.nonce.size());
}

std::optional<ConvosImageRef> FromProto(const pb::EncryptedProfileImageRef& image) {
  if (image.url().empty() || image.salt().size() != kConvosImageSaltBytes ||
      image.nonce().size() != kConvosImageNonceBytes) {
    return std::nullopt;
  }
  return ConvosImageRef{image.url(), Bytes(image.salt().begin(), image.salt().end()),
                        Bytes(image.nonce().begin(), image.nonce().end())};
}

void ToProto(const std::map<std::string, ConvosMetadataValue>& metadata,
             google::protobuf::Map<std::string, pb::MetadataValue>* out) {
  for (const auto& [key, value] : metadata) {
    pb::MetadataValue& entry = (*out)[key];
    if (const auto* text = std::get_if<std::string>(&value)) {
      entry.set_string_value(*text);
    } else if (const auto* number = std::get_if<double>(&value)) {
      entry.set_number_value(*number);
    } else {
      entry.set_bool_value(std::get<bool>(value));
    }
  }
}

// Entries with no value set are dropped, as convos-cli drops them.
std::map<std::string, ConvosMetadataValue> FromProto(
    const google::protobuf::Map<std::string, pb::MetadataValue>& metadata) {
  std::map<std::string, ConvosMetadataValue> out;
  for (const auto& [key, value] : metadata) {
    switch (value.value_case()) {
      case pb::MetadataValue::kStringValue:
        out.emplace(key, value.string_value());
        break;
      case pb::MetadataValue::kNumberValue:
        out.emplace(key, value.number_value());
        break;
      case pb::MetadataValue::kBoolValue:
        out.emplace(key, value.bool_value());
        break;
      case pb::MetadataValue::VALUE_NOT_SET:
        break;
    }
  }
  return out;
}

// Unknown member kinds (a later Convos version) read as unspecified.
ConvosMemberKind KindFromProto(int kind) {
  return kind == pb::MEMBER_KIND_AGENT ? ConvosMemberKind::kAgent : ConvosMemberKind::kUnspecified;
}

Bytes Serialize(const google::protobuf::MessageLite& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);  // map entries sorted by key
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return Bytes(bytes.begin(), bytes.end());
}

template <typename Message>
Result<Message> ParseProto(const EncodedContent& encoded, std::string_view what) {
  Message message;
  if (!message.ParseFromArray(encoded.content.data(), static_cast<int>(encoded.content.size()))) {
    return Malformed(what, "not a valid protobuf message");
  }
  return message;
}

std::string_view JoinErrorFallback(ConvosJoinErrorType type) {
  return type == ConvosJoinErrorType::kConversationExpired
             ? "This conversation is no longer available"
             : "Failed to join conversation";
}

ConvosJoinErrorType ParseJoinErrorType(std::string_view name) {
  if (name == "conversation_expired" || name == "conversationExpired") {
    return ConvosJoinErrorType::kConversationExpired;
  }
  if (name == "conversation_not_found" || name == "conversationNotFound") {
    return ConvosJoinErrorType::kConversationNotFound;
  }
  if (name == "consent_not_allowed" || name == "consentNotAllowed") {
    return ConvosJoinErrorType::kConsentNotAllowed;
  }
  if (name == "generic_failure" || name == "genericFailure") {
    return ConvosJoinErrorType::kGenericFailure;
  }
  return ConvosJoinErrorType::kUnknown;
}

}  // namespace

ContentTypeId ConvosJoinRequestType() { return Convos("join_request"); }
ContentTypeId ConvosProfileUpdateType() { return Convos("profile_update"); }
ContentTypeId ConvosProfileSnapshotType() { return Convos("profile_snapshot"); }
ContentTypeId ConvosInviteJoinErrorType() { return Convos("invite_join_error"); }
ContentTypeId ConvosLegacyInviteJoinErrorType() {
  return ContentTypeId{"convos.app", "inviteJoinError", 1, 0};
}
ContentTypeId ConvosInviteJoinHandledType() { return Convos("invite_join_handled"); }

// ---- join_request ----

EncodedContent EncodeConvosJoinRequest(const ConvosJoinRequest& request) {
  Json json;
  json["inviteSlug"] = request.invite_slug;
  if (request.profile) {
    Json profile = Json::object();
    if (request.profile->name) profile["name"] = *request.profile->name;
    if (request.profile->image_url) profile["imageURL"] = *request.profile->image_url;
    if (request.profile->member_kind) profile["memberKind"] = *request.profile->member_kind;
    json["profile"] = std::move(profile);
  }
  if (!request.metadata.empty()) {
    Json metadata = Json::object();
    for (const auto& [key, value] : request.metadata) metadata[key] = value;
    json["metadata"] = std::move(metadata);
  }
  EncodedContent encoded = JsonContent(ConvosJoinRequestType(), json);
  encoded.fallback = request.invite_slug;
  return encoded;
}

Result<ConvosJoinRequest> DecodeConvosJoinRequest(const EncodedContent& encoded) {
  XS_RETURN_IF_ERROR(internal::CheckType(encoded, ConvosJoinRequestType()));
  XS_TRY(nlohmann::json json, ParseJsonObject(encoded, "join request"));
  ConvosJoinRequest request;
  XS_TRY(request.invite_slug, RequiredString(json, "inviteSlug"));
  if (request.invite_slug.size() > kMaxConvosSlugChars) {
    return Error::Validation("inviteSlug",
                             "longer than " + std::to_string(kMaxConvosSlugChars) + " characters")
        .WithKind(std::string(kErrorTooLarge));
  }
  if (const auto it = json.find("profile"); it != json.end() && !it->is_null()) {
    if (!it->is_object()) return Malformed("profile", "not a JSON object");
    ConvosJoinProfile profile;
    XS_TRY(profile.name, OptionalString(*it, "name"));
    XS_TRY(profile.image_url, OptionalString(*it, "imageURL"));
    XS_TRY(profile.member_kind, OptionalString(*it, "memberKind"));
    request.profile = std::move(profile);
  }
  if (const auto it = json.find("metadata"); it != json.end() && !it->is_null()) {
    if (!it->is_object()) return Malformed("metadata", "not a JSON object");
    for (const auto& [key, value] : it->items()) {
      if (!value.is_string()) return Malformed("metadata", "values must be strings");
      request.metadata.emplace(key, value.get<std::string>());
    }
  }
  return request;
}

// ---- profile_update / profile_snapshot ----

EncodedContent EncodeConvosProfileUpdate(const ConvosProfile& profile) {
  pb::ProfileUpdate message;
  if (profile.name) message.set_name(*profile.name);
  if (profile.encrypted_image) ToProto(*profile.encrypted_image, message.mutable_encrypted_image());
  if (profile.member_kind != ConvosMemberKind::kUnspecified) {
    message.set_member_kind(static_cast<pb::MemberKind>(profile.member_kind));
  }
  ToProto(profile.metadata, message.mutable_metadata());
  EncodedContent encoded;
  encoded.type = ConvosProfileUpdateType();
  encoded.content = Serialize(message);
  return encoded;
}

Result<ConvosProfile> DecodeConvosProfileUpdate(const EncodedContent& encoded) {
  XS_RETURN_IF_ERROR(internal::CheckType(encoded, ConvosProfileUpdateType()));
  XS_TRY(pb::ProfileUpdate message, ParseProto<pb::ProfileUpdate>(encoded, "profile update"));
  ConvosProfile profile;
  if (message.has_name()) profile.name = message.name();
  if (message.has_encrypted_image()) profile.encrypted_image = FromProto(message.encrypted_image());
  profile.member_kind = KindFromProto(message.member_kind());
  profile.metadata = FromProto(message.metadata());
  return profile;
}

Result<EncodedContent> EncodeConvosProfileSnapshot(const ConvosProfileSnapshot& snapshot) {
  pb::ProfileSnapshot message;
  for (const ConvosProfile& profile : snapshot.profiles) {
    pb::MemberProfile* entry = message.add_profiles();
    auto inbox = codec::HexDecode(profile.inbox_id);
    if (!inbox.ok() || inbox->empty()) return Malformed("inbox_id", "not a hex inbox id");
    entry->set_inbox_id(inbox->data(), inbox->size());
    if (profile.name) entry->set_name(*profile.name);
    if (profile.encrypted_image)
      ToProto(*profile.encrypted_image, entry->mutable_encrypted_image());
    if (profile.member_kind != ConvosMemberKind::kUnspecified) {
      entry->set_member_kind(static_cast<pb::MemberKind>(profile.member_kind));
    }
    ToProto(profile.metadata, entry->mutable_metadata());
  }
  EncodedContent encoded;
  encoded.type = ConvosProfileSnapshotType();
  encoded.content = Serialize(message);
  return encoded;
}

Result<ConvosProfileSnapshot> DecodeConvosProfileSnapshot(const EncodedContent& encoded) {
  XS_RETURN_IF_ERROR(internal::CheckType(encoded, ConvosProfileSnapshotType()));
  XS_TRY(pb::ProfileSnapshot message, ParseProto<pb::ProfileSnapshot>(encoded, "profile snapshot"));
  ConvosProfileSnapshot snapshot;
  for (const pb::MemberProfile& entry : message.profiles()) {
    if (entry.inbox_id().empty()) continue;  // nobody to attach it to
    ConvosProfile profile;
    profile.inbox_id = codec::HexEncode(entry.inbox_id());
    if (entry.has_name()) profile.name = entry.name();
    if (entry.has_encrypted_image()) profile.encrypted_image = FromProto(entry.encrypted_image());
    profile.member_kind = KindFromProto(entry.member_kind());
    profile.metadata = FromProto(entry.metadata());
    snapshot.profiles.push_back(std::move(profile));
  }
  return snapshot;
}

// ---- invite_join_error / invite_join_handled ----

std::string_view ConvosJoinErrorTypeName(ConvosJoinErrorType type) {
  switch (type) {
    case ConvosJoinErrorType::kConversationExpired:
      return "conversation_expired";
    case ConvosJoinErrorType::kConversationNotFound:
      return "conversation_not_found";
    case ConvosJoinErrorType::kConsentNotAllowed:
      return "consent_not_allowed";
    case ConvosJoinErrorType::kGenericFailure:
    case ConvosJoinErrorType::kUnknown:
      break;
  }
  return "generic_failure";
}

EncodedContent EncodeConvosInviteJoinError(const ConvosInviteJoinError& error) {
  Json json;
  json["errorType"] = ConvosJoinErrorTypeName(error.error_type);
  json["inviteTag"] = error.invite_tag;
  json["timestamp"] = IsoSeconds(error.timestamp_ms);
  if (error.reason) json["reason"] = *error.reason;
  EncodedContent encoded = JsonContent(ConvosInviteJoinErrorType(), json);
  encoded.fallback = std::string(JoinErrorFallback(error.error_type));
  return encoded;
}

Result<ConvosInviteJoinError> DecodeConvosInviteJoinError(const EncodedContent& encoded) {
  if (!encoded.type.SameType(ConvosLegacyInviteJoinErrorType())) {
    XS_RETURN_IF_ERROR(internal::CheckType(encoded, ConvosInviteJoinErrorType()));
  }
  XS_TRY(nlohmann::json json, ParseJsonObject(encoded, "invite join error"));
  ConvosInviteJoinError error;
  XS_TRY(error.error_type_name, RequiredString(json, "errorType"));
  error.error_type = ParseJoinErrorType(error.error_type_name);
  XS_TRY(error.invite_tag, RequiredString(json, "inviteTag"));
  XS_TRY(error.timestamp_ms, Timestamp(json));
  XS_TRY(error.reason, OptionalString(json, "reason"));
  return error;
}

EncodedContent EncodeConvosInviteJoinHandled(const ConvosInviteJoinHandled& handled) {
  Json json;
  json["inviteTag"] = handled.invite_tag;
  json["handledMessageId"] = handled.handled_message_id;
  json["timestamp"] = IsoSeconds(handled.timestamp_ms);
  return JsonContent(ConvosInviteJoinHandledType(), json);
}

Result<ConvosInviteJoinHandled> DecodeConvosInviteJoinHandled(const EncodedContent& encoded) {
  XS_RETURN_IF_ERROR(internal::CheckType(encoded, ConvosInviteJoinHandledType()));
  XS_TRY(nlohmann::json json, ParseJsonObject(encoded, "invite join handled"));
  ConvosInviteJoinHandled handled;
  XS_TRY(handled.invite_tag, RequiredString(json, "inviteTag"));
  XS_TRY(handled.handled_message_id, RequiredString(json, "handledMessageId"));
  XS_TRY(handled.timestamp_ms, Timestamp(json));
  return handled;
}

}  // namespace xs::xmtp::content
