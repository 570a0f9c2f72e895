// FakeXmtpNetwork: an in-memory XmtpNetwork for unit tests, benchmarks and
// the daemon test driver. Test-only library (xs_signet_testing): the product
// never links it, and Runtime never falls back to it.
//
// Thread contract: thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "signet/network/xmtp_network.h"

namespace xs::signet {

// In-memory network: inbox id = sha256(address || nonce 0) like XMTP, so ids
// are stable and realistic; never touches a socket.
class FakeXmtpNetwork final : public XmtpNetwork {
 public:
  Result<RegisteredInbox> RegisterInbox(const RegistrationKeys& keys) override;
  Result<bool> InboxExists(const std::string& network_inbox_id) override;
  std::string Describe() const override { return "fake (in-memory)"; }
  std::size_t registered_count() const;
  // Next RegisterInbox fails with a network error (tests of rollback).
  void FailNext() {
    std::lock_guard lock(mu_);
    fail_next_ = true;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> inboxes_;
  bool fail_next_ = false;
};

}  // namespace xs::signet
