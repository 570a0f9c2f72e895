// Typed MLS / XMTP extension contents: wire layout and round trips.
#include "mls/messages/extensions.h"

#include <gtest/gtest.h>

#include "mls/messages/serialize.h"

namespace xs::mls {
namespace {

TEST(MlsExtensions, ImmutableMetadataHasTwoLengthPrefixes) {
  const Bytes proto = {0x08, 0x01};
  const Extension ext = MakeImmutableMetadataExtension(proto);
  // f000 | varint(3) | varint(2) | proto
  EXPECT_EQ(Serialize(ext), (Bytes{0xF0, 0x00, 0x03, 0x02, 0x08, 0x01}));
  auto back = ParseImmutableMetadataExtension(ext);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, proto);
}

TEST(MlsExtensions, ApplicationIdAndLastResort) {
  const Bytes inbox = {'a', 'b', 'c'};
  const Extension ext = MakeApplicationIdExtension(inbox);
  EXPECT_EQ(ext.extension_data, (Bytes{3, 'a', 'b', 'c'}));
  EXPECT_EQ(*ParseApplicationIdExtension(ext), inbox);
  EXPECT_FALSE(ParseApplicationIdExtension(MakeLastResortExtension()).ok());
  EXPECT_TRUE(MakeLastResortExtension().extension_data.empty());
}

TEST(MlsExtensions, RequiredCapabilitiesRoundTrip) {
  const RequiredCapabilities caps{{0xFF01, 0xFF00, 0xFF02, 0xF000, 0x000A, 0x0001}, {7}, {1}};
  const Extension ext = MakeRequiredCapabilitiesExtension(caps);
  auto back = ParseRequiredCapabilitiesExtension(ext);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, caps);
  const std::vector<Extension> list = {MakeLastResortExtension(), ext};
  ASSERT_NE(FindExtension(list, kExtensionRequiredCapabilities), nullptr);
  EXPECT_EQ(FindExtension(list, kExtensionExternalPub), nullptr);
}

TEST(MlsExtensions, RatchetTreeRoundTrip) {
  ParentNode parent{Bytes(32, 1), {}, {2}};
  LeafNode leaf;
  leaf.encryption_key = Bytes(32, 2);
  leaf.signature_key = Bytes(32, 3);
  leaf.source = LeafNodeSource::kCommit;
  leaf.parent_hash = Bytes(32, 4);
  const RatchetTree tree = {Node{leaf}, Node{parent}, std::nullopt};
  auto back = ParseRatchetTreeExtension(MakeRatchetTreeExtension(tree));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, tree);
}

}  // namespace
}  // namespace xs::mls
