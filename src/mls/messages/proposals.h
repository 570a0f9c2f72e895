// MLS proposals and commits (RFC 9420 §7.6, §8.4, §12.1, §12.4): the seven
// RFC proposal types, PreSharedKeyID, ProposalOrRef, UpdatePath and Commit,
// with their TLS encode/decode. Proposal types outside the RFC set (draft
// MLS-extensions / XMTP-fork types such as app_data_update) are kept as an
// opaque `payload<V>` (the OpenMLS custom-proposal encoding) so that callers
// can reject them by type instead of failing to parse.
//
// Thread contract: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "mls/messages/leaf.h"

namespace xs::mls {

struct PreSharedKeyId {
  PskType psk_type = PskType::kExternal;
  Bytes psk_id;                 // external
  std::uint8_t usage = 0;       // resumption: ResumptionPSKUsage
  Bytes psk_group_id;           // resumption
  std::uint64_t psk_epoch = 0;  // resumption
  Bytes psk_nonce;
  bool operator==(const PreSharedKeyId&) const = default;
};

struct AddProposal {
  KeyPackage key_package;
  bool operator==(const AddProposal&) const = default;
};
struct UpdateProposal {
  LeafNode leaf_node;
  bool operator==(const UpdateProposal&) const = default;
};
struct RemoveProposal {
  std::uint32_t removed = 0;
  bool operator==(const RemoveProposal&) const = default;
};
struct PreSharedKeyProposal {
  PreSharedKeyId psk;
  bool operator==(const PreSharedKeyProposal&) const = default;
};
struct ReInitProposal {
  Bytes group_id;
  std::uint16_t version = kProtocolVersionMls10;
  std::uint16_t cipher_suite = 0;
  std::vector<Extension> extensions;
  bool operator==(const ReInitProposal&) const = default;
};
struct ExternalInitProposal {
  Bytes kem_output;
  bool operator==(const ExternalInitProposal&) const = default;
};
struct GroupContextExtensionsProposal {
  std::vector<Extension> extensions;
  bool operator==(const GroupContextExtensionsProposal&) const = default;
};
// Any other proposal type: `opaque payload<V>`.
struct CustomProposal {
  std::uint16_t proposal_type = 0;
  Bytes payload;
  bool operator==(const CustomProposal&) const = default;
};

using Proposal =
    std::variant<AddProposal, UpdateProposal, RemoveProposal, PreSharedKeyProposal, ReInitProposal,
                 ExternalInitProposal, GroupContextExtensionsProposal, CustomProposal>;
// The wire proposal_type of a proposal.
std::uint16_t ProposalTypeOf(const Proposal& p);

// ProposalOrRef: an inline proposal or a ProposalRef (opaque<V>).
struct ProposalRef {
  Bytes value;
  bool operator==(const ProposalRef&) const = default;
};
using ProposalOrRef = std::variant<Proposal, ProposalRef>;

struct UpdatePathNode {
  Bytes encryption_key;
  std::vector<HpkeCiphertext> encrypted_path_secret;
  bool operator==(const UpdatePathNode&) const = default;
};

struct UpdatePath {
  LeafNode leaf_node;
  std::vector<UpdatePathNode> nodes;
  bool operator==(const UpdatePath&) const = default;
};

struct Commit {
  std::vector<ProposalOrRef> proposals;
  std::optional<UpdatePath> path;
  bool operator==(const Commit&) const = default;
};

void Encode(codec::TlsWriter& w, const PreSharedKeyId& v);
void Encode(codec::TlsWriter& w, const Proposal& v);
void Encode(codec::TlsWriter& w, const ProposalOrRef& v);
void Encode(codec::TlsWriter& w, const UpdatePathNode& v);
void Encode(codec::TlsWriter& w, const UpdatePath& v);
void Encode(codec::TlsWriter& w, const Commit& v);

Status Decode(codec::TlsReader& r, PreSharedKeyId& out);
Status Decode(codec::TlsReader& r, Proposal& out);
Status Decode(codec::TlsReader& r, ProposalOrRef& out);
Status Decode(codec::TlsReader& r, UpdatePathNode& out);
Status Decode(codec::TlsReader& r, UpdatePath& out);
Status Decode(codec::TlsReader& r, Commit& out);

}  // namespace xs::mls
