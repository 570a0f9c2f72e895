// Invites and appData: vectors made by convos-cli 0.9.1 (testdata/
// golden_invites.json, from tests/convos/tools/golden_convos.mjs), our own
// round trips, every accepted link form and every refusal with its kind.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "codec/base64.h"
#include "codec/hex.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "xmtp/convos/appdata.h"
#include "xmtp/convos/invite.h"

namespace xs::xmtp::convos {
namespace {

constexpr std::int64_t kNowMs = 1'800'000'000'000;  // 2027-01-15

const nlohmann::json& Golden() {
  static const nlohmann::json golden = [] {
    std::ifstream in(std::string(XS_CONVOS_TESTDATA_DIR) + "/golden_invites.json");
    EXPECT_TRUE(in.good()) << "golden_invites.json not found";
    return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  }();
  return golden;
}
std::string G(const char* key) { return Golden().at(key).get<std::string>(); }
Bytes Key() { return codec::HexDecode(G("key_hex")).value(); }
std::string Creator() { return G("creator_inbox_id"); }
const std::string kGroup = "0123456789abcdef0123456789abcdef";

template <typename T>
void ExpectKind(const Result<T>& result, std::string_view kind, std::string_view what) {
  ASSERT_FALSE(result.ok()) << what;
  EXPECT_TRUE(result.error().IsValidation()) << what;
  EXPECT_EQ(result.error().kind(), kind) << what << ": " << result.error().ToString();
}

// Builders (designated initializers that omit members warn under -Wextra).
AppDataUpdate Update(std::optional<std::string> tag, std::optional<std::string> emoji = {},
                     std::optional<std::int64_t> expires = {}) {
  AppDataUpdate update;
  update.tag = std::move(tag);
  update.emoji = std::move(emoji);
  update.expires_at_unix = expires;
  return update;
}
InviteDetails Expiring(std::optional<std::int64_t> invite, std::optional<std::int64_t> group = {}) {
  InviteDetails details;
  details.expires_at_unix = invite;
  details.conversation_expires_at_unix = group;
  return details;
}
InviteDetails Described(std::size_t length) {
  InviteDetails details;
  details.description = std::string(length, 'd');
  return details;
}

std::string OurSlug(const InviteDetails& details = {}, std::string_view tag = "Tag9abcdef") {
  auto slug = CreateInviteSlug(kGroup, Creator(), tag, Key(), details);
  EXPECT_TRUE(slug.ok()) << slug.error().ToString();
  return slug.ok() ? *slug : std::string();
}

// ---- convos-cli's invites ----

TEST(ConvosCliInvites, PlainSlugParsesVerifiesAndDecrypts) {
  ASSERT_FALSE(Golden().is_discarded());
  auto invite = ParseInvite(G("slug_plain"));
  ASSERT_TRUE(invite.ok()) << invite.error().ToString();
  EXPECT_EQ(invite->tag, "Tag01abcde");
  EXPECT_EQ(invite->creator_inbox_id, Creator());
  EXPECT_EQ(invite->details, InviteDetails{});
  EXPECT_EQ(RecoverInviteSigner(*invite).value(), crypto::Secp256k1PublicKeyOf(Key()).value());
  EXPECT_EQ(VerifyInviteForHost(*invite, Creator(), Key(), kNowMs).value(), G("group_id"));
}

TEST(ConvosCliInvites, CompressedSplitSlugWithEveryDetail) {
  const std::string slug = G("slug_full");
  ASSERT_NE(slug.find('*'), std::string::npos);
  ASSERT_EQ(codec::Base64UrlDecode(slug.substr(0, 4)).value()[0], kCompressionMarker);
  auto invite = ParseInvite(InviteUrl(slug, InviteEnv::kProduction));
  ASSERT_TRUE(invite.ok()) << invite.error().ToString();
  EXPECT_EQ(invite->tag, "Tag02abcde");
  EXPECT_EQ(invite->details.description, "A group for the golden test");
  EXPECT_EQ(invite->details.image_url, "https://example.com/group.png");
  EXPECT_EQ(invite->details.emoji, "\xf0\x9f\xa4\x96");
  EXPECT_EQ(invite->details.expires_at_unix, 4102444800);
  EXPECT_FALSE(invite->details.conversation_expires_at_unix.has_value());
  EXPECT_TRUE(invite->details.expires_after_use);
  EXPECT_EQ(invite->details.name->size(), 18u + 300u);
  EXPECT_EQ(codec::HexEncode(invite->payload), G("slug_full_payload_hex"));
  EXPECT_EQ(codec::HexEncode(invite->signature), G("slug_full_signature_hex"));
  EXPECT_EQ(VerifyInviteForHost(*invite, Creator(), Key(), kNowMs).value(), G("group_id"));
}

TEST(ConvosCliInvites, SignaturesAreDeterministicAndMatchViem) {
  // RFC 6979 on both sides: the same payload and key give the same 65 bytes.
  const Bytes payload = codec::HexDecode(G("slug_full_payload_hex")).value();
  const auto ours = crypto::Secp256k1SignRecoverable(Key(), crypto::Sha256(payload)).value();
  EXPECT_EQ(codec::HexEncode(ours), G("slug_full_signature_hex"));
}

TEST(ConvosCliInvites, UuidTokenUnpacksToTheDashedForm) {
  const Bytes token = codec::HexDecode(G("uuid_token_hex")).value();
  EXPECT_EQ(DecryptConversationToken(token, Creator(), Key()).value(), G("uuid_id"));
}

// ---- ours ----

TEST(Invites, RoundTripWithDetails) {
  InviteDetails details;
  details.name = "Agent room";
  details.description = "desc";
  details.emoji = "\xf0\x9f\xa4\x96";
  details.expires_at_unix = kNowMs / 1000 + 3600;
  details.conversation_expires_at_unix = kNowMs / 1000 + 7200;
  details.expires_after_use = true;
  const std::string slug = OurSlug(details);
  auto invite = ParseInvite(slug);
  ASSERT_TRUE(invite.ok()) << invite.error().ToString();
  EXPECT_EQ(invite->details, details);
  EXPECT_EQ(invite->tag, "Tag9abcdef");
  EXPECT_EQ(VerifyInviteForHost(*invite, Creator(), Key(), kNowMs).value(), kGroup);
  EXPECT_EQ(InviteToSlug(*invite), slug);
  // Writers never compress: the slug starts with the SignedInvite's 0x0a.
  EXPECT_EQ(codec::Base64UrlDecode(slug.substr(0, 4)).value()[0], 0x0a);
}

TEST(Invites, LongSlugsAreSplitEvery300Characters) {
  InviteDetails details;
  details.description = std::string(600, 'd');
  const std::string slug = OurSlug(details);
  ASSERT_GT(slug.size(), 600u);
  for (std::size_t i = 0; i < slug.size(); ++i) {
    EXPECT_EQ(slug[i] == '*', i % 301 == 300) << i;
  }
  EXPECT_TRUE(ParseInvite(slug).ok());
}

TEST(Invites, EveryLinkFormYieldsTheSlug) {
  const std::string slug = OurSlug(Described(400));
  std::string escaped;
  for (const char c : slug) escaped += c == '*' ? std::string("%2A") : std::string(1, c);
  const std::vector<std::string> forms = {
      slug,
      "  \n" + slug + "\t ",
      InviteUrl(slug, InviteEnv::kProduction),
      InviteUrl(slug, InviteEnv::kDev),
      "https://popup.convos.org/v2?i=" + slug,
      "https://popup.convos.org/v2?utm=1&i=" + escaped + "#frag",
      "https://popup.convos.org/v2?code=" + slug,
      "https://convos.org/i/" + escaped,
      "HTTPS://dev.convos.org/join/" + slug,
      "convos://join/" + slug,
      "convos://invite/" + escaped,
      "convos-dev://join/" + slug,
  };
  for (const std::string& form : forms) {
    auto extracted = ExtractInviteSlug(form);
    ASSERT_TRUE(extracted.ok()) << form << ": " << extracted.error().ToString();
    EXPECT_EQ(*extracted, slug) << form;
    EXPECT_TRUE(ParseInvite(form).ok()) << form;
  }
}

TEST(Invites, BadLinksAndSlugsAreRefusedWithKinds) {
  ExpectKind(ExtractInviteSlug(""), kErrorMalformed, "empty");
  ExpectKind(ExtractInviteSlug("https://popup.convos.org/v2"), kErrorMalformed, "no slug");
  ExpectKind(ExtractInviteSlug("ftp://popup.convos.org/v2?i=abc"), kErrorMalformed, "scheme");
  ExpectKind(ExtractInviteSlug("abc def"), kErrorMalformed, "space");
  ExpectKind(ExtractInviteSlug("https://x/v2?i=ab%2"), kErrorMalformed, "truncated escape");
  ExpectKind(ExtractInviteSlug("https://x/v2?i=ab%zz"), kErrorMalformed, "bad escape");
  ExpectKind(ExtractInviteSlug(std::string(kMaxInviteInputChars + 1, 'A')), kErrorTooLarge,
             "too long");
  ExpectKind(ParseInvite("****"), kErrorMalformed, "only separators");
  ExpectKind(ParseInvite("A"), kErrorMalformed, "not base64url");
  ExpectKind(ParseInvite(codec::Base64UrlEncode(Bytes{0x0a, 0x05, 0x01})), kErrorMalformed,
             "truncated protobuf");
  ExpectKind(ParseInvite(codec::Base64UrlEncode(Bytes{0x1f, 0x00})), kErrorMalformed,
             "truncated frame");
  ExpectKind(ParseInvite(codec::Base64UrlEncode(Bytes{0x1f, 0, 0, 0, 50, 1, 2, 3, 4})),
             kErrorDecompression, "bad deflate");
  ExpectKind(ParseInvite(codec::Base64UrlEncode(Bytes{0x1f, 0x7f, 0, 0, 0, 1, 2, 3})),
             kErrorTooLarge, "frame bomb");
}

// Rebuilds a slug from our invite with one part changed.
std::string Reslug(Invite invite) { return InviteToSlug(invite); }

TEST(Invites, HostRefusalsCarryTheirKinds) {
  const Bytes other_key(32, 0x42);
  const std::string other_inbox(64, 'a');
  Invite invite = ParseInvite(OurSlug()).value();

  ExpectKind(VerifyInviteForHost(invite, Creator(), other_key, kNowMs), kErrorWrongSigner,
             "another key");
  ExpectKind(VerifyInviteForHost(invite, other_inbox, Key(), kNowMs), kErrorWrongCreator,
             "another inbox");

  Invite tampered = invite;
  tampered.payload.back() ^= 0x01;  // the tag's last character
  auto reparsed = ParseInvite(Reslug(tampered));
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().ToString();
  auto result = VerifyInviteForHost(*reparsed, Creator(), Key(), kNowMs);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().kind() == kErrorWrongSigner ||
              result.error().kind() == kErrorBadSignature)
      << result.error().ToString();

  Invite bad_recid = invite;
  bad_recid.signature.back() = 4;
  ExpectKind(ParseInvite(Reslug(bad_recid)), kErrorBadSignature, "recovery id 4");
  Invite short_signature = invite;
  short_signature.signature.pop_back();
  ExpectKind(ParseInvite(Reslug(short_signature)), kErrorBadSignature, "64-byte signature");
  Invite zero_r = invite;
  std::fill(zero_r.signature.begin(), zero_r.signature.begin() + 32, 0);
  ExpectKind(VerifyInviteForHost(ParseInvite(Reslug(zero_r)).value(), Creator(), Key(), kNowMs),
             kErrorBadSignature, "r = 0");

  // Signed by us, for us, but the token was sealed with another key.
  auto wrong_token = EncryptConversationToken(kGroup, Creator(), other_key).value();
  ExpectKind(DecryptConversationToken(wrong_token, Creator(), Key()), kErrorBadToken, "token key");
  ExpectKind(DecryptConversationToken(Bytes{0x02, 1, 2}, Creator(), Key()), kErrorBadToken,
             "token version");
}

TEST(Invites, ExpiryIsCheckedOnBothSides) {
  Invite expired = ParseInvite(OurSlug(Expiring(kNowMs / 1000 - 1))).value();
  ExpectKind(CheckInviteUsable(expired, kNowMs), kErrorExpired, "joiner");
  ExpectKind(VerifyInviteForHost(expired, Creator(), Key(), kNowMs), kErrorExpired, "host");
  Invite gone = ParseInvite(OurSlug(Expiring({}, kNowMs / 1000))).value();
  ExpectKind(VerifyInviteForHost(gone, Creator(), Key(), kNowMs), kErrorConversationExpired,
             "conversation");
  Invite fine = ParseInvite(OurSlug(Expiring(kNowMs / 1000 + 1))).value();
  EXPECT_TRUE(CheckInviteUsable(fine, kNowMs).ok());
}

TEST(Invites, CreationValidatesItsInputs) {
  EXPECT_FALSE(CreateInviteSlug(kGroup, "not hex", "tag", Key()).ok());
  EXPECT_FALSE(CreateInviteSlug(kGroup, Creator(), "", Key()).ok());
  EXPECT_FALSE(CreateInviteSlug(kGroup, Creator(), std::string(65, 't'), Key()).ok());
  EXPECT_FALSE(CreateInviteSlug(kGroup, Creator(), "tag", Bytes(32, 0)).ok());
  EXPECT_FALSE(CreateInviteSlug("", Creator(), "tag", Key()).ok());
}

TEST(Invites, ConversationIdPackingForms) {
  const Bytes nonce(12, 7);
  for (const std::string& id :
       {std::string("x"), kGroup, std::string(255, 'a'), std::string(256, 'b'),
        std::string("6F1C2D3E-4A5B-4C6D-8E7F-0A1B2C3D4E5F")}) {
    auto token = EncryptConversationToken(id, Creator(), Key(), nonce);
    ASSERT_TRUE(token.ok()) << token.error().ToString();
    std::string expected = id;
    if (id.size() == 36) {
      for (char& c : expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(DecryptConversationToken(*token, Creator(), Key()).value(), expected);
  }
}

TEST(Invites, TagsAreTenAlphanumerics) {
  const std::string a = NewInviteTag();
  EXPECT_EQ(a.size(), kInviteTagChars);
  for (const char c : a) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << a;
  EXPECT_NE(a, NewInviteTag());
}

// ---- appData ----

TEST(ConvosCliAppData, BothFlavoursAndPlainAndLegacyAreRead) {
  auto small = ParseAppData(G("appdata_small"));
  ASSERT_TRUE(small.ok()) << small.error().ToString();
  EXPECT_EQ(small->form, AppData::Form::kProtobuf);
  EXPECT_EQ(small->flavour, FrameFlavour::kPlain);
  EXPECT_EQ(small->tag, "Tag01abcde");
  EXPECT_EQ(small->emoji, "\xf0\x9f\xa4\x96");
  EXPECT_EQ(small->expires_at_unix, 4102444800);
  EXPECT_TRUE(small->has_image_encryption_key);

  auto zlib = ParseAppData(G("appdata_zlib"));
  auto raw = ParseAppData(G("appdata_raw"));
  ASSERT_TRUE(zlib.ok()) << zlib.error().ToString();
  ASSERT_TRUE(raw.ok()) << raw.error().ToString();
  EXPECT_EQ(zlib->flavour, FrameFlavour::kZlib);
  EXPECT_EQ(raw->flavour, FrameFlavour::kRawDeflate);
  EXPECT_EQ(zlib->protobuf, raw->protobuf);
  EXPECT_EQ(raw->tag, "Tag01abcde");
  EXPECT_EQ(raw->profile_count, 1u);

  auto legacy = ParseAppData(G("appdata_legacy_json"));
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(legacy->form, AppData::Form::kLegacyJson);
  EXPECT_EQ(legacy->tag, "Tag01abcde");
}

TEST(AppDataWrite, ReadModifyWriteKeepsWhatWeDoNotOwn) {
  for (const char* key : {"appdata_zlib", "appdata_raw", "appdata_small"}) {
    const AppData before = ParseAppData(G(key)).value();
    auto rotated = UpdateAppData(G(key), Update("Rotated123"));
    ASSERT_TRUE(rotated.ok()) << key << ": " << rotated.error().ToString();
    const AppData after = ParseAppData(*rotated).value();
    EXPECT_EQ(after.tag, "Rotated123") << key;
    EXPECT_EQ(after.emoji, before.emoji) << key;
    EXPECT_EQ(after.expires_at_unix, before.expires_at_unix) << key;
    EXPECT_EQ(after.has_image_encryption_key, before.has_image_encryption_key) << key;
    EXPECT_EQ(after.profile_count, before.profile_count) << key;
    EXPECT_NE(after.flavour, FrameFlavour::kZlib) << key;  // raw or plain is written
    // Rotating back restores the protobuf byte for byte.
    auto back = UpdateAppData(*rotated, Update("Tag01abcde"));
    EXPECT_EQ(ParseAppData(back.value()).value().protobuf, before.protobuf) << key;
  }
}

TEST(AppDataWrite, UnknownFieldsSurvive) {
  // tag = "T1" plus field 99 (a varint Convos may add later).
  const Bytes proto{0x0a, 0x02, 'T', '1', 0x98, 0x06, 0x2a};
  auto next = UpdateAppData(codec::Base64UrlEncode(proto), Update("T2", "x"));
  ASSERT_TRUE(next.ok()) << next.error().ToString();
  const Bytes written = ParseAppData(*next).value().protobuf;
  const Bytes unknown{0x98, 0x06, 0x2a};
  EXPECT_NE(std::search(written.begin(), written.end(), unknown.begin(), unknown.end()),
            written.end());
}

TEST(AppDataWrite, EmptyLegacyAndRefusals) {
  auto fresh = UpdateAppData("", Update("Fresh12345", "\xf0\x9f\xa4\x96"));
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(ParseAppData(*fresh).value().flavour, FrameFlavour::kPlain);
  EXPECT_EQ(ParseAppData(*fresh).value().tag, "Fresh12345");
  auto from_legacy = UpdateAppData("{\"tag\":\"old\",\"expiresAtUnix\":5}", Update({}, "e"));
  ASSERT_TRUE(from_legacy.ok());
  EXPECT_EQ(ParseAppData(*from_legacy).value().tag, "old");
  EXPECT_EQ(ParseAppData(*from_legacy).value().expires_at_unix, 5);
  auto cleared = UpdateAppData(*from_legacy, Update({}, {}, 0));
  EXPECT_FALSE(ParseAppData(cleared.value()).value().expires_at_unix.has_value());

  ExpectKind(UpdateAppData("!!!", Update("x")), kErrorMalformed, "unreadable");
  ExpectKind(UpdateAppData("{not json", Update("x")), kErrorMalformed, "bad legacy");
  ExpectKind(ParseAppData("AAAA!"), kErrorMalformed, "not base64url");
  ExpectKind(ParseAppData(codec::Base64UrlEncode(Bytes{0x0a, 0x09})), kErrorMalformed,
             "truncated protobuf");
  ExpectKind(ParseAppData(std::string(kMaxAppDataChars + 1, 'A')), kErrorTooLarge, "too long");
  EXPECT_FALSE(UpdateAppData("", Update("")).ok());
  // A value that would not fit in 8 KiB is refused.
  const std::string noise = codec::Base64Encode(crypto::RandomVector(7000));  // incompressible
  ExpectKind(UpdateAppData("", Update("t", noise)), kErrorTooLarge, "oversized");
}

TEST(AppDataWrite, LargeValuesAreWrittenAsRawDeflate) {
  auto big = UpdateAppData("", Update("t", std::string(500, 'e')));
  ASSERT_TRUE(big.ok());
  const AppData parsed = ParseAppData(*big).value();
  EXPECT_EQ(parsed.flavour, FrameFlavour::kRawDeflate);
  EXPECT_EQ(parsed.emoji, std::string(500, 'e'));
}

TEST(AppDataTag, RotationRevokesEarlierInvites) {
  const Invite invite = ParseInvite(OurSlug({}, "Tag9abcdef")).value();
  EXPECT_TRUE(CheckInviteTag(invite, ParseAppData("").value()).ok());
  const std::string current = UpdateAppData("", Update("Tag9abcdef")).value();
  EXPECT_TRUE(CheckInviteTag(invite, ParseAppData(current).value()).ok());
  const std::string rotated = UpdateAppData(current, Update(NewInviteTag())).value();
  const Status revoked = CheckInviteTag(invite, ParseAppData(rotated).value());
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().kind(), kErrorRevoked);
}

}  // namespace
}  // namespace xs::xmtp::convos
