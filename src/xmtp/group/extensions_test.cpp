#include "xmtp/group/extensions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "codec/hex.h"
#include "codec/tls_reader.h"
#include "codec/tls_writer.h"
#include "mls/messages/limits.h"
#include "xmtp/group/constants.h"
#include "xmtp/group/group_error.h"

namespace xs::xmtp::group {
namespace {

Bytes TlsEncode(const std::vector<mls::Extension>& list) {
  codec::TlsWriter w;
  mls::Encode(w, list);
  return Bytes(w.bytes().begin(), w.bytes().end());
}

std::vector<mls::Extension> TlsDecode(const Bytes& bytes) {
  codec::TlsReader r(bytes);
  std::vector<mls::Extension> out;
  EXPECT_TRUE(mls::Decode(r, out).ok());
  return out;
}

GroupExtensions SampleGroup() {
  GroupExtensions group = NewGroup("creator", DefaultPolicies(), {{std::string(kGroupName), "n"}});
  group.mutable_metadata.admins = {"admin1"};
  group.membership.members["member"] = 9;
  group.membership.failed_installations = {Bytes{1, 2, 3}};
  return group;
}

TEST(GroupExtensionsTest, RoundTripThroughMlsExtensionBytes) {
  GroupExtensions group = SampleGroup();
  std::vector<mls::Extension> built = BuildGroupContextExtensions(group);
  auto parsed = ParseGroupContextExtensions(TlsDecode(TlsEncode(built)));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, group);
}

TEST(GroupExtensionsTest, DmRoundTrip) {
  GroupExtensions dm = NewDm("alice", "bob");
  auto parsed = ParseGroupContextExtensions(TlsDecode(TlsEncode(BuildGroupContextExtensions(dm))));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, dm);
  ASSERT_TRUE(parsed->metadata.dm_members.has_value());
  EXPECT_EQ(parsed->metadata.dm_members->member_one, "alice");
  EXPECT_EQ(parsed->metadata.dm_members->member_two, "bob");
}

TEST(GroupExtensionsTest, OrderIsLibxmtpsWithRequiredCapabilitiesLast) {
  std::vector<mls::Extension> built = BuildGroupContextExtensions(SampleGroup());
  ASSERT_EQ(built.size(), 5u);
  EXPECT_EQ(built[0].extension_type, 0xF000);
  EXPECT_EQ(built[1].extension_type, 0xFF00);
  EXPECT_EQ(built[2].extension_type, 0xFF01);
  EXPECT_EQ(built[3].extension_type, 0xFF02);
  EXPECT_EQ(built[4].extension_type, 0x0003);
}

// Profile §2.3: f000 | varint(L + len(varint(L))) | varint(L) | protobuf.
TEST(GroupExtensionsTest, ImmutableMetadataHasTwoLengthPrefixes) {
  GroupExtensions group = NewGroup("abc", DefaultPolicies());
  std::vector<mls::Extension> built = BuildGroupContextExtensions(group);
  Bytes wire = TlsEncode({built[0]});
  // GroupMetadataV1{conversation_type: 1, creator_inbox_id: "abc"} = 08 01 1a 03 616263.
  // Vector header (1 byte: 11), type f000, outer length 08, inner length 07.
  EXPECT_EQ(codec::HexEncode(wire),
            "0b"
            "f000"
            "08"
            "07"
            "0801"
            "1a03616263");
}

TEST(GroupExtensionsTest, ImmutableMetadataLongerThan63BytesUsesTwoByteVarints) {
  std::string creator(64, 'a');
  std::vector<mls::Extension> built = BuildGroupContextExtensions(NewGroup(creator, {}));
  // protobuf = 08 01 1a 40 <64 bytes> = 68 bytes; inner varint 4044, outer 68+2 = 70 -> 4046.
  const Bytes& data = built[0].extension_data;
  ASSERT_GE(data.size(), 4u);
  EXPECT_EQ(data[0], 0x40);
  EXPECT_EQ(data[1], 0x44);
  EXPECT_EQ(data.size(), 70u);
  codec::TlsWriter w;
  mls::Encode(w, built[0]);
  std::string hex = codec::HexEncode(w.bytes());
  EXPECT_EQ(hex.substr(0, 12),
            "f000"
            "4046"
            "4044");
}

TEST(GroupExtensionsTest, ParseToleratesAnyExtensionOrder) {
  GroupExtensions group = SampleGroup();
  std::vector<mls::Extension> built = BuildGroupContextExtensions(group);
  std::reverse(built.begin(), built.end());
  auto parsed = ParseGroupContextExtensions(built);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, group);
}

TEST(GroupExtensionsTest, ParseToleratesAnyMapOrder) {
  GroupExtensions group = SampleGroup();
  std::vector<mls::Extension> built = BuildGroupContextExtensions(group);
  // GroupMembership with "b" -> 5 written before "a" -> 7 (prost writes hash order).
  auto membership_bytes = codec::HexDecode(
      "0a050a0162"
      "1005"
      "0a050a0161"
      "1007");
  ASSERT_TRUE(membership_bytes.ok());
  built[2].extension_data = *membership_bytes;
  // GroupMutableMetadataV1 with attributes "z" before "a", both lists present.
  auto mutable_bytes = codec::HexDecode(
      "0a060a017a120131"
      "0a060a0161120132"
      "1200"
      "1a030a0178");
  ASSERT_TRUE(mutable_bytes.ok());
  built[1].extension_data = *mutable_bytes;
  auto parsed = ParseGroupContextExtensions(built);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->membership.members.at("a"), 7u);
  EXPECT_EQ(parsed->membership.members.at("b"), 5u);
  EXPECT_EQ(parsed->mutable_metadata.attributes.at("z"), "1");
  EXPECT_EQ(parsed->mutable_metadata.attributes.at("a"), "2");
  EXPECT_EQ(parsed->mutable_metadata.super_admins, std::vector<std::string>{"x"});
  // Our encoding is deterministic: keys sorted.
  EXPECT_EQ(codec::HexEncode(EncodeMembership(parsed->membership)),
            "0a050a01611007"
            "0a050a01621005");
}

TEST(GroupExtensionsTest, MissingExtensionIsTyped) {
  std::vector<mls::Extension> built = BuildGroupContextExtensions(SampleGroup());
  for (std::uint16_t type : {0xF000, 0xFF00, 0xFF01, 0xFF02}) {
    std::vector<mls::Extension> list;
    for (const mls::Extension& e : built) {
      if (e.extension_type != type) list.push_back(e);
    }
    auto parsed = ParseGroupContextExtensions(list);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(GroupRuleErrorOf(parsed.error()), GroupRuleError::kMissingExtension) << type;
  }
}

TEST(GroupExtensionsTest, DuplicateExtensionIsMalformed) {
  std::vector<mls::Extension> built = BuildGroupContextExtensions(SampleGroup());
  built.push_back(built[1]);
  auto parsed = ParseGroupContextExtensions(built);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(GroupRuleErrorOf(parsed.error()), GroupRuleError::kMalformedExtension);
}

TEST(GroupExtensionsTest, GarbageBytesAreMalformed) {
  for (std::size_t index : {0u, 1u, 2u, 3u}) {
    std::vector<mls::Extension> built = BuildGroupContextExtensions(SampleGroup());
    built[index].extension_data = Bytes{0xFF, 0xFF, 0xFF};
    auto parsed = ParseGroupContextExtensions(built);
    ASSERT_FALSE(parsed.ok()) << index;
    EXPECT_TRUE(parsed.error().IsValidation());
    EXPECT_EQ(GroupRuleErrorOf(parsed.error()), GroupRuleError::kMalformedExtension) << index;
  }
}

TEST(GroupExtensionsTest, MutableMetadataWithoutSuperAdminListIsRejected) {
  // attributes {} and admin_list present, super_admin_list absent.
  auto parsed = DecodeMutableMetadata(std::string("\x12\x00", 2));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(GroupRuleErrorOf(parsed.error()), GroupRuleError::kMalformedExtension);
  auto both = DecodeMutableMetadata(std::string("\x12\x00\x1a\x00", 4));
  EXPECT_TRUE(both.ok());
}

TEST(GroupExtensionsTest, ConversationTypeOutsideOneToFourIsRejected) {
  EXPECT_FALSE(DecodeGroupMetadata(std::string("\x08\x00", 2)).ok());
  EXPECT_FALSE(DecodeGroupMetadata(std::string("\x08\x05", 2)).ok());
  EXPECT_FALSE(DecodeGroupMetadata(std::string()).ok());
  auto sync = DecodeGroupMetadata(std::string("\x08\x03", 2));
  ASSERT_TRUE(sync.ok());
  EXPECT_EQ(sync->conversation_type, ConversationType::kSync);
}

TEST(GroupExtensionsTest, DmMembersMissingAMemberIsRejected) {
  // conversation_type DM, dm_members { dm_member_one { inbox_id "a" } }.
  auto parsed = DecodeGroupMetadata(std::string("\x08\x02\x22\x05\x0a\x03\x0a\x01\x61", 9));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(GroupRuleErrorOf(parsed.error()), GroupRuleError::kMalformedExtension);
}

TEST(GroupExtensionsTest, OneshotMessageBytesSurviveARoundTrip) {
  GroupMetadata metadata{ConversationType::kOneshot, "c", std::nullopt, Bytes{0x0a, 0x00}};
  auto parsed = DecodeGroupMetadata(EncodeGroupMetadata(metadata));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, metadata);
}

TEST(GroupExtensionsTest, NewGroupMakesTheCreatorTheOnlySuperAdminAndMember) {
  GroupExtensions group = NewGroup("creator", AdminOnlyPolicies(), {{"group_name", "Team"}});
  EXPECT_EQ(group.metadata.conversation_type, ConversationType::kGroup);
  EXPECT_EQ(group.metadata.creator_inbox_id, "creator");
  EXPECT_FALSE(group.metadata.dm_members.has_value());
  EXPECT_EQ(group.mutable_metadata.super_admins, std::vector<std::string>{"creator"});
  EXPECT_TRUE(group.mutable_metadata.admins.empty());
  EXPECT_EQ(group.membership.members, (std::map<std::string, std::uint64_t>{{"creator", 0}}));
  EXPECT_EQ(group.mutable_metadata.attributes,
            (std::map<std::string, std::string>{{"group_name", "Team"},
                                                {"description", ""},
                                                {"group_image_url_square", ""},
                                                {"app_data", ""}}));
  EXPECT_EQ(group.policies, AdminOnlyPolicies());
}

TEST(GroupExtensionsTest, NewDmHasNoAdminsAndDmPolicies) {
  GroupExtensions dm = NewDm("alice", "bob");
  EXPECT_EQ(dm.metadata.conversation_type, ConversationType::kDm);
  EXPECT_TRUE(dm.mutable_metadata.admins.empty());
  EXPECT_TRUE(dm.mutable_metadata.super_admins.empty());
  EXPECT_EQ(dm.mutable_metadata.attributes.count("app_data"), 0u);
  EXPECT_EQ(dm.mutable_metadata.attributes.at("group_name"), "");
  EXPECT_EQ(dm.policies, DmPolicies());
  EXPECT_EQ(dm.membership.members, (std::map<std::string, std::uint64_t>{{"alice", 0}}));
}

TEST(GroupExtensionsTest, DmIdSortsAndLowercases) {
  EXPECT_EQ(DmId("bb", "aa"), "dm:aa:bb");
  EXPECT_EQ(DmId("aa", "bb"), "dm:aa:bb");
  EXPECT_EQ(DmId("AB", "ac"), "dm:ab:ac");
}

TEST(GroupExtensionsTest, RoleOfReadsTheAdminLists) {
  GroupExtensions group = SampleGroup();
  EXPECT_EQ(RoleOf(group, "creator"), Role::kSuperAdmin);
  EXPECT_EQ(RoleOf(group, "admin1"), Role::kAdmin);
  EXPECT_EQ(RoleOf(group, "member"), Role::kMember);
  EXPECT_EQ(RoleOf(group, "stranger"), Role::kMember);
}

TEST(GroupExtensionsTest, AttributeLimits) {
  EXPECT_TRUE(CheckAttributeLength(kGroupName, std::string(kMaxGroupNameBytes, 'x')).ok());
  auto too_long = CheckAttributeLength(kGroupName, std::string(kMaxGroupNameBytes + 1, 'x'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(GroupRuleErrorOf(too_long.error()), GroupRuleError::kMetadataTooLong);
  EXPECT_FALSE(CheckAttributeLength(kDescription, std::string(1001, 'x')).ok());
  EXPECT_FALSE(CheckAttributeLength(kImageUrl, std::string(2049, 'x')).ok());
  EXPECT_FALSE(CheckAttributeLength(kAppData, std::string(8193, 'x')).ok());
  EXPECT_TRUE(CheckAttributeLength(kAppData, std::string(8192, 'x')).ok());
  EXPECT_TRUE(CheckAttributeLength("custom", std::string(10000, 'x')).ok());
  MutableMetadata metadata;
  metadata.attributes[std::string(kDescription)] = std::string(1001, 'x');
  EXPECT_FALSE(CheckMetadataLimits(metadata).ok());
}

TEST(GroupExtensionsTest, GroupSizeLimit) {
  Membership membership;
  for (std::size_t i = 0; i < kMaxGroupSizeCount; ++i) {
    membership.members["inbox" + std::to_string(i)] = 1;
  }
  EXPECT_TRUE(CheckGroupSize(membership).ok());
  membership.members["one_more"] = 1;
  auto too_large = CheckGroupSize(membership);
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(GroupRuleErrorOf(too_large.error()), GroupRuleError::kGroupTooLarge);
}

}  // namespace
}  // namespace xs::xmtp::group
