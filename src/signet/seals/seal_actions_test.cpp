// The seal.* actions called by a credential (decisions.md #22, docs/seals.md
// "Who may read seals") against a real runtime with its SealService: a
// credential sees the seals and revocations of its own chats, and nothing
// else answers but not_found; seal.history is its own chains only. The admin
// still sees everything.
#include "signet/seals/seal_actions.h"

#include <gtest/gtest.h>

#include <set>

#include "base/testing/fake_clock.h"
#include "signet/seals/seal_service.h"
#include "signet/testing/fake_network.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet::seals {
namespace {

const std::string kChat1 = "conv_00000000000000c1";
const std::string kChat2 = "conv_00000000000000c2";
const std::string kChat3 = "conv_00000000000000c3";

class SealActionsTest : public ::testing::Test {
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
    SealService::Options options;
    options.send = [](const std::string&, std::string_view, const std::string&) {
      return OkStatus();
    };
    service_ = std::make_unique<SealService>(*rt_, nullptr, std::move(options));
    ASSERT_TRUE(service_->Start().ok());
    a_ = Issue({kChat1, kChat2});
    b_ = Issue({kChat1});
    c_ = Issue({kChat3});
  }
  void TearDown() override {
    service_->Stop();
    service_.reset();
    rt_.reset();
  }

  std::string Issue(const std::vector<std::string>& chats) {
    Json op = Admin("operator.create",
                    {{"label", "op" + std::to_string(++operators_)}, {"scopeMode", "shared"}});
    Json issued = Admin("credential.issue", {{"operatorId", op.value("id", "")},
                                             {"chatIds", chats},
                                             {"allow", {"send", "read-messages"}}});
    return issued["credential"].value("id", "");
  }
  Json Admin(const std::string& method, const Json& params) {
    auto r = rt_->Call(method, params, admin_);
    EXPECT_TRUE(r.ok()) << method << ": " << r.error().ToString();
    return r.ok() ? *r : Json::object();
  }
  Result<Json> As(const std::string& cred, const std::string& method, const Json& params) {
    CallContext ctx;
    ctx.caller = CallContext::Caller::kCredential;
    ctx.credential_id = cred;
    return rt_->Call(method, params, ctx);
  }
  Json Ok(const std::string& cred, const std::string& method, const Json& params) {
    auto r = As(cred, method, params);
    EXPECT_TRUE(r.ok()) << method << " " << params.dump() << ": " << r.error().ToString();
    return r.ok() ? *r : Json::object();
  }
  bool NotFound(const std::string& cred, const std::string& method, const Json& params) {
    auto r = As(cred, method, params);
    if (r.ok()) return false;
    EXPECT_TRUE(r.error().IsNotFound())
        << method << " " << params.dump() << ": " << r.error().ToString();
    return r.error().IsNotFound();
  }
  // The (credential, chat) pairs of a seal listing.
  static std::set<std::pair<std::string, std::string>> Pairs(const Json& seals) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& s : seals) {
      const Json& current = s["chain"]["current"];
      out.emplace(current.value("credentialId", ""), current.value("chatId", ""));
    }
    return out;
  }
  // The head's id of a pair, from the admin's listing.
  std::string SealOf(const std::string& cred, const std::string& chat) {
    Json seals = Admin("seal.list", {{"credentialId", cred}, {"chatId", chat}});
    EXPECT_EQ(seals.size(), 1u) << seals.dump();
    return seals.empty() ? "" : seals[0]["chain"]["current"].value("sealId", "");
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<SealService> service_;
  CallContext admin_;
  std::string a_, b_, c_;
  int operators_ = 0;
};

TEST_F(SealActionsTest, SealActionsAreCallableByCredentials) {
  for (const char* id : {"seal.list", "seal.info", "seal.history", "seal.verify"}) {
    const ActionSpec* spec = rt_->registry().Find(id);
    ASSERT_NE(spec, nullptr) << id;
    EXPECT_FALSE(spec->admin_only) << id;
    EXPECT_FALSE(spec->params.empty()) << id;
    for (const Param& p : spec->params) EXPECT_FALSE(p.description.empty()) << id << " " << p.name;
  }
}

TEST_F(SealActionsTest, ListShowsTheSealsOfTheCredentialsChatsOnly) {
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(Pairs(Ok(a_, "seal.list", Json::object())),
            (std::set<P>{{a_, kChat1}, {a_, kChat2}, {b_, kChat1}}));
  EXPECT_EQ(Pairs(Ok(a_, "seal.list", {{"chatId", kChat1}})),
            (std::set<P>{{a_, kChat1}, {b_, kChat1}}));
  EXPECT_EQ(Pairs(Ok(a_, "seal.list", {{"credentialId", b_}})), (std::set<P>{{b_, kChat1}}));
  EXPECT_EQ(Pairs(Ok(c_, "seal.list", Json::object())), (std::set<P>{{c_, kChat3}}));
  // Another chat, an unknown chat, a credential of no chat it sees: not_found.
  EXPECT_TRUE(NotFound(a_, "seal.list", {{"chatId", kChat3}}));
  EXPECT_TRUE(NotFound(a_, "seal.list", {{"chatId", "conv_ffffffffffffffff"}}));
  EXPECT_TRUE(NotFound(a_, "seal.list", {{"credentialId", c_}}));
  EXPECT_TRUE(NotFound(b_, "seal.list", {{"chatId", kChat2}}));
  // The admin's listing is unchanged: every head.
  EXPECT_EQ(Admin("seal.list", Json::object()).size(), 4u);
}

TEST_F(SealActionsTest, InfoAndVerifyAnswerForSealsOfTheCredentialsChats) {
  const std::string own = SealOf(a_, kChat2), neighbour = SealOf(b_, kChat1),
                    elsewhere = SealOf(c_, kChat3);
  Json info = Ok(a_, "seal.info", {{"sealId", own}});
  EXPECT_EQ(info.value("type", ""), "seal");
  EXPECT_EQ(info.value("status", ""), "current");
  EXPECT_EQ(Ok(a_, "seal.info", {{"sealId", neighbour}})["seal"]["chain"]["current"].value(
                "credentialId", ""),
            b_);
  EXPECT_EQ(Ok(a_, "seal.verify", {{"sealId", own}}).value("verdict", ""), "verified");
  EXPECT_EQ(Ok(a_, "seal.verify", {{"sealId", neighbour}}).value("verdict", ""), "verified");
  // A short id resolves among what the credential sees.
  EXPECT_EQ(
      Ok(a_, "seal.info", {{"sealId", own.substr(0, own.size() - 2)}})["seal"]["chain"]["current"]
          .value("sealId", ""),
      own);
  EXPECT_TRUE(NotFound(a_, "seal.info", {{"sealId", elsewhere}}));
  EXPECT_TRUE(NotFound(a_, "seal.verify", {{"sealId", elsewhere}}));
  EXPECT_TRUE(NotFound(b_, "seal.info", {{"sealId", own}}));
  EXPECT_TRUE(NotFound(a_, "seal.info", {{"sealId", "seal_ffffffffffffffff"}}));
  // The admin sees any.
  EXPECT_EQ(Admin("seal.info", {{"sealId", elsewhere}}).value("type", ""), "seal");
}

TEST_F(SealActionsTest, HistoryIsTheCredentialsOwnChainInItsChats) {
  // A material change chains a second seal in each chat of a_.
  Admin("credential.updateScopes", {{"credentialId", a_}, {"allow", {"send"}}});  // narrower
  Json own = Ok(a_, "seal.history", {{"chatId", kChat1}});
  EXPECT_EQ(own.value("credentialId", ""), a_);
  EXPECT_EQ(own.value("chatId", ""), kChat1);
  EXPECT_EQ(own["seals"].size(), 2u) << own.dump();
  EXPECT_FALSE(own.value("revoked", true));
  EXPECT_EQ(Ok(a_, "seal.history", {{"chatId", kChat1}, {"credentialId", a_}}), own);
  // Another credential's chain, even in a shared chat; a chat not its own.
  EXPECT_TRUE(NotFound(a_, "seal.history", {{"chatId", kChat1}, {"credentialId", b_}}));
  EXPECT_TRUE(NotFound(a_, "seal.history", {{"chatId", kChat3}}));
  EXPECT_TRUE(NotFound(c_, "seal.history", {{"chatId", kChat1}}));
  auto no_chat = As(a_, "seal.history", Json::object());
  EXPECT_TRUE(no_chat.error().IsValidation());
  // The admin names the credential.
  EXPECT_EQ(Admin("seal.history", {{"chatId", kChat1}, {"credentialId", b_}})["seals"].size(), 1u);
  auto unnamed = rt_->Call("seal.history", {{"chatId", kChat1}}, admin_);
  EXPECT_TRUE(unnamed.error().IsValidation());
}

TEST_F(SealActionsTest, RevocationsOfTheCredentialsChatsAreVisibleAndTheCallerMustBeActive) {
  Admin("credential.revoke", {{"credentialId", b_}, {"force", true}});
  Admin("credential.revoke", {{"credentialId", c_}, {"force", true}});
  Json b_history = Admin("seal.history", {{"chatId", kChat1}, {"credentialId", b_}});
  ASSERT_TRUE(b_history.value("revoked", false)) << b_history.dump();
  const std::string revocation = b_history["revocation"]["revocation"].value("sealId", "");
  const std::string other =
      Admin("seal.history", {{"chatId", kChat3}, {"credentialId", c_}})["revocation"]["revocation"]
          .value("sealId", "");
  ASSERT_FALSE(revocation.empty());
  ASSERT_FALSE(other.empty());
  Json info = Ok(a_, "seal.info", {{"sealId", revocation}});
  EXPECT_EQ(info.value("type", ""), "revocation");
  EXPECT_EQ(Ok(a_, "seal.verify", {{"sealId", revocation}}).value("verdict", ""), "verified");
  EXPECT_TRUE(NotFound(a_, "seal.info", {{"sealId", other}}));
  // b_'s seal is no longer current: a_ lists its own heads only.
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(Pairs(Ok(a_, "seal.list", Json::object())), (std::set<P>{{a_, kChat1}, {a_, kChat2}}));
  // A revoked caller reads nothing.
  auto revoked = As(b_, "seal.list", Json::object());
  ASSERT_FALSE(revoked.ok());
  EXPECT_TRUE(revoked.error().IsAuth()) << revoked.error().ToString();
  EXPECT_TRUE(As("cred_00000000000000aa", "seal.list", Json::object()).error().IsAuth());
}

}  // namespace
}  // namespace xs::signet::seals
