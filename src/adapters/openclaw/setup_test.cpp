// Setup against a fake daemon (openclaw-adapter.md, setup steps 2-6):
// prerequisites, the exact operators and policies, idempotence, duplicate
// labels, --force and the result document.
#include "adapters/openclaw/setup.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "adapters/openclaw/artifacts.h"
#include "adapters/openclaw/templates.h"
#include "adapters/openclaw/testing/openclaw_testing.h"
#include "signet/policy/scopes.h"

namespace xs::adapters::openclaw {
namespace {

using Json = nlohmann::json;
using testing::FakeDaemon;
using testing::TempDir;

class SetupTest : public ::testing::Test {
 protected:
  SetupOptions Options(bool force = false) {
    SetupOptions o;
    o.config_path = dir_.str() + "/config.toml";
    o.data_dir = dir_.str() + "/data";
    o.admin_socket = dir_.str() + "/admin.sock";
    o.xs_binary = "/opt/xs/bin/xs";
    o.force = force;
    return o;
  }
  Result<Json> Run(bool force = false) { return RunSetup(Options(force), daemon_.Calls()); }
  std::string Artifact(const std::string& file) {
    std::stringstream s;
    s << std::ifstream(AdapterDir(dir_.str() + "/data") + "/" + file).rdbuf();
    return s.str();
  }

  TempDir dir_;
  FakeDaemon daemon_;
};

std::vector<std::string> Strings(const Json& list) { return list.get<std::vector<std::string>>(); }

TEST_F(SetupTest, FirstRunCreatesEverythingAndReportsIt) {
  auto r = Run();
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ((*r)["adapter"], "openclaw");
  EXPECT_EQ((*r)["adapterSource"], "builtin");
  EXPECT_EQ((*r)["status"], "ok");
  EXPECT_EQ(
      Strings((*r)["created"]),
      std::vector<std::string>({"operator:openclaw-main", "operator:openclaw-subagent-per-chat",
                                "operator:openclaw-specialist-shared", "policy:openclaw-readonly",
                                "policy:openclaw-standard-reply", "policy:openclaw-draft-only",
                                "policy:openclaw-group-helper", "artifact:adapter.toml",
                                "artifact:adapter-manifest.toml", "artifact:openclaw-account.json",
                                "artifact:operator-templates.json",
                                "artifact:policy-templates.json", "artifact:openclaw-mcp.json"}));
  EXPECT_TRUE((*r)["reused"].empty());
  const std::string adapter_dir = AdapterDir(dir_.str() + "/data");
  ASSERT_EQ((*r)["artifacts"].size(), 6u);
  EXPECT_EQ((*r)["artifacts"]["openclaw-mcp.json"], adapter_dir + "/openclaw-mcp.json");
  EXPECT_TRUE(std::filesystem::is_directory(adapter_dir + "/checkpoints"));
  const std::string steps = (*r)["nextSteps"].dump();
  EXPECT_NE(steps.find("xs cred issue --op openclaw-main"), std::string::npos) << steps;
  EXPECT_NE(steps.find("XMTP_SIGNET_CREDENTIAL_TOKEN"), std::string::npos) << steps;
  EXPECT_NE(steps.find("openclaw mcp set xmtp-signet"), std::string::npos) << steps;
  EXPECT_EQ(steps.find("--force"), std::string::npos) << steps;
}

TEST_F(SetupTest, ProvisionsExactlyTheSpecsOperatorsAndPolicies) {
  ASSERT_TRUE(Run().ok());
  ASSERT_EQ(daemon_.create_params.size(), 7u);
  EXPECT_EQ(daemon_.create_params[0], Json({{"label", "openclaw-main"},
                                            {"role", "operator"},
                                            {"scopeMode", "shared"},
                                            {"provider", "internal"}}));
  EXPECT_EQ(daemon_.create_params[1]["scopeMode"], "per-chat");
  EXPECT_EQ(daemon_.create_params[2]["label"], "openclaw-specialist-shared");
  EXPECT_EQ(daemon_.create_params[2]["scopeMode"], "shared");
  const Json& readonly = daemon_.create_params[3];
  EXPECT_EQ(Strings(readonly["allow"]),
            std::vector<std::string>({"read-messages", "read-history", "list-members",
                                      "list-conversations", "read-permissions", "stream-messages",
                                      "stream-conversations"}));
  const Json& reply = daemon_.create_params[4];
  EXPECT_EQ(reply["label"], "openclaw-standard-reply");
  EXPECT_EQ(reply["allow"].size(), 15u);
  EXPECT_EQ(Strings(reply["deny"]),
            std::vector<std::string>({"add-member", "remove-member", "promote-admin",
                                      "demote-admin", "update-permission"}));
  const Json& draft = daemon_.create_params[5];
  EXPECT_EQ(draft["allow"].size(), 10u);
  EXPECT_EQ(Strings(draft["deny"]),
            std::vector<std::string>({"send", "reply", "react", "attachment"}));
  const Json& helper = daemon_.create_params[6];
  EXPECT_EQ(helper["allow"].size(), 21u);
  EXPECT_EQ(Strings(helper["deny"]),
            std::vector<std::string>({"promote-admin", "demote-admin", "update-permission"}));
  // Every scope is one the daemon knows.
  for (std::size_t i = 3; i < 7; ++i) {
    const Json& p = daemon_.create_params[i];
    EXPECT_TRUE(signet::ValidateScopes(Strings(p["allow"]), "allow").ok()) << p.dump();
    EXPECT_TRUE(signet::ValidateScopes(Strings(p["deny"]), "deny").ok()) << p.dump();
  }
}

TEST_F(SetupTest, SecondRunReusesEverything) {
  ASSERT_TRUE(Run().ok());
  const std::string account = Artifact(kAccountJson);
  auto r = Run();
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE((*r)["created"].empty()) << r->dump();
  EXPECT_EQ((*r)["reused"].size(), 13u);
  EXPECT_EQ(daemon_.create_params.size(), 7u);
  EXPECT_EQ(daemon_.operators.size(), 3u);
  EXPECT_EQ(Artifact(kAccountJson), account);
}

TEST_F(SetupTest, ForceRewritesTheArtifactsButReusesTheRecords) {
  ASSERT_TRUE(Run().ok());
  const std::string path = AdapterDir(dir_.str() + "/data") + "/" + kAdapterToml;
  std::ofstream(path) << "edited";
  ::chmod(path.c_str(), 0644);
  auto r = Run(/*force=*/true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["created"].size(), 6u) << r->dump();
  EXPECT_EQ((*r)["reused"].size(), 7u);
  EXPECT_NE(Artifact(kAdapterToml).find("[operators]"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SetupTest, RecreatedRecordsWithKeptArtifactsAskForForce) {
  ASSERT_TRUE(Run().ok());
  daemon_.operators.erase(0);  // openclaw-main was removed
  auto r = Run();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Strings((*r)["created"]), std::vector<std::string>({"operator:openclaw-main"}));
  EXPECT_NE((*r)["nextSteps"][0].get<std::string>().find("--force"), std::string::npos);
}

TEST_F(SetupTest, ExistingRecordsAreReusedByLabel) {
  daemon_.operators.push_back(FakeDaemon::Record("op_existing", "openclaw-main"));
  daemon_.policies.push_back(FakeDaemon::Record("pol_existing", "openclaw-readonly"));
  auto r = Run();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Strings((*r)["reused"]),
            std::vector<std::string>({"operator:openclaw-main", "policy:openclaw-readonly"}));
  EXPECT_NE(Artifact(kAdapterToml).find("openclaw_main = \"op_existing\""), std::string::npos);
}

TEST_F(SetupTest, DuplicateLabelsAreAValidationError) {
  daemon_.operators.push_back(FakeDaemon::Record("op_a", "openclaw-subagent-per-chat"));
  daemon_.operators.push_back(FakeDaemon::Record("op_b", "openclaw-subagent-per-chat"));
  auto r = Run();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsValidation());
  Json context = Json::parse(r.error().context_json());
  EXPECT_EQ(context["field"], "operator.label");
  EXPECT_EQ(context["label"], "openclaw-subagent-per-chat");
  EXPECT_EQ(context["matches"], Json({"op_a", "op_b"}));
  EXPECT_FALSE(std::filesystem::exists(AdapterDir(dir_.str() + "/data")));

  daemon_.operators = Json::array();
  daemon_.policies.push_back(FakeDaemon::Record("pol_a", "openclaw-draft-only"));
  daemon_.policies.push_back(FakeDaemon::Record("pol_b", "openclaw-draft-only"));
  auto p = Run();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(Json::parse(p.error().context_json())["field"], "policy.label");
}

TEST_F(SetupTest, TheDaemonMustRunWithWebSocketTransport) {
  daemon_.status["state"] = "starting";
  auto r = Run();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("Signet daemon must be running before adapter setup"),
            std::string::npos);
  daemon_.status["state"] = "running";
  daemon_.status["wsPort"] = nullptr;
  auto ws = Run();
  ASSERT_FALSE(ws.ok());
  EXPECT_NE(ws.error().message().find("WebSocket transport must be enabled before adapter setup"),
            std::string::npos);
  EXPECT_TRUE(daemon_.create_params.empty());
}

TEST_F(SetupTest, AWildcardWsHostIsDialledOnLoopback) {
  daemon_.status["ws"]["host"] = "0.0.0.0";
  daemon_.status["wsPort"] = 9001;
  ASSERT_TRUE(Run().ok());
  EXPECT_NE(Artifact(kAdapterToml).find("url = \"ws://127.0.0.1:9001/v1/agent\""),
            std::string::npos);
}

TEST_F(SetupTest, TheOwnerPassphraseGoesToOperatorCreateOnly) {
  SetupOptions o = Options();
  o.owner_passphrase = "correct horse";
  ASSERT_TRUE(RunSetup(o, daemon_.Calls()).ok());
  EXPECT_EQ(daemon_.create_params[0]["ownerPassphrase"], "correct horse");
  EXPECT_FALSE(daemon_.create_params[3].contains("ownerPassphrase"));
  for (const auto& file : RequiredArtifacts()) {
    EXPECT_EQ(Artifact(file).find("correct horse"), std::string::npos) << file;
  }
}

}  // namespace
}  // namespace xs::adapters::openclaw
