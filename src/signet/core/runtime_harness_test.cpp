// Runtime paths used by the transports: harness scope updates, sweep,
// owner gates, and token verification racing with revocation.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/testing/fake_clock.h"
#include "signet/core/runtime.h"
#include "signet/keys/wallet_key.h"
#include "signet/testing/fake_network.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

struct Env {
  testing::TempDir dir;
  FakeClock clock;
  std::unique_ptr<Runtime> rt;
  CallContext ctx;
  explicit Env(OwnerGates gates = {}, std::optional<std::string> owner = std::nullopt) {
    RuntimeOptions o;
    o.data_dir = dir.path();
    o.clock = &clock;
    o.gates = gates;
    o.owner_passphrase = owner;
    o.network = std::make_shared<FakeXmtpNetwork>();
    rt = std::move(Runtime::Init(o)).value();
    ctx.admin_key_fingerprint = rt->admin_fingerprint();
  }
  Json Call(const char* m, const Json& p) {
    auto r = rt->Call(m, p, ctx);
    EXPECT_TRUE(r.ok()) << m << " " << (r.ok() ? "" : r.error().ToString());
    return r.ok() ? *r : Json();
  }
  Json Issue(std::vector<std::string> allow) {
    Json op = Call("operator.create", {{"label", "op"}});
    return Call(
        "credential.issue",
        {{"operatorId", op["id"]}, {"chatIds", {"conv_00000000000000c1"}}, {"allow", allow}});
  }
};

TEST(RuntimeHarnessTest, HarnessEscalationGoesPendingNarrowingApplies) {
  Env env;
  Json issued = env.Issue({"send", "reply"});
  std::string id = issued["credential"]["id"];
  std::vector<std::string> events;
  env.rt->AddCredentialListener(
      [&](const CredentialEvent& e) { events.emplace_back(Name(e.type)); });
  auto narrow = env.rt->UpdateScopesFromHarness(id, {{"allow", {"send"}}});
  ASSERT_TRUE(narrow.ok());
  EXPECT_TRUE(narrow->updated);
  auto up = env.rt->UpdateScopesFromHarness(id, {{"allow", {"send", "invite"}}});
  ASSERT_TRUE(up.ok());
  EXPECT_FALSE(up->updated);
  EXPECT_TRUE(up->material);
  EXPECT_EQ(up->diff.reason(), "added: invite");
  EXPECT_EQ(up->credential.status, CredentialStatus::kPending);
  EXPECT_EQ(events,
            (std::vector<std::string>{"scopes.updated", "credential.reauthorization_required"}));
  EXPECT_TRUE(env.rt->VerifyToken(issued["token"].get<std::string>()).error().IsAuth());
}

TEST(RuntimeHarnessTest, AdminEscalationRevokes) {
  Env env;
  Json issued = env.Issue({"send"});
  Json r = env.Call("credential.updateScopes",
                    {{"credentialId", issued["credential"]["id"]}, {"allow", {"send", "react"}}});
  EXPECT_FALSE(r["updated"].get<bool>());
  EXPECT_TRUE(r["reauthorizationRequired"].get<bool>());
  EXPECT_EQ(r["credential"]["status"], "revoked");
  EXPECT_EQ(r["credential"]["revocationReason"], "reauthorization-required");
}

TEST(RuntimeHarnessTest, SweepExpiresAndAudits) {
  Env env;
  Json issued = env.Issue({"send"});
  env.clock.Advance(3600 * 1000);
  auto events = env.rt->Sweep();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, CredentialEventType::kExpired);
  EXPECT_NE(env.rt->audit().Export()->find("credential.expired"), std::string::npos);
  EXPECT_TRUE(env.Call("credential.list", Json::object()).empty());
}

TEST(RuntimeHarnessTest, OwnerGatesFailClosed) {
  OwnerGates gates;
  gates.agent_creation = true;
  gates.egress_expansion = true;
  Env env(gates, std::string("owner secret passphrase"));
  auto denied = env.rt->Call("operator.create", {{"label", "x"}}, env.ctx);
  ASSERT_FALSE(denied.ok());
  EXPECT_TRUE(denied.error().IsPermission());
  EXPECT_NE(denied.error().message().find("passphrase-file"), std::string::npos);
  EXPECT_TRUE(env.rt->Call("operator.create", {{"label", "x"}, {"ownerPassphrase", "bad"}}, env.ctx)
                  .error()
                  .IsPermission());
  Json op =
      env.Call("operator.create", {{"label", "x"}, {"ownerPassphrase", "owner secret passphrase"}});
  Json p = {{"operatorId", op["id"]},
            {"chatIds", {"conv_00000000000000c1"}},
            {"allow", {"send", "summarize"}}};
  EXPECT_TRUE(env.rt->Call("credential.issue", p, env.ctx).error().IsPermission());
  p["ownerPassphrase"] = "owner secret passphrase";
  env.Call("credential.issue", p);
  EXPECT_EQ(env.rt->audit().Export()->find("owner secret"), std::string::npos);
}

TEST(RuntimeHarnessTest, InboxSecretsAndChatResolver) {
  Env env;
  Json inbox = env.Call("inbox.create", {{"label", "in1"}});
  env.Call("inbox.link", {{"inboxId", "in1"},
                          {"operatorId", env.Call("operator.create", {{"label", "o"}})["id"]}});
  auto secrets = env.rt->GetInboxSecrets("in1");
  ASSERT_TRUE(secrets.ok()) << secrets.error().ToString();
  EXPECT_EQ(secrets->wallet_private_key.size(), 32u);
  EXPECT_EQ(secrets->installation_id, inbox["installationId"]);
  EXPECT_EQ(secrets->db_key.size(), 32u);
  EXPECT_EQ(secrets->network_inbox_id, inbox["networkInboxId"]);
  auto w = WalletKey::FromPrivate(std::move(secrets->wallet_private_key));
  EXPECT_EQ(w->address(), inbox["address"]);
  EXPECT_NE(secrets->db_path.find("/db/dev/"), std::string::npos);
  Json net = env.Call("inbox.info", {{"inboxId", "in1"}, {"network", true}});
  EXPECT_TRUE(net["networkStatus"]["registered"].get<bool>());
  auto by_net = env.rt->GetInboxSecrets(inbox["networkInboxId"].get<std::string>());
  EXPECT_TRUE(by_net.ok());
  env.rt->SetChatResolver([](std::string_view ref) -> Result<std::string> {
    if (ref == "general") return std::string("conv_00000000000000c9");
    return Error::NotFound("chat not found");
  });
  Json issued = env.Call("credential.issue", {{"operatorId", "o"}, {"chatIds", {"general"}}});
  EXPECT_EQ(issued["credential"]["chatIds"][0], "conv_00000000000000c9");
  EXPECT_EQ(issued["credential"]["inboxIds"][0], inbox["id"]);
}

TEST(RuntimeHarnessTest, ContentTypeAllowlists) {
  Env env;
  Json op = env.Call("operator.create", {{"label", "ct"}, {"scopeMode", "shared"}});
  Json issued = env.Call("credential.issue",
                         {{"operatorId", "ct"},
                          {"chatIds", {"conv_00000000000000c1"}},
                          {"allow", {"send"}},
                          {"contentTypes", {"xmtp.org/text:1.0", "xmtp.org/agentSeal:1.0"}}});
  EXPECT_EQ(issued["credential"]["contentTypeAllowlist"], Json({"xmtp.org/text:1.0"}));
  auto empty = env.rt->Call("credential.issue",
                            {{"operatorId", "ct"},
                             {"chatIds", {"conv_00000000000000c2"}},
                             {"contentTypes", {"example.org/custom:1.0"}}},
                            env.ctx);
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(empty.error().IsValidation());
  Json upd = env.Call("credential.updateScopes",
                      {{"credentialId", issued["credential"]["id"]},
                       {"contentTypes", {"xmtp.org/text:1.0", "xmtp.org/reply:1.0"}}});
  EXPECT_TRUE(upd["updated"].get<bool>());
  EXPECT_TRUE(upd["material"].get<bool>());
  EXPECT_EQ(upd["credential"]["contentTypeAllowlist"].size(), 2u);
}

TEST(RuntimeHarnessTest, HostileInputNeverThrows) {
  Env env;
  // Invalid UTF-8 from a caller that built params in C++ (not via a parser).
  Json op = env.Call("operator.create", {{"label", std::string("bad\xff\xfe")}});
  EXPECT_FALSE(op.empty());
  auto wrong_type = env.rt->Call("operator.create", {{"label", 5}}, env.ctx);
  EXPECT_TRUE(wrong_type.error().IsValidation());
  EXPECT_TRUE(env.rt->Call("operator.create", {{"label", "x"}, {"role", Json::array()}}, env.ctx)
                  .error()
                  .IsValidation());
  EXPECT_TRUE(env.rt->Call("credential.issue", {{"operatorId", op["id"]}, {"chatIds", 7}}, env.ctx)
                  .error()
                  .IsValidation());
  EXPECT_TRUE(env.rt->Call("admin.logs", {{"limit", "ten"}}, env.ctx).error().IsValidation());
  EXPECT_TRUE(env.rt->Call("operator.list", Json::array(), env.ctx).error().IsValidation());
  // A tampered audit line is skipped, not fatal.
  FILE* f = std::fopen((env.dir.path() + "/audit.jsonl").c_str(), "a");
  std::fputs("{\"timestamp\":5,\"action\":\"x\"}\nnot json\n", f);
  std::fclose(f);
  EXPECT_TRUE(env.rt->Call("admin.logs", {{"since", "2000-01-01T00:00:00Z"}}, env.ctx).ok());
}

TEST(RuntimeHarnessTest, WalletImport) {
  Env env;
  std::string mnemonic =
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
      "about";
  Json w = env.Call("wallet.import", {{"label", "hd"}, {"mnemonic", mnemonic}});
  EXPECT_EQ(w["address"], "0x9858effd232b4033e47d90003d41ec34ecaeda94");
  EXPECT_TRUE(env.rt->Call("wallet.import", {{"label", "again"}, {"mnemonic", mnemonic}}, env.ctx)
                  .error()
                  .IsValidation());
  std::string one(63, '0');
  one += "1";
  Json k = env.Call("wallet.import", {{"label", "one"}, {"privateKey", "0x" + one}});
  EXPECT_EQ(k["address"], "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  EXPECT_TRUE(env.rt->Call("wallet.import", {{"label", "x"}}, env.ctx).error().IsValidation());
  std::string audit = *env.rt->audit().Export();
  EXPECT_EQ(audit.find("abandon"), std::string::npos);
  EXPECT_EQ(audit.find(one), std::string::npos);
  EXPECT_TRUE(env.Call("admin.verify-keys", Json::object())["ok"].get<bool>());
}

TEST(RuntimeHarnessTest, VerifyRacesWithRevoke) {
  Env env;
  Json op = env.Call("operator.create", {{"label", "op"}, {"scopeMode", "shared"}});
  std::vector<std::string> tokens, ids;
  for (int i = 0; i < 3; ++i) {
    char chat[32];
    std::snprintf(chat, sizeof chat, "conv_%016d", i);
    Json r = env.Call("credential.issue", {{"operatorId", op["id"]}, {"chatIds", {chat}}});
    tokens.push_back(r["token"]);
    ids.push_back(r["credential"]["id"]);
  }
  std::atomic<bool> stop{false};
  std::atomic<long> checks{0};
  std::thread reader([&] {
    while (!stop) {
      for (const auto& t : tokens) (void)env.rt->VerifyToken(t);
      ++checks;
    }
  });
  // Let the reader get going so at least one pass races with the revokes.
  while (checks.load() == 0) std::this_thread::yield();
  for (const auto& id : ids) env.Call("credential.revoke", {{"credentialId", id}, {"force", true}});
  stop = true;
  reader.join();
  for (const auto& t : tokens) EXPECT_TRUE(env.rt->VerifyToken(t).error().IsAuth());
  EXPECT_GT(checks.load(), 0);
}

}  // namespace
}  // namespace xs::signet
