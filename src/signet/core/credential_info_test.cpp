// credential.lookup as a credential's own tool (MCP `credential_info`,
// decisions.md #22): with no credentialId it shows the caller itself; it may
// name only itself (full or short id), anything else is not_found without
// leaking whether the id exists. The admin form is unchanged.
#include <gtest/gtest.h>

#include "base/testing/fake_clock.h"
#include "signet/core/runtime.h"
#include "signet/testing/fake_network.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

class CredentialInfoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RuntimeOptions o;
    o.data_dir = dir_.path() + "/data";
    o.clock = &clock_;
    o.network = std::make_shared<FakeXmtpNetwork>();
    auto rt = Runtime::Init(o);
    ASSERT_TRUE(rt.ok()) << rt.error().ToString();
    rt_ = std::move(rt).value();
    admin_.admin_key_fingerprint = rt_->admin_fingerprint();
    mine_ = Issue("one");
    theirs_ = Issue("two");
    cred_.caller = CallContext::Caller::kCredential;
    cred_.credential_id = mine_;
  }
  std::string Issue(const std::string& label) {
    auto op = rt_->Call("operator.create", {{"label", label}}, admin_);
    EXPECT_TRUE(op.ok());
    auto issued = rt_->Call("credential.issue",
                            {{"operatorId", op.ok() ? op->value("id", "") : ""},
                             {"chatIds", {"conv_00000000000000c1"}},
                             {"allow", {"send", "read-messages"}}},
                            admin_);
    EXPECT_TRUE(issued.ok()) << issued.error().ToString();
    return issued.ok() ? (*issued)["credential"].value("id", "") : "";
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Runtime> rt_;
  CallContext admin_, cred_;
  std::string mine_, theirs_;
};

TEST_F(CredentialInfoTest, IsTheCredentialInfoToolWithAnOptionalId) {
  const ActionSpec* spec = rt_->registry().Find("credential.lookup");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->tool_name, "credential_info");
  EXPECT_FALSE(spec->admin_only);
  Json schema = InputSchema(*spec);
  EXPECT_EQ(schema["properties"]["credentialId"]["type"], "string");
  EXPECT_FALSE(schema["properties"]["credentialId"].value("description", "").empty());
  EXPECT_FALSE(schema.contains("required"));
}

TEST_F(CredentialInfoTest, DefaultsToTheCallerAndNamesOnlyItself) {
  auto own = rt_->Call("credential.lookup", Json::object(), cred_);
  ASSERT_TRUE(own.ok()) << own.error().ToString();
  EXPECT_EQ(own->value("id", ""), mine_);
  EXPECT_EQ(own->value("status", ""), "active");
  EXPECT_TRUE(own->contains("contentTypeAllowlist"));
  EXPECT_FALSE(own->contains("token"));
  EXPECT_EQ(*rt_->Call("credential.lookup", {{"credentialId", mine_}}, cred_), *own);
  // A short id resolves against its own id only: a prefix shared with
  // another credential ("cred_") is not an ambiguity listing both.
  EXPECT_EQ(*rt_->Call("credential.lookup", {{"credentialId", mine_.substr(0, 12)}}, cred_), *own);
  for (const std::string& other : {theirs_, std::string("cred_0000000000000000"),
                                   theirs_.substr(0, 12), std::string("cred_")}) {
    auto r = rt_->Call("credential.lookup", {{"credentialId", other}}, cred_);
    ASSERT_FALSE(r.ok()) << other;
    EXPECT_TRUE(r.error().IsNotFound()) << other << ": " << r.error().ToString();
  }
  auto mistyped = rt_->Call("credential.lookup", {{"credentialId", 5}}, cred_);
  EXPECT_TRUE(mistyped.error().IsValidation());
}

TEST_F(CredentialInfoTest, TheAdminStillNamesTheCredential) {
  EXPECT_EQ(rt_->Call("credential.lookup", {{"credentialId", theirs_}}, admin_)->value("id", ""),
            theirs_);
  auto unnamed = rt_->Call("credential.lookup", Json::object(), admin_);
  ASSERT_FALSE(unnamed.ok());
  EXPECT_TRUE(unnamed.error().IsValidation());
}

}  // namespace
}  // namespace xs::signet
