// One test per manifest rule (shared/spec/openclaw.md "Adapter manifest"):
// each breaks exactly one rule of a valid manifest and expects the
// validation error naming that key.
#include "adapters/openclaw/adapter_manifest.h"

#include <gtest/gtest.h>

#include <fstream>

#include "adapters/openclaw/testing/openclaw_testing.h"

namespace xs::adapters::openclaw {
namespace {

Json Valid() {
  return Json::parse(R"({"name": "my-harness2", "source": "external",
    "supports": ["setup", "doctor"],
    "entrypoints": {"setup": "run-setup", "doctor": "run-doctor"}})");
}

void ExpectInvalid(const Json& doc, const std::string& field, const std::string& reason_part) {
  auto m = ManifestFromJson(doc);
  ASSERT_FALSE(m.ok()) << doc.dump();
  EXPECT_TRUE(m.error().IsValidation()) << m.error().ToString();
  Json context = Json::parse(m.error().context_json());
  EXPECT_EQ(context.value("field", ""), field) << m.error().ToString();
  EXPECT_NE(m.error().message().find(reason_part), std::string::npos) << m.error().ToString();
}

TEST(AdapterManifestTest, AValidManifestParses) {
  auto m = ManifestFromJson(Valid());
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_EQ(m->name, "my-harness2");
  EXPECT_EQ(m->source, "external");
  EXPECT_TRUE(m->Supports(AdapterVerb::kSetup));
  EXPECT_FALSE(m->Supports(AdapterVerb::kStatus));
  EXPECT_EQ(m->Entrypoint(AdapterVerb::kDoctor), "run-doctor");
}

TEST(AdapterManifestTest, NameMustMatchTheRegex) {
  for (const char* bad : {"", "1abc", "-abc", "Abc", "a_b", "a b", "a.b", "ab/c"}) {
    Json doc = Valid();
    doc["name"] = bad;
    ExpectInvalid(doc, "manifest.name", "^[a-z][a-z0-9-]*$");
  }
  for (const char* good : {"a", "openclaw", "a-1-b", "x9"}) EXPECT_TRUE(IsAdapterName(good));
}

TEST(AdapterManifestTest, NameIsRequiredAndAString) {
  Json doc = Valid();
  doc.erase("name");
  ExpectInvalid(doc, "manifest.name", "is required");
  doc["name"] = 7;
  ExpectInvalid(doc, "manifest.name", "must be a string");
}

TEST(AdapterManifestTest, SourceIsBuiltinOrExternal) {
  Json doc = Valid();
  doc["source"] = "plugin";
  ExpectInvalid(doc, "manifest.source", "'builtin' or 'external'");
  doc.erase("source");
  ExpectInvalid(doc, "manifest.source", "is required");
}

TEST(AdapterManifestTest, SupportsIsANonEmptyListOfKnownVerbs) {
  Json doc = Valid();
  doc["supports"] = Json::array();
  ExpectInvalid(doc, "manifest.supports", "at least one");
  doc["supports"] = "setup";
  ExpectInvalid(doc, "manifest.supports", "must be an array");
  doc["supports"] = {"setup", "bridge"};
  ExpectInvalid(doc, "manifest.supports[1]", "unknown verb 'bridge'");
  doc["supports"] = {"setup", 3};
  ExpectInvalid(doc, "manifest.supports[1]", "must be a string");
  doc["supports"] = {"setup", "setup"};
  ExpectInvalid(doc, "manifest.supports[1]", "repeats");
  doc.erase("supports");
  ExpectInvalid(doc, "manifest.supports", "is required");
}

TEST(AdapterManifestTest, EverySupportedVerbNeedsAnEntrypoint) {
  Json doc = Valid();
  doc["entrypoints"].erase("doctor");
  ExpectInvalid(doc, "manifest.entrypoints.doctor", "supports 'doctor'");
  doc = Valid();
  doc["entrypoints"]["setup"] = "";
  ExpectInvalid(doc, "manifest.entrypoints.setup", "must not be empty");
  doc["entrypoints"]["setup"] = true;
  ExpectInvalid(doc, "manifest.entrypoints.setup", "must be a string");
  doc.erase("entrypoints");
  ExpectInvalid(doc, "manifest.entrypoints", "is required");
  doc["entrypoints"] = Json::array();
  ExpectInvalid(doc, "manifest.entrypoints", "must be a table");
}

TEST(AdapterManifestTest, AnEntrypointForAnUnsupportedVerbIsAllowed) {
  Json doc = Valid();
  doc["entrypoints"]["status"] = "run-status";
  EXPECT_TRUE(ManifestFromJson(doc).ok());
}

TEST(AdapterManifestTest, ExtraKeysAreRefused) {
  Json doc = Valid();
  doc["version"] = "1";
  ExpectInvalid(doc, "manifest.version", "unknown key");
  doc = Valid();
  doc["entrypoints"]["bridge"] = "run-bridge";
  ExpectInvalid(doc, "manifest.entrypoints.bridge", "unknown key");
  ExpectInvalid(Json::array(), "manifest", "must be an object");
}

TEST(AdapterManifestTest, TomlManifestsFollowTheSameRules) {
  const std::string toml =
      "name = \"my-harness2\"\nsource = \"external\"\nsupports = [\"setup\", \"doctor\"]\n"
      "[entrypoints]\nsetup = \"run-setup\"\ndoctor = \"run-doctor\"\n";
  auto m = ParseManifest(toml, ManifestFormat::kToml);
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_EQ(*m, *ManifestFromJson(Valid()));

  auto extra = ParseManifest("extra = 1\n" + toml, ManifestFormat::kToml);
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.error().message().find("manifest.extra"), std::string::npos);
  auto extra_entry = ParseManifest(toml + "extra = 1\n", ManifestFormat::kToml);
  ASSERT_FALSE(extra_entry.ok());
  EXPECT_NE(extra_entry.error().message().find("manifest.entrypoints.extra"), std::string::npos);
  auto date = ParseManifest(
      "name = 1979-05-27\nsource = \"external\"\nsupports = [\"setup\"]\n"
      "[entrypoints]\nsetup = \"x\"\n",
      ManifestFormat::kToml);
  ASSERT_FALSE(date.ok());
  EXPECT_NE(date.error().message().find("must be a string"), std::string::npos);
  auto broken = ParseManifest("name = \"x", ManifestFormat::kToml);
  ASSERT_FALSE(broken.ok());
  EXPECT_TRUE(broken.error().IsValidation());
  EXPECT_NE(broken.error().message().find("invalid TOML"), std::string::npos);
  auto bad_json = ParseManifest("{\"name\":", ManifestFormat::kJson);
  ASSERT_FALSE(bad_json.ok());
  EXPECT_NE(bad_json.error().message().find("not valid JSON"), std::string::npos);
}

TEST(AdapterManifestTest, ExternalManifestsSayExternalAndTheHarnessName) {
  auto m = ManifestFromJson(Valid());
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(ValidateExternal(*m, "my-harness2").ok());
  Status wrong_name = ValidateExternal(*m, "other");
  ASSERT_FALSE(wrong_name.ok());
  EXPECT_NE(wrong_name.error().message().find("manifest.name"), std::string::npos);
  AdapterManifest builtin = *m;
  builtin.source = "builtin";
  Status wrong_source = ValidateExternal(builtin, "my-harness2");
  ASSERT_FALSE(wrong_source.ok());
  EXPECT_NE(wrong_source.error().message().find("manifest.source"), std::string::npos);
}

TEST(AdapterManifestTest, AnUnsupportedVerbIsAValidationErrorOnVerb) {
  auto m = ManifestFromJson(Valid());
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(CheckVerb(*m, AdapterVerb::kSetup).ok());
  Status s = CheckVerb(*m, AdapterVerb::kStatus);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().IsValidation());
  Json context = Json::parse(s.error().context_json());
  EXPECT_EQ(context["field"], "verb");
  EXPECT_EQ(context["supportedVerbs"], Json({"setup", "doctor"}));
}

TEST(AdapterManifestTest, TheBuiltinManifestRoundTripsThroughToml) {
  const AdapterManifest& m = OpenClawManifest();
  EXPECT_EQ(m.name, "openclaw");
  EXPECT_EQ(m.source, "builtin");
  for (AdapterVerb verb : kAdapterVerbs) {
    EXPECT_EQ(m.Entrypoint(verb), "builtin:openclaw:" + std::string(VerbName(verb)));
  }
  auto parsed = ParseManifest(ManifestToToml(m), ManifestFormat::kToml);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, m);
  auto from_json = ManifestFromJson(ManifestToJson(m));
  ASSERT_TRUE(from_json.ok());
  EXPECT_EQ(*from_json, m);
}

TEST(AdapterManifestTest, FilesAreReadByExtensionAndMissingOnesAreNotFound) {
  testing::TempDir dir;
  const std::string json_path = dir.str() + "/m.json";
  const std::string toml_path = dir.str() + "/m.toml";
  std::ofstream(json_path) << Valid().dump();
  std::ofstream(toml_path) << ManifestToToml(*ManifestFromJson(Valid()));
  EXPECT_TRUE(LoadManifestFile(json_path).ok());
  EXPECT_TRUE(LoadManifestFile(toml_path).ok());
  std::ofstream(dir.str() + "/bad.json") << R"({"name": "x"})";
  auto bad = LoadManifestFile(dir.str() + "/bad.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(Json::parse(bad.error().context_json())["manifestPath"], dir.str() + "/bad.json");
  auto missing = LoadManifestFile(dir.str() + "/none.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().IsNotFound());
  std::ofstream(dir.str() + "/big.json") << std::string(kMaxManifestBytes + 1, ' ');
  auto big = LoadManifestFile(dir.str() + "/big.json");
  ASSERT_FALSE(big.ok());
  EXPECT_TRUE(big.error().IsValidation());
}

}  // namespace
}  // namespace xs::adapters::openclaw
