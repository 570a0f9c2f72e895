// MLS leaf-level structures (RFC 9420 §5.3, §7.2, §7.8, §10, §12.4.3.3):
// Credential, Capabilities, Lifetime, Extension, LeafNode (+ LeafNodeTBS),
// KeyPackage (+ KeyPackageTBS), HPKECiphertext, ParentNode and the ratchet
// tree (`optional<Node> nodes<V>`), with their TLS encode/decode.
//
// Decoders read from a TlsReader and return Validation errors for malformed
// input; encoders append to a TlsWriter and cannot fail.
// Thread contract: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "base/result.h"
#include "codec/tls_reader.h"
#include "codec/tls_writer.h"
#include "mls/messages/limits.h"

namespace xs::mls {

struct Credential {
  std::uint16_t credential_type = kCredentialTypeBasic;
  Bytes identity;                   // basic
  std::vector<Bytes> certificates;  // x509
  bool operator==(const Credential&) const = default;
};

struct Capabilities {
  std::vector<std::uint16_t> versions;
  std::vector<std::uint16_t> cipher_suites;
  std::vector<std::uint16_t> extensions;
  std::vector<std::uint16_t> proposals;
  std::vector<std::uint16_t> credentials;
  bool operator==(const Capabilities&) const = default;
};

struct Lifetime {
  std::uint64_t not_before = 0;
  std::uint64_t not_after = 0;
  bool operator==(const Lifetime&) const = default;
};

struct Extension {
  std::uint16_t extension_type = 0;
  Bytes extension_data;
  bool operator==(const Extension&) const = default;
};

struct LeafNode {
  Bytes encryption_key;
  Bytes signature_key;
  Credential credential;
  Capabilities capabilities;
  LeafNodeSource source = LeafNodeSource::kKeyPackage;
  Lifetime lifetime;  // source == key_package
  Bytes parent_hash;  // source == commit
  std::vector<Extension> extensions;
  Bytes signature;
  bool operator==(const LeafNode&) const = default;
};

struct KeyPackage {
  std::uint16_t version = kProtocolVersionMls10;
  std::uint16_t cipher_suite = 0;
  Bytes init_key;
  LeafNode leaf_node;
  std::vector<Extension> extensions;
  Bytes signature;
  bool operator==(const KeyPackage&) const = default;
};

struct HpkeCiphertext {
  Bytes kem_output;
  Bytes ciphertext;
  bool operator==(const HpkeCiphertext&) const = default;
};

struct ParentNode {
  Bytes encryption_key;
  Bytes parent_hash;
  std::vector<std::uint32_t> unmerged_leaves;
  bool operator==(const ParentNode&) const = default;
};

// Node { NodeType; select leaf: LeafNode | parent: ParentNode }.
using Node = std::variant<LeafNode, ParentNode>;
// The ratchet_tree extension body: `optional<Node> nodes<V>` in array order.
using RatchetTree = std::vector<std::optional<Node>>;

void Encode(codec::TlsWriter& w, const Credential& v);
void Encode(codec::TlsWriter& w, const Capabilities& v);
void Encode(codec::TlsWriter& w, const Lifetime& v);
void Encode(codec::TlsWriter& w, const Extension& v);
void Encode(codec::TlsWriter& w, const std::vector<Extension>& v);
void Encode(codec::TlsWriter& w, const LeafNode& v);
void Encode(codec::TlsWriter& w, const KeyPackage& v);
void Encode(codec::TlsWriter& w, const HpkeCiphertext& v);
void Encode(codec::TlsWriter& w, const ParentNode& v);
void Encode(codec::TlsWriter& w, const Node& v);
void Encode(codec::TlsWriter& w, const RatchetTree& v);

Status Decode(codec::TlsReader& r, Credential& out);
Status Decode(codec::TlsReader& r, Capabilities& out);
Status Decode(codec::TlsReader& r, Lifetime& out);
Status Decode(codec::TlsReader& r, Extension& out);
Status Decode(codec::TlsReader& r, std::vector<Extension>& out);
Status Decode(codec::TlsReader& r, LeafNode& out);
Status Decode(codec::TlsReader& r, KeyPackage& out);
Status Decode(codec::TlsReader& r, HpkeCiphertext& out);
Status Decode(codec::TlsReader& r, ParentNode& out);
Status Decode(codec::TlsReader& r, Node& out);
Status Decode(codec::TlsReader& r, RatchetTree& out);

// LeafNodeTBS (§7.2): the leaf node without its signature, followed for
// update/commit sources by `opaque group_id<V>; uint32 leaf_index`.
Bytes EncodeLeafNodeTbs(const LeafNode& leaf, std::span<const std::uint8_t> group_id,
                        std::uint32_t leaf_index);
// KeyPackageTBS (§10): the key package without its signature.
Bytes EncodeKeyPackageTbs(const KeyPackage& kp);

}  // namespace xs::mls
