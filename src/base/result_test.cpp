#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace xs {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Error::Validation("x", "odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  XS_TRY(int h, Half(x));
  XS_TRY(int q, Half(h));
  return q;
}

Status CheckPositive(int x) {
  if (x <= 0) return Error::Validation("x", "not positive");
  return OkStatus();
}

Status Both(int x) {
  XS_RETURN_IF_ERROR(CheckPositive(x));
  XS_RETURN_IF_ERROR(Half(x));
  return OkStatus();
}

TEST(ResultTest, ValueAndError) {
  Result<int> ok = Half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  Result<int> bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().IsValidation());
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(ResultTest, TryPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_FALSE(Quarter(6).ok());
  EXPECT_TRUE(Both(4).ok());
  EXPECT_EQ(Both(-2).error().message(), "Validation failed on 'x': not positive");
  EXPECT_FALSE(Both(3).ok());
}

TEST(ResultTest, MoveOnlyValues) {
  auto make = []() -> Result<std::unique_ptr<int>> { return std::make_unique<int>(7); };
  Result<std::unique_ptr<int>> r = make();
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(ResultTest, ConvertingConstruction) {
  Result<std::string> r = "hello";
  EXPECT_EQ(*r, "hello");
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> bad = Half(1);
  EXPECT_DEATH((void)bad.value(), "");
}

}  // namespace
}  // namespace xs
