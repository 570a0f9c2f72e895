// Fuzzes the XMTP group layer (xmtp/group) on what a hostile commit or
// Welcome can put in a group context: the four extension decoders on raw
// bytes, ParseGroupContextExtensions on arbitrary extension lists, and
// ValidateCommit on fuzzer-built before/after extensions and commit facts
// with a deterministic installation resolver. The first input byte picks the
// mode. Checked besides "no crash / no sanitizer report":
//   * every failure is a typed group-rule error (GroupRuleErrorOf), an
//     Error::Permission exactly when the rule is permission_denied, or the
//     resolver's own error passed through unchanged;
//   * a decoded value re-encodes to bytes that decode to the same value, and
//     encoding is deterministic (Encode(Decode(Encode(v))) == Encode(v));
//   * a parsed extension list round-trips through BuildGroupContextExtensions;
//   * a commit ValidateCommit accepts also passes CheckChange with the same
//     result, keeps 0xF000, adds only new inboxes, removes only old ones, and
//     reports exactly MetadataChanges(before, after).
#include <fuzzer/FuzzedDataProvider.h>
#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "xmtp/group/commit_validation.h"
#include "xmtp/group/constants.h"
#include "xmtp/group/extensions.h"
#include "xmtp/group/group_error.h"
#include "xmtp/group/metadata.h"
#include "xmtp/group/policies.h"

namespace {

using namespace xs::xmtp::group;  // NOLINT
using xs::Error;

enum Mode : std::uint8_t { kDecoders, kExtensionList, kValidateCommit, kModeCount };

constexpr std::uint16_t kExtensionTypes[] = {0xF000, 0xFF00, 0xFF01, 0xFF02, 0x0003, 0x0002};
constexpr const char* kInboxes[] = {"inbox-a", "inbox-b", "inbox-c", "inbox-d", "inbox-e"};
constexpr std::size_t kInboxCount = sizeof(kInboxes) / sizeof(kInboxes[0]);
// The resolver fails for this inbox (as a lookup would on a network error).
constexpr std::size_t kFailingInbox = kInboxCount - 1;
constexpr const char* kResolverFailure = "fuzz resolver: lookup failed";
constexpr std::size_t kMaxItems = 6;

void Check(bool invariant, int line) {
  if (invariant) return;
  std::fprintf(stderr, "group_extensions fuzzer: invariant at line %d violated\n", line);
  std::abort();
}
#define XS_CHECK(invariant) Check(invariant, __LINE__)

void CheckTyped(const Error& error) {
  auto rule = GroupRuleErrorOf(error);
  XS_CHECK(rule.has_value());
  XS_CHECK(error.IsPermission() == (*rule == GroupRuleError::kPermissionDenied));
  XS_CHECK(error.IsPermission() || error.IsValidation());
}

template <typename Decode, typename Encode>
void RoundTrip(std::string_view bytes, Decode decode, Encode encode) {
  auto value = decode(bytes);
  if (!value.ok()) return CheckTyped(value.error());
  std::string encoded = encode(*value);
  auto again = decode(encoded);
  XS_CHECK(again.ok() && *again == *value);
  XS_CHECK(encode(*again) == encoded);
}

void RunDecoders(FuzzedDataProvider& in) {
  int which = in.ConsumeIntegralInRange(0, 3);
  std::string bytes = in.ConsumeRemainingBytesAsString();
  switch (which) {
    case 0:
      return RoundTrip(bytes, DecodeGroupMetadata, EncodeGroupMetadata);
    case 1:
      return RoundTrip(bytes, DecodeMutableMetadata, EncodeMutableMetadata);
    case 2:
      return RoundTrip(bytes, DecodeMembership, EncodeMembership);
    default:
      return RoundTrip(bytes, DecodePermissions, EncodePermissions);
  }
}

// Attribute keys and values as a decoder can return them: protobuf strings
// are UTF-8 (here printable ASCII); other bytes never parse.
std::string Text(FuzzedDataProvider& in, std::size_t max_length) {
  std::string s = in.ConsumeRandomLengthString(max_length);
  for (char& c : s) c = static_cast<char>(' ' + static_cast<unsigned char>(c) % 95);
  return s;
}

std::string Inbox(FuzzedDataProvider& in) {
  return kInboxes[in.ConsumeIntegralInRange<std::size_t>(0, kInboxCount - 1)];
}

template <typename Base>
Policy<Base> MakePolicy(FuzzedDataProvider& in, int max_base, int depth) {
  int kind = depth >= 2 ? 0 : in.ConsumeIntegralInRange(0, 2);
  if (kind == 0) return Policy<Base>::Of(static_cast<Base>(in.ConsumeIntegralInRange(1, max_base)));
  std::vector<Policy<Base>> children;
  for (int i = in.ConsumeIntegralInRange(1, 3); i > 0; --i) {
    children.push_back(MakePolicy<Base>(in, max_base, depth + 1));
  }
  return kind == 1 ? Policy<Base>::And(std::move(children))
                   : Policy<Base>::Any(std::move(children));
}

PolicySet MakePolicies(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0:
      return DefaultPolicies();
    case 1:
      return AdminOnlyPolicies();
    case 2:
      return DmPolicies();
    default:
      break;
  }
  PolicySet p = DefaultPolicies();
  p.add_member_policy = MakePolicy<MembershipBase>(in, 4, 0);
  p.remove_member_policy = MakePolicy<MembershipBase>(in, 4, 0);
  p.update_metadata_policy[std::string(kGroupName)] = MakePolicy<MetadataBase>(in, 4, 0);
  p.add_admin_policy = MakePolicy<PermissionsBase>(in, 3, 0);
  p.remove_admin_policy = MakePolicy<PermissionsBase>(in, 3, 0);
  p.update_permissions_policy = MakePolicy<PermissionsBase>(in, 3, 0);
  return p;
}

std::string Attribute(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0:
      return std::string(kGroupName);
    case 1:
      return std::string(kDescription);
    case 2:
      return std::string(kMinimumSupportedProtocolVersion);
    default:
      return Text(in, 16);
  }
}

// One change to a group's extensions, as a commit could make it.
void Mutate(FuzzedDataProvider& in, GroupExtensions& g) {
  MutableMetadata& meta = g.mutable_metadata;
  switch (in.ConsumeIntegralInRange(0, 9)) {
    case 0:
      g.membership.members[Inbox(in)] = in.ConsumeIntegralInRange<std::uint64_t>(0, 4);
      return;
    case 1:
      g.membership.members.erase(Inbox(in));
      return;
    case 2:
      meta.attributes[Attribute(in)] = Text(in, 400);
      return;
    case 3:
      meta.attributes.erase(Attribute(in));
      return;
    case 4:
      meta.admins.push_back(Inbox(in));
      return;
    case 5:
      if (!meta.admins.empty()) meta.admins.erase(meta.admins.begin());
      return;
    case 6:
      meta.super_admins.push_back(Inbox(in));
      return;
    case 7:
      if (!meta.super_admins.empty()) meta.super_admins.pop_back();
      return;
    case 8:
      g.policies = MakePolicies(in);
      return;
    default:
      g.membership.failed_installations.push_back(
          {in.ConsumeIntegral<std::uint8_t>(), in.ConsumeIntegral<std::uint8_t>()});
      return;
  }
}

GroupExtensions MakeGroup(FuzzedDataProvider& in) {
  std::string creator = Inbox(in);
  GroupExtensions g;
  if (in.ConsumeBool()) {
    std::string peer = Inbox(in);
    g = NewDm(creator, peer);
    if (in.ConsumeBool()) g.membership.members[peer] = 1;
  } else {
    g = NewGroup(creator, MakePolicies(in), {{std::string(kGroupName), "fuzz"}});
  }
  for (std::size_t i = in.ConsumeIntegralInRange<std::size_t>(0, kMaxItems); i > 0; --i) {
    Mutate(in, g);
  }
  return g;
}

// Installation keys are {inbox index, n}: the inbox's state at sequence id
// s holds installations 0..s % 3 (0 is the creation placeholder: the latest
// state, two installations).
Bytes Installation(std::size_t inbox, std::uint8_t n) {
  return {static_cast<std::uint8_t>(inbox), n};
}

xs::Result<std::set<Bytes>> Resolve(const std::string& inbox_id, std::uint64_t sequence_id) {
  const auto* it = std::find(std::begin(kInboxes), std::end(kInboxes), inbox_id);
  if (it == std::end(kInboxes)) return std::set<Bytes>{};
  auto index = static_cast<std::size_t>(it - std::begin(kInboxes));
  if (index == kFailingInbox) return Error::Network("fuzz", kResolverFailure);
  std::set<Bytes> out;
  std::uint64_t count = sequence_id == 0 ? 2 : sequence_id % 3 + 1;
  for (std::uint64_t n = 0; n < count; ++n) {
    out.insert(Installation(index, static_cast<std::uint8_t>(n)));
  }
  return out;
}

LeafIdentity Leaf(FuzzedDataProvider& in) {
  auto inbox = in.ConsumeIntegralInRange<std::size_t>(0, kInboxCount - 1);
  auto owner = in.ConsumeIntegralInRange<std::size_t>(0, kInboxCount - 1);
  return {kInboxes[inbox], Installation(owner, in.ConsumeIntegralInRange<std::uint8_t>(0, 3))};
}

std::vector<LeafIdentity> Leaves(FuzzedDataProvider& in) {
  std::vector<LeafIdentity> out;
  for (std::size_t i = in.ConsumeIntegralInRange<std::size_t>(0, 3); i > 0; --i) {
    out.push_back(Leaf(in));
  }
  return out;
}

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

void RunValidateCommit(FuzzedDataProvider& in) {
  GroupExtensions before = MakeGroup(in);
  GroupExtensions after = before;
  for (std::size_t i = in.ConsumeIntegralInRange<std::size_t>(0, kMaxItems); i > 0; --i) {
    Mutate(in, after);
  }
  CommitFacts facts;
  facts.committer = Leaf(in);
  facts.added = Leaves(in);
  facts.removed = Leaves(in);
  facts.updated = Leaves(in);
  facts.has_psk = in.ConsumeIntegralInRange(0, 15) == 0;
  // The same pair through the byte form, as a receiver sees it.
  auto parsed_before = ParseGroupContextExtensions(BuildGroupContextExtensions(before));
  auto parsed_after = ParseGroupContextExtensions(BuildGroupContextExtensions(after));
  XS_CHECK(parsed_before.ok() && *parsed_before == before);
  XS_CHECK(parsed_after.ok() && *parsed_after == after);

  auto validated = ValidateCommit(before, after, facts, Resolve);
  if (!validated.ok()) {
    const Error& e = validated.error();
    if (e.IsNetwork()) {
      XS_CHECK(e.message().find(kResolverFailure) != std::string::npos);
    } else {
      CheckTyped(e);
    }
    return;
  }
  const ValidatedCommit& v = *validated;
  const std::string& actor = facts.committer.inbox_id;
  XS_CHECK(!facts.has_psk);
  XS_CHECK(v.actor_inbox_id == actor);
  XS_CHECK(before.membership.members.contains(actor) && after.membership.members.contains(actor));
  XS_CHECK(after.metadata == before.metadata);
  for (const auto& inbox : v.added_inboxes) {
    XS_CHECK(!before.membership.members.contains(inbox) &&
             after.membership.members.contains(inbox));
  }
  for (const auto& inbox : v.removed_inboxes) {
    XS_CHECK(before.membership.members.contains(inbox) &&
             !after.membership.members.contains(inbox));
  }
  for (const auto& inbox : v.added_super_admins) {
    XS_CHECK(Contains(after.mutable_metadata.super_admins, inbox));
  }
  XS_CHECK(v.metadata_changes == MetadataChanges(before.mutable_metadata, after.mutable_metadata));
  XS_CHECK(v.permissions_changed == (before.policies != after.policies));
  auto change = CheckChange(before, after, actor);
  XS_CHECK(change.ok());
  XS_CHECK(change->added_inboxes == v.added_inboxes &&
           change->removed_inboxes == v.removed_inboxes &&
           change->metadata_changes == v.metadata_changes &&
           change->added_admins == v.added_admins && change->removed_admins == v.removed_admins);
}

void RunExtensionList(FuzzedDataProvider& in) {
  std::vector<xs::mls::Extension> list;
  if (in.ConsumeBool()) {
    // A valid set with parts replaced, dropped or duplicated.
    list = BuildGroupContextExtensions(MakeGroup(in));
    for (std::size_t i = in.ConsumeIntegralInRange<std::size_t>(0, 3); i > 0 && !list.empty();
         --i) {
      auto at = in.ConsumeIntegralInRange<std::size_t>(0, list.size() - 1);
      switch (in.ConsumeIntegralInRange(0, 2)) {
        case 0: {
          std::string data = in.ConsumeRandomLengthString(256);
          list[at].extension_data.assign(data.begin(), data.end());
          break;
        }
        case 1:
          list.erase(list.begin() + static_cast<std::ptrdiff_t>(at));
          break;
        default:
          list.push_back(list[at]);
          break;
      }
    }
  } else {
    for (std::size_t i = in.ConsumeIntegralInRange<std::size_t>(0, kMaxItems); i > 0; --i) {
      xs::mls::Extension e;
      e.extension_type = in.ConsumeBool() ? in.PickValueInArray(kExtensionTypes)
                                          : in.ConsumeIntegral<std::uint16_t>();
      std::string data = in.ConsumeRandomLengthString(512);
      e.extension_data.assign(data.begin(), data.end());
      list.push_back(std::move(e));
    }
  }
  auto parsed = ParseGroupContextExtensions(list);
  if (!parsed.ok()) return CheckTyped(parsed.error());
  auto again = ParseGroupContextExtensions(BuildGroupContextExtensions(*parsed));
  XS_CHECK(again.ok() && *again == *parsed);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Invalid UTF-8 in a string field is an expected rejection, not news.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  switch (in.ConsumeIntegralInRange<int>(0, kModeCount - 1)) {
    case kDecoders:
      RunDecoders(in);
      break;
    case kExtensionList:
      RunExtensionList(in);
      break;
    default:
      RunValidateCommit(in);
      break;
  }
  return 0;
}
