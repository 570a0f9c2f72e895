// Helpers shared by the identity tests: deterministic keys and shortcuts for
// building signed updates. Test-only (included from *_test.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "xmtp/identity/association_state.h"
#include "xmtp/identity/inbox_id.h"
#include "xmtp/identity/signer.h"
#include "xmtp/identity/update_builder.h"

namespace xs::xmtp::identity::testing {

// 2026-11-23T22:32:36Z.
inline constexpr std::uint64_t kTestTimeNs = 1795473156ULL * 1000000000ULL;

inline WalletKey TestWallet(std::uint8_t fill) {
  std::string hex;
  for (int i = 0; i < 32; ++i) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[fill >> 4];
    hex += kHex[fill & 0xf];
  }
  auto key = WalletKey::FromPrivateKeyHex(hex);
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

inline InstallationKey TestInstallation(std::uint8_t fill) {
  std::vector<std::uint8_t> seed(32, fill);
  auto key = InstallationKey::FromSeed(seed);
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

inline std::string InboxOf(const WalletKey& wallet, std::uint64_t nonce = 1) {
  return DeriveInboxId(wallet.identity(), nonce).value();
}

}  // namespace xs::xmtp::identity::testing
