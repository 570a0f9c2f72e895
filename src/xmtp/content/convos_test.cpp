// Convos content types: golden bytes from testdata/golden_convos.json (made by
// tests/convos/tools/golden_convos.mjs with convos-cli 0.9.1's own codecs,
// except the two invite_join_* types, which that release lacks; see the
// script), and the validation of hostile input.
#include "xmtp/content/convos.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "base/clock.h"
#include "codec/hex.h"
#include "xmtp/content/codec_util.h"
#include "xmtp/content/content_types.h"

namespace xs::xmtp::content {
namespace {

const nlohmann::json& Golden() {
  static const nlohmann::json golden = [] {
    std::ifstream in(std::string(XS_CONTENT_TESTDATA_DIR) + "/golden_convos.json");
    EXPECT_TRUE(in.good()) << "golden_convos.json not found";
    return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  }();
  return golden;
}

const nlohmann::json& Case(const std::string& name) {
  const auto& cases = Golden().at("cases");
  EXPECT_TRUE(cases.contains(name)) << name;
  return cases.at(name);
}

std::string Sample(const char* key) { return Golden().at("sample").at(key); }

EncodedContent ParseCase(const std::string& name) {
  auto parsed =
      ParseEncodedContent(codec::HexDecode(Case(name).at("bytes_hex").get<std::string>()).value());
  EXPECT_TRUE(parsed.ok()) << name << ": " << parsed.error().ToString();
  return parsed.ok() ? *parsed : EncodedContent{};
}

void ExpectSameBytes(const EncodedContent& ours, const std::string& name) {
  EXPECT_EQ(codec::HexEncode(SerializeEncodedContent(ours)),
            Case(name).at("bytes_hex").get<std::string>())
      << name;
}

EncodedContent Json(ContentTypeId type, std::string_view text) {
  EncodedContent encoded;
  encoded.type = std::move(type);
  encoded.content = internal::ToBytes(text);
  return encoded;
}

void ExpectMalformed(const Status& status, std::string_view what) {
  ASSERT_FALSE(status.ok()) << what;
  EXPECT_TRUE(status.error().IsValidation()) << what;
  EXPECT_EQ(status.error().kind(), kErrorMalformed) << what << ": " << status.error().ToString();
}

template <typename T>
Status AsStatus(const Result<T>& result) {
  if (result.ok()) return OkStatus();
  return result.error();
}

TEST(ConvosGolden, FileIsTheOneTheScriptWrote) {
  ASSERT_FALSE(Golden().is_discarded());
  EXPECT_EQ(Golden().at("versions").at("@xmtp/convos-cli"), "0.9.1");
}

TEST(ConvosGolden, JoinRequestAsConvosCliWritesIt) {
  ConvosJoinRequest full{Sample("slug"),
                         ConvosJoinProfile{"Signet Bot", "https://example.com/a.png", "agent"},
                         {{"role", "assistant"}, {"version", "2"}}};
  EncodedContent ours = EncodeConvosJoinRequest(full);
  EXPECT_EQ(ours.fallback, Sample("slug"));  // as iOS sets it; convos-cli sends none
  ours.fallback.reset();
  ExpectSameBytes(ours, "join_request_full");
  EXPECT_EQ(DecodeConvosJoinRequest(ParseCase("join_request_full")).value(), full);

  ConvosJoinRequest minimal{Sample("slug"), ConvosJoinProfile{{}, {}, "agent"}, {}};
  ours = EncodeConvosJoinRequest(minimal);
  ours.fallback.reset();
  ExpectSameBytes(ours, "join_request_minimal");
  EXPECT_EQ(DecodeConvosJoinRequest(ParseCase("join_request_minimal")).value(), minimal);
}

TEST(ConvosGolden, ProfileUpdateAsConvosCliWritesIt) {
  ConvosProfile agent;
  agent.name = "Signet Bot";
  agent.member_kind = ConvosMemberKind::kAgent;
  agent.encrypted_image =
      ConvosImageRef{"https://files.example/p.bin", Bytes(32, 0x22), Bytes(12, 0x33)};
  agent.metadata = {{"active", true}, {"role", std::string("assistant")}, {"score", 2.5}};
  ExpectSameBytes(EncodeConvosProfileUpdate(agent), "profile_update_agent");
  EXPECT_EQ(DecodeConvosProfileUpdate(ParseCase("profile_update_agent")).value(), agent);

  ExpectSameBytes(EncodeConvosProfileUpdate(ConvosProfile{}), "profile_update_empty");
  EXPECT_EQ(DecodeConvosProfileUpdate(ParseCase("profile_update_empty")).value(), ConvosProfile{});
}

TEST(ConvosGolden, ProfileSnapshotAsConvosCliWritesIt) {
  ConvosProfile alice;
  alice.inbox_id = Sample("inbox");
  alice.name = "Alice";
  ConvosProfile bot;
  bot.inbox_id = Sample("inbox2");
  bot.name = "Signet Bot";
  bot.member_kind = ConvosMemberKind::kAgent;
  bot.metadata = {{"role", std::string("assistant")}};
  const ConvosProfileSnapshot snapshot{{alice, bot}};
  ExpectSameBytes(EncodeConvosProfileSnapshot(snapshot).value(), "profile_snapshot");
  EXPECT_EQ(DecodeConvosProfileSnapshot(ParseCase("profile_snapshot")).value(), snapshot);
}

TEST(ConvosGolden, InviteJoinErrorInTheIosForm) {
  const std::int64_t at = ParseIsoTime("2026-07-14T12:01:00Z", "t").value();
  ConvosInviteJoinError expired{ConvosJoinErrorType::kConversationExpired, "", "abc123XYZ0",
                                at + 999, std::nullopt};  // the fraction is dropped
  ExpectSameBytes(EncodeConvosInviteJoinError(expired), "invite_join_error");
  auto decoded = DecodeConvosInviteJoinError(ParseCase("invite_join_error")).value();
  EXPECT_EQ(decoded.error_type, ConvosJoinErrorType::kConversationExpired);
  EXPECT_EQ(decoded.error_type_name, "conversation_expired");
  EXPECT_EQ(decoded.invite_tag, "abc123XYZ0");
  EXPECT_EQ(decoded.timestamp_ms, at);
  EXPECT_FALSE(decoded.reason.has_value());

  ConvosInviteJoinError consent{ConvosJoinErrorType::kConsentNotAllowed, "", "abc123XYZ0", at,
                                "revoked"};
  ExpectSameBytes(EncodeConvosInviteJoinError(consent), "invite_join_error_reason");
  decoded = DecodeConvosInviteJoinError(ParseCase("invite_join_error_reason")).value();
  EXPECT_EQ(decoded.error_type, ConvosJoinErrorType::kConsentNotAllowed);
  EXPECT_EQ(decoded.reason, "revoked");
}

TEST(ConvosGolden, LegacyInviteJoinErrorIsRead) {
  auto decoded = DecodeConvosInviteJoinError(ParseCase("invite_join_error_legacy")).value();
  EXPECT_EQ(decoded.error_type, ConvosJoinErrorType::kGenericFailure);
  EXPECT_EQ(decoded.error_type_name, "genericFailure");
  EXPECT_EQ(decoded.timestamp_ms, ParseIsoTime("2026-07-14T12:01:00.250Z", "t").value());
}

TEST(ConvosGolden, InviteJoinHandled) {
  const std::int64_t at = ParseIsoTime("2026-07-14T12:01:00Z", "t").value();
  const ConvosInviteJoinHandled handled{"abc123XYZ0", "f00d", at};
  ExpectSameBytes(EncodeConvosInviteJoinHandled(handled), "invite_join_handled");
  EXPECT_EQ(DecodeConvosInviteJoinHandled(ParseCase("invite_join_handled")).value(), handled);
}

TEST(ConvosCodecs, WrongTypeIsRefused) {
  const EncodedContent text = Json(TextType(), "{\"inviteSlug\":\"x\"}");
  for (const Status& status :
       {AsStatus(DecodeConvosJoinRequest(text)), AsStatus(DecodeConvosProfileUpdate(text)),
        AsStatus(DecodeConvosProfileSnapshot(text)), AsStatus(DecodeConvosInviteJoinError(text)),
        AsStatus(DecodeConvosInviteJoinHandled(text))}) {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().kind(), kErrorWrongType);
  }
}

TEST(ConvosCodecs, JoinRequestValidation) {
  const auto type = ConvosJoinRequestType();
  ExpectMalformed(AsStatus(DecodeConvosJoinRequest(Json(type, "not json"))), "not json");
  ExpectMalformed(AsStatus(DecodeConvosJoinRequest(Json(type, "[1]"))), "array");
  ExpectMalformed(AsStatus(DecodeConvosJoinRequest(Json(type, "{}"))), "no slug");
  ExpectMalformed(AsStatus(DecodeConvosJoinRequest(Json(type, "{\"inviteSlug\":\"\"}"))),
                  "empty slug");
  ExpectMalformed(AsStatus(DecodeConvosJoinRequest(Json(type, "{\"inviteSlug\":7}"))),
                  "number slug");
  ExpectMalformed(
      AsStatus(DecodeConvosJoinRequest(Json(type, "{\"inviteSlug\":\"a\",\"profile\":3}"))),
      "profile not an object");
  ExpectMalformed(AsStatus(DecodeConvosJoinRequest(
                      Json(type, "{\"inviteSlug\":\"a\",\"profile\":{\"name\":1}}"))),
                  "name not a string");
  ExpectMalformed(AsStatus(DecodeConvosJoinRequest(
                      Json(type, "{\"inviteSlug\":\"a\",\"metadata\":{\"k\":1}}"))),
                  "metadata value not a string");
  EncodedContent bad_utf8 = Json(type, "{\"inviteSlug\":\"a\"}");
  bad_utf8.content.push_back(0xFF);
  ExpectMalformed(AsStatus(DecodeConvosJoinRequest(bad_utf8)), "bad UTF-8");

  const std::string huge(kMaxConvosSlugChars + 1, 'A');
  auto too_long = DecodeConvosJoinRequest(Json(type, "{\"inviteSlug\":\"" + huge + "\"}"));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().kind(), kErrorTooLarge);

  // Unknown members are ignored; null optional members read as absent.
  auto lenient = DecodeConvosJoinRequest(
      Json(type, "{\"inviteSlug\":\"a\",\"profile\":null,\"future\":{\"x\":1}}"));
  ASSERT_TRUE(lenient.ok()) << lenient.error().ToString();
  EXPECT_FALSE(lenient->profile.has_value());
}

TEST(ConvosCodecs, ProfilesDropIncompleteImagesAndRefuseGarbage) {
  ConvosProfile profile;
  profile.encrypted_image = ConvosImageRef{"https://x", Bytes(31, 1), Bytes(12, 2)};
  EXPECT_FALSE(DecodeConvosProfileUpdate(EncodeConvosProfileUpdate(profile))
                   .value()
                   .encrypted_image.has_value());
  profile.encrypted_image = ConvosImageRef{"", Bytes(32, 1), Bytes(12, 2)};
  EXPECT_FALSE(DecodeConvosProfileUpdate(EncodeConvosProfileUpdate(profile))
                   .value()
                   .encrypted_image.has_value());

  EncodedContent garbage;
  garbage.type = ConvosProfileUpdateType();
  garbage.content = Bytes{0x0A, 0xFF, 0x01};  // field 1, length beyond the end
  ExpectMalformed(AsStatus(DecodeConvosProfileUpdate(garbage)), "truncated update");
  garbage.type = ConvosProfileSnapshotType();
  ExpectMalformed(AsStatus(DecodeConvosProfileSnapshot(garbage)), "truncated snapshot");

  ConvosProfile not_hex;
  not_hex.inbox_id = "not-hex";
  ExpectMalformed(AsStatus(EncodeConvosProfileSnapshot(ConvosProfileSnapshot{{not_hex}})),
                  "snapshot inbox id");
}

TEST(ConvosCodecs, InviteJoinMarkersValidation) {
  const auto error_type = ConvosInviteJoinErrorType();
  ExpectMalformed(AsStatus(DecodeConvosInviteJoinError(Json(
                      error_type, "{\"errorType\":\"x\",\"timestamp\":\"2026-01-01T00:00:00Z\"}"))),
                  "no tag");
  ExpectMalformed(
      AsStatus(DecodeConvosInviteJoinError(
          Json(error_type, "{\"errorType\":\"x\",\"inviteTag\":\"t\",\"timestamp\":\"soon\"}"))),
      "bad time");
  auto unknown = DecodeConvosInviteJoinError(Json(error_type,
                                                  "{\"errorType\":\"rate_limited\",\"inviteTag\":"
                                                  "\"t\",\"timestamp\":\"2026-01-01T00:00:00Z\"}"));
  ASSERT_TRUE(unknown.ok()) << unknown.error().ToString();
  EXPECT_EQ(unknown->error_type, ConvosJoinErrorType::kUnknown);
  EXPECT_EQ(unknown->error_type_name, "rate_limited");

  const auto handled_type = ConvosInviteJoinHandledType();
  ExpectMalformed(
      AsStatus(DecodeConvosInviteJoinHandled(
          Json(handled_type, "{\"inviteTag\":\"t\",\"timestamp\":\"2026-01-01T00:00:00Z\"}"))),
      "no handled id");
  ExpectMalformed(AsStatus(DecodeConvosInviteJoinHandled(Json(handled_type, ""))), "empty");
}

}  // namespace
}  // namespace xs::xmtp::content
