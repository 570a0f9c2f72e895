#include "signet/core/records.h"

#include <gtest/gtest.h>

#include <functional>

namespace xs::signet {
namespace {

constexpr const char* kOp = "op_00000000000000a1";
constexpr const char* kInbox = "inbox_00000000000000b1";
constexpr const char* kWallet = "wallet_00000000000000c1";
constexpr const char* kTime = "2026-01-02T03:04:05.678Z";

Json OperatorJson() {
  return {{"id", kOp},
          {"config",
           {{"label", "alice"},
            {"role", "admin"},
            {"scopeMode", "shared"},
            {"provider", "ows"},
            {"walletId", kWallet},
            {"inboxIds", {kInbox}},
            {"operatorDisclosures",
             {{"inferenceMode", "hybrid"},
              {"inferenceProviders", {"a", "b"}},
              {"contentEgressScope", "provider-only"},
              {"retentionAtProvider", "30d"},
              {"hostingMode", "tee"}}}}},
          {"createdAt", kTime},
          {"createdBy", "owner"},
          {"status", "suspended"}};
}

Json PolicyJson() {
  return {{"id", "policy_00000000000000d1"},
          {"config", {{"label", "basic"}, {"allow", {"send", "reply"}}, {"deny", {"invite"}}}},
          {"createdAt", kTime},
          {"updatedAt", kTime}};
}

Json InboxJson() {
  return {{"id", kInbox},
          {"label", ""},
          {"networkInboxId", std::string(64, 'e')},
          {"installationId", "inst-1"},
          {"address", "0x00000000000000000000000000000000000000f1"},
          {"walletId", kWallet},
          {"installationKeyId", "key_00000000000000e1"},
          {"env", "dev"},
          {"network", "fake"},
          {"trustTier", "unverified"},
          {"createdAt", kTime},
          {"operatorId", kOp}};
}

// The field a validation error names.
std::string FieldOf(const Error& e) {
  EXPECT_TRUE(e.IsValidation()) << e.ToString();
  Json context = Json::parse(e.context_json(), nullptr, false);
  return context.is_object() ? context.value("field", "") : "";
}

TEST(RecordsTest, OperatorRoundTripsExactly) {
  Json j = OperatorJson();
  auto rec = OperatorRecord::FromJson(j);
  ASSERT_TRUE(rec.ok()) << rec.error().ToString();
  EXPECT_EQ(rec->role, OperatorRole::kAdmin);
  EXPECT_EQ(rec->scope_mode, ScopeMode::kShared);
  EXPECT_EQ(rec->provider, WalletProvider::kOws);
  EXPECT_EQ(rec->status, OperatorStatus::kSuspended);
  EXPECT_EQ(rec->wallet_id, std::optional<std::string>(kWallet));
  EXPECT_EQ(rec->inbox_ids, std::vector<std::string>{kInbox});
  EXPECT_EQ(rec->disclosures.hosting_mode, HostingMode::kTee);
  EXPECT_EQ(rec->disclosures.content_egress_scope, ContentEgressScope::kProviderOnly);
  EXPECT_EQ(rec->ToJson(), j);
  EXPECT_EQ(OperatorRecord::FromJson(rec->ToJson()).value(), *rec);
}

TEST(RecordsTest, OperatorOptionalPartsAreOmittedNotNull) {
  Json j = OperatorJson();
  j["config"].erase("walletId");
  j["config"].erase("operatorDisclosures");
  j["config"]["inboxIds"] = Json::array();
  auto rec = OperatorRecord::FromJson(j);
  ASSERT_TRUE(rec.ok()) << rec.error().ToString();
  EXPECT_FALSE(rec->wallet_id.has_value());
  EXPECT_TRUE(rec->disclosures.empty());
  EXPECT_EQ(rec->ToJson(), j);
}

TEST(RecordsTest, PolicyAndInboxRoundTripExactly) {
  auto policy = PolicyRecord::FromJson(PolicyJson());
  ASSERT_TRUE(policy.ok()) << policy.error().ToString();
  EXPECT_EQ(policy->allow, (std::vector<std::string>{"send", "reply"}));
  EXPECT_EQ(policy->ToJson(), PolicyJson());
  auto inbox = InboxRecord::FromJson(InboxJson());
  ASSERT_TRUE(inbox.ok()) << inbox.error().ToString();
  EXPECT_EQ(inbox->operator_id, std::optional<std::string>(kOp));
  EXPECT_EQ(inbox->trust_tier, TrustTier::kUnverified);
  EXPECT_EQ(inbox->ToJson(), InboxJson());
  Json unlinked = InboxJson();
  unlinked.erase("operatorId");
  EXPECT_EQ(InboxRecord::FromJson(unlinked)->ToJson(), unlinked);
}

struct Mutation {
  const char* field;  // the field the error must name
  std::function<void(Json&)> apply;
};

void ExpectRejected(const std::function<Result<bool>(const Json&)>& decode, const Json& good,
                    const std::vector<Mutation>& mutations) {
  ASSERT_TRUE(decode(good).ok());
  for (const auto& m : mutations) {
    Json bad = good;
    m.apply(bad);
    auto r = decode(bad);
    ASSERT_FALSE(r.ok()) << "accepted a record with a bad " << m.field << ": " << bad.dump();
    EXPECT_EQ(FieldOf(r.error()), m.field) << r.error().ToString();
  }
}

TEST(RecordsTest, MalformedOperatorsAreRejectedNamingTheField) {
  auto decode = [](const Json& j) -> Result<bool> {
    XS_RETURN_IF_ERROR(OperatorRecord::FromJson(j));
    return true;
  };
  ExpectRejected(
      decode, OperatorJson(),
      {{"id", [](Json& j) { j.erase("id"); }},
       {"id", [](Json& j) { j["id"] = "policy_00000000000000a1"; }},
       {"config", [](Json& j) { j["config"] = "x"; }},
       {"config.label", [](Json& j) { j["config"]["label"] = ""; }},
       {"config.label", [](Json& j) { j["config"]["label"] = 7; }},
       {"config.role", [](Json& j) { j["config"]["role"] = "root"; }},
       {"config.scopeMode", [](Json& j) { j["config"]["scopeMode"] = "per-group"; }},
       {"config.provider", [](Json& j) { j["config"].erase("provider"); }},
       {"config.walletId", [](Json& j) { j["config"]["walletId"] = "wallet_xyz"; }},
       {"config.inboxIds", [](Json& j) { j["config"]["inboxIds"] = "inbox_00000000000000b1"; }},
       {"config.inboxIds", [](Json& j) { j["config"]["inboxIds"] = {"op_00000000000000b1"}; }},
       {"config.nickname", [](Json& j) { j["config"]["nickname"] = "al"; }},
       {"config.operatorDisclosures",
        [](Json& j) { j["config"]["operatorDisclosures"] = Json::object(); }},
       {"config.walletId", [](Json& j) { j["config"]["walletId"] = nullptr; }},
       {"config.operatorDisclosures.hostingMode",
        [](Json& j) { j["config"]["operatorDisclosures"]["hostingMode"] = "moon"; }},
       {"config.operatorDisclosures.inferenceProviders",
        [](Json& j) { j["config"]["operatorDisclosures"]["inferenceProviders"] = "a,b"; }},
       {"config.operatorDisclosures.trustMe",
        [](Json& j) { j["config"]["operatorDisclosures"]["trustMe"] = "yes"; }},
       {"createdAt", [](Json& j) { j["createdAt"] = "yesterday"; }},
       {"createdBy", [](Json& j) { j["createdBy"] = "someone"; }},
       {"status", [](Json& j) { j["status"] = "deleted"; }},
       {"extra", [](Json& j) { j["extra"] = true; }}});
  EXPECT_TRUE(OperatorRecord::FromJson(Json::array()).error().IsValidation());
}

TEST(RecordsTest, MalformedPoliciesAndInboxesAreRejectedNamingTheField) {
  auto policy = [](const Json& j) -> Result<bool> {
    XS_RETURN_IF_ERROR(PolicyRecord::FromJson(j));
    return true;
  };
  ExpectRejected(policy, PolicyJson(),
                 {{"id", [](Json& j) { j["id"] = "op_00000000000000d1"; }},
                  {"config.allow", [](Json& j) { j["config"]["allow"] = {"fly"}; }},
                  {"config.deny", [](Json& j) { j["config"].erase("deny"); }},
                  {"config.label", [](Json& j) { j["config"].erase("label"); }},
                  {"updatedAt", [](Json& j) { j.erase("updatedAt"); }}});
  auto inbox = [](const Json& j) -> Result<bool> {
    XS_RETURN_IF_ERROR(InboxRecord::FromJson(j));
    return true;
  };
  ExpectRejected(inbox, InboxJson(),
                 {{"id", [](Json& j) { j["id"] = kOp; }},
                  {"networkInboxId", [](Json& j) { j["networkInboxId"] = ""; }},
                  {"address", [](Json& j) { j.erase("address"); }},
                  {"walletId", [](Json& j) { j["walletId"] = "w"; }},
                  {"installationKeyId", [](Json& j) { j["installationKeyId"] = kInbox; }},
                  {"trustTier", [](Json& j) { j["trustTier"] = "trusted"; }},
                  {"operatorId", [](Json& j) { j["operatorId"] = "op_1"; }},
                  {"networkStatus", [](Json& j) { j["networkStatus"] = Json::object(); }}});
}

TEST(RecordsTest, EnumNamesParseBack) {
  for (auto v : {OperatorRole::kOperator, OperatorRole::kAdmin, OperatorRole::kSuperadmin}) {
    EXPECT_EQ(Parse<OperatorRole>(Name(v), "f").value(), v);
  }
  for (auto v : {TrustTier::kUnverified, TrustTier::kSourceVerified,
                 TrustTier::kReproduciblyVerified, TrustTier::kRuntimeAttested}) {
    EXPECT_EQ(Parse<TrustTier>(Name(v), "f").value(), v);
  }
  EXPECT_EQ(Name(ScopeMode::kPerChat), "per-chat");
  EXPECT_EQ(Name(ContentEgressScope::kProviderOnly), "provider-only");
  EXPECT_EQ(Name(HostingMode::kSelfHosted), "self-hosted");
  EXPECT_EQ(FieldOf(Parse<ScopeMode>("Shared", "scopeMode").error()), "scopeMode");
}

TEST(RecordsTest, DisclosureParamsMergeOverCurrent) {
  OperatorDisclosures current;
  current.hosting_mode = HostingMode::kCloud;
  current.retention_at_provider = "none";
  auto merged = MergeDisclosures(
      {{"label", "ignored"}, {"inferenceMode", "local"}, {"inferenceProviders", "x,y"}}, current);
  ASSERT_TRUE(merged.ok()) << merged.error().ToString();
  EXPECT_EQ(merged->inference_mode, InferenceMode::kLocal);
  EXPECT_EQ(merged->inference_providers, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(merged->hosting_mode, HostingMode::kCloud);
  EXPECT_EQ(merged->retention_at_provider, std::optional<std::string>("none"));
  EXPECT_EQ(FieldOf(MergeDisclosures({{"hostingMode", "moon"}}, {}).error()), "hostingMode");
  EXPECT_EQ(FieldOf(MergeDisclosures({{"hostingMode", 1}}, {}).error()), "hostingMode");
}

}  // namespace
}  // namespace xs::signet
