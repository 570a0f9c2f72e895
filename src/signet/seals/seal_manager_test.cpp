// SealManager: the lifecycle of seals.md §5 and decisions.md #1-3 over a
// real signet store: issue, materiality, chaining, refresh of the head only,
// revocation (and nothing after it), renewal and key-rotation due dates,
// admin-access disclosure, persistence across a reload, the binding.
#include "signet/seals/seal_manager.h"

#include <gtest/gtest.h>

#include "base/testing/fake_clock.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet::seals {
namespace {

struct Published {
  std::string chat_id;
  std::string content_type;
  std::string body;
};

class SealManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_.path() + "/signet.db", crypto::Secret::Random(32));
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = *std::move(store);
    manager_ = NewManager();
    ASSERT_TRUE(manager_->Load().ok());
  }

  std::unique_ptr<SealManager> NewManager() {
    records_.push_back(std::make_unique<RecordSet>(store_.get(), "seal", "seal_", "seal", ""));
    SealSinks sinks;
    sinks.emit = [this](const std::string& cred, const Json& event) {
      events_.emplace_back(cred, event);
    };
    sinks.publish = [this](const std::string& chat, std::string_view type, std::string body) {
      published_.push_back({chat, std::string(type), std::move(body)});
    };
    return std::make_unique<SealManager>(
        records_.back().get(), &clock_,
        [this] { return Result<std::shared_ptr<const Ed25519Key>>(key_); }, std::move(sinks));
  }

  static SealInput Input(std::string cred = "cred_0000000000000001",
                         std::string chat = "conv_0000000000000001") {
    SealInput in;
    in.credential_id = std::move(cred);
    in.operator_id = "op_0000000000000001";
    in.chat_id = std::move(chat);
    in.scope_mode = "per-chat";
    in.permissions = {{"send", "reply"}, {"react"}};
    in.trust_tier = "unverified";
    return in;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
  std::vector<std::unique_ptr<RecordSet>> records_;
  std::shared_ptr<const Ed25519Key> key_ =
      std::make_shared<const Ed25519Key>(Ed25519Key::Generate());
  std::vector<std::pair<std::string, Json>> events_;
  std::vector<Published> published_;
  std::unique_ptr<SealManager> manager_;
};

TEST_F(SealManagerTest, IssueSignsStoresEmitsAndPublishes) {
  auto env = manager_->Issue(Input());
  ASSERT_TRUE(env.ok()) << env.error().ToString();
  EXPECT_FALSE(env->chain.previous);
  EXPECT_TRUE(env->chain.delta.empty());
  EXPECT_TRUE(VerifySealSignature(*env).ok());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].first, "cred_0000000000000001");
  EXPECT_EQ(events_[0].second["type"], "seal.stamped");
  EXPECT_EQ(events_[0].second["seal"], env->ToJson());
  ASSERT_EQ(published_.size(), 1u);
  EXPECT_EQ(published_[0].chat_id, "conv_0000000000000001");
  EXPECT_EQ(published_[0].content_type, kSealContentType);
  auto parsed = ParseSealMessage(published_[0].body);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_TRUE(VerifySealSignature(*parsed).ok());
  EXPECT_EQ(parsed->seal_id(), env->seal_id());
}

TEST_F(SealManagerTest, SameInputReturnsTheHeadWithoutANewSeal) {
  auto first = manager_->Issue(Input());
  ASSERT_TRUE(first.ok());
  clock_.Advance(1000);
  SealInput same = Input();
  same.permissions = {{"reply", "send", "send"}, {"react"}};  // same sets
  auto again = manager_->Issue(same);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->seal_id(), first->seal_id());
  EXPECT_EQ(published_.size(), 1u);
  EXPECT_EQ(events_.size(), 1u);
}

TEST_F(SealManagerTest, MaterialChangesChainANewSeal) {
  auto first = manager_->Issue(Input());
  ASSERT_TRUE(first.ok());
  clock_.Advance(1000);
  SealInput narrower = Input();
  narrower.permissions = {{"send"}, {"react", "reply"}};
  auto second = manager_->Issue(narrower);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->seal_id(), first->seal_id());
  ASSERT_TRUE(second->chain.previous);
  EXPECT_EQ(second->chain.previous->seal_id, first->seal_id());
  EXPECT_EQ(second->chain.delta.changed, (std::vector<DeltaChange>{{"reply", "allow", "deny"}}));
  EXPECT_TRUE(CheckChain(second->chain).ok());
  // Not a scope: disclosures and the operator count too.
  SealInput disclosed = narrower;
  disclosed.operator_disclosures = Json{{"hostingMode", "self-hosted"}};
  auto third = manager_->Issue(disclosed);
  ASSERT_TRUE(third.ok());
  EXPECT_NE(third->seal_id(), second->seal_id());
  EXPECT_TRUE(third->chain.delta.empty());
  EXPECT_EQ(manager_->StatusOf(first->seal_id()), SealManager::SealStatus::kSuperseded);
  EXPECT_EQ(manager_->StatusOf(third->seal_id()), SealManager::SealStatus::kCurrent);
  auto history = manager_->History("cred_0000000000000001", "conv_0000000000000001");
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0]->seal_id(), third->seal_id());
  EXPECT_EQ(history[2]->seal_id(), first->seal_id());
}

TEST_F(SealManagerTest, OnlyTheHeadRefreshes) {
  auto first = manager_->Issue(Input());
  ASSERT_TRUE(first.ok());
  auto refreshed = manager_->Refresh(first->seal_id());
  ASSERT_TRUE(refreshed.ok());
  EXPECT_NE(refreshed->seal_id(), first->seal_id());
  EXPECT_EQ(refreshed->chain.previous->seal_id, first->seal_id());
  EXPECT_TRUE(refreshed->chain.delta.empty());
  auto stale = manager_->Refresh(first->seal_id());
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().tag(), "SealError");
}

TEST_F(SealManagerTest, RevocationEndsTheChainForGood) {
  auto head = manager_->Issue(Input());
  ASSERT_TRUE(head.ok());
  auto revoked = manager_->RevokePair("cred_0000000000000001", "conv_0000000000000001",
                                      "reauthorization-required");
  ASSERT_TRUE(revoked.ok() && revoked->has_value());
  const RevocationSeal& r = (*revoked)->revocation;
  EXPECT_EQ(r.previous_seal_id, head->seal_id());
  EXPECT_EQ(r.reason, "admin-removed");
  EXPECT_EQ(r.issuer, "signet");
  EXPECT_TRUE(VerifyRevocationSignature(**revoked).ok());
  ASSERT_EQ(events_.back().second["type"], "agent.revoked");
  EXPECT_EQ(events_.back().second["revocation"], r.ToJson());
  ASSERT_EQ(published_.back().content_type, kRevocationContentType);
  EXPECT_TRUE(ParseRevocationMessage(published_.back().body).ok());

  EXPECT_TRUE(manager_->IsRevoked("cred_0000000000000001", "conv_0000000000000001"));
  ASSERT_NE(manager_->RevocationOf("cred_0000000000000001", "conv_0000000000000001"), nullptr);
  EXPECT_EQ(
      manager_->RevocationOf("cred_0000000000000001", "conv_0000000000000001")->revocation.seal_id,
      r.seal_id);
  EXPECT_EQ(manager_->Head("cred_0000000000000001", "conv_0000000000000001"), nullptr);
  EXPECT_EQ(manager_->StatusOf(head->seal_id()), SealManager::SealStatus::kRevoked);
  auto again = manager_->Issue(Input());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message(), "Cannot issue seal for revoked credential+chat");
  auto twice = manager_->Revoke(head->seal_id(), "owner-initiated");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message(), "already revoked");
  auto none = manager_->RevokePair("cred_0000000000000002", "conv_0000000000000001", "x");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(SealManagerTest, TwoCredentialsOfOneOperatorKeepSeparateChains) {
  auto a = manager_->Issue(Input("cred_0000000000000001"));
  auto b = manager_->Issue(Input("cred_0000000000000002"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->seal_id(), b->seal_id());
  EXPECT_FALSE(b->chain.previous);
  EXPECT_EQ(manager_->List("conv_0000000000000001", "").size(), 2u);
  EXPECT_EQ(manager_->List("", "cred_0000000000000002").size(), 1u);
  ASSERT_TRUE(manager_->Refresh(a->seal_id()).ok());
  EXPECT_EQ(manager_->Head("cred_0000000000000002", "conv_0000000000000001")->seal_id(),
            b->seal_id());
}

TEST_F(SealManagerTest, RenewalAt75PercentAndAfterAKeyRotation) {
  auto head = manager_->Issue(Input());
  ASSERT_TRUE(head.ok());
  const std::string fp = key_->fingerprint();
  EXPECT_TRUE(manager_->DueForRefresh(fp).empty());
  clock_.Advance(kSealRenewAfterMs - 1);
  EXPECT_TRUE(manager_->DueForRefresh(fp).empty());
  clock_.Advance(1);
  EXPECT_EQ(manager_->DueForRefresh(fp), std::vector<std::string>{head->seal_id()});
  auto renewed = manager_->Refresh(head->seal_id());
  ASSERT_TRUE(renewed.ok());
  EXPECT_TRUE(manager_->DueForRefresh(fp).empty());
  // A rotated key: the head is due, and its successor is signed by the new key.
  key_ = std::make_shared<const Ed25519Key>(Ed25519Key::Generate());
  EXPECT_EQ(manager_->DueForRefresh(key_->fingerprint()),
            std::vector<std::string>{renewed->seal_id()});
  auto resigned = manager_->Refresh(renewed->seal_id());
  ASSERT_TRUE(resigned.ok());
  EXPECT_EQ(resigned->key_id, key_->fingerprint());
  EXPECT_EQ(resigned->chain.previous->seal_id, renewed->seal_id());
  EXPECT_TRUE(VerifySealSignature(*resigned).ok());
}

TEST_F(SealManagerTest, AdminAccessIsDisclosedThenWithdrawn) {
  auto head = manager_->Issue(Input());
  ASSERT_TRUE(head.ok());
  AdminAccess access{"owner", "2026-12-01T10:01:00.000Z"};
  EXPECT_TRUE(manager_->SetAdminAccess("conv_0000000000000001", access).empty());
  const SealEnvelope* disclosed = manager_->Head("cred_0000000000000001", "conv_0000000000000001");
  ASSERT_NE(disclosed, nullptr);
  EXPECT_NE(disclosed->seal_id(), head->seal_id());
  EXPECT_EQ(disclosed->chain.current.admin_access, access);
  EXPECT_TRUE(manager_->SetAdminAccess("conv_0000000000000002", access).empty());
  EXPECT_EQ(manager_->List("", "").size(), 1u) << "another chat's heads are untouched";
  EXPECT_TRUE(manager_->SetAdminAccess("conv_0000000000000001", std::nullopt).empty());
  const SealEnvelope* after = manager_->Head("cred_0000000000000001", "conv_0000000000000001");
  EXPECT_FALSE(after->chain.current.admin_access);
  EXPECT_EQ(after->chain.previous->seal_id, disclosed->seal_id());
  EXPECT_EQ(published_.size(), 3u);
}

TEST_F(SealManagerTest, SurvivesAReload) {
  auto a1 = manager_->Issue(Input("cred_0000000000000001"));
  ASSERT_TRUE(a1.ok());
  SealInput changed = Input("cred_0000000000000001");
  changed.permissions = {{"send"}, {}};
  auto a2 = manager_->Issue(changed);
  auto b1 = manager_->Issue(Input("cred_0000000000000002"));
  ASSERT_TRUE(a2.ok() && b1.ok());
  ASSERT_TRUE(
      manager_->RevokePair("cred_0000000000000002", "conv_0000000000000001", "owner-initiated")
          .ok());
  auto reloaded = NewManager();
  ASSERT_TRUE(reloaded->Load().ok());
  ASSERT_NE(reloaded->Head("cred_0000000000000001", "conv_0000000000000001"), nullptr);
  EXPECT_EQ(reloaded->Head("cred_0000000000000001", "conv_0000000000000001")->seal_id(),
            a2->seal_id());
  EXPECT_TRUE(reloaded->IsRevoked("cred_0000000000000002", "conv_0000000000000001"));
  EXPECT_EQ(reloaded->History("cred_0000000000000001", "conv_0000000000000001").size(), 2u);
  EXPECT_EQ(reloaded->History("cred_0000000000000002", "conv_0000000000000001").size(), 1u);
  auto info = reloaded->Lookup(a1->seal_id());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ((*info)["status"], "superseded");
  EXPECT_EQ(reloaded->Resolve(a2->seal_id().substr(0, 9)).value_or(""), a2->seal_id());
}

TEST_F(SealManagerTest, ProvenanceBindsTheMessageToTheHead) {
  auto none = manager_->Provenance("cred_0000000000000001", "conv_0000000000000001", "ab");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->is_null());
  auto head = manager_->Issue(Input());
  ASSERT_TRUE(head.ok());
  auto p = manager_->Provenance("cred_0000000000000001", "conv_0000000000000001", "ab12");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)["sealRef"], head->seal_id());
  EXPECT_EQ((*p)["operatorId"], "op_0000000000000001");
  MessageBinding b{(*p)["sealRef"], (*p)["sealSignature"]};
  EXPECT_TRUE(VerifyBinding("ab12", b, head->public_key).ok());
  // After a rotation the head is re-signed first, so binding and seal agree.
  key_ = std::make_shared<const Ed25519Key>(Ed25519Key::Generate());
  auto q = manager_->Provenance("cred_0000000000000001", "conv_0000000000000001", "ab12");
  ASSERT_TRUE(q.ok());
  const SealEnvelope* now = manager_->Head("cred_0000000000000001", "conv_0000000000000001");
  EXPECT_EQ((*q)["sealRef"], now->seal_id());
  EXPECT_EQ(now->key_id, key_->fingerprint());
  EXPECT_TRUE(
      VerifyBinding("ab12", {(*q)["sealRef"], (*q)["sealSignature"]}, now->public_key).ok());
}

TEST_F(SealManagerTest, BindingStatusesValidSupersededRevokedMissing) {
  using B = SealManager::BindingStatus;
  EXPECT_EQ(manager_->CheckBinding("ab", std::nullopt).value_or(B::kValid), B::kMissing);
  ASSERT_TRUE(manager_->Issue(Input()).ok());
  auto p = manager_->Provenance("cred_0000000000000001", "conv_0000000000000001", "ab");
  ASSERT_TRUE(p.ok());
  MessageBinding b{(*p)["sealRef"], (*p)["sealSignature"]};
  EXPECT_EQ(manager_->CheckBinding("ab", b).value_or(B::kMissing), B::kValid);
  auto forged = manager_->CheckBinding("ac", b);
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().tag(), "SealError");
  SealInput changed = Input();
  changed.permissions = {{"send"}, {}};
  ASSERT_TRUE(manager_->Issue(changed).ok());
  EXPECT_EQ(manager_->CheckBinding("ab", b).value_or(B::kMissing), B::kSuperseded);
  ASSERT_TRUE(manager_->RevokePair("cred_0000000000000001", "conv_0000000000000001", "x").ok());
  EXPECT_EQ(manager_->CheckBinding("ab", b).value_or(B::kMissing), B::kRevoked);
}

}  // namespace
}  // namespace xs::signet::seals
