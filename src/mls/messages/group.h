// MLS group-level structures (RFC 9420 §8.1, §12.4.3): GroupContext,
// GroupInfo (+ GroupInfoTBS), PathSecret, GroupSecrets,
// EncryptedGroupSecrets and Welcome, with their TLS encode/decode.
//
// Thread contract: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "mls/messages/proposals.h"

namespace xs::mls {

struct GroupContext {
  std::uint16_t version = kProtocolVersionMls10;
  std::uint16_t cipher_suite = 0;
  Bytes group_id;
  std::uint64_t epoch = 0;
  Bytes tree_hash;
  Bytes confirmed_transcript_hash;
  std::vector<Extension> extensions;
  bool operator==(const GroupContext&) const = default;
};

struct GroupInfo {
  GroupContext group_context;
  std::vector<Extension> extensions;
  Bytes confirmation_tag;
  std::uint32_t signer = 0;
  Bytes signature;
  bool operator==(const GroupInfo&) const = default;
};

struct GroupSecrets {
  Bytes joiner_secret;
  std::optional<Bytes> path_secret;  // PathSecret { opaque path_secret<V>; }
  std::vector<PreSharedKeyId> psks;
  bool operator==(const GroupSecrets&) const = default;
};

struct EncryptedGroupSecrets {
  Bytes new_member;  // KeyPackageRef
  HpkeCiphertext encrypted_group_secrets;
  bool operator==(const EncryptedGroupSecrets&) const = default;
};

struct Welcome {
  std::uint16_t cipher_suite = 0;
  std::vector<EncryptedGroupSecrets> secrets;
  Bytes encrypted_group_info;
  bool operator==(const Welcome&) const = default;
};

void Encode(codec::TlsWriter& w, const GroupContext& v);
void Encode(codec::TlsWriter& w, const GroupInfo& v);
void Encode(codec::TlsWriter& w, const GroupSecrets& v);
void Encode(codec::TlsWriter& w, const EncryptedGroupSecrets& v);
void Encode(codec::TlsWriter& w, const Welcome& v);

Status Decode(codec::TlsReader& r, GroupContext& out);
Status Decode(codec::TlsReader& r, GroupInfo& out);
Status Decode(codec::TlsReader& r, GroupSecrets& out);
Status Decode(codec::TlsReader& r, EncryptedGroupSecrets& out);
Status Decode(codec::TlsReader& r, Welcome& out);

// GroupInfoTBS (§12.4.3): the group info without its signature.
Bytes EncodeGroupInfoTbs(const GroupInfo& gi);

}  // namespace xs::mls
