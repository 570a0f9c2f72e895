#include <sodium.h>

#include <algorithm>

#include "signet/testing/fake_network.h"
#include "signet/util/util.h"

namespace xs::signet {

Result<RegisteredInbox> FakeXmtpNetwork::RegisterInbox(const RegistrationKeys& keys) {
  std::lock_guard lock(mu_);
  if (fail_next_) {
    fail_next_ = false;
    return Error::Network("fake", "injected registration failure");
  }
  if (keys.wallet_address.empty()) return Error::Validation("wallet", "address is empty");
  // XMTP inbox id: hex sha256(lowercase address || decimal nonce).
  std::string preimage = keys.wallet_address + "0";
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> h;
  crypto_hash_sha256(h.data(), reinterpret_cast<const std::uint8_t*>(preimage.data()),
                     preimage.size());
  std::array<std::uint8_t, 32> installation = keys.installation_public_key;
  if (keys.installation_private_seed == nullptr) randombytes_buf(installation.data(), 32);
  RegisteredInbox out{ToHex(h), ToHex(installation)};
  if (std::find(inboxes_.begin(), inboxes_.end(), out.network_inbox_id) == inboxes_.end()) {
    inboxes_.push_back(out.network_inbox_id);
  }
  return out;
}

Result<bool> FakeXmtpNetwork::InboxExists(const std::string& network_inbox_id) {
  std::lock_guard lock(mu_);
  return std::find(inboxes_.begin(), inboxes_.end(), network_inbox_id) != inboxes_.end();
}

std::size_t FakeXmtpNetwork::registered_count() const {
  std::lock_guard lock(mu_);
  return inboxes_.size();
}

}  // namespace xs::signet
