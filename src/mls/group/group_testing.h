// Test-only helper (header-only, not part of the library's API): XMTP-style
// members with real Ed25519 installation keys and KeyPackages, and groups
// created with the XMTP group-context extensions, for the group tests and
// the group benchmark.
//
// Thread contract: plain values.
#pragma once

#include <cstdint>
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
  auto bundle = CreateKeyPackage(XmtpKeyPackageOptions(client.inbox_id, NowSeconds()),
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
  options.leaf = XmtpKeyPackageOptions(creator.inbox_id, NowSeconds()).leaf;
  options.group_context_extensions = TestGroupExtensions();
  options.config = config;
  auto group = CreateGroup(options, creator.signature.private_key.bytes());
  if (!group.ok()) std::abort();
  return std::move(group).value();
}

}  // namespace xs::mls::testing
