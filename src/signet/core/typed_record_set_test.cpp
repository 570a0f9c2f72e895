#include "signet/core/typed_record_set.h"

#include <gtest/gtest.h>

#include "signet/core/records.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

using testing::TempDir;

class TypedRecordSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s =
        Store::Open(dir_.path() + "/s.db", crypto::Secret::Copy(std::vector<std::uint8_t>(32, 7)));
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(s).value();
  }
  static PolicyRecord Policy(const char* id, const char* label) {
    PolicyRecord p;
    p.id = id;
    p.label = label;
    p.allow = {"send"};
    p.created_at = p.updated_at = "2026-01-02T03:04:05.678Z";
    return p;
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(TypedRecordSetTest, PutPersistsTheJsonFormAndResolvesLabels) {
  TypedRecordSet<PolicyRecord> set(store_.get());
  ASSERT_TRUE(set.Load().ok());
  PolicyRecord p = Policy("policy_00000000000000a1", "basic");
  ASSERT_TRUE(set.Put(p).ok());
  EXPECT_EQ(set.Resolve("basic").value(), p.id);
  TypedRecordSet<PolicyRecord> reopened(store_.get());
  ASSERT_TRUE(reopened.Load().ok());
  EXPECT_EQ(reopened.Get(p.id).value(), p);
  EXPECT_EQ(reopened.AllJson(), Json::array({p.ToJson()}));
  EXPECT_TRUE(reopened.Get("policy_00000000000000ff").error().IsNotFound());
}

TEST_F(TypedRecordSetTest, LoadRejectsAMalformedStoredRecordNamingIt) {
  Json bad = Policy("policy_00000000000000b2", "x").ToJson();
  bad["config"]["allow"] = {"fly"};
  ASSERT_TRUE(store_->Put("policy", "policy_00000000000000b2", bad).ok());
  TypedRecordSet<PolicyRecord> set(store_.get());
  Status st = set.Load();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message().find("policy_00000000000000b2"), std::string::npos)
      << st.error().ToString();
  EXPECT_NE(st.error().message().find("config.allow"), std::string::npos) << st.error().ToString();
}

TEST_F(TypedRecordSetTest, LoadRejectsARecordWhoseIdIsNotAString) {
  Json bad = Policy("policy_00000000000000b3", "x").ToJson();
  bad["id"] = 7;
  ASSERT_TRUE(store_->Put("policy", "policy_00000000000000b3", bad).ok());
  TypedRecordSet<PolicyRecord> set(store_.get());
  Status st = set.Load();  // an error, not a nlohmann exception
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.error().IsValidation()) << st.error().ToString();
  EXPECT_NE(st.error().message().find("(no id)"), std::string::npos) << st.error().ToString();
}

TEST_F(TypedRecordSetTest, LoadAfterRollbackDropsUncommittedRecords) {
  TypedRecordSet<PolicyRecord> set(store_.get());
  ASSERT_TRUE(set.Load().ok());
  PolicyRecord p = Policy("policy_00000000000000c3", "gone");
  Status st = store_->Transaction([&]() -> Status {
    XS_RETURN_IF_ERROR(set.Put(p));
    return Error::Internal("abort");
  });
  ASSERT_FALSE(st.ok());
  ASSERT_NE(set.Find(p.id), nullptr);  // cached before the rollback
  ASSERT_TRUE(set.Load().ok());
  EXPECT_EQ(set.Find(p.id), nullptr);
  EXPECT_FALSE(set.Resolve("gone").ok());
}

}  // namespace
}  // namespace xs::signet
