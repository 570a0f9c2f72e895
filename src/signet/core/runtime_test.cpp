#include "signet/core/runtime.h"
#include "base/testing/fake_clock.h"

#include <gtest/gtest.h>

#include "signet/keys/admin_key.h"
#include "signet/testing/fake_network.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

using testing::TempDir;

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rt = Runtime::Init(Options());
    ASSERT_TRUE(rt.ok()) << rt.error().ToString();
    rt_ = std::move(rt).value();
    ctx_.admin_key_fingerprint = rt_->admin_fingerprint();
    ctx_.request_id = "req-1";
  }
  RuntimeOptions Options() {
    RuntimeOptions o;
    o.data_dir = dir_.path() + "/data";
    o.clock = &clock_;
    o.network = network_;
    return o;
  }
  Json Ok(const char* method, const Json& params) {
    auto r = rt_->Call(method, params, ctx_);
    EXPECT_TRUE(r.ok()) << method << ": " << (r.ok() ? "" : r.error().ToString());
    return r.ok() ? *r : Json();
  }
  Error Err(const char* method, const Json& params) {
    auto r = rt_->Call(method, params, ctx_);
    EXPECT_FALSE(r.ok()) << method;
    return r.ok() ? Error::Internal("unexpected success") : r.error();
  }
  TempDir dir_;
  FakeClock clock_;
  std::shared_ptr<FakeXmtpNetwork> network_ = std::make_shared<FakeXmtpNetwork>();
  std::unique_ptr<Runtime> rt_;
  CallContext ctx_;
};

TEST_F(RuntimeTest, OperatorPolicyCredentialFlow) {
  Json op = Ok("operator.create", {{"label", "alice"}, {"scopeMode", "shared"}});
  std::string op_id = op["id"];
  EXPECT_EQ(op["config"]["role"], "operator");
  EXPECT_EQ(op["status"], "active");
  EXPECT_TRUE(Err("operator.create", {{"label", "x"}, {"role", "superadmin"}}).IsPermission());
  EXPECT_TRUE(Err("operator.create", {{"label", "x"}, {"scopeMode", "nope"}}).IsValidation());
  Json pol = Ok("policy.create", {{"label", "basic"}, {"allow", {"send", "reply"}}});
  EXPECT_TRUE(Err("policy.create", {{"label", "b"}, {"allow", {"fly"}}}).IsValidation());
  // Labels and short ids resolve.
  Json issued =
      Ok("credential.issue", {{"operatorId", "alice"},
                              {"chatIds", {"conv_00000000000000c1", "conv_00000000000000c2"}},
                              {"policyId", "basic"},
                              {"deny", "reply"},
                              {"ttlSeconds", 120}});
  std::string token = issued["token"];
  Json cred = issued["credential"];
  EXPECT_EQ(cred["resolvedScopes"], Json({"send"}));
  EXPECT_EQ(cred["operatorId"], op_id);
  auto check = rt_->VerifyToken(token);
  ASSERT_TRUE(check.ok());
  std::string cred_id = cred["id"];
  Json info = Ok("credential.lookup", {{"credentialId", cred_id.substr(0, 9)}});
  EXPECT_EQ(info["id"], cred_id);
  EXPECT_EQ(info.count("token"), 0u);
  EXPECT_EQ(Ok("credential.list", {{"operatorId", op_id}}).size(), 1u);
  EXPECT_TRUE(Err("credential.updateScopes",
                  {{"credentialId", cred_id}, {"chatIds", {"conv_00000000000000c3"}}})
                  .IsValidation());
  // Dry run changes nothing.
  Json plan = Ok("credential.revoke", {{"credentialId", cred_id}});
  EXPECT_TRUE(plan["dryRun"].get<bool>());
  EXPECT_TRUE(rt_->VerifyToken(token).ok());
  Json done = Ok("credential.revoke", {{"credentialId", cred_id}, {"force", true}});
  EXPECT_TRUE(done["revoked"].get<bool>());
  EXPECT_TRUE(rt_->VerifyToken(token).error().IsAuth());
  // operator.remove dry-run then force.
  Ok("credential.issue", {{"operatorId", op_id}, {"chatIds", {"conv_00000000000000c1"}}});
  EXPECT_TRUE(Ok("operator.remove", {{"operatorId", op_id}})["dryRun"].get<bool>());
  Json removed = Ok("operator.remove", {{"operatorId", op_id}, {"force", true}});
  EXPECT_EQ(removed["revokedCredentials"].size(), 1u);
  EXPECT_TRUE(Ok("operator.list", Json::object()).empty());
}

TEST_F(RuntimeTest, AuditLogRecordsAdminActions) {
  Ok("operator.create", {{"label", "bob"}});
  Json logs = Ok("admin.logs", {{"limit", 10}});
  bool found = false;
  for (const auto& e : logs["entries"]) {
    if (e["action"] == "operator.create") {
      found = true;
      EXPECT_EQ(e["requestId"], "req-1");
      EXPECT_TRUE(e.contains("timestamp"));
    }
  }
  EXPECT_TRUE(found);
  Json op = Ok("operator.create", {{"label", "dry"}});
  Ok("operator.remove", {{"operatorId", op["id"]}});
  Json last = Ok("admin.logs", {{"limit", 1}})["entries"][0];
  EXPECT_EQ(last["action"], "operator.remove");
  EXPECT_TRUE(last["dryRun"].get<bool>());
  EXPECT_EQ(last["params"]["operatorId"], op["id"]);
  EXPECT_EQ(testing::FileMode(dir_.path() + "/data/audit.jsonl"), 0600u);
  Json exported = Ok("admin.logs-export", Json::object());
  EXPECT_NE(exported["ndjson"].get<std::string>().find("signet.init"), std::string::npos);
  EXPECT_TRUE(Err("admin.logs", {{"since", "yesterday"}}).IsValidation());
}

TEST_F(RuntimeTest, InboxKeysWalletsAndNoPlaintextSecretsOnDisk) {
  Json op = Ok("operator.create", {{"label", "carol"}});
  Json inbox = Ok("inbox.create", {{"label", "carol-inbox"}, {"operatorId", "carol"}});
  EXPECT_EQ(inbox["networkInboxId"].get<std::string>().size(), 64u);
  EXPECT_EQ(network_->registered_count(), 1u);
  EXPECT_EQ(Ok("operator.info", {{"operatorId", "carol"}})["config"]["inboxIds"].size(), 1u);
  Ok("inbox.unlink", {{"inboxId", "carol-inbox"}});
  EXPECT_TRUE(Ok("operator.info", {{"operatorId", "carol"}})["config"]["inboxIds"].empty());
  Ok("inbox.link", {{"inboxId", "carol-inbox"}, {"operatorId", "carol"}});
  Json key = Ok("keys.init", {{"operatorId", "carol"}});
  EXPECT_EQ(key["kind"], "operational");
  Json again = Ok("keys.init", {{"operatorId", "carol"}});
  EXPECT_EQ(again["id"], key["id"]);  // idempotent
  Json rotated = Ok("keys.rotate", {{"keyId", key["id"]}});
  ASSERT_EQ(rotated["rotated"].size(), 1u);
  EXPECT_TRUE(Err("keys.rotate", {{"keyId", "root-missing"}}).IsNotFound());
  Json pub = Ok("keys.export-public", {{"identityId", "carol"}});
  EXPECT_EQ(pub["keyId"], rotated["rotated"][0]["to"]);
  Ok("wallet.create", {{"label", "treasury"}});
  EXPECT_EQ(Ok("wallet.info", {{"walletId", "treasury"}})["address"].get<std::string>().size(),
            42u);
  Json verify = Ok("admin.verify-keys", Json::object());
  EXPECT_TRUE(verify["ok"].get<bool>()) << verify.dump();
  EXPECT_EQ(verify["trustTier"], "unverified");
  Json issued =
      Ok("credential.issue", {{"operatorId", "carol"}, {"chatIds", {"conv_00000000000000c1"}}});
  std::string token = issued["token"];
  // Nothing secret in the SQLite files.
  std::string db = testing::ReadAll(dir_.path() + "/data/signet.db") +
                   testing::ReadAll(dir_.path() + "/data/signet.db-wal");
  ASSERT_FALSE(db.empty());
  EXPECT_EQ(db.find(token), std::string::npos);
  auto& s = rt_->state();
  for (const auto& k : s.keys->All()) {
    auto secret = s.keys->Secret(k["id"]);
    if (!secret.ok()) continue;
    std::string raw(secret->bytes().begin(), secret->bytes().end());
    EXPECT_EQ(db.find(raw), std::string::npos);
    EXPECT_EQ(db.find(ToHex(secret->bytes())), std::string::npos);
  }
  // Destructive inbox removal is a dry run first.
  EXPECT_TRUE(Ok("inbox.rm", {{"inboxId", "carol-inbox"}})["dryRun"].get<bool>());
  Ok("inbox.rm", {{"inboxId", "carol-inbox"}, {"force", true}});
  EXPECT_TRUE(Ok("inbox.list", Json::object()).empty());
  // lookup.resolve across domains.
  EXPECT_EQ(Ok("lookup.resolve", {{"query", "treasury"}})["type"], "wallet");
  EXPECT_EQ(Ok("lookup.resolve", {{"query", op["id"]}})["type"], "operator");
}

TEST_F(RuntimeTest, NetworkFailureLeavesNothing) {
  network_->FailNext();
  EXPECT_TRUE(Err("inbox.create", {{"label", "x"}}).IsNetwork());
  EXPECT_TRUE(Ok("inbox.list", Json::object()).empty());
  EXPECT_TRUE(Ok("wallet.list", Json::object()).empty());
}

// A runtime opened with no network is offline: network actions fail with a
// network error that says so, nothing is stored, and no stand-in network is
// used in its place.
TEST_F(RuntimeTest, OpenedWithoutNetworkIsOfflineNotFake) {
  rt_.reset();
  RuntimeOptions o = Options();
  o.network = nullptr;
  auto offline = Runtime::Open(std::move(o));
  ASSERT_TRUE(offline.ok()) << offline.error().ToString();
  auto created = (*offline)->Call("inbox.create", {{"label", "x"}}, ctx_);
  ASSERT_FALSE(created.ok());
  EXPECT_TRUE(created.error().IsNetwork()) << created.error().ToString();
  EXPECT_NE(created.error().message().find("offline"), std::string::npos);
  EXPECT_EQ(network_->registered_count(), 0u);
  auto listed = (*offline)->Call("inbox.list", Json::object(), ctx_);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(RuntimeTest, StateSurvivesReopenAndAdminKeyFileMatches) {
  Json issued =
      Ok("credential.issue", {{"operatorId", Ok("operator.create", {{"label", "d"}})["id"]},
                              {"chatIds", {"conv_00000000000000c1"}}});
  std::string fp = rt_->admin_fingerprint();
  rt_.reset();
  auto reopened = Runtime::Open(Options());
  ASSERT_TRUE(reopened.ok()) << reopened.error().ToString();
  EXPECT_TRUE((*reopened)->VerifyToken(issued["token"].get<std::string>()).ok());
  auto admin = AdminKey::Load(dir_.path() + "/data");
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->fingerprint(), fp);
  EXPECT_EQ(testing::FileMode(dir_.path() + "/data/signet.db"), 0600u);
  EXPECT_EQ(testing::FileMode(dir_.path() + "/data/admin.key"), 0600u);
}

TEST_F(RuntimeTest, CredentialCallersCannotManage) {
  CallContext cred_ctx;
  cred_ctx.caller = CallContext::Caller::kCredential;
  Json issued =
      Ok("credential.issue", {{"operatorId", Ok("operator.create", {{"label", "o"}})["id"]},
                              {"chatIds", {"conv_00000000000000c1"}}});
  std::string own = issued["credential"]["id"];
  cred_ctx.credential_id = own;
  EXPECT_TRUE(rt_->Call("credential.lookup", {{"credentialId", own}}, cred_ctx).ok());
  EXPECT_TRUE(rt_->Call("credential.lookup", {{"credentialId", "cred_0000000000000000"}}, cred_ctx)
                  .error()
                  .IsNotFound());
  EXPECT_TRUE(rt_->Call("credential.list", Json::object(), cred_ctx).error().IsPermission());
  auto r = rt_->Call("operator.create", {{"label", "x"}}, cred_ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsPermission());
  EXPECT_TRUE(Err("no.such", Json::object()).IsNotFound());
}

TEST(RuntimePassphraseTest, ElevationNeedsOwnerPassphraseAndExpires) {
  TempDir dir;
  FakeClock clock;
  RuntimeOptions o;
  o.data_dir = dir.path();
  o.clock = &clock;
  o.vault_key_policy = KeyPolicy::kPasscode;
  o.passphrase = "owner passphrase 1";
  auto rt = Runtime::Init(o);
  ASSERT_TRUE(rt.ok()) << rt.error().ToString();
  rt->reset();
  o.passphrase = "wrong passphrase!";
  EXPECT_TRUE(Runtime::Open(o).error().IsAuth());
  o.passphrase = "owner passphrase 1";
  auto open = Runtime::Open(o);
  ASSERT_TRUE(open.ok());
  Runtime& r = **open;
  CallContext ctx;
  ctx.admin_key_fingerprint = r.admin_fingerprint();
  std::vector<std::string> chats = {"conv_00000000000000c1"};
  // Without the flag: permission.
  EXPECT_TRUE(r.elevation().Authorize(ctx, chats, std::nullopt).error().IsPermission());
  ctx.dangerously_allow_message_read = true;
  EXPECT_TRUE(r.elevation().Authorize(ctx, {"bad"}, "owner passphrase 1").error().IsValidation());
  EXPECT_TRUE(r.elevation().Authorize(ctx, chats, std::nullopt).error().IsPermission());
  EXPECT_TRUE(r.elevation().Authorize(ctx, chats, "wrong").error().IsPermission());
  auto e = r.elevation().Authorize(ctx, chats, "owner passphrase 1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->expires_at_ms - e->approved_at_ms, 60000);
  auto reuse = r.elevation().Authorize(ctx, chats, std::nullopt);
  ASSERT_TRUE(reuse.ok());
  EXPECT_TRUE(reuse->reused);
  // Another chat is not covered.
  EXPECT_FALSE(r.elevation().IsElevated(ctx.admin_key_fingerprint, "conv_00000000000000c2"));
  clock.Advance(60000);
  r.Sweep();
  EXPECT_FALSE(r.elevation().IsElevated(ctx.admin_key_fingerprint, chats[0]));
  auto text = r.audit().Export();
  ASSERT_TRUE(text.ok());
  for (const char* a : {"admin.read-elevation.approved", "admin.read-elevation.reused",
                        "admin.read-elevation.denied", "admin.read-elevation.expired"}) {
    EXPECT_NE(text->find(a), std::string::npos) << a;
  }
  EXPECT_EQ(text->find("owner passphrase 1"), std::string::npos);
}

}  // namespace
}  // namespace xs::signet
