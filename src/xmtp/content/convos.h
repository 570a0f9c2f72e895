// The Convos content types (shared/spec/convos-interop.md §4), authority
// convos.org, version 1.0:
//   join_request         JSON, fallback = the invite slug
//   profile_update       protobuf ProfileUpdate, no fallback
//   profile_snapshot     protobuf ProfileSnapshot, no fallback
//   invite_join_error    JSON (iOS form); convos.app/inviteJoinError:1.0 with
//                        camelCase error types is read too
//   invite_join_handled  JSON, no fallback
// Encoders write what convos-cli 0.9.1 and the iOS app write (golden bytes in
// testdata/golden_convos.json); decoders validate and return a Validation
// error of a limits.h kind (kErrorWrongType for another type).
//
// They are not part of Decode() (decoded.h): a Convos message stays kUnknown
// there, whole, and the onboarding layer decodes it with these functions.
//
// Thread contract: pure functions over plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/result.h"
#include "xmtp/content/encoded_content.h"

namespace xs::xmtp::content {

ContentTypeId ConvosJoinRequestType();            // convos.org/join_request:1.0
ContentTypeId ConvosProfileUpdateType();          // convos.org/profile_update:1.0
ContentTypeId ConvosProfileSnapshotType();        // convos.org/profile_snapshot:1.0
ContentTypeId ConvosInviteJoinErrorType();        // convos.org/invite_join_error:1.0
ContentTypeId ConvosLegacyInviteJoinErrorType();  // convos.app/inviteJoinError:1.0 (read only)
ContentTypeId ConvosInviteJoinHandledType();      // convos.org/invite_join_handled:1.0

// Longest invite slug a join request may carry (a real one is ~300-600
// characters; Convos caps appData, the largest thing an invite mirrors, at 8 KiB).
inline constexpr std::size_t kMaxConvosSlugChars = 16 * 1024;
// Salt and nonce sizes of an encrypted profile image reference.
inline constexpr std::size_t kConvosImageSaltBytes = 32;
inline constexpr std::size_t kConvosImageNonceBytes = 12;

// ---- join_request ----
struct ConvosJoinProfile {
  std::optional<std::string> name;
  std::optional<std::string> image_url;    // "imageURL"
  std::optional<std::string> member_kind;  // "agent", "human", ... as sent

  bool operator==(const ConvosJoinProfile&) const = default;
};
struct ConvosJoinRequest {
  std::string invite_slug;  // required, non-empty
  std::optional<ConvosJoinProfile> profile;
  std::map<std::string, std::string> metadata;  // omitted when empty

  bool operator==(const ConvosJoinRequest&) const = default;
};
// JSON members in the order convos-cli writes them; fallback = the slug.
EncodedContent EncodeConvosJoinRequest(const ConvosJoinRequest& request);
Result<ConvosJoinRequest> DecodeConvosJoinRequest(const EncodedContent& encoded);

// ---- profile_update / profile_snapshot ----
enum class ConvosMemberKind { kUnspecified = 0, kAgent = 1 };
struct ConvosImageRef {
  std::string url;
  Bytes salt;   // kConvosImageSaltBytes
  Bytes nonce;  // kConvosImageNonceBytes

  bool operator==(const ConvosImageRef&) const = default;
};
using ConvosMetadataValue = std::variant<std::string, double, bool>;
struct ConvosProfile {
  std::string inbox_id;  // lowercase hex; empty in a profile_update
  std::optional<std::string> name;
  std::optional<ConvosImageRef> encrypted_image;
  ConvosMemberKind member_kind = ConvosMemberKind::kUnspecified;  // written only when set
  std::map<std::string, ConvosMetadataValue> metadata;

  bool operator==(const ConvosProfile&) const = default;
};
struct ConvosProfileSnapshot {
  std::vector<ConvosProfile> profiles;

  bool operator==(const ConvosProfileSnapshot&) const = default;
};
// A member's own profile (inbox_id is not sent: the sender is the member).
EncodedContent EncodeConvosProfileUpdate(const ConvosProfile& profile);
// Decoders drop an encrypted image without a url, a 32-byte salt and a
// 12-byte nonce, as every Convos reader does.
Result<ConvosProfile> DecodeConvosProfileUpdate(const EncodedContent& encoded);
// kErrorMalformed when a profile's inbox_id is not hex.
Result<EncodedContent> EncodeConvosProfileSnapshot(const ConvosProfileSnapshot& snapshot);
Result<ConvosProfileSnapshot> DecodeConvosProfileSnapshot(const EncodedContent& encoded);

// ---- invite_join_error / invite_join_handled ----
enum class ConvosJoinErrorType {
  kConversationExpired,   // conversation_expired
  kConversationNotFound,  // conversation_not_found
  kConsentNotAllowed,     // consent_not_allowed
  kGenericFailure,        // generic_failure
  kUnknown,               // anything else (iOS treats it as expired)
};
struct ConvosInviteJoinError {
  ConvosJoinErrorType error_type = ConvosJoinErrorType::kGenericFailure;
  std::string error_type_name;  // as sent (decode); ignored by the encoder
  std::string invite_tag;
  std::int64_t timestamp_ms = 0;  // written with whole seconds, as iOS writes it
  std::optional<std::string> reason;

  bool operator==(const ConvosInviteJoinError&) const = default;
};
// The iOS form (convos.org, snake_case); fallback = iOS's user-facing text.
EncodedContent EncodeConvosInviteJoinError(const ConvosInviteJoinError& error);
// Either content type; camelCase error types are mapped too.
Result<ConvosInviteJoinError> DecodeConvosInviteJoinError(const EncodedContent& encoded);
std::string_view ConvosJoinErrorTypeName(ConvosJoinErrorType type);

struct ConvosInviteJoinHandled {
  std::string invite_tag;
  std::string handled_message_id;
  std::int64_t timestamp_ms = 0;  // whole seconds on the wire

  bool operator==(const ConvosInviteJoinHandled&) const = default;
};
EncodedContent EncodeConvosInviteJoinHandled(const ConvosInviteJoinHandled& handled);
Result<ConvosInviteJoinHandled> DecodeConvosInviteJoinHandled(const EncodedContent& encoded);

}  // namespace xs::xmtp::content
