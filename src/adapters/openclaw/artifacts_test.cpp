// The content of each artifact (shared/spec/openclaw-adapter.md, setup step
// 5), parsed back as TOML / JSON, and the write rule (0600, kept unless
// forced, no temporary left behind).
#include "adapters/openclaw/artifacts.h"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "adapters/openclaw/adapter_manifest.h"
#include "adapters/openclaw/templates.h"
#include "adapters/openclaw/testing/openclaw_testing.h"

namespace xs::adapters::openclaw {
namespace {

ArtifactInputs Inputs() {
  ArtifactInputs in;
  in.config_path = "/home/u/.config/xmtp-signet/config.toml";
  in.data_dir = "/home/u/data \"quoted\"";
  in.admin_socket = "/run/user/1/xmtp-signet/admin.sock";
  in.ws_host = "127.0.0.1";
  in.ws_port = 8393;
  in.xs_binary = "/usr/local/bin/xs";
  for (const auto& t : OperatorTemplates()) in.operators.emplace_back(t.label, "op_" + t.label);
  for (const auto& t : PolicyTemplates()) in.policies.emplace_back(t.label, "pol_" + t.label);
  return in;
}

Json RenderJson(const std::string& file) {
  Json doc = Json::parse(RenderArtifact(file, Inputs()), nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << file;
  return doc;
}

unsigned ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST(ArtifactsTest, AdapterTomlHasEverySectionOfTheSpec) {
  const ArtifactInputs in = Inputs();
  toml::table t = toml::parse(RenderArtifact(kAdapterToml, in));
  EXPECT_EQ(t["adapter"]["name"].value<std::string>(), "openclaw");
  EXPECT_EQ(t["adapter"]["source"].value<std::string>(), "builtin");
  EXPECT_EQ(t["transport"]["ws"]["host"].value<std::string>(), "127.0.0.1");
  EXPECT_EQ(t["transport"]["ws"]["port"].value<std::int64_t>(), 8393);
  EXPECT_EQ(t["transport"]["ws"]["url"].value<std::string>(), "ws://127.0.0.1:8393/v1/agent");
  const std::string root = AdapterDir(in.data_dir);
  EXPECT_EQ(t["paths"]["root"].value<std::string>(), root);
  EXPECT_EQ(t["paths"]["checkpoints"].value<std::string>(), root + "/checkpoints");
  ASSERT_EQ(t["operators"].as_table()->size(), 3u);
  EXPECT_EQ(t["operators"]["openclaw_main"].value<std::string>(), "op_openclaw-main");
  EXPECT_EQ(t["operators"]["openclaw_subagent_per_chat"].value<std::string>(),
            "op_openclaw-subagent-per-chat");
  ASSERT_EQ(t["policies"].as_table()->size(), 4u);
  EXPECT_EQ(t["policies"]["openclaw_group_helper"].value<std::string>(),
            "pol_openclaw-group-helper");
}

TEST(ArtifactsTest, TheManifestArtifactIsTheBuiltinManifest) {
  auto m = ParseManifest(RenderArtifact(kManifestToml, Inputs()), ManifestFormat::kToml);
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_EQ(*m, OpenClawManifest());
}

TEST(ArtifactsTest, AccountJsonNamesTheSignetAndTheIds) {
  const ArtifactInputs in = Inputs();
  Json a = RenderJson(kAccountJson);
  EXPECT_EQ(a["adapter"], "openclaw");
  EXPECT_EQ(a["source"], "builtin");
  EXPECT_EQ(a["signet"], Json({{"configPath", in.config_path},
                               {"dataDir", in.data_dir},
                               {"adminSocket", in.admin_socket},
                               {"wsPort", 8393}}));
  EXPECT_EQ(a["operators"]["openclaw-specialist-shared"], "op_openclaw-specialist-shared");
  EXPECT_EQ(a["policies"].size(), 4u);
  EXPECT_EQ(a.size(), 5u) << a.dump();
}

TEST(ArtifactsTest, TemplateFilesCarryTheTemplatesAndTheirIds) {
  Json ops = RenderJson(kOperatorTemplatesJson);
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops["openclaw-subagent-per-chat"],
            Json({{"label", "openclaw-subagent-per-chat"},
                  {"role", "operator"},
                  {"scopeMode", "per-chat"},
                  {"provider", "internal"},
                  {"operatorId", "op_openclaw-subagent-per-chat"}}));
  Json pols = RenderJson(kPolicyTemplatesJson);
  ASSERT_EQ(pols.size(), 4u);
  EXPECT_EQ(pols["openclaw-readonly"]["policyId"], "pol_openclaw-readonly");
  EXPECT_EQ(pols["openclaw-readonly"]["deny"], Json({"send", "reply", "react", "attachment"}));
}

TEST(ArtifactsTest, McpEntryIsAStdioServerWithoutToken) {
  Json e = RenderJson(kMcpServerJson);
  EXPECT_EQ(e, Json({{"command", "/usr/local/bin/xs"},
                     {"args", {"mcp", "--config", "/home/u/.config/xmtp-signet/config.toml"}},
                     {"env", Json::object()}}));
}

TEST(ArtifactsTest, McpEntryCarriesTheDirectoriesTheDaemonUses) {
  ArtifactInputs in = Inputs();
  in.mcp_env = {{"XDG_RUNTIME_DIR", "/run/user/1000"}, {"XDG_STATE_HOME", ""}};
  Json e = Json::parse(RenderArtifact(kMcpServerJson, in));
  EXPECT_EQ(e["env"], Json({{"XDG_RUNTIME_DIR", "/run/user/1000"}}));
}

TEST(ArtifactsTest, NoArtifactHoldsACredential) {
  for (const auto& file : RequiredArtifacts()) {
    const std::string text = RenderArtifact(file, Inputs());
    EXPECT_FALSE(text.empty()) << file;
    EXPECT_EQ(text.find("token"), std::string::npos) << file;
    EXPECT_EQ(text.find(kCredentialTokenEnv), std::string::npos) << file;
  }
}

TEST(ArtifactsTest, WsUrlBracketsIpv6Hosts) {
  EXPECT_EQ(WsUrl("::1", 9), "ws://[::1]:9/v1/agent");
  EXPECT_EQ(TomlKey("openclaw-draft-only"), "openclaw_draft_only");
}

TEST(ArtifactsTest, WritesArePrivateAndKeepExistingFilesUnlessForced) {
  testing::TempDir tmp;
  const std::string dir = AdapterDir(tmp.str());
  ASSERT_TRUE(MakeAdapterDirs(dir).ok());
  EXPECT_EQ(ModeOf(dir), 0700u);
  EXPECT_EQ(ModeOf(CheckpointsDir(dir)), 0700u);
  ::chmod(dir.c_str(), 0755);
  ASSERT_TRUE(MakeAdapterDirs(dir).ok());
  EXPECT_EQ(ModeOf(dir), 0700u);

  const std::string path = dir + "/adapter.toml";
  auto first = WriteArtifact(path, "one", false);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, WriteOutcome::kCreated);
  EXPECT_EQ(ModeOf(path), 0600u);
  auto again = WriteArtifact(path, "two", false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, WriteOutcome::kReused);
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  EXPECT_EQ(text.str(), "one");
  auto forced = WriteArtifact(path, "two", true);
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(*forced, WriteOutcome::kCreated);
  std::stringstream rewritten;
  rewritten << std::ifstream(path).rdbuf();
  EXPECT_EQ(rewritten.str(), "two");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

}  // namespace
}  // namespace xs::adapters::openclaw
