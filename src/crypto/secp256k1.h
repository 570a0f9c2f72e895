// secp256k1 ECDSA with public-key recovery (libsecp256k1), and the Ethereum
// conventions built on it: addresses (keccak256 of the uncompressed public
// key, last 20 bytes) and EIP-191 personal_sign ("\x19Ethereum Signed
// Message:\n" + decimal length + message). Signatures are low-s normalized.
//
// Thread contract: pure functions (a shared, randomized context is created
// once and used read-only).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/hash.h"
#include "crypto/secret.h"

namespace xs::crypto {

inline constexpr std::size_t kSecp256k1PrivateKeySize = 32;
inline constexpr std::size_t kSecp256k1PublicKeySize = 65;  // uncompressed 0x04 || x || y
inline constexpr std::size_t kRecoverableSignatureSize = 65;

using Secp256k1PublicKey = std::array<std::uint8_t, kSecp256k1PublicKeySize>;
// r (32) || s (32) || recovery id (0 or 1).
using RecoverableSignature = std::array<std::uint8_t, kRecoverableSignatureSize>;

Secret Secp256k1GeneratePrivateKey();
// Validation error unless 32 bytes in [1, n-1].
Status Secp256k1CheckPrivateKey(std::span<const std::uint8_t> private_key);
Result<Secp256k1PublicKey> Secp256k1PublicKeyOf(std::span<const std::uint8_t> private_key);

Result<RecoverableSignature> Secp256k1SignRecoverable(std::span<const std::uint8_t> private_key,
                                                      const Digest256& digest);
// Recovers the signer; `signature` is r || s || recid with recid in {0,1}.
// High-s signatures are accepted here (callers normalize when they must).
Result<Secp256k1PublicKey> Secp256k1Recover(const Digest256& digest,
                                            std::span<const std::uint8_t> signature);
// Verifies r || s (64 bytes, low-s) against an uncompressed or compressed key.
bool Secp256k1Verify(std::span<const std::uint8_t> public_key, const Digest256& digest,
                     std::span<const std::uint8_t> signature);

// Rewrites a recoverable signature (r || s || recid, recid 0..3) into its
// low-s form, flipping the recovery id when s changes, so that the two
// encodings of one signature compare equal (replay checks).
Result<RecoverableSignature> Secp256k1NormalizeLowS(std::span<const std::uint8_t> signature);

// "0x" + 40 lowercase hex digits.
std::string EthereumAddress(const Secp256k1PublicKey& public_key);
// True for "0x" + 40 hex digits (any case).
bool IsEthereumAddress(std::string_view text);
Digest256 Eip191Hash(std::span<const std::uint8_t> message);
// 65 bytes r || s || v with v = 27 + recid.
Result<RecoverableSignature> EthPersonalSign(std::span<const std::uint8_t> private_key,
                                             std::span<const std::uint8_t> message);
// Accepts v in {0,1,27,28}; returns the lowercase address of the signer.
Result<std::string> EthRecoverPersonalSigner(std::span<const std::uint8_t> message,
                                             std::span<const std::uint8_t> signature);

}  // namespace xs::crypto
