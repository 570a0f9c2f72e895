// Randomized round trips of the group-context extensions, and random
// corruptions of their bytes (which must fail with a typed error, never
// crash; this test also runs under ASan/UBSan).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "base/testing/seed.h"
#include "xmtp/group/extensions.h"
#include "xmtp/group/group_error.h"

namespace xs::xmtp::group {
namespace {

class RandomGroups {
 public:
  explicit RandomGroups(std::uint32_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::string Text(int max_len) {
    std::string s(static_cast<std::size_t>(Uniform(0, max_len)), 'a');
    for (char& c : s) c = static_cast<char>(Uniform('0', 'z'));
    return s;
  }

  template <typename Base>
  Policy<Base> RandomPolicy(int max_base, int depth) {
    int kind = depth >= 3 ? 0 : Uniform(0, 2);
    if (kind == 0) return Policy<Base>::Of(static_cast<Base>(Uniform(1, max_base)));
    std::vector<Policy<Base>> children;
    for (int i = Uniform(1, 3); i > 0; --i)
      children.push_back(RandomPolicy<Base>(max_base, depth + 1));
    return kind == 1 ? Policy<Base>::And(std::move(children))
                     : Policy<Base>::Any(std::move(children));
  }

  GroupExtensions Group() {
    GroupExtensions g;
    g.metadata.conversation_type = static_cast<ConversationType>(Uniform(1, 4));
    g.metadata.creator_inbox_id = Text(64);
    if (Uniform(0, 1) == 1) g.metadata.dm_members = DmMembers{Text(64), Text(64)};
    if (Uniform(0, 3) == 0) g.metadata.oneshot_message = Bytes(Uniform(0, 20), 0x42);
    for (int i = Uniform(0, 6); i > 0; --i) g.mutable_metadata.attributes[Text(20)] = Text(100);
    for (int i = Uniform(0, 3); i > 0; --i) g.mutable_metadata.admins.push_back(Text(64));
    for (int i = Uniform(0, 3); i > 0; --i) g.mutable_metadata.super_admins.push_back(Text(64));
    for (int i = Uniform(0, 8); i > 0; --i) {
      g.membership.members[Text(64)] = static_cast<std::uint64_t>(Uniform(0, 1 << 30));
    }
    for (int i = Uniform(0, 3); i > 0; --i) {
      g.membership.failed_installations.emplace_back(32, static_cast<std::uint8_t>(i));
    }
    PolicySet& p = g.policies;
    p.add_member_policy = RandomPolicy<MembershipBase>(4, 0);
    p.remove_member_policy = RandomPolicy<MembershipBase>(4, 0);
    for (int i = Uniform(0, 8); i > 0; --i) {
      p.update_metadata_policy[Text(20)] = RandomPolicy<MetadataBase>(4, 0);
    }
    p.add_admin_policy = RandomPolicy<PermissionsBase>(3, 0);
    p.remove_admin_policy = RandomPolicy<PermissionsBase>(3, 0);
    p.update_permissions_policy = RandomPolicy<PermissionsBase>(3, 0);
    return g;
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

TEST(GroupExtensionsRandomTest, RoundTrips) {
  const std::uint32_t seed = ::xs::testing::TestSeed();
  XS_TRACE_SEED(seed);
  RandomGroups random(seed);
  for (int i = 0; i < 300; ++i) {
    GroupExtensions group = random.Group();
    auto parsed = ParseGroupContextExtensions(BuildGroupContextExtensions(group));
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    ASSERT_EQ(*parsed, group);
  }
}

TEST(GroupExtensionsRandomTest, CorruptedBytesFailWithATypedError) {
  const std::uint32_t seed = ::xs::testing::TestSeed();
  XS_TRACE_SEED(seed);
  RandomGroups random(seed);
  for (int i = 0; i < 2000; ++i) {
    std::vector<mls::Extension> list = BuildGroupContextExtensions(random.Group());
    Bytes& data = list[static_cast<std::size_t>(random.Uniform(0, 3))].extension_data;
    if (data.empty()) continue;
    switch (random.Uniform(0, 2)) {
      case 0:  // flip bytes
        for (int n = random.Uniform(1, 4); n > 0; --n) {
          data[static_cast<std::size_t>(random.Uniform(0, static_cast<int>(data.size()) - 1))] ^=
              static_cast<std::uint8_t>(random.Uniform(1, 255));
        }
        break;
      case 1:  // truncate
        data.resize(static_cast<std::size_t>(random.Uniform(0, static_cast<int>(data.size()) - 1)));
        break;
      default:  // append garbage
        for (int n = random.Uniform(1, 8); n > 0; --n) {
          data.push_back(static_cast<std::uint8_t>(random.Uniform(0, 255)));
        }
    }
    auto parsed = ParseGroupContextExtensions(list);
    if (!parsed.ok()) {
      ASSERT_TRUE(GroupRuleErrorOf(parsed.error()).has_value()) << parsed.error().ToString();
      continue;
    }
    // Whatever decodes must encode and decode to the same value again.
    auto again = ParseGroupContextExtensions(BuildGroupContextExtensions(*parsed));
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    ASSERT_EQ(*again, *parsed);
  }
}

}  // namespace
}  // namespace xs::xmtp::group
