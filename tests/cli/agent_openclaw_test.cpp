// `xs agent setup|status|doctor` against a real daemon (cli_fixture.h):
// the built-in OpenClaw adapter run as its own `xs` process (created, then
// reused, --force, the files and their modes, status ok -> degraded ->
// missing, doctor's findings and repairs, no admin key, daemon down) and an
// external adapter from config.toml (a shell script entrypoint whose
// stdout, stderr and exit code pass through; bad manifests refused).
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "cli_fixture.h"

namespace xs::cli::testing {
namespace {

constexpr int kNotOk = 3;  // status/doctor: not ok / not healthy

const std::vector<std::string> kArtifacts = {"adapter.toml",          "adapter-manifest.toml",
                                             "openclaw-account.json", "operator-templates.json",
                                             "policy-templates.json", "openclaw-mcp.json"};

unsigned ModeOf(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

std::vector<std::string> Labels(const Json& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r["config"].value("label", ""));
  std::sort(out.begin(), out.end());
  return out;
}

class AgentOpenclawTest : public CliTest {
 protected:
  fs::path AdapterDir() const { return env_->data_dir() / "adapters" / "openclaw"; }

  // Runs `xs agent <args> --json`, expecting `code`; the report.
  Json Agent(std::vector<std::string> args, int code) {
    args.insert(args.begin(), "agent");
    args.emplace_back("--json");
    RunResult r = Xs(args);
    EXPECT_EQ(r.code, code) << r.Describe();
    Json j = r.Json();
    EXPECT_FALSE(j.is_discarded()) << r.Describe();
    return j;
  }

  // Declares [agent.adapters.<name>] in config.toml with a manifest and a
  // script entrypoint beside it.
  void AddExternal(const std::string& name, const std::string& manifest_file,
                   const std::string& manifest, const std::string& script) {
    const fs::path dir = env_->config_file().parent_path();
    WriteFile(dir / manifest_file, manifest);
    WriteFile(dir / "adapter.sh", script);
    fs::permissions(dir / "adapter.sh", fs::perms::owner_all);
    std::ofstream(env_->config_file(), std::ios::app)
        << "\n[agent.adapters." << name << "]\nsource = \"external\"\nmanifest = \""
        << manifest_file << "\"\ncommand = \"adapter.sh\"\n";
  }
};

TEST_F(AgentOpenclawTest, SetupCreatesThenReusesThenForces) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Json first = Agent({"setup", "openclaw"}, 0);
  EXPECT_EQ(first["adapter"], "openclaw");
  EXPECT_EQ(first["adapterSource"], "builtin");
  EXPECT_EQ(first["status"], "ok");
  EXPECT_EQ(first["created"].size(), 13u) << first.dump();
  EXPECT_TRUE(first["reused"].empty());
  ASSERT_EQ(first["artifacts"].size(), 6u);
  EXPECT_TRUE(Contains(first["nextSteps"].dump(), "xs cred issue --op openclaw-main"));

  // The daemon holds exactly the spec's operators and policies.
  EXPECT_EQ(Labels(Ok({"operator", "list"})),
            std::vector<std::string>(
                {"openclaw-main", "openclaw-specialist-shared", "openclaw-subagent-per-chat"}));
  Json policies = Ok({"policy", "list"});
  EXPECT_EQ(policies.size(), 4u) << policies.dump();
  Json readonly = Ok({"policy", "info", "openclaw-readonly"});
  EXPECT_EQ(readonly["config"]["deny"], Json({"send", "reply", "react", "attachment"}));
  Json per_chat = Ok({"operator", "info", "openclaw-subagent-per-chat"});
  EXPECT_EQ(per_chat["config"]["scopeMode"], "per-chat");

  // Files, modes and content.
  EXPECT_EQ(ModeOf(AdapterDir()), 0700u);
  EXPECT_EQ(ModeOf(AdapterDir() / "checkpoints"), 0700u);
  for (const auto& f : kArtifacts) {
    EXPECT_EQ(first["artifacts"][f], (AdapterDir() / f).string()) << f;
    EXPECT_EQ(ModeOf(AdapterDir() / f), 0600u) << f;
  }
  Json mcp = Json::parse(ReadFile(AdapterDir() / "openclaw-mcp.json"));
  EXPECT_EQ(mcp["command"], fs::canonical(Binary()).string());
  EXPECT_EQ(mcp["args"], Json({"mcp", "--config", env_->config_file().string()}));
  // The directories `xs mcp` needs to find the daemon under a bare MCP-host
  // environment: the ones this signet home uses.
  EXPECT_EQ(mcp["env"].value("XDG_RUNTIME_DIR", ""), env_->runtime_dir().parent_path().string());
  EXPECT_EQ(mcp["env"].value("XDG_CONFIG_HOME", ""),
            env_->config_file().parent_path().parent_path().string());
  EXPECT_EQ(mcp["env"].size(), 4u);
  Json account = Json::parse(ReadFile(AdapterDir() / "openclaw-account.json"));
  const int ws_port = Ok({"status"}).value("wsPort", 0);
  ASSERT_GT(ws_port, 0);
  EXPECT_EQ(account["signet"]["wsPort"], ws_port);
  EXPECT_EQ(account["operators"]["openclaw-main"], Ok({"operator", "info", "openclaw-main"})["id"]);
  EXPECT_TRUE(
      Contains(ReadFile(AdapterDir() / "adapter.toml"), "port = " + std::to_string(ws_port)));

  Json second = Agent({"setup", "openclaw"}, 0);
  EXPECT_TRUE(second["created"].empty()) << second.dump();
  EXPECT_EQ(second["reused"].size(), 13u);
  EXPECT_EQ(Ok({"operator", "list"}).size(), 3u);

  WriteFile(AdapterDir() / "adapter.toml", "edited");
  Json forced = Agent({"setup", "openclaw", "--force"}, 0);
  EXPECT_EQ(forced["created"].size(), 6u) << forced.dump();
  EXPECT_EQ(forced["reused"].size(), 7u);
  EXPECT_TRUE(Contains(ReadFile(AdapterDir() / "adapter.toml"), "[operators]"));

  RunResult human = Xs({"agent", "setup", "openclaw"});
  ASSERT_EQ(human.code, 0) << human.Describe();
  EXPECT_TRUE(Contains(human.out, "Next steps:")) << human.out;
  EXPECT_TRUE(Contains(human.out, "openclaw mcp set xmtp-signet")) << human.out;
}

TEST_F(AgentOpenclawTest, StatusGoesOkDegradedMissing) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Json before = Agent({"status", "openclaw"}, kNotOk);
  EXPECT_EQ(before["status"], "missing");
  Agent({"setup", "openclaw"}, 0);

  Json ok = Agent({"status", "openclaw"}, 0);
  EXPECT_EQ(ok["status"], "ok");
  const Json& d = ok["details"];
  for (const char* key :
       {"phase", "bridgePhase", "bridgeReady", "expectedArtifacts", "adapterDir", "checkpointsDir",
        "checkpointsDirExists", "presentArtifacts", "missingArtifacts"}) {
    EXPECT_TRUE(d.contains(key)) << key;
  }
  EXPECT_EQ(d["daemon"]["reachable"], true) << d.dump();
  EXPECT_EQ(d["daemon"]["wsPortMatches"], true) << d.dump();
  EXPECT_EQ(d["provisioning"]["ok"], true) << d.dump();

  fs::remove(AdapterDir() / "operator-templates.json");
  Json degraded = Agent({"status", "openclaw"}, kNotOk);
  EXPECT_EQ(degraded["status"], "degraded");
  EXPECT_EQ(degraded["details"]["missingArtifacts"], Json({"operator-templates.json"}));

  fs::remove_all(AdapterDir());
  Json missing = Agent({"status", "openclaw"}, kNotOk);
  EXPECT_EQ(missing["status"], "missing");

  RunResult human = Xs({"agent", "status", "openclaw"});
  EXPECT_EQ(human.code, kNotOk);
  EXPECT_TRUE(Contains(human.out, "openclaw (builtin): missing")) << human.out;
}

TEST_F(AgentOpenclawTest, StatusIsFilesystemBasedWhenTheDaemonIsDown) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Agent({"setup", "openclaw"}, 0);
  ASSERT_EQ(env_->StopDaemon().code, 0);
  Json r = Agent({"status", "openclaw"}, 0);
  EXPECT_EQ(r["status"], "ok");
  EXPECT_EQ(r["details"]["daemon"]["reachable"], false);
  EXPECT_TRUE(Contains(r["details"]["daemon"].value("error", ""), "xs daemon start"));
  EXPECT_FALSE(r["details"].contains("provisioning"));
}

TEST_F(AgentOpenclawTest, DoctorReportsAndRepairs) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Agent({"setup", "openclaw"}, 0);
  Json healthy = Agent({"doctor", "openclaw"}, 0);
  EXPECT_EQ(healthy["details"]["diagnostics"],
            Json({"adapter artifacts are present", "read-only bridge primitives are available"}));

  // An operator removed behind the adapter's back: its recorded id is stale.
  Ok({"operator", "rm", "openclaw-main", "--force"});
  Json stale = Agent({"doctor", "openclaw"}, kNotOk);
  EXPECT_EQ(stale["status"], "ok");
  EXPECT_TRUE(Contains(stale["details"]["diagnostics"].dump(), "does not exist")) << stale.dump();
  Json again = Agent({"setup", "openclaw"}, 0);
  EXPECT_EQ(again["created"], Json({"operator:openclaw-main"}));
  EXPECT_TRUE(Contains(again["nextSteps"][0].get<std::string>(), "--force"));
  Agent({"setup", "openclaw", "--force"}, 0);
  Agent({"doctor", "openclaw"}, 0);

  fs::remove(AdapterDir() / "adapter.toml");
  fs::remove_all(AdapterDir() / "checkpoints");
  RunResult human = Xs({"agent", "doctor", "openclaw"});
  EXPECT_EQ(human.code, kNotOk) << human.Describe();
  EXPECT_TRUE(Contains(human.out, "missing artifacts: adapter.toml")) << human.out;
  EXPECT_TRUE(Contains(human.out, "missing checkpoints directory")) << human.out;
  EXPECT_TRUE(Contains(human.out, "run `xs agent setup openclaw`")) << human.out;
}

TEST_F(AgentOpenclawTest, SetupNeedsAnAdminKeyAndARunningDaemon) {
  RunResult no_key = Fails({"agent", "setup", "openclaw"}, kAuth);
  EXPECT_TRUE(Contains(no_key.err, "No admin key found. Run 'xs init' first.")) << no_key.err;

  ASSERT_EQ(env_->Run({"init", "--env", "local", "--json"}).code, 0);
  RunResult down = Fails({"agent", "setup", "openclaw"}, kNetwork);
  EXPECT_TRUE(Contains(down.err, "Signet daemon must be running before adapter setup")) << down.err;
  EXPECT_TRUE(Contains(down.err, "xs daemon start")) << down.err;
  EXPECT_FALSE(fs::exists(AdapterDir()));
}

TEST_F(AgentOpenclawTest, GatedOperatorCreationTakesThePassphraseFile) {
  const fs::path pass = env_->root() / "owner-pass";
  const std::string passphrase = "correct horse battery staple 42";
  WriteFile(pass, passphrase + "\n");
  Secret("passphrase", passphrase);
  passphrase_ = passphrase;
  ASSERT_NO_FATAL_FAILURE(Start({"hardened", "--passphrase-file", pass.string()},
                                {{"XMTP_SIGNET_OWNER_PASSPHRASE_FILE", pass.string()}}));
  // hardened gates operator creation: without the passphrase, a permission error.
  RunResult refused = Fails({"agent", "setup", "openclaw"}, kPermission);
  EXPECT_TRUE(Contains(refused.err, "passphrase")) << refused.err;
  RunResult r = Xs({"agent", "setup", "openclaw", "--json"},
                   {{"XMTP_SIGNET_OWNER_PASSPHRASE_FILE", pass.string()}});
  ASSERT_EQ(r.code, 0) << r.Describe();
  EXPECT_EQ(r.Json()["created"].size(), 13u) << r.out;
}

TEST_F(AgentOpenclawTest, UnknownHarnessAndHiddenEntry) {
  ASSERT_EQ(env_->Run({"init", "--env", "local", "--json"}).code, 0);
  Fails({"agent", "setup", "hermes"}, kNotFound);
  RunResult help = Xs({"--help"});
  EXPECT_TRUE(Contains(help.out, "agent")) << help.out;
  EXPECT_FALSE(Contains(help.out, "agent-adapter")) << help.out;
  RunResult agent_help = Xs({"agent", "--help"});
  for (const char* verb : {"setup", "status", "doctor"}) {
    EXPECT_TRUE(Contains(agent_help.out, verb)) << agent_help.out;
  }
}

TEST_F(AgentOpenclawTest, ExternalAdaptersRunAsTheirOwnProcess) {
  ASSERT_EQ(env_->Run({"init", "--env", "local", "--json"}).code, 0);
  AddExternal("custom", "custom.json",
              R"({"name": "custom", "source": "external", "supports": ["setup", "status"],
                  "entrypoints": {"setup": "custom:setup", "status": "custom:status"}})",
              "#!/bin/sh\necho \"args: $*\"\necho 'note from the adapter' >&2\nexit 5\n");
  RunResult r = Xs({"agent", "status", "custom", "--json"});
  EXPECT_EQ(r.code, 5) << r.Describe();
  EXPECT_EQ(r.out, "args: status --adapter custom --entrypoint custom:status --config " +
                       env_->config_file().string() + " --json\n");
  EXPECT_EQ(r.err, "note from the adapter\n");
  RunResult setup = Xs({"agent", "setup", "custom", "--force"});
  EXPECT_EQ(setup.code, 5);
  EXPECT_TRUE(
      Contains(setup.out, "args: setup --adapter custom --entrypoint custom:setup --config "))
      << setup.out;
  EXPECT_TRUE(Contains(setup.out, " --force")) << setup.out;

  RunResult unsupported = Fails({"agent", "doctor", "custom"}, kValidation);
  EXPECT_TRUE(Contains(unsupported.err, "does not support 'doctor'")) << unsupported.err;
}

TEST_F(AgentOpenclawTest, BadExternalManifestsAreRefused) {
  ASSERT_EQ(env_->Run({"init", "--env", "local", "--json"}).code, 0);
  AddExternal("custom", "custom.toml",
              "name = \"custom\"\nsource = \"external\"\nsupports = [\"setup\"]\nextra = 1\n"
              "[entrypoints]\nsetup = \"s\"\n",
              "#!/bin/sh\necho ran\n");
  RunResult extra = Fails({"agent", "setup", "custom"}, kValidation);
  EXPECT_TRUE(Contains(extra.err, "manifest.extra")) << extra.err;
  EXPECT_FALSE(Contains(extra.out, "ran"));

  WriteFile(env_->config_file().parent_path() / "custom.toml",
            "name = \"other\"\nsource = \"external\"\nsupports = [\"setup\"]\n"
            "[entrypoints]\nsetup = \"s\"\n");
  RunResult name = Fails({"agent", "setup", "custom"}, kValidation);
  EXPECT_TRUE(Contains(name.err, "manifest.name")) << name.err;

  WriteFile(env_->config_file().parent_path() / "custom.toml",
            "name = \"custom\"\nsource = \"external\"\nsupports = [\"setup\", \"status\"]\n"
            "[entrypoints]\nsetup = \"s\"\n");
  RunResult entry = Fails({"agent", "setup", "custom"}, kValidation);
  EXPECT_TRUE(Contains(entry.err, "manifest.entrypoints.status")) << entry.err;
}

}  // namespace
}  // namespace xs::cli::testing
