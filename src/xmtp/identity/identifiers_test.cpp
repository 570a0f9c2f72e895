#include "xmtp/identity/identifiers.h"

#include <gtest/gtest.h>

#include "xmtp/identity/inbox_id.h"

namespace xs::xmtp::identity {
namespace {

namespace pb = ::xmtp::identity::associations;

TEST(InboxIdTest, VerifiedExample) {
  // protocol.md §3.1, observed from the SDK.
  auto id = InboxIdForAddress("0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a", 1);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_EQ(*id, "45915bad9a857a62ceed43a7573d3eef87966c96961128c520dc1c5d6fa5d38b");
  // Case-insensitive input, same id.
  EXPECT_EQ(InboxIdForAddress("0x19E7E376E7C213B7E7E7E46CC70A5DD086DAFF2A", 1).value(), *id);
  EXPECT_NE(InboxIdForAddress("0x19e7e376e7c213b7e7e7e46cc70a5dd086daff2a", 0).value(), *id);
  EXPECT_TRUE(IsValidInboxId(*id));
  EXPECT_FALSE(IsValidInboxId("45915BAD9A857A62CEED43A7573D3EEF87966C96961128C520DC1C5D6FA5D38B"));
  EXPECT_FALSE(IsValidInboxId("abc"));
}

TEST(InboxIdTest, InstallationsHaveNoInbox) {
  std::vector<std::uint8_t> key(32, 7);
  EXPECT_FALSE(DeriveInboxId(MemberId::Installation(key), 1).ok());
}

TEST(IdentifiersTest, NormalizeEthereumAddress) {
  EXPECT_EQ(NormalizeEthereumAddress("0xABCDEF0123456789abcdef0123456789ABCDEF01").value(),
            "0xabcdef0123456789abcdef0123456789abcdef01");
  EXPECT_FALSE(NormalizeEthereumAddress("0xabc").ok());
  EXPECT_FALSE(NormalizeEthereumAddress("1xabcdef0123456789abcdef0123456789abcdef01").ok());
  EXPECT_FALSE(NormalizeEthereumAddress("0xabcdef0123456789abcdef0123456789abcdef0g").ok());
  EXPECT_FALSE(NormalizeEthereumAddress("0xabcdef0123456789abcdef0123456789abcdef011").ok());
}

TEST(IdentifiersTest, ProtoRoundTrip) {
  std::vector<std::uint8_t> key(32, 0xab);
  for (const MemberId& id :
       {MemberId::Ethereum("0xabcdef0123456789abcdef0123456789abcdef01"),
        MemberId::Installation(key), MemberId::Passkey(std::vector<std::uint8_t>(33, 2))}) {
    auto back = MemberIdFromProto(MemberIdToProto(id), "m");
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(*back, id);
  }
  EXPECT_EQ(MemberId::Installation(key).ToString(), [] {
    std::string s;
    for (int i = 0; i < 32; ++i) s += "ab";
    return s;
  }());
}

TEST(IdentifiersTest, RejectsMalformedProto) {
  pb::MemberIdentifier unset;
  auto r = MemberIdFromProto(unset, "x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("kind is not set"), std::string::npos);

  pb::MemberIdentifier upper;
  upper.set_ethereum_address("0xABCDEF0123456789abcdef0123456789abcdef01");
  EXPECT_FALSE(MemberIdFromProto(upper, "x").ok());

  pb::MemberIdentifier short_key;
  short_key.set_installation_public_key(std::string(31, 'k'));
  EXPECT_FALSE(MemberIdFromProto(short_key, "x").ok());

  EXPECT_FALSE(MemberIdFromIdentifier("zz", pb::IDENTIFIER_KIND_PASSKEY, "x").ok());
  EXPECT_FALSE(MemberIdFromIdentifier("0xabcdef0123456789abcdef0123456789abcdef01",
                                      static_cast<pb::IdentifierKind>(9), "x")
                   .ok());
  auto legacy = MemberIdFromIdentifier("0xabcdef0123456789abcdef0123456789abcdef01",
                                       pb::IDENTIFIER_KIND_UNSPECIFIED, "x");
  ASSERT_TRUE(legacy.ok());
  EXPECT_TRUE(legacy->is_ethereum());
}

}  // namespace
}  // namespace xs::xmtp::identity
