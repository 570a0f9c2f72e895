#include "xmtp/identity/signature_text.h"

#include <gtest/gtest.h>

#include "xmtp/identity/inbox_id.h"

namespace xs::xmtp::identity {
namespace {

namespace pb = ::xmtp::identity::associations;

constexpr char kAddress[] = "0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a";
constexpr char kInboxId[] = "45915bad9a857a62ceed43a7573d3eef87966c96961128c520dc1c5d6fa5d38b";
constexpr char kInstallationHex[] =
    "638f952f3a2bf8c4e3b39a18f13a4aa99828e6c74b444f9965e1efa7cb78e751";

std::vector<std::uint8_t> FromHex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// 2026-11-23T22:32:36Z as Unix seconds.
constexpr std::uint64_t kExampleSeconds = 1795473156;

TEST(SignatureTextTest, TimestampFormatting) {
  EXPECT_EQ(FormatSignatureTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatSignatureTimestamp(12), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatSignatureTimestamp(kExampleSeconds * 1000000000ULL + 999999999ULL),
            "2026-11-23T22:32:36Z");
  EXPECT_EQ(FormatSignatureTimestamp(951782400ULL * 1000000000ULL), "2000-02-29T00:00:00Z");
  // Values past i64::MAX are read as negative, as libxmtp (chrono) does.
  EXPECT_EQ(FormatSignatureTimestamp(~0ULL), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatSignatureTimestamp(0x7fffffffffffffffULL), "2262-04-11T23:47:16Z");
}

// The exact string the SDK passed to signMessage (protocol.md §3.4).
TEST(SignatureTextTest, MatchesVerifiedSdkExample) {
  pb::IdentityUpdate update;
  update.set_inbox_id(kInboxId);
  update.set_client_timestamp_ns(kExampleSeconds * 1000000000ULL + 123456789ULL);
  auto* create = update.add_actions()->mutable_create_inbox();
  create->set_initial_identifier(kAddress);
  create->set_nonce(1);
  create->set_initial_identifier_kind(pb::IDENTIFIER_KIND_ETHEREUM);
  auto key = FromHex(kInstallationHex);
  update.add_actions()->mutable_add()->mutable_new_member_identifier()->set_installation_public_key(
      key.data(), key.size());

  auto text = SignatureText(update);
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  EXPECT_EQ(*text,
            "XMTP : Authenticate to inbox\n"
            "\n"
            "Inbox ID: 45915bad9a857a62ceed43a7573d3eef87966c96961128c520dc1c5d6fa5d38b\n"
            "Current time: 2026-11-23T22:32:36Z\n"
            "\n"
            "- Create inbox\n"
            "  (Owner: 0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a)\n"
            "- Grant messaging access to app\n"
            "  (ID: 638f952f3a2bf8c4e3b39a18f13a4aa99828e6c74b444f9965e1efa7cb78e751)\n"
            "\n"
            "For more info: https://xmtp.org/signatures");
}

TEST(SignatureTextTest, AllActionKinds) {
  const MemberId wallet = MemberId::Ethereum("0x4567890abcdef1234567890abcdef12345678123");
  const MemberId inst = MemberId::Installation(std::vector<std::uint8_t>{1, 2, 3});
  const MemberId passkey = MemberId::Passkey(std::vector<std::uint8_t>{0xab, 0xcd});
  EXPECT_EQ(AddAssociationText(wallet),
            "- Link address to inbox\n  (Address: 0x4567890abcdef1234567890abcdef12345678123)");
  EXPECT_EQ(AddAssociationText(inst), "- Grant messaging access to app\n  (ID: 010203)");
  EXPECT_EQ(AddAssociationText(passkey), "- Link passkey to inbox\n  (Passkey: abcd)");
  EXPECT_EQ(RevokeAssociationText(wallet),
            "- Unlink address from inbox\n  (Address: 0x4567890abcdef1234567890abcdef12345678123)");
  EXPECT_EQ(RevokeAssociationText(inst), "- Revoke messaging access from app\n  (ID: 010203)");
  EXPECT_EQ(RevokeAssociationText(passkey), "- Unlink passkey from inbox\n  (Passkey: abcd)");
  EXPECT_EQ(ChangeRecoveryText(wallet),
            "- Change inbox recovery address\n  (Address: "
            "0x4567890abcdef1234567890abcdef12345678123)");
  EXPECT_EQ(CreateInboxText(wallet),
            "- Create inbox\n  (Owner: 0x4567890abcdef1234567890abcdef12345678123)");
}

TEST(SignatureTextTest, RejectsUnsetAction) {
  pb::IdentityUpdate update;
  update.set_inbox_id(kInboxId);
  update.add_actions();
  auto text = SignatureText(update);
  ASSERT_FALSE(text.ok());
  EXPECT_TRUE(text.error().IsValidation());
  EXPECT_NE(text.error().message().find("identity_update.actions[0]"), std::string::npos)
      << text.error().message();
}

}  // namespace
}  // namespace xs::xmtp::identity
