// The rows of the XMTP client store (store.h), one struct per table. Byte
// ids (installation keys, group ids, message ids, KeyPackageRefs) are raw
// bytes; the columns marked "sealed" are encrypted at rest.
//
// Thread contract: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crypto/secret.h"

namespace xs::xmtp::store {

using Bytes = std::vector<std::uint8_t>;

// ---- identities: one row per installation of ours ----
enum class RegistrationState : std::uint8_t { kUnregistered = 0, kRegistered = 1 };

struct StoredIdentity {
  Bytes installation_key;  // Ed25519 public key: the installation id, owner of every row below
  std::string inbox_id;
  crypto::Secret installation_private_key;  // sealed
  RegistrationState registration = RegistrationState::kUnregistered;
  std::uint64_t identity_sequence_id = 0;  // newest identity update applied
};

// ---- key packages: our published KeyPackages and their private keys ----
struct StoredKeyPackage {
  Bytes ref;  // KeyPackageRef
  Bytes installation_key;
  Bytes init_public_key;         // HPKE init key (a Welcome's hpke_public_key)
  crypto::Secret private_parts;  // sealed; serialized by the caller
  std::int64_t created_ns = 0;
  std::optional<std::int64_t> consumed_ns;  // set once a Welcome used it
};

// ---- groups: one row per (owner installation, group id) ----
enum class ConversationType : std::uint8_t { kGroup = 0, kDm = 1, kSync = 2 };
enum class MembershipState : std::uint8_t { kActive = 0, kLeft = 1, kRemoved = 2 };

// Generations below `generation` of our application ratchet in `epoch` may
// have been used (Store::GetSendReservation).
struct SendReservation {
  std::uint64_t epoch = 0;
  std::uint32_t generation = 0;
};

struct StoredGroup {
  Bytes owner;
  Bytes group_id;
  ConversationType conversation_type = ConversationType::kGroup;
  std::string dm_id;  // empty unless a DM
  std::int64_t created_ns = 0;
  std::int64_t last_activity_ns = 0;
  MembershipState membership = MembershipState::kActive;
  std::uint64_t cursor = 0;  // node id of the last group message applied
};

// ---- messages ----
enum class MessageKind : std::uint8_t { kApplication = 0, kMembershipChange = 1 };
enum class DeliveryState : std::uint8_t { kUnpublished = 0, kPublished = 1, kFailed = 2 };

struct StoredMessage {
  Bytes owner;
  Bytes id;  // message id (unique per owner)
  Bytes group_id;
  std::string sender_inbox_id;
  Bytes sender_installation_key;
  std::int64_t sent_ns = 0;
  std::uint64_t node_id = 0;  // 0 until published
  std::string content_type;   // "xmtp.org/text:1.0"
  MessageKind kind = MessageKind::kApplication;
  Bytes content;  // sealed: the EncodedContent bytes
  DeliveryState delivery = DeliveryState::kUnpublished;
  // Read back, never written: the row's insertion order in the store (its
  // rowid), which orders messages that share a sent_ns.
  std::int64_t row = 0;
};

enum class Order : std::uint8_t { kAscending, kDescending };

// Where a stored message stands in its group's pages: (sent_ns, row).
struct MessagePosition {
  std::int64_t sent_ns = 0;
  std::int64_t row = 0;
};
inline MessagePosition PositionOf(const StoredMessage& m) { return {m.sent_ns, m.row}; }

// A page of a group's messages by sent_ns (ties by insertion order).
struct MessageQuery {
  Order order = Order::kAscending;
  std::optional<std::int64_t> sent_after_ns;   // exclusive
  std::optional<std::int64_t> sent_before_ns;  // exclusive
  // Keyset bounds, exclusive: strictly after / before a stored message's
  // position, so consecutive pages neither skip nor repeat messages that
  // share a sent_ns. With either set the page seeks the group index there.
  std::optional<MessagePosition> after;
  std::optional<MessagePosition> before;
  std::optional<MessageKind> kind;
  std::optional<std::string> content_type;  // ContentTypeId::ToString()
  std::uint32_t limit = 100;                // capped at kMaxMessagePage
};

inline constexpr std::uint32_t kMaxMessagePage = 10'000;

// ---- consent ----
enum class ConsentEntity : std::uint8_t { kInboxId = 0, kGroupId = 1, kAddress = 2 };
enum class ConsentState : std::uint8_t { kUnknown = 0, kAllowed = 1, kDenied = 2 };

struct ConsentRecord {
  ConsentState state = ConsentState::kUnknown;
  std::int64_t updated_ns = 0;  // 0 when never set
};

// ---- intents: our pending outgoing changes of a group ----
enum class IntentKind : std::uint8_t {
  kSendMessage = 0,
  kKeyUpdate = 1,
  kMetadataUpdate = 2,
  kUpdateMembership = 3,
  kUpdateAdmins = 4,
  kUpdatePermissions = 5,
};
enum class IntentState : std::uint8_t {
  kToPublish = 0,
  kPublished = 1,
  kCommitted = 2,
  kFailed = 3,
};

struct StoredIntent {
  std::int64_t id = 0;  // assigned by AddIntent
  Bytes owner;
  Bytes group_id;
  IntentKind kind = IntentKind::kSendMessage;
  crypto::Secret payload;  // sealed
  IntentState state = IntentState::kToPublish;
  Bytes payload_hash;  // of the published message, to recognise it coming back
  std::int64_t created_ns = 0;
  std::int64_t updated_ns = 0;
};

// ---- identity cache: identity updates by inbox id ----
struct CachedIdentityUpdate {
  std::uint64_t sequence_id = 0;
  Bytes update;  // serialized IdentityUpdate
};

}  // namespace xs::xmtp::store
