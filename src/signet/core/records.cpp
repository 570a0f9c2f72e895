#include "signet/core/records.h"

#include <algorithm>
#include <set>

#include "base/clock.h"
#include "signet/policy/scopes.h"
#include "signet/util/enum_names.h"

namespace xs::signet {

namespace {

constexpr EnumName<OperatorRole> kRoles[] = {{OperatorRole::kOperator, "operator"},
                                             {OperatorRole::kAdmin, "admin"},
                                             {OperatorRole::kSuperadmin, "superadmin"}};
constexpr EnumName<ScopeMode> kScopeModes[] = {{ScopeMode::kPerChat, "per-chat"},
                                               {ScopeMode::kShared, "shared"}};
constexpr EnumName<WalletProvider> kProviders[] = {{WalletProvider::kInternal, "internal"},
                                                   {WalletProvider::kOws, "ows"}};
constexpr EnumName<OperatorStatus> kStatuses[] = {{OperatorStatus::kActive, "active"},
                                                  {OperatorStatus::kSuspended, "suspended"},
                                                  {OperatorStatus::kRemoved, "removed"}};
constexpr EnumName<InferenceMode> kInferenceModes[] = {{InferenceMode::kLocal, "local"},
                                                       {InferenceMode::kCloud, "cloud"},
                                                       {InferenceMode::kHybrid, "hybrid"}};
constexpr EnumName<ContentEgressScope> kEgressScopes[] = {
    {ContentEgressScope::kNone, "none"},
    {ContentEgressScope::kProviderOnly, "provider-only"},
    {ContentEgressScope::kUnrestricted, "unrestricted"}};
constexpr EnumName<HostingMode> kHostingModes[] = {{HostingMode::kSelfHosted, "self-hosted"},
                                                   {HostingMode::kCloud, "cloud"},
                                                   {HostingMode::kTee, "tee"}};
constexpr EnumName<TrustTier> kTrustTiers[] = {
    {TrustTier::kUnverified, "unverified"},
    {TrustTier::kSourceVerified, "source-verified"},
    {TrustTier::kReproduciblyVerified, "reproducibly-verified"},
    {TrustTier::kRuntimeAttested, "runtime-attested"}};

constexpr const char* kInferenceModeField = "inferenceMode";
constexpr const char* kProvidersField = "inferenceProviders";
constexpr const char* kEgressField = "contentEgressScope";
constexpr const char* kRetentionField = "retentionAtProvider";
constexpr const char* kHostingField = "hostingMode";

// Reads the fields of one stored JSON object, each at most once, and rejects
// the fields nobody asked for. Error fields are `prefix` + name.
class Fields {
 public:
  Fields(const Json& object, std::string prefix) : object_(object), prefix_(std::move(prefix)) {}

  std::string Path(std::string_view name) const { return prefix_ + std::string(name); }

  // nullptr when absent and not required. We never store null, so a null is
  // malformed rather than absent.
  Result<const Json*> Find(std::string_view name, bool required) {
    seen_.emplace(name);
    auto it = object_.find(name);
    if (it == object_.end()) {
      if (required) return Error::Validation(Path(name), "is required");
      return nullptr;
    }
    if (it->is_null()) return Error::Validation(Path(name), "must not be null");
    return &*it;
  }

  Result<std::string> String(std::string_view name) {
    XS_TRY(const Json* v, Find(name, true));
    if (!v->is_string()) return Error::Validation(Path(name), "must be a string");
    return v->get<std::string>();
  }

  Result<std::string> NonEmpty(std::string_view name) {
    XS_TRY(std::string v, String(name));
    if (v.empty()) return Error::Validation(Path(name), "must not be empty");
    return v;
  }

  Result<std::optional<std::string>> OptString(std::string_view name) {
    XS_TRY(const Json* v, Find(name, false));
    if (v == nullptr) return std::optional<std::string>();
    if (!v->is_string()) return Error::Validation(Path(name), "must be a string");
    return std::optional<std::string>(v->get<std::string>());
  }

  Result<std::vector<std::string>> Strings(std::string_view name) {
    XS_TRY(const Json* v, Find(name, true));
    if (!v->is_array()) return Error::Validation(Path(name), "must be an array of strings");
    std::vector<std::string> out;
    for (const Json& e : *v) {
      if (!e.is_string()) return Error::Validation(Path(name), "must be an array of strings");
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  Result<std::string> Time(std::string_view name) {
    XS_TRY(std::string v, String(name));
    XS_RETURN_IF_ERROR(ParseIsoTime(v, Path(name)));
    return v;
  }

  Result<std::string> Id(std::string_view name, IdType type) {
    XS_TRY(std::string v, String(name));
    XS_RETURN_IF_ERROR(CheckId(name, type, v));
    return v;
  }

  Status CheckId(std::string_view name, IdType type, const std::string& v) const {
    if (IsValidId(type, v)) return OkStatus();
    return Error::Validation(Path(name), "must be a " + std::string(IdPrefix(type)) + " id");
  }

  template <typename E>
  Result<E> Enum(std::string_view name) {
    XS_TRY(std::string v, String(name));
    return Parse<E>(v, Path(name));
  }

  Result<const Json*> Object(std::string_view name, bool required) {
    XS_TRY(const Json* v, Find(name, required));
    if (v != nullptr && !v->is_object()) {
      return Error::Validation(Path(name), "must be an object");
    }
    return v;
  }

  // Rejects every field that was not read.
  Status Done() const {
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (!seen_.count(it.key())) return Error::Validation(Path(it.key()), "unknown field");
    }
    return OkStatus();
  }

 private:
  const Json& object_;
  std::string prefix_;
  std::set<std::string, std::less<>> seen_;
};

Status CheckObject(const Json& j, std::string_view what) {
  if (j.is_object()) return OkStatus();
  return Error::Validation(what, "must be a JSON object");
}

Status CheckWalletId(const Fields& f, std::string_view name, const std::string& v) {
  constexpr std::string_view kPrefix = "wallet_";
  bool ok = v.size() == kPrefix.size() + kIdHexLength && v.rfind(kPrefix, 0) == 0 &&
            std::all_of(v.begin() + kPrefix.size(), v.end(),
                        [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  if (ok) return OkStatus();
  return Error::Validation(f.Path(name), "must be a wallet_ id");
}

// `prefix` is the object's path plus a trailing '.'.
Result<OperatorDisclosures> StoredDisclosures(const Json& object, std::string_view prefix) {
  Fields f(object, std::string(prefix));
  for (const char* name : {kInferenceModeField, kEgressField, kHostingField, kRetentionField}) {
    XS_TRY(std::optional<std::string> v, f.OptString(name));
    (void)v;
  }
  XS_TRY(const Json* providers, f.Find(kProvidersField, false));
  if (providers != nullptr && !providers->is_array()) {
    return Error::Validation(f.Path(kProvidersField), "must be an array of strings");
  }
  XS_RETURN_IF_ERROR(f.Done());
  XS_TRY(OperatorDisclosures d, MergeDisclosures(object, {}, prefix));
  if (d.empty()) {
    return Error::Validation(prefix.substr(0, prefix.size() - 1), "must not be empty when present");
  }
  return d;
}

}  // namespace

// Name() and Parse<E>() of one enum, both read from its table.
#define XS_RECORD_ENUM(E, table)                                   \
  std::string_view Name(E v) { return NameIn(table, v); }          \
  template <>                                                      \
  Result<E> Parse(std::string_view text, std::string_view field) { \
    return ParseIn(table, text, field);                            \
  }

XS_RECORD_ENUM(OperatorRole, kRoles)
XS_RECORD_ENUM(ScopeMode, kScopeModes)
XS_RECORD_ENUM(WalletProvider, kProviders)
XS_RECORD_ENUM(OperatorStatus, kStatuses)
XS_RECORD_ENUM(InferenceMode, kInferenceModes)
XS_RECORD_ENUM(ContentEgressScope, kEgressScopes)
XS_RECORD_ENUM(HostingMode, kHostingModes)
XS_RECORD_ENUM(TrustTier, kTrustTiers)

#undef XS_RECORD_ENUM

bool OperatorDisclosures::empty() const {
  return !inference_mode && !inference_providers && !content_egress_scope &&
         !retention_at_provider && !hosting_mode;
}

Result<OperatorDisclosures> MergeDisclosures(const Json& object, OperatorDisclosures current,
                                             std::string_view field_prefix) {
  std::string prefix(field_prefix);
  auto enum_field = [&](const char* name, auto& slot) -> Status {
    if (!HasField(object, name)) return OkStatus();
    XS_TRY(std::string v, GetString(object, name));
    using E = typename std::remove_reference_t<decltype(slot)>::value_type;
    XS_TRY(slot, Parse<E>(v, prefix + name));
    return OkStatus();
  };
  XS_RETURN_IF_ERROR(enum_field(kInferenceModeField, current.inference_mode));
  XS_RETURN_IF_ERROR(enum_field(kEgressField, current.content_egress_scope));
  XS_RETURN_IF_ERROR(enum_field(kHostingField, current.hosting_mode));
  if (HasField(object, kRetentionField)) {
    XS_TRY(current.retention_at_provider, GetString(object, kRetentionField));
  }
  if (HasField(object, kProvidersField)) {
    XS_TRY(current.inference_providers, GetStringList(object, kProvidersField));
  }
  return current;
}

namespace {

Json DisclosuresToJson(const OperatorDisclosures& d) {
  Json out = Json::object();
  if (d.inference_mode) out[kInferenceModeField] = Name(*d.inference_mode);
  if (d.inference_providers) out[kProvidersField] = *d.inference_providers;
  if (d.content_egress_scope) out[kEgressField] = Name(*d.content_egress_scope);
  if (d.retention_at_provider) out[kRetentionField] = *d.retention_at_provider;
  if (d.hosting_mode) out[kHostingField] = Name(*d.hosting_mode);
  return out;
}

Status ReadOperatorConfig(const Json& config, OperatorRecord& r) {
  Fields f(config, "config.");
  XS_TRY(r.label, f.NonEmpty("label"));
  XS_TRY(r.role, f.Enum<OperatorRole>("role"));
  XS_TRY(r.scope_mode, f.Enum<ScopeMode>("scopeMode"));
  XS_TRY(r.provider, f.Enum<WalletProvider>("provider"));
  XS_TRY(r.wallet_id, f.OptString("walletId"));
  if (r.wallet_id) XS_RETURN_IF_ERROR(CheckWalletId(f, "walletId", *r.wallet_id));
  XS_TRY(r.inbox_ids, f.Strings("inboxIds"));
  for (const auto& id : r.inbox_ids) XS_RETURN_IF_ERROR(f.CheckId("inboxIds", IdType::kInbox, id));
  XS_TRY(const Json* disclosures, f.Object("operatorDisclosures", false));
  if (disclosures != nullptr) {
    XS_TRY(r.disclosures, StoredDisclosures(*disclosures, "config.operatorDisclosures."));
  }
  return f.Done();
}

}  // namespace

Result<OperatorRecord> OperatorRecord::FromJson(const Json& j) {
  XS_RETURN_IF_ERROR(CheckObject(j, "operator"));
  Fields f(j, "");
  OperatorRecord r;
  XS_TRY(r.id, f.Id("id", IdType::kOperator));
  XS_TRY(const Json* config, f.Object("config", true));
  XS_RETURN_IF_ERROR(ReadOperatorConfig(*config, r));
  XS_TRY(r.created_at, f.Time("createdAt"));
  XS_TRY(r.created_by, f.String("createdBy"));
  if (r.created_by != "owner") {
    XS_RETURN_IF_ERROR(f.CheckId("createdBy", IdType::kOperator, r.created_by));
  }
  XS_TRY(r.status, f.Enum<OperatorStatus>("status"));
  XS_RETURN_IF_ERROR(f.Done());
  return r;
}

Json OperatorRecord::ToJson() const {
  Json config = {{"label", label},
                 {"role", Name(role)},
                 {"scopeMode", Name(scope_mode)},
                 {"provider", Name(provider)},
                 {"inboxIds", inbox_ids}};
  if (wallet_id) config["walletId"] = *wallet_id;
  if (!disclosures.empty()) config["operatorDisclosures"] = DisclosuresToJson(disclosures);
  return {{"id", id},
          {"config", std::move(config)},
          {"createdAt", created_at},
          {"createdBy", created_by},
          {"status", Name(status)}};
}

Result<PolicyRecord> PolicyRecord::FromJson(const Json& j) {
  XS_RETURN_IF_ERROR(CheckObject(j, "policy"));
  Fields f(j, "");
  PolicyRecord r;
  XS_TRY(r.id, f.Id("id", IdType::kPolicy));
  XS_TRY(const Json* config, f.Object("config", true));
  Fields c(*config, "config.");
  XS_TRY(r.label, c.NonEmpty("label"));
  XS_TRY(r.allow, c.Strings("allow"));
  XS_TRY(r.deny, c.Strings("deny"));
  XS_RETURN_IF_ERROR(ValidateScopes(r.allow, c.Path("allow")));
  XS_RETURN_IF_ERROR(ValidateScopes(r.deny, c.Path("deny")));
  XS_RETURN_IF_ERROR(c.Done());
  XS_TRY(r.created_at, f.Time("createdAt"));
  XS_TRY(r.updated_at, f.Time("updatedAt"));
  XS_RETURN_IF_ERROR(f.Done());
  return r;
}

Json PolicyRecord::ToJson() const {
  return {{"id", id},
          {"config", {{"label", label}, {"allow", allow}, {"deny", deny}}},
          {"createdAt", created_at},
          {"updatedAt", updated_at}};
}

Result<InboxRecord> InboxRecord::FromJson(const Json& j) {
  XS_RETURN_IF_ERROR(CheckObject(j, "inbox"));
  Fields f(j, "");
  InboxRecord r;
  XS_TRY(r.id, f.Id("id", IdType::kInbox));
  XS_TRY(r.label, f.String("label"));
  XS_TRY(r.network_inbox_id, f.NonEmpty("networkInboxId"));
  XS_TRY(r.installation_id, f.String("installationId"));
  XS_TRY(r.address, f.NonEmpty("address"));
  XS_TRY(r.wallet_id, f.String("walletId"));
  XS_RETURN_IF_ERROR(CheckWalletId(f, "walletId", r.wallet_id));
  XS_TRY(r.installation_key_id, f.Id("installationKeyId", IdType::kKey));
  XS_TRY(r.env, f.NonEmpty("env"));
  XS_TRY(r.network, f.String("network"));
  XS_TRY(r.trust_tier, f.Enum<TrustTier>("trustTier"));
  XS_TRY(r.created_at, f.Time("createdAt"));
  XS_TRY(r.operator_id, f.OptString("operatorId"));
  if (r.operator_id) {
    XS_RETURN_IF_ERROR(f.CheckId("operatorId", IdType::kOperator, *r.operator_id));
  }
  XS_RETURN_IF_ERROR(f.Done());
  return r;
}

Json InboxRecord::ToJson() const {
  Json out = {{"id", id},
              {"label", label},
              {"networkInboxId", network_inbox_id},
              {"installationId", installation_id},
              {"address", address},
              {"walletId", wallet_id},
              {"installationKeyId", installation_key_id},
              {"env", env},
              {"network", network},
              {"trustTier", Name(trust_tier)},
              {"createdAt", created_at}};
  if (operator_id) out["operatorId"] = *operator_id;
  return out;
}

}  // namespace xs::signet
