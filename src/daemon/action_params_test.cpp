// Every action of a runtime composed as the daemon composes it (core, chats,
// agent plane, seals) declares its params (action.h: Param): what the admin
// socket, HTTP and MCP's tools/list show, and what ActionRegistry::Call
// checks before any handler runs. The rules:
//   - an action declares params, or is one of kNoParams (strictly: a listed
//     action that declares some fails, so the list cannot go stale);
//   - every param has a name, a type and a description, names are unique,
//     and an enum is only on a string param;
//   - InputSchema is a valid object schema (required names are properties);
//   - the registry checks the declarations: a call missing a required param,
//     or giving a declared param the wrong type, is a validation error naming
//     that param, before the handler (no call here reaches one).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "base/testing/fake_clock.h"
#include "signet/agent/agent_plane.h"
#include "signet/chats/chats.h"
#include "signet/chats/client_host.h"
#include "signet/core/runtime.h"
#include "signet/seals/seal_service.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

using Json = nlohmann::json;

// Actions that read no params at all.
const std::set<std::string> kNoParams = {"admin.logs-export", "admin.verify-keys", "inbox.list",
                                         "keys.list",         "policy.list",       "wallet.list"};

// Declared on branch credsurf (contract 3 of issue 14): checked like every
// other action once they declare params. Drop this set when it has merged.
const std::set<std::string> kSchemaTypes = {"string",  "integer", "number",
                                            "boolean", "object",  "array"};

class ActionParamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClientHost::Options host_options;
    host_options.url = "http://127.0.0.1:1";  // never started: nothing is sent
    host_options.env_name = "local";
    host_ = std::make_shared<ClientHost>(std::move(host_options));
    RuntimeOptions o;
    o.data_dir = dir_.path() + "/data";
    o.env = "local";
    o.clock = &clock_;
    o.network = host_;
    auto rt = Runtime::Init(o);
    ASSERT_TRUE(rt.ok()) << rt.error().ToString();
    rt_ = std::move(*rt);
    chats_ = std::make_unique<Chats>(*rt_, *host_);
    ASSERT_TRUE(chats_->Install().ok());
    plane_ = std::make_unique<agent::AgentPlane>(*rt_, chats_.get(), host_.get());
    ASSERT_TRUE(plane_->Start().ok());
    seals_ =
        std::make_unique<seals::SealService>(*rt_, chats_.get(), seals::SealService::Options{});
    ASSERT_TRUE(seals_->Start().ok());
    admin_.admin_key_fingerprint = rt_->admin_fingerprint();
  }

  void TearDown() override {
    if (seals_) seals_->Stop();
    if (plane_) plane_->Stop();
  }

  // The field a validation error names, or "" for another error.
  static std::string FieldOf(const Result<Json>& r) {
    if (r.ok() || !r.error().IsValidation()) return "";
    Json context = Json::parse(r.error().context_json(), nullptr, false);
    return context.is_object() ? context.value("field", "") : "";
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::shared_ptr<ClientHost> host_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<Chats> chats_;
  std::unique_ptr<agent::AgentPlane> plane_;
  std::unique_ptr<seals::SealService> seals_;
  CallContext admin_;
};

// A value of the param's type (its first enum value for an enum).
Json GoodValue(const Param& p) {
  switch (p.type) {
    case ParamType::kString:
      return p.one_of.empty() ? Json("x") : Json(p.one_of.front());
    case ParamType::kInteger:
    case ParamType::kNumber:
      return 1;
    case ParamType::kBoolean:
      return false;
    case ParamType::kObject:
      return Json::object();
    case ParamType::kArray:
    case ParamType::kStringArray:
      return Json::array();
    case ParamType::kStringOrObject:
      return "x";
    case ParamType::kAny:
      break;
  }
  return "x";
}

// A value of another type, or null when every value is of the type.
Json BadValue(const Param& p) {
  switch (p.type) {
    case ParamType::kString:
    case ParamType::kStringOrObject:
      return 12345;
    case ParamType::kInteger:
    case ParamType::kNumber:
    case ParamType::kBoolean:
    case ParamType::kObject:
    case ParamType::kArray:
      return Json::array({"x"});
    case ParamType::kStringArray:
      return Json::array({1});
    case ParamType::kAny:
      break;
  }
  return nullptr;
}

TEST_F(ActionParamsTest, EveryActionDeclaresDescribedParamsOrIsListedWithout) {
  std::vector<const ActionSpec*> actions = rt_->registry().List();
  std::set<std::string> ids;
  for (const ActionSpec* spec : actions) {
    ids.insert(spec->id);
    SCOPED_TRACE(spec->id);
    if (kNoParams.count(spec->id) > 0) {
      EXPECT_TRUE(spec->params.empty()) << "declares params: drop it from kNoParams";
      continue;
    }
    EXPECT_FALSE(spec->params.empty()) << "declares no params";
    std::set<std::string> names;
    for (const Param& p : spec->params) {
      SCOPED_TRACE(p.name);
      EXPECT_FALSE(p.name.empty());
      EXPECT_TRUE(names.insert(p.name).second) << "declared twice";
      EXPECT_GE(p.description.size(), 10u) << "no useful description";
      if (!p.one_of.empty()) {
        EXPECT_EQ(p.type, ParamType::kString) << "enum on a non-string";
      }
    }
  }
  // Core, chats, agent plane and seals all registered theirs.
  for (const char* id :
       {"operator.create", "chat.create", "message.send", "reveal.request", "seal.list"}) {
    EXPECT_EQ(ids.count(id), 1u) << id << " is not registered";
  }
  for (const auto& id : kNoParams) EXPECT_EQ(ids.count(id), 1u) << id << " is not registered";
}

TEST_F(ActionParamsTest, InputSchemasAreObjectSchemasWithRequiredProperties) {
  std::size_t credential_callable = 0;
  for (const ActionSpec* spec : rt_->registry().List()) {
    SCOPED_TRACE(spec->id);
    if (!spec->admin_only) ++credential_callable;
    Json schema = InputSchema(*spec);
    ASSERT_TRUE(schema.is_object());
    EXPECT_EQ(schema.value("type", ""), "object");
    ASSERT_TRUE(schema.contains("properties") && schema["properties"].is_object());
    EXPECT_EQ(schema["properties"].size(), spec->params.size());
    for (const auto& [name, prop] : schema["properties"].items()) {
      SCOPED_TRACE(name);
      ASSERT_TRUE(prop.is_object());
      EXPECT_TRUE(prop.contains("description") && prop["description"].is_string());
      if (prop.contains("type")) {
        const Json& type = prop["type"];
        if (type.is_string()) {
          EXPECT_EQ(kSchemaTypes.count(type.get<std::string>()), 1u);
        } else {
          ASSERT_TRUE(type.is_array());
          EXPECT_GE(type.size(), 2u);
          for (const auto& t : type) EXPECT_EQ(kSchemaTypes.count(t.get<std::string>()), 1u);
        }
      }
      if (prop.contains("enum")) {
        ASSERT_TRUE(prop["enum"].is_array());
        EXPECT_FALSE(prop["enum"].empty());
        EXPECT_EQ(prop["type"], "string");
        for (const auto& v : prop["enum"]) EXPECT_TRUE(v.is_string());
      }
      if (prop.contains("type") && prop["type"] == "array" && prop.contains("items")) {
        EXPECT_TRUE(prop["items"].is_object());
      }
    }
    if (!schema.contains("required")) continue;
    ASSERT_TRUE(schema["required"].is_array());
    EXPECT_FALSE(schema["required"].empty());
    std::set<std::string> seen;
    for (const auto& name : schema["required"]) {
      ASSERT_TRUE(name.is_string());
      EXPECT_TRUE(seen.insert(name.get<std::string>()).second) << name;
      EXPECT_TRUE(schema["properties"].contains(name.get<std::string>())) << name;
    }
  }
  // The agent-facing tools: chats, messages, search, action.confirm and more.
  EXPECT_GE(credential_callable, 8u);
}

TEST_F(ActionParamsTest, TheRuntimeChecksRequiredParamsBeforeTheHandler) {
  CallContext credential;
  credential.caller = CallContext::Caller::kCredential;
  credential.credential_id = "cred_0000000000000000";
  for (const ActionSpec* spec : rt_->registry().List()) {
    auto first = std::find_if(spec->params.begin(), spec->params.end(),
                              [](const Param& p) { return p.required; });
    if (first == spec->params.end()) continue;
    SCOPED_TRACE(spec->id);
    EXPECT_EQ(FieldOf(rt_->Call(spec->id, Json::object(), admin_)), first->name);
    if (!spec->admin_only) {
      EXPECT_EQ(FieldOf(rt_->Call(spec->id, Json::object(), credential)), first->name);
    }
  }
}

TEST_F(ActionParamsTest, TheRuntimeRejectsAMistypedParamNamingIt) {
  std::size_t checked = 0;
  for (const ActionSpec* spec : rt_->registry().List()) {
    Json good = Json::object();
    for (const Param& p : spec->params) good[p.name] = GoodValue(p);
    for (const Param& p : spec->params) {
      Json bad = BadValue(p);
      if (bad.is_null()) continue;
      SCOPED_TRACE(spec->id + " " + p.name);
      // Every param before it well typed, so it is the first that fails.
      Json params = Json::object();
      for (const Param& q : spec->params) {
        if (&q == &p) break;
        params[q.name] = good[q.name];
      }
      params[p.name] = bad;
      EXPECT_EQ(FieldOf(rt_->Call(spec->id, params, admin_)), p.name);
      ++checked;
    }
  }
  EXPECT_GT(checked, 150u);
}

TEST_F(ActionParamsTest, AnEnumParamRejectsAnotherValue) {
  for (const ActionSpec* spec : rt_->registry().List()) {
    for (const Param& p : spec->params) {
      if (p.one_of.empty()) continue;
      SCOPED_TRACE(spec->id + " " + p.name);
      Json params = Json::object();
      for (const Param& q : spec->params) {
        if (&q == &p) break;
        params[q.name] = GoodValue(q);
      }
      params[p.name] = "not-one-of-them";
      EXPECT_EQ(FieldOf(rt_->Call(spec->id, params, admin_)), p.name);
    }
  }
}

}  // namespace
}  // namespace xs::signet
