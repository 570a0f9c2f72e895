// The adapter registry (openclaw.md): built-in openclaw, external adapters
// from [agent.adapters.<name>], not_found for anything else, a validation
// error for an unsupported verb or a bad manifest.
#include "adapters/openclaw/adapter_registry.h"

#include <gtest/gtest.h>

#include <fstream>

#include "adapters/openclaw/testing/openclaw_testing.h"

namespace xs::adapters::openclaw {
namespace {

using testing::TempDir;

class RegistryTest : public ::testing::Test {
 protected:
  RegistryTest() {
    config_.config_path = dir_.str() + "/conf/config.toml";
    std::filesystem::create_directories(dir_.path() / "conf" / "adapters");
  }
  void AddExternal(const std::string& name, const std::string& manifest_text,
                   const std::string& manifest_file = "adapters/custom.json") {
    std::ofstream(dir_.path() / "conf" / manifest_file) << manifest_text;
    signet::AdapterConfig entry;
    entry.source = "external";
    entry.manifest = manifest_file;
    entry.command = "bin/custom-adapter";
    config_.adapters[name] = entry;
  }
  AdapterRequest Request(const std::string& harness, AdapterVerb verb, bool json = false,
                         bool force = false) {
    return {harness, verb, "/etc/xs/config.toml", json, force};
  }

  TempDir dir_;
  signet::Config config_;
};

const char* kCustomManifest = R"({"name": "custom", "source": "external",
  "supports": ["setup", "status"],
  "entrypoints": {"setup": "custom:setup", "status": "custom:status"}})";

TEST_F(RegistryTest, OpenclawIsBuiltinAndRunsXsAgain) {
  auto r = ResolveAdapter(config_, Request("openclaw", AdapterVerb::kSetup, true, true), "/bin/xs");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->source, "builtin");
  EXPECT_EQ(r->program, "/bin/xs");
  EXPECT_EQ(r->args, std::vector<std::string>({"agent-adapter", "openclaw", "setup", "--config",
                                               "/etc/xs/config.toml", "--json", "--force"}));
  auto status = ResolveAdapter(config_, Request("openclaw", AdapterVerb::kStatus), "/bin/xs");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->args, std::vector<std::string>({"agent-adapter", "openclaw", "status",
                                                    "--config", "/etc/xs/config.toml"}));
}

TEST_F(RegistryTest, ABuiltinConfigEntryStillResolvesTheBuiltin) {
  config_.adapters["openclaw"] = signet::AdapterConfig{};
  EXPECT_TRUE(ResolveAdapter(config_, Request("openclaw", AdapterVerb::kDoctor), "/bin/xs").ok());
}

TEST_F(RegistryTest, UnknownHarnessesAreNotFound) {
  auto r = ResolveAdapter(config_, Request("hermes", AdapterVerb::kSetup), "/bin/xs");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsNotFound());
  config_.adapters["hermes"] = signet::AdapterConfig{};  // source builtin, no such built-in
  auto b = ResolveAdapter(config_, Request("hermes", AdapterVerb::kSetup), "/bin/xs");
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(b.error().IsNotFound());
  EXPECT_NE(b.error().message().find("built-in adapter"), std::string::npos);
}

TEST_F(RegistryTest, ExternalAdaptersRunTheirCommandWithTheEntrypoint) {
  AddExternal("custom", kCustomManifest);
  auto r = ResolveAdapter(config_, Request("custom", AdapterVerb::kStatus, true), "/bin/xs");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->source, "external");
  EXPECT_EQ(r->program, dir_.str() + "/conf/bin/custom-adapter");
  EXPECT_EQ(r->args, std::vector<std::string>({"status", "--adapter", "custom", "--entrypoint",
                                               "custom:status", "--config", "/etc/xs/config.toml",
                                               "--json"}));
}

TEST_F(RegistryTest, ExternalTomlManifestsWork) {
  AddExternal("custom",
              "name = \"custom\"\nsource = \"external\"\nsupports = [\"doctor\"]\n"
              "[entrypoints]\ndoctor = \"d\"\n",
              "adapters/custom.toml");
  EXPECT_TRUE(ResolveAdapter(config_, Request("custom", AdapterVerb::kDoctor), "/bin/xs").ok());
}

TEST_F(RegistryTest, AnExternalEntryShadowsTheBuiltin) {
  AddExternal("openclaw", R"({"name": "openclaw", "source": "external", "supports": ["setup"],
    "entrypoints": {"setup": "mine"}})");
  auto r = ResolveAdapter(config_, Request("openclaw", AdapterVerb::kSetup), "/bin/xs");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->source, "external");
}

TEST_F(RegistryTest, AnUnsupportedVerbIsAValidationError) {
  AddExternal("custom", kCustomManifest);
  auto r = ResolveAdapter(config_, Request("custom", AdapterVerb::kDoctor), "/bin/xs");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsValidation());
  EXPECT_NE(r.error().message().find("does not support 'doctor'"), std::string::npos);
}

TEST_F(RegistryTest, BadExternalManifestsAreValidationErrors) {
  AddExternal("custom", R"({"name": "other", "source": "external", "supports": ["setup"],
    "entrypoints": {"setup": "x"}})");
  auto name = ResolveAdapter(config_, Request("custom", AdapterVerb::kSetup), "/bin/xs");
  ASSERT_FALSE(name.ok());
  EXPECT_NE(name.error().message().find("manifest.name"), std::string::npos);

  AddExternal("custom", R"({"name": "custom", "source": "builtin", "supports": ["setup"],
    "entrypoints": {"setup": "x"}})");
  auto source = ResolveAdapter(config_, Request("custom", AdapterVerb::kSetup), "/bin/xs");
  ASSERT_FALSE(source.ok());
  EXPECT_NE(source.error().message().find("manifest.source"), std::string::npos);

  config_.adapters["custom"].manifest = "adapters/none.json";
  auto missing = ResolveAdapter(config_, Request("custom", AdapterVerb::kSetup), "/bin/xs");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().IsNotFound());
}

TEST_F(RegistryTest, PathsAreRelativeToTheConfigFile) {
  EXPECT_EQ(ResolveAgainstConfig(config_, "a/b"), dir_.str() + "/conf/a/b");
  EXPECT_EQ(ResolveAgainstConfig(config_, "/abs/x"), "/abs/x");
  config_.dirs.home = "/home/u";
  EXPECT_EQ(ResolveAgainstConfig(config_, "~/x"), "/home/u/x");
}

}  // namespace
}  // namespace xs::adapters::openclaw
