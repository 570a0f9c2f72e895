// status / doctor (openclaw-adapter.md "xs agent status|doctor openclaw",
// openclaw.md "status / doctor"): the filesystem transitions ok -> degraded
// -> missing, the details keys, the daemon and provisioning report, the
// diagnostics and the exit codes.
#include "adapters/openclaw/inspect.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "adapters/openclaw/artifacts.h"
#include "adapters/openclaw/setup.h"
#include "adapters/openclaw/testing/openclaw_testing.h"

namespace xs::adapters::openclaw {
namespace {

using Json = nlohmann::json;
using testing::FakeDaemon;
using testing::TempDir;

class InspectTest : public ::testing::Test {
 protected:
  void Provision() {
    SetupOptions o;
    o.config_path = dir_.str() + "/config.toml";
    o.data_dir = data_dir();
    o.xs_binary = "/opt/xs";
    auto r = RunSetup(o, daemon_.Calls());
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  std::string data_dir() const { return dir_.str() + "/data"; }
  std::string adapter_dir() const { return AdapterDir(data_dir()); }
  InspectInput Input(bool daemon_up) {
    InspectInput in;
    in.data_dir = data_dir();
    if (daemon_up) {
      in.daemon.call = daemon_.Calls();
    } else {
      in.daemon.error = "no admin socket at /x/admin.sock";
    }
    return in;
  }
  static std::string Diagnostics(const Json& report) {
    return report["details"]["diagnostics"].dump();
  }

  TempDir dir_;
  FakeDaemon daemon_;
};

TEST_F(InspectTest, NothingSetUpIsMissing) {
  Json r = Inspect(Input(false), false);
  EXPECT_EQ(r["adapter"], "openclaw");
  EXPECT_EQ(r["adapterSource"], "builtin");
  EXPECT_EQ(r["status"], "missing");
  const Json& d = r["details"];
  EXPECT_EQ(d["phase"], "runtime");
  EXPECT_EQ(d["bridgePhase"], "read-only");
  EXPECT_EQ(d["bridgeReady"], true);
  EXPECT_EQ(d["expectedArtifacts"],
            Json({"adapter.toml", "adapter-manifest.toml", "openclaw-account.json",
                  "operator-templates.json", "policy-templates.json"}));
  EXPECT_EQ(d["optionalArtifacts"], Json({"openclaw-mcp.json"}));
  EXPECT_EQ(d["adapterDir"], adapter_dir());
  EXPECT_EQ(d["checkpointsDir"], adapter_dir() + "/checkpoints");
  EXPECT_EQ(d["checkpointsDirExists"], false);
  EXPECT_TRUE(d["presentArtifacts"].empty());
  EXPECT_EQ(d["missingArtifacts"].size(), 5u);
  EXPECT_EQ(d["daemon"],
            Json({{"reachable", false}, {"error", "no admin socket at /x/admin.sock"}}));
  EXPECT_FALSE(d.contains("diagnostics"));
  EXPECT_EQ(ExitCodeFor(r, false), kNotOkExitCode);
}

TEST_F(InspectTest, StatusGoesOkDegradedMissing) {
  Provision();
  Json ok = Inspect(Input(false), false);
  EXPECT_EQ(ok["status"], "ok") << ok.dump();
  EXPECT_EQ(ExitCodeFor(ok, false), 0);
  EXPECT_EQ(ok["details"]["presentOptionalArtifacts"], Json({"openclaw-mcp.json"}));

  std::filesystem::remove(adapter_dir() + "/policy-templates.json");
  Json degraded = Inspect(Input(false), false);
  EXPECT_EQ(degraded["status"], "degraded");
  EXPECT_EQ(degraded["details"]["missingArtifacts"], Json({"policy-templates.json"}));
  EXPECT_EQ(degraded["details"]["presentArtifacts"].size(), 4u);
  EXPECT_EQ(ExitCodeFor(degraded, false), kNotOkExitCode);

  Provision();
  std::filesystem::remove_all(adapter_dir() + "/checkpoints");
  EXPECT_EQ(Inspect(Input(false), false)["status"], "degraded");

  for (const auto& f : RequiredArtifacts()) std::filesystem::remove(adapter_dir() + "/" + f);
  EXPECT_EQ(Inspect(Input(false), false)["status"], "missing");
}

TEST_F(InspectTest, TheMcpEntryIsOptional) {
  Provision();
  std::filesystem::remove(adapter_dir() + "/" + kMcpServerJson);
  Json r = Inspect(Input(false), true);
  EXPECT_EQ(r["status"], "ok");
  EXPECT_TRUE(r["details"]["presentOptionalArtifacts"].empty());
  EXPECT_NE(Diagnostics(r).find("openclaw-mcp.json"), std::string::npos);
}

TEST_F(InspectTest, AReachableDaemonShowsProvisioning) {
  Provision();
  Json r = Inspect(Input(true), false);
  EXPECT_EQ(r["status"], "ok");
  const Json& d = r["details"];
  EXPECT_EQ(
      d["daemon"],
      Json({{"reachable", true}, {"state", "running"}, {"wsPort", 8393}, {"wsPortMatches", true}}));
  EXPECT_EQ(d["provisioning"]["ok"], true) << d.dump();
  EXPECT_EQ(d["provisioning"]["operators"].size(), 3u);
  EXPECT_EQ(d["provisioning"]["policies"].size(), 4u);
  EXPECT_EQ(d["provisioning"]["operators"]["openclaw-main"]["id"], daemon_.operators[0]["id"]);
  EXPECT_EQ(d["provisioning"]["operators"]["openclaw-main"]["exists"], true);
}

TEST_F(InspectTest, ADownDaemonDoesNotChangeStatus) {
  Provision();
  Json r = Inspect(Input(false), true);
  EXPECT_EQ(r["status"], "ok");
  EXPECT_FALSE(r["details"].contains("provisioning"));
  EXPECT_EQ(r["details"]["healthy"], true);
  EXPECT_NE(Diagnostics(r).find("xs daemon start"), std::string::npos);
  EXPECT_EQ(ExitCodeFor(r, true), 0);
}

TEST_F(InspectTest, DoctorOnAHealthyAdapter) {
  Provision();
  Json r = Inspect(Input(true), true);
  EXPECT_EQ(r["details"]["healthy"], true) << r.dump();
  EXPECT_EQ(r["details"]["diagnostics"],
            Json({"adapter artifacts are present", "read-only bridge primitives are available"}));
  EXPECT_EQ(ExitCodeFor(r, true), 0);
}

TEST_F(InspectTest, DoctorListsMissingFilesAndTheRepair) {
  Provision();
  std::filesystem::remove(adapter_dir() + "/adapter.toml");
  std::filesystem::remove(adapter_dir() + "/openclaw-account.json");
  std::filesystem::remove_all(adapter_dir() + "/checkpoints");
  Json r = Inspect(Input(true), true);
  EXPECT_EQ(r["status"], "degraded");
  const std::string d = Diagnostics(r);
  EXPECT_NE(d.find("missing artifacts: adapter.toml, openclaw-account.json"), std::string::npos)
      << d;
  EXPECT_NE(d.find("missing checkpoints directory"), std::string::npos) << d;
  EXPECT_NE(d.find("run `xs agent setup openclaw`"), std::string::npos) << d;
  EXPECT_EQ(r["details"]["healthy"], false);
  EXPECT_EQ(ExitCodeFor(r, true), kNotOkExitCode);
}

TEST_F(InspectTest, DoctorFlagsUnresolvableIds) {
  Provision();
  const std::string removed = daemon_.policies[1]["id"];
  daemon_.policies.erase(1);
  Json status = Inspect(Input(true), false);
  EXPECT_EQ(status["status"], "ok");
  EXPECT_EQ(status["details"]["provisioning"]["ok"], false);
  EXPECT_EQ(status["details"]["provisioning"]["policies"]["openclaw-standard-reply"],
            Json({{"id", removed}, {"exists", false}}));
  EXPECT_EQ(ExitCodeFor(status, false), 0);

  Json doctor = Inspect(Input(true), true);
  EXPECT_EQ(doctor["details"]["healthy"], false);
  EXPECT_NE(Diagnostics(doctor).find("policy openclaw-standard-reply (" + removed +
                                     ") recorded in adapter.toml does not exist"),
            std::string::npos)
      << Diagnostics(doctor);
  EXPECT_NE(Diagnostics(doctor).find("--force"), std::string::npos);
  EXPECT_EQ(ExitCodeFor(doctor, true), kNotOkExitCode);
}

TEST_F(InspectTest, DoctorFlagsAChangedWsPort) {
  Provision();
  daemon_.status["wsPort"] = 9999;
  Json r = Inspect(Input(true), true);
  EXPECT_EQ(r["details"]["daemon"]["wsPortMatches"], false);
  EXPECT_EQ(r["details"]["healthy"], false);
  EXPECT_NE(Diagnostics(r).find("WebSocket port"), std::string::npos);
}

TEST_F(InspectTest, DoctorFlagsArtifactsOthersCanRead) {
  Provision();
  const std::string path = adapter_dir() + "/openclaw-account.json";
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  Json r = Inspect(Input(false), true);
  EXPECT_EQ(r["details"]["healthy"], false);
  EXPECT_NE(Diagnostics(r).find("openclaw-account.json is readable by group or others (mode 0644)"),
            std::string::npos)
      << Diagnostics(r);
  EXPECT_NE(Diagnostics(r).find("chmod 600 " + path), std::string::npos);
}

TEST_F(InspectTest, AnUnresolvableConfigIsMissingWithTheError) {
  InspectInput in;
  in.config_error = "Validation failed on 'ws.port': must be an integer";
  Json r = Inspect(in, false);
  EXPECT_EQ(r["status"], "missing");
  EXPECT_EQ(r["details"]["error"], in.config_error);
  Json doctor = Inspect(in, true);
  EXPECT_EQ(doctor["details"]["diagnostics"][0], in.config_error);
  EXPECT_EQ(ExitCodeFor(doctor, true), kNotOkExitCode);
}

}  // namespace
}  // namespace xs::adapters::openclaw
