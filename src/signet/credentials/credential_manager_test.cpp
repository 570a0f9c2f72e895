#include "signet/credentials/credential_manager.h"
#include "base/testing/fake_clock.h"

#include <gtest/gtest.h>

#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

constexpr const char* kOp = "op_00000000000000a1";
constexpr const char* kChat = "conv_00000000000000c1";
constexpr const char* kChat2 = "conv_00000000000000c2";

class CredentialManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.path() + "/s.db", crypto::Secret::Random(32));
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    Reset({});
  }
  void Reset(CredentialOptions opt) {
    mgr_ = std::make_unique<CredentialManager>(store_.get(), &clock_, opt);
    ASSERT_TRUE(mgr_->Load().ok());
    mgr_->AddListener([this](const CredentialEvent& e) { events_.push_back(e); });
  }
  IssueRequest Req(std::vector<std::string> allow = {"send"}, std::string chat = kChat) {
    IssueRequest r;
    r.operator_id = kOp;
    r.chat_ids = {chat};
    r.inline_scopes.allow = std::move(allow);
    return r;
  }
  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<CredentialManager> mgr_;
  std::vector<CredentialEvent> events_;
};

TEST_F(CredentialManagerTest, IssueDefaultsAndToken) {
  auto r = mgr_->Issue(Req());
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->token.size(), kCredentialTokenChars);
  EXPECT_EQ(r->token.find_first_of("+/="), std::string::npos);
  const Credential& c = r->credential;
  EXPECT_EQ(c.status, CredentialStatus::kActive);
  EXPECT_EQ(c.expires_at_ms - c.issued_at_ms, 3600 * 1000);
  EXPECT_EQ(c.issued_by, "owner");
  EXPECT_TRUE(IsValidId(IdType::kCredential, c.id));
  Json meta = TokenMetadata(c, r->token);
  EXPECT_EQ(meta["fingerprint"].get<std::string>().rfind("sha256:", 0), 0u);
  auto v = mgr_->VerifyToken(r->token);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->credential_id, c.id);
  EXPECT_TRUE(mgr_->VerifyToken("nope").error().IsNotFound());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].type, CredentialEventType::kIssued);
}

TEST_F(CredentialManagerTest, IssueValidation) {
  auto bad_ttl = Req();
  bad_ttl.ttl_seconds = 0;
  EXPECT_TRUE(mgr_->Issue(bad_ttl).error().IsValidation());
  bad_ttl.ttl_seconds = -5;
  EXPECT_TRUE(mgr_->Issue(bad_ttl).error().IsValidation());
  auto no_chat = Req();
  no_chat.chat_ids.clear();
  EXPECT_TRUE(mgr_->Issue(no_chat).error().IsValidation());
  EXPECT_TRUE(mgr_->Issue(Req({"send", "fly"})).error().IsValidation());
  auto per_chat = Req();
  per_chat.per_chat = true;
  per_chat.chat_ids = {kChat, kChat2};
  EXPECT_TRUE(mgr_->Issue(per_chat).error().IsValidation());
  auto ttl = Req();
  ttl.ttl_seconds = 60;
  auto r = mgr_->Issue(ttl);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->credential.expires_at_ms - r->credential.issued_at_ms, 60000);
}

TEST_F(CredentialManagerTest, IdempotentReissueComesBeforeTheLimit) {
  Reset({3600, 2, 300});
  auto a = mgr_->Issue(Req({"send"}));
  auto b = mgr_->Issue(Req({"reply"}));
  ASSERT_TRUE(a.ok() && b.ok());
  // Same config (order-insensitive) -> the same credential and token, no eviction.
  auto again = mgr_->Issue(Req({"send"}));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->reused);
  EXPECT_EQ(again->credential.id, a->credential.id);
  EXPECT_EQ(again->token, a->token);
  EXPECT_TRUE(again->evicted.empty());
  EXPECT_EQ(mgr_->List(kOp).size(), 2u);
  // A new config at the limit evicts the oldest with owner-initiated.
  clock_.Advance(1000);
  auto c = mgr_->Issue(Req({"react"}));
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->evicted.size(), 1u);
  EXPECT_EQ(c->evicted[0], a->credential.id);
  auto old = mgr_->Get(a->credential.id);
  EXPECT_EQ(old->status, CredentialStatus::kRevoked);
  EXPECT_EQ(old->revocation_reason, "owner-initiated");
  EXPECT_TRUE(mgr_->VerifyToken(a->token).error().IsAuth());
  EXPECT_EQ(mgr_->List(kOp).size(), 2u);
}

TEST_F(CredentialManagerTest, ExpiryAppliedOnLookupAndSweep) {
  auto r = mgr_->Issue(Req());
  ASSERT_TRUE(r.ok());
  clock_.Advance(3600 * 1000);
  auto v = mgr_->VerifyToken(r->token);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), 1310);
  auto c = mgr_->Get(r->credential.id);
  EXPECT_EQ(c->status, CredentialStatus::kExpired);
  EXPECT_TRUE(mgr_->List().empty());
  // Expiry persisted: a fresh manager over the same store sees it.
  Reset({});
  EXPECT_EQ(mgr_->Get(r->credential.id)->status, CredentialStatus::kExpired);
  auto r2 = mgr_->Issue(Req({"reply"}));
  clock_.Advance(3601 * 1000);
  auto events = mgr_->Sweep();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, CredentialEventType::kExpired);
}

TEST_F(CredentialManagerTest, RevokeAndErrors) {
  auto r = mgr_->Issue(Req());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(mgr_->Revoke(r->credential.id, "bogus").error().IsValidation());
  auto c = mgr_->Revoke(r->credential.id, kReasonOwnerInitiated);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, CredentialStatus::kRevoked);
  auto v = mgr_->VerifyToken(r->token);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), 1300);
  EXPECT_NE(v.error().context_json().find("revoked"), std::string::npos);
  EXPECT_TRUE(mgr_->Revoke(r->credential.id, kReasonOwnerInitiated).ok());  // idempotent
  EXPECT_TRUE(mgr_->Revoke("cred_0000000000000000", kReasonOwnerInitiated).error().IsNotFound());
  // The token survives a restart only as its hash: still rejected as revoked.
  Reset({});
  EXPECT_EQ(mgr_->VerifyToken(r->token).error().code(), 1300);
}

TEST_F(CredentialManagerTest, UpdateNarrowsInPlaceAndEscalationNeedsReauth) {
  auto r = mgr_->Issue(Req({"send", "reply"}));
  ASSERT_TRUE(r.ok());
  UpdateRequest narrow;
  narrow.deny = std::vector<std::string>{"reply"};
  auto n = mgr_->UpdateScopes(r->credential.id, narrow);
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->updated);
  EXPECT_TRUE(n->material);
  EXPECT_FALSE(n->reauthorization_required);
  EXPECT_EQ(ScopeNames(n->credential.effective_set()), std::vector<std::string>{"send"});
  // Harness path: escalation -> pending, token unusable.
  UpdateRequest up;
  up.allow = std::vector<std::string>{"send", "reply", "invite"};
  up.via_admin = false;
  auto p = mgr_->UpdateScopes(r->credential.id, up);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->updated);
  EXPECT_TRUE(p->reauthorization_required);
  EXPECT_EQ(p->credential.status, CredentialStatus::kPending);
  EXPECT_TRUE(mgr_->VerifyToken(r->token).error().IsAuth());
  // Admin path: escalation revokes with reauthorization-required.
  auto r2 = mgr_->Issue(Req({"react"}, kChat2));
  up.via_admin = true;
  auto a = mgr_->UpdateScopes(r2->credential.id, up);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->credential.status, CredentialStatus::kRevoked);
  EXPECT_EQ(a->credential.revocation_reason, "reauthorization-required");
  EXPECT_TRUE(mgr_->UpdateScopes(r2->credential.id, narrow).error().IsAuth());
}

TEST_F(CredentialManagerTest, RenewalWindowAndHeartbeat) {
  auto r = mgr_->Issue(Req());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(mgr_->Renew(r->credential.id).error().message(), "not in renewal window");
  clock_.Advance((3600 - 200) * 1000);
  auto renewed = mgr_->Renew(r->credential.id);
  ASSERT_TRUE(renewed.ok());
  EXPECT_EQ(renewed->expires_at_ms, clock_.NowMs() + 3600 * 1000);
  ASSERT_TRUE(mgr_->Heartbeat(r->credential.id).ok());
  clock_.Advance(34 * 1000);
  EXPECT_TRUE(mgr_->Authenticate(r->token).error().IsAuth());
  auto events = mgr_->Sweep();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].reason, "heartbeat-timeout");
}

}  // namespace
}  // namespace xs::signet
