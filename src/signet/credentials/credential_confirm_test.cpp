// The credential's `confirm` list: validation, persistence (records written
// before it existed still load), idempotent issue and in-place updates.
#include <gtest/gtest.h>

#include "base/testing/fake_clock.h"
#include "signet/credentials/credential_manager.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

constexpr const char* kOp = "op_00000000000000a1";
constexpr const char* kChat = "conv_00000000000000c1";

TEST(CredentialConfirmTest, OnlySendSideScopesSortedOnce) {
  auto ok = ValidateConfirmScopes({"send", "react", "send", "attachment", "read-receipt", "reply"});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok,
            (std::vector<std::string>{"attachment", "react", "read-receipt", "reply", "send"}));
  EXPECT_TRUE(ValidateConfirmScopes({}).ok());
  for (const char* bad : {"read-messages", "invite", "forward-to-provider", "nope", ""}) {
    auto r = ValidateConfirmScopes({bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.error().IsValidation()) << bad;
  }
}

TEST(CredentialConfirmTest, OldRecordsWithoutConfirmLoad) {
  Credential c;
  c.id = "cred_00000000000000b1";
  c.confirm = {"send"};
  Json stored = CredentialToStored(c);
  EXPECT_EQ(stored["confirm"], Json({"send"}));
  EXPECT_EQ(CredentialFromStored(stored)->confirm, std::vector<std::string>{"send"});
  stored.erase("confirm");
  auto old = CredentialFromStored(stored);
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->confirm.empty());
  EXPECT_FALSE(old->NeedsConfirmation("send"));
  EXPECT_FALSE(CredentialToJson(*old).contains("confirm"));
}

class CredentialConfirmManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.path() + "/s.db", crypto::Secret::Random(32));
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    Reload();
  }
  void Reload() {
    mgr_ = std::make_unique<CredentialManager>(store_.get(), &clock_, CredentialOptions{});
    ASSERT_TRUE(mgr_->Load().ok());
    mgr_->AddListener([this](const CredentialEvent& e) { events_.push_back(e); });
  }
  IssueRequest Req(std::vector<std::string> confirm) {
    IssueRequest r;
    r.operator_id = kOp;
    r.chat_ids = {kChat};
    r.inline_scopes.allow = {"send", "react"};
    r.confirm = std::move(confirm);
    return r;
  }
  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<CredentialManager> mgr_;
  std::vector<CredentialEvent> events_;
};

TEST_F(CredentialConfirmManagerTest, IssuedConfirmListPersistsAndCountsForIdempotence) {
  auto held = mgr_->Issue(Req({"send", "send"}));
  ASSERT_TRUE(held.ok()) << held.error().ToString();
  EXPECT_EQ(held->credential.confirm, std::vector<std::string>{"send"});
  EXPECT_TRUE(held->credential.NeedsConfirmation("send"));
  EXPECT_FALSE(held->credential.NeedsConfirmation("react"));
  EXPECT_TRUE(mgr_->Issue(Req({"send"}))->reused);
  auto plain = mgr_->Issue(Req({}));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->reused);  // another confirm list: another credential
  EXPECT_NE(plain->credential.id, held->credential.id);
  EXPECT_TRUE(mgr_->Issue(Req({"invite"})).error().IsValidation());

  Reload();
  EXPECT_EQ(mgr_->Get(held->credential.id)->confirm, std::vector<std::string>{"send"});
  EXPECT_TRUE(mgr_->Get(plain->credential.id)->confirm.empty());
}

TEST_F(CredentialConfirmManagerTest, UpdatingTheListIsMaterialAndInPlace) {
  auto issued = mgr_->Issue(Req({}));
  ASSERT_TRUE(issued.ok());
  const std::string id = issued->credential.id;
  events_.clear();
  UpdateRequest req;
  req.confirm = std::vector<std::string>{"react", "send"};
  auto updated = mgr_->UpdateScopes(id, req);
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_TRUE(updated->updated);
  EXPECT_TRUE(updated->material);
  EXPECT_FALSE(updated->reauthorization_required);
  EXPECT_EQ(updated->credential.status, CredentialStatus::kActive);
  EXPECT_EQ(updated->credential.confirm, (std::vector<std::string>{"react", "send"}));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].type, CredentialEventType::kScopesUpdated);
  EXPECT_EQ(events_[0].reason, "confirm changed");

  auto same = mgr_->UpdateScopes(id, req);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->material);
  req.confirm = std::vector<std::string>{"list-members"};
  EXPECT_TRUE(mgr_->UpdateScopes(id, req).error().IsValidation());
  Reload();
  EXPECT_EQ(mgr_->Get(id)->confirm, (std::vector<std::string>{"react", "send"}));
}

}  // namespace
}  // namespace xs::signet
