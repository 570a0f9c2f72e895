// Every bound the node enforces on what a client can make it store, read or
// hold in memory. A request beyond a limit is refused with INVALID_ARGUMENT
// (it would fail the same way on retry); a subscriber that falls too far
// behind is ended with RESOURCE_EXHAUSTED (it reconnects from its cursor).
#pragma once

#include <cstddef>
#include <cstdint>

namespace xs::node {

inline constexpr std::size_t kMiB = 1024 * 1024;

// gRPC message size the server accepts and sends. libxmtp assumes 25 MiB
// (GRPC_PAYLOAD_LIMIT, protocol.md §0); a little headroom for framing.
inline constexpr int kMaxGrpcMessageBytes = 32 * kMiB;
// Largest single payload (group message data, welcome data, key package,
// commit log entry) stored.
inline constexpr std::size_t kMaxPayloadBytes = 25 * kMiB;
inline constexpr std::size_t kMaxKeyPackageBytes = 256 * 1024;
inline constexpr std::size_t kMaxSenderHmacBytes = 64;
inline constexpr std::size_t kMaxHpkePublicKeyBytes = 4096;
inline constexpr std::size_t kMaxWelcomeMetadataBytes = 64 * 1024;
inline constexpr std::size_t kMaxCommitLogSignatureBytes = 128;

// Topic keys: MLS group ids (16 bytes from libxmtp) and installation keys
// (32-byte Ed25519 keys).
inline constexpr std::size_t kMaxGroupIdBytes = 256;
inline constexpr std::size_t kMaxInstallationKeyBytes = 256;
inline constexpr std::size_t kMaxIdentifierChars = 256;
inline constexpr std::size_t kInboxIdChars = 64;

// Paging (protocol.md §1.2): limit 0 or above the maximum means the maximum.
inline constexpr std::uint32_t kMaxPageSize = 100;
inline constexpr std::uint32_t kDefaultPageSize = 100;

// Batch sizes per request.
inline constexpr std::size_t kMaxGroupMessagesPerRequest = 256;
inline constexpr std::size_t kMaxWelcomesPerRequest = 5000;
inline constexpr std::size_t kMaxKeyPackageFetches = 5000;

// TLS certificate chain and private key files (PEM) the node reads at start.
inline constexpr std::size_t kMaxTlsPemFileBytes = 1 * kMiB;
inline constexpr std::size_t kMaxIdentityUpdateQueries = 5000;
inline constexpr std::size_t kMaxInboxIdLookups = 5000;
inline constexpr std::size_t kMaxNewestGroupQueries = 10000;
inline constexpr std::size_t kMaxSmartWalletChecks = 100;
// The Go node's commit-log batch limits.
inline constexpr std::size_t kMaxCommitLogPublishes = 10;
inline constexpr std::size_t kMaxCommitLogQueries = 20;

// Identity updates.
inline constexpr std::size_t kMaxIdentityUpdateBytes = 1 * kMiB;
inline constexpr std::size_t kMaxIdentityUpdatesPerInbox = 10000;

// Streams.
inline constexpr std::size_t kMaxSubscriptionFilters = 10000;
// Messages queued for one subscriber before it is cut off.
inline constexpr std::size_t kMaxStreamBacklog = 20000;
// Rows read per history page while replaying a subscription.
inline constexpr std::uint32_t kStreamReplayPageSize = 100;
// Time given to open streams and in-flight calls when the node stops.
inline constexpr int kShutdownGraceMillis = 2000;

}  // namespace xs::node
