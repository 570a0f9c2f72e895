#include "xmtp/client/inbox_state.h"

#include <algorithm>

#include "crypto/cipher_suite.h"
#include "mls/group/key_package.h"
#include "mls/messages/limits.h"
#include "mls/messages/serialize.h"
#include "xmtp/client/client_internal.h"
#include "xmtp/identity/inbox_id.h"

namespace xs::xmtp::client {

namespace mlsv1 = ::xmtp::mls::api::v1;

namespace {

using State = KeyPackageStatus::State;

KeyPackageStatus Invalid(std::string why) {
  KeyPackageStatus s;
  s.state = State::kInvalid;
  s.error = std::move(why);
  return s;
}

// One key package from the node, for `installation` of `inbox_id`.
KeyPackageStatus Check(const std::string& tls, const std::string& inbox_id,
                       const Bytes& installation, std::uint64_t now) {
  if (tls.empty()) return {};
  auto kp = mls::Deserialize<mls::KeyPackage>(
      std::span(reinterpret_cast<const std::uint8_t*>(tls.data()), tls.size()));
  if (!kp.ok()) return Invalid(kp.error().message());
  KeyPackageStatus s;
  s.not_before = kp->leaf_node.lifetime.not_before;
  s.not_after = kp->leaf_node.lifetime.not_after;
  s.last_resort = std::any_of(kp->extensions.begin(), kp->extensions.end(), [](const auto& e) {
    return e.extension_type == mls::kExtensionLastResort;
  });
  auto suite = crypto::CipherSuite::Create(mls::kXmtpCipherSuite);
  if (!suite.ok()) return Invalid(suite.error().message());
  // The lifetime is judged below, so that expiry gets its own state.
  mls::KeyPackageValidationOptions options;
  options.cipher_suite = mls::kXmtpCipherSuite;
  if (Status valid = mls::ValidateKeyPackage(*suite, *kp, options); !valid.ok()) {
    KeyPackageStatus bad = Invalid(valid.error().message());
    bad.not_before = s.not_before;
    bad.not_after = s.not_after;
    return bad;
  }
  auto owner = InboxOfCredential(kp->leaf_node.credential);
  if (!owner.ok() || *owner != inbox_id || kp->leaf_node.signature_key != installation) {
    return Invalid("the key package does not belong to the installation");
  }
  if (now < s.not_before) {
    s.state = State::kNotYet;
  } else if (now > s.not_after) {
    s.state = State::kExpired;
  } else {
    s.state = State::kValid;
  }
  return s;
}

}  // namespace

const char* KeyPackageStateName(State state) {
  switch (state) {
    case State::kValid:
      return "valid";
    case State::kMissing:
      return "missing";
    case State::kExpired:
      return "expired";
    case State::kNotYet:
      return "not-yet-valid";
    case State::kInvalid:
      return "invalid";
  }
  return "invalid";
}

Result<NetworkInboxState> FetchNetworkInboxState(ClientContext& ctx, const std::string& inbox_id) {
  if (!identity::IsValidInboxId(inbox_id)) {
    return Error::Validation("inboxId", "an XMTP inbox id is 64 lowercase hex digits");
  }
  XS_TRY(ResolvedInbox resolved, ctx.identities().Latest(inbox_id));
  NetworkInboxState out;
  out.inbox_id = inbox_id;
  out.sequence_id = resolved.sequence_id;
  out.addresses = resolved.state.EthereumAddresses();
  out.recovery_identifier = resolved.state.recovery_identifier().ToString();
  for (auto& key : resolved.state.InstallationKeys()) {
    NetworkInstallation i;
    const identity::Member* member =
        resolved.state.FindMember(identity::MemberId::Installation(key));
    if (member != nullptr) i.added_ns = member->client_timestamp_ns;
    i.key = std::move(key);
    out.installations.push_back(std::move(i));
  }
  if (out.installations.empty()) return out;
  mlsv1::FetchKeyPackagesRequest req;
  for (const auto& i : out.installations) req.add_installation_keys(i.key.data(), i.key.size());
  XS_TRY(mlsv1::FetchKeyPackagesResponse resp, ctx.api().FetchKeyPackages(req));
  const auto now = static_cast<std::uint64_t>(ctx.clock().NowSeconds());
  for (std::size_t n = 0; n < out.installations.size(); ++n) {
    NetworkInstallation& i = out.installations[n];
    if (n >= static_cast<std::size_t>(resp.key_packages_size())) break;  // missing
    const auto& tls = resp.key_packages(static_cast<int>(n)).key_package_tls_serialized();
    i.key_package = Check(tls, inbox_id, i.key, now);
  }
  return out;
}

}  // namespace xs::xmtp::client
