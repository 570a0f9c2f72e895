#include "signet/util/lookup.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace xs::signet {
namespace {

const std::vector<Candidate> kOps = {{"op_1a2b3c4d5e6f7a8b", "alice"},
                                     {"op_1a2bffffffffffff", "bob"},
                                     {"op_9999999999999999", "twin"},
                                     {"op_8888888888888888", "twin"}};

TEST(LookupTest, ShortIdsAndLabels) {
  EXPECT_EQ(*ResolveReference("op_", "operator", "op_1a2b3c4d5e6f7a8b", kOps),
            "op_1a2b3c4d5e6f7a8b");
  EXPECT_EQ(*ResolveReference("op_", "operator", "1a2b3", kOps), "op_1a2b3c4d5e6f7a8b");
  EXPECT_EQ(*ResolveReference("op_", "operator", "op_1a2bf", kOps), "op_1a2bffffffffffff");
  EXPECT_EQ(*ResolveReference("op_", "operator", "bob", kOps), "op_1a2bffffffffffff");
  EXPECT_TRUE(
      ResolveReference("op_", "operator", "op_0000000000000000", kOps).error().IsNotFound());
  EXPECT_TRUE(ResolveReference("op_", "operator", "carol", kOps).error().IsNotFound());
  EXPECT_TRUE(ResolveReference("op_", "operator", "", kOps).error().IsValidation());
}

TEST(LookupTest, AmbiguityListsCandidates) {
  auto r = ResolveReference("op_", "operator", "1a2b", kOps);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsValidation());
  auto ctx = nlohmann::json::parse(r.error().context_json());
  EXPECT_EQ(ctx["candidates"].size(), 2u);
  auto twin = ResolveReference("op_", "operator", "twin", kOps);
  ASSERT_FALSE(twin.ok());
  EXPECT_TRUE(twin.error().IsValidation());
  EXPECT_EQ(nlohmann::json::parse(twin.error().context_json())["candidates"].size(), 2u);
}

}  // namespace
}  // namespace xs::signet
