// Test-only helper (header-only, not part of the library's API): XMTP-style
// members with real Ed25519 installation keys and KeyPackages, and groups
// created with the XMTP group-context extensions, for the group tests and
// the group benchmark.
//
// Thread contract: plain values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "mls/group/application.h"
#include "mls/group/commit.h"
#include "mls/group/create.h"
#include "mls/group/key_package.h"
#include "mls/group/process.h"
#include "mls/group/proposal_list.h"
#include "mls/group/propose.h"
#include "mls/group/staged_commit.h"
#include "mls/group/welcome.h"
#include "mls/group/xmtp_profile.h"

namespace xs::mls::testing {

struct TestClient {
  std::string inbox_id;
  crypto::SignatureKeyPair signature;
};

inline TestClient MakeClient(const crypto::CipherSuite& suite, std::uint32_t id) {
  // A 64-hex-character inbox id, like XMTP's.
  std::string inbox = std::to_string(id);
  inbox.insert(0, 64 - inbox.size(), '0');
  return TestClient{inbox, suite.GenerateSignatureKeyPair()};
}

inline KeyPackageBundle MakeKeyPackage(const TestClient& client) {
  auto bundle =
      CreateKeyPackage(XmtpKeyPackageOptions(client.inbox_id, SystemClock::Get()->NowSeconds()),
                       client.signature.private_key.bytes());
  if (!bundle.ok()) std::abort();
  return std::move(bundle).value();
}

inline std::vector<Extension> TestGroupExtensions() {
  const Bytes immutable = {0x08, 0x01};  // GroupMetadataV1{conversation_type: GROUP}
  return MakeXmtpGroupContextExtensions(immutable, {}, {}, {});
}

inline GroupState CreateTestGroup(const TestClient& creator, GroupConfig config = {}) {
  CreateGroupOptions options;
  options.leaf = XmtpKeyPackageOptions(creator.inbox_id, SystemClock::Get()->NowSeconds()).leaf;
  options.group_context_extensions = TestGroupExtensions();
  options.config = config;
  auto group = CreateGroup(options, creator.signature.private_key.bytes());
  if (!group.ok()) std::abort();
  return std::move(group).value();
}

// Alice (leaf 0) creates a group and adds Bob (1) and Carol (2) in one
// commit; both join from its Welcome, so all three share the epoch.
struct ThreeMembers {
  TestClient alice, bob, carol;
  std::unique_ptr<GroupState> a, b, c;
};

inline Result<ThreeMembers> MakeThreeMembers(const crypto::CipherSuite& suite) {
  ThreeMembers out{MakeClient(suite, 1), MakeClient(suite, 2), MakeClient(suite, 3), {}, {}, {}};
  out.a = std::make_unique<GroupState>(CreateTestGroup(out.alice));
  KeyPackageBundle bob_kp = MakeKeyPackage(out.bob);
  KeyPackageBundle carol_kp = MakeKeyPackage(out.carol);
  CommitOptions options;
  options.proposals = {AddProposal{bob_kp.key_package}, AddProposal{carol_kp.key_package}};
  XS_TRY(auto commit, CreateCommit(*out.a, options));
  XS_RETURN_IF_ERROR(Merge(*out.a, std::move(commit.staged)));
  const auto& welcome = std::get<Welcome>(commit.welcome->body);
  XS_TRY(GroupState b, JoinFromWelcome(welcome, bob_kp, out.bob.signature.private_key.bytes()));
  XS_TRY(GroupState c, JoinFromWelcome(welcome, carol_kp, out.carol.signature.private_key.bytes()));
  out.b = std::make_unique<GroupState>(std::move(b));
  out.c = std::make_unique<GroupState>(std::move(c));
  return out;
}

}  // namespace xs::mls::testing
