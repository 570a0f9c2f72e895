#include "signet/store/id_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace xs::signet {
namespace {

TEST(IdCacheTest, AnswersBothWaysPerType) {
  IdCache cache(8);
  cache.Put("message", "n1", "msg_1");
  EXPECT_EQ(*cache.LocalId("message", "n1"), "msg_1");
  EXPECT_EQ(*cache.NetworkId("message", "msg_1"), "n1");
  EXPECT_FALSE(cache.LocalId("conversation", "n1"));
  EXPECT_FALSE(cache.NetworkId("message", "n1"));
}

// As INSERT OR REPLACE on (type, network id) with a unique local id.
TEST(IdCacheTest, PutReplacesEitherSide) {
  IdCache cache(8);
  cache.Put("message", "n1", "msg_1");
  cache.Put("message", "n1", "msg_2");
  EXPECT_EQ(*cache.LocalId("message", "n1"), "msg_2");
  EXPECT_FALSE(cache.NetworkId("message", "msg_1"));
  cache.Put("message", "n2", "msg_2");
  EXPECT_FALSE(cache.LocalId("message", "n1"));
  EXPECT_EQ(*cache.NetworkId("message", "msg_2"), "n2");
  EXPECT_EQ(cache.size(), 1u);
}

TEST(IdCacheTest, RemoveByEitherId) {
  IdCache cache(8);
  cache.Put("message", "n1", "msg_1");
  cache.Put("message", "n2", "msg_2");
  cache.Remove("message", "msg_1");
  cache.Remove("message", "n2");
  EXPECT_FALSE(cache.LocalId("message", "n1"));
  EXPECT_FALSE(cache.NetworkId("message", "msg_2"));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(IdCacheTest, EvictsTheLeastRecentlyUsedBeyondCapacity) {
  IdCache cache(3);
  for (int i = 0; i < 3; ++i) {
    cache.Put("message", "n" + std::to_string(i), "msg_" + std::to_string(i));
  }
  EXPECT_TRUE(cache.LocalId("message", "n0"));  // n1 is now the oldest use
  cache.Put("message", "n3", "msg_3");
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.LocalId("message", "n1"));
  EXPECT_FALSE(cache.NetworkId("message", "msg_1"));
  EXPECT_TRUE(cache.LocalId("message", "n0"));
  EXPECT_TRUE(cache.NetworkId("message", "msg_3"));
}

}  // namespace
}  // namespace xs::signet
