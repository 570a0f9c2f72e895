#include "base/error.h"

#include <gtest/gtest.h>

#include <utility>

namespace xs {
namespace {

TEST(ErrorTest, CategoryTableMatchesSpec) {
  struct Row {
    Category c;
    const char* name;
    int exit, http, rpc;
    bool retry;
  };
  const Row rows[] = {
      {Category::kValidation, "validation", 1, 400, -32602, false},
      {Category::kNotFound, "not_found", 2, 404, -32007, false},
      {Category::kPermission, "permission", 4, 403, -32003, false},
      {Category::kAuth, "auth", 9, 401, -32000, false},
      {Category::kInternal, "internal", 8, 500, -32603, false},
      {Category::kTimeout, "timeout", 5, 504, -32001, true},
      {Category::kCancelled, "cancelled", 130, 499, -32006, false},
      {Category::kNetwork, "network", 6, 503, -32002, true},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(CategoryName(r.c), r.name);
    EXPECT_EQ(ExitCode(r.c), r.exit) << r.name;
    EXPECT_EQ(HttpStatus(r.c), r.http) << r.name;
    EXPECT_EQ(JsonRpcCode(r.c), r.rpc) << r.name;
    EXPECT_EQ(IsRetryable(r.c), r.retry) << r.name;
    Category parsed{};
    ASSERT_TRUE(ParseCategory(r.name, &parsed));
    EXPECT_EQ(parsed, r.c);
  }
  Category ignored{};
  EXPECT_FALSE(ParseCategory("bogus", &ignored));
}

TEST(ErrorTest, NamedConstructorsCarryTagsAndCodes) {
  EXPECT_EQ(Error::Validation("ttl", "must be positive").code(), 1000);
  EXPECT_EQ(Error::Validation("ttl", "must be positive").message(),
            "Validation failed on 'ttl': must be positive");
  EXPECT_EQ(Error::Validation("ttl", "x").context_json(), R"({"field":"ttl","reason":"x"})");
  EXPECT_EQ(Error::Seal("seal_1", "bad").code(), 1010);
  EXPECT_TRUE(Error::Seal("seal_1", "bad").IsValidation());
  EXPECT_EQ(Error::NotFound("x").tag(), "NotFoundError");
  EXPECT_EQ(Error::Permission("x").code(), 1200);
  EXPECT_EQ(Error::Auth("x").code(), 1300);
  EXPECT_EQ(Error::CredentialExpired("cred_1").code(), 1310);
  EXPECT_TRUE(Error::CredentialExpired("cred_1").IsAuth());
  EXPECT_EQ(Error::Internal("x").code(), 1400);
  EXPECT_EQ(Error::Timeout("x").code(), 1500);
  EXPECT_EQ(Error::Cancelled("x").code(), 1600);
  EXPECT_EQ(Error::Network("127.0.0.1:5556", "down").code(), 1700);
  EXPECT_EQ(Error::Network("127.0.0.1:5556", "down").context_json(),
            R"({"endpoint":"127.0.0.1:5556"})");
}

TEST(ErrorTest, ContextEscapesJson) {
  Error e = Error::Validation("f\"x", "line\nbreak");
  EXPECT_EQ(e.context_json(), R"({"field":"f\"x","reason":"line\nbreak"})");
}

TEST(ErrorTest, WithinPrefixesMessage) {
  Error e = Error::NotFound("no such inbox").Within("identity");
  EXPECT_EQ(e.message(), "identity: no such inbox");
  EXPECT_EQ(e.ToString(), "NotFoundError (1100, not_found): identity: no such inbox");
}

TEST(ErrorTest, NamedConstructorsCarryNoKind) {
  EXPECT_EQ(Error::Validation("mls.tree.blank_leaf", "x").kind(), "");
  EXPECT_EQ(Error::NotFound("x").kind(), "");
  EXPECT_EQ(Error::Internal("x").kind(), "");
}

TEST(ErrorTest, KindIsDataKeptByEveryTransformation) {
  Error e = Error::Validation("field", "reason").WithKind("layer.thing.broken");
  EXPECT_EQ(e.kind(), "layer.thing.broken");

  Error within = Error(e).Within("outer").Within("outermost");
  EXPECT_EQ(within.kind(), "layer.thing.broken");
  EXPECT_EQ(within.message(), "outermost: outer: Validation failed on 'field': reason");
  EXPECT_EQ(within.code(), 1000);
  EXPECT_EQ(within.context_json(), e.context_json());

  Error with_context = Error(e).WithContext(R"({"a":"b"})");
  EXPECT_EQ(with_context.kind(), "layer.thing.broken");
  EXPECT_EQ(with_context.context_json(), R"({"a":"b"})");

  Error moved = std::move(with_context);
  EXPECT_EQ(moved.kind(), "layer.thing.broken");
  EXPECT_EQ(Error(e).WithKind("").kind(), "");
}

TEST(ErrorTest, KindStaysOutOfTheWireForm) {
  const Error plain = Error::Validation("field", "reason");
  const Error kinded = Error::Validation("field", "reason").WithKind("layer.thing.broken");
  EXPECT_EQ(kinded.ToString(), plain.ToString());
  EXPECT_EQ(kinded.message(), plain.message());
  EXPECT_EQ(kinded.context_json(), plain.context_json());
}

}  // namespace
}  // namespace xs
