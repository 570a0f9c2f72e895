// The runtime's model: operator, policy and inbox records (concepts.md §2-3,
// §8) as typed structs. Each record type has one strict decoder and one
// encoder:
//   FromJson  -- validates every field of a stored record (types, enums, id
//                prefixes, ISO times, scopes) and rejects unknown fields; the
//                error is a validation error naming the field
//                ("config.role"). Records on disk are our own format, but a
//                corrupt or hand-edited row must not become a half-valid
//                struct.
//   ToJson    -- the stored form, which is also the admin wire form the
//                operator.*, policy.* and inbox.* actions return.
// For every record r: FromJson(r.ToJson()) == r, and for every accepted j:
// FromJson(j)->ToJson() == j.
//
// Each enum has Name() (the wire spelling) and Parse<E>(text, field), whose
// error is validation "<field>: unsupported value '<text>'".
//
// Thread contract: pure values and functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "signet/util/util.h"

namespace xs::signet {

enum class OperatorRole { kOperator, kAdmin, kSuperadmin };
enum class ScopeMode { kPerChat, kShared };
enum class WalletProvider { kInternal, kOws };
enum class OperatorStatus { kActive, kSuspended, kRemoved };
enum class InferenceMode { kLocal, kCloud, kHybrid };
enum class ContentEgressScope { kNone, kProviderOnly, kUnrestricted };
enum class HostingMode { kSelfHosted, kCloud, kTee };
// concepts.md §7 trust tiers; the software vault is kUnverified.
enum class TrustTier { kUnverified, kSourceVerified, kReproduciblyVerified, kRuntimeAttested };

std::string_view Name(OperatorRole v);
std::string_view Name(ScopeMode v);
std::string_view Name(WalletProvider v);
std::string_view Name(OperatorStatus v);
std::string_view Name(InferenceMode v);
std::string_view Name(ContentEgressScope v);
std::string_view Name(HostingMode v);
std::string_view Name(TrustTier v);

// Defined for each enum above.
template <typename E>
Result<E> Parse(std::string_view text, std::string_view field);

// Self-declared operator claims, carried into seals as declared claims.
struct OperatorDisclosures {
  std::optional<InferenceMode> inference_mode;
  std::optional<std::vector<std::string>> inference_providers;
  std::optional<ContentEgressScope> content_egress_scope;
  std::optional<std::string> retention_at_provider;
  std::optional<HostingMode> hosting_mode;

  bool empty() const;
  bool operator==(const OperatorDisclosures&) const = default;
};

// Overrides `current` with the disclosure fields present in `object` (other
// fields are ignored); errors name `field_prefix` + the field.
Result<OperatorDisclosures> MergeDisclosures(const Json& object, OperatorDisclosures current,
                                             std::string_view field_prefix = {});

struct OperatorRecord {
  static constexpr const char* kKind = "operator";
  static constexpr const char* kPrefix = "op_";
  static constexpr const char* kLabelPointer = "/config/label";

  std::string id;
  std::string label;  // non-empty
  OperatorRole role = OperatorRole::kOperator;
  ScopeMode scope_mode = ScopeMode::kPerChat;
  WalletProvider provider = WalletProvider::kInternal;
  std::optional<std::string> wallet_id;
  std::vector<std::string> inbox_ids;
  OperatorDisclosures disclosures;  // stored only when not empty
  std::string created_at;           // ISO-8601
  std::string created_by;           // "owner" or an op_ id
  OperatorStatus status = OperatorStatus::kActive;

  static Result<OperatorRecord> FromJson(const Json& j);
  Json ToJson() const;
  bool operator==(const OperatorRecord&) const = default;
};

struct PolicyRecord {
  static constexpr const char* kKind = "policy";
  static constexpr const char* kPrefix = "policy_";
  static constexpr const char* kLabelPointer = "/config/label";

  std::string id;
  std::string label;  // non-empty
  std::vector<std::string> allow;
  std::vector<std::string> deny;
  std::string created_at;  // ISO-8601
  std::string updated_at;  // ISO-8601

  static Result<PolicyRecord> FromJson(const Json& j);
  Json ToJson() const;
  bool operator==(const PolicyRecord&) const = default;
};

// A managed XMTP identity. The sealed per-identity DB key rides in the row,
// outside this struct.
struct InboxRecord {
  static constexpr const char* kKind = "inbox";
  static constexpr const char* kPrefix = "inbox_";
  static constexpr const char* kLabelPointer = "/label";

  std::string id;
  std::string label;  // may be empty
  std::string network_inbox_id;
  std::string installation_id;
  std::string address;
  std::string wallet_id;
  std::string installation_key_id;  // a key_ id
  std::string env;
  std::string network;  // the network's description when it was created
  TrustTier trust_tier = TrustTier::kUnverified;
  std::string created_at;  // ISO-8601
  std::optional<std::string> operator_id;

  static Result<InboxRecord> FromJson(const Json& j);
  Json ToJson() const;
  bool operator==(const InboxRecord&) const = default;
};

}  // namespace xs::signet
