#include "mls/messages/leaf.h"

#include "mls/messages/tls_util.h"

namespace xs::mls {

using codec::TlsReader;
using codec::TlsWriter;
using detail::DecodeAlternative;
using detail::Malformed;
using detail::ReadBytes;
using detail::WriteBytes;

void Encode(TlsWriter& w, const Credential& v) {
  w.WriteU16(v.credential_type);
  if (v.credential_type == kCredentialTypeX509) {
    detail::WriteNested(w, [&](TlsWriter& inner) {
      for (const Bytes& cert : v.certificates) WriteBytes(inner, cert);
    });
  } else {
    WriteBytes(w, v.identity);
  }
}

Status Decode(TlsReader& r, Credential& out) {
  XS_TRY(out.credential_type, r.ReadU16());
  if (out.credential_type == kCredentialTypeBasic) {
    return ReadBytes(r, kMaxCredentialIdentitySize, out.identity);
  }
  if (out.credential_type != kCredentialTypeX509) {
    return Malformed("Credential.credential_type", "unsupported credential type");
  }
  XS_TRY(TlsReader sub, r.ReadVector(kMaxCertificatesSize));
  out.certificates.clear();
  while (!sub.empty()) {
    Bytes cert;
    XS_RETURN_IF_ERROR(ReadBytes(sub, kMaxCertificatesSize, cert));
    out.certificates.push_back(std::move(cert));
  }
  return OkStatus();
}

void Encode(TlsWriter& w, const Capabilities& v) {
  detail::WriteU16List(w, v.versions);
  detail::WriteU16List(w, v.cipher_suites);
  detail::WriteU16List(w, v.extensions);
  detail::WriteU16List(w, v.proposals);
  detail::WriteU16List(w, v.credentials);
}

Status Decode(TlsReader& r, Capabilities& out) {
  XS_RETURN_IF_ERROR(detail::ReadU16List(r, kMaxCapabilityListSize, out.versions));
  XS_RETURN_IF_ERROR(detail::ReadU16List(r, kMaxCapabilityListSize, out.cipher_suites));
  XS_RETURN_IF_ERROR(detail::ReadU16List(r, kMaxCapabilityListSize, out.extensions));
  XS_RETURN_IF_ERROR(detail::ReadU16List(r, kMaxCapabilityListSize, out.proposals));
  return detail::ReadU16List(r, kMaxCapabilityListSize, out.credentials);
}

void Encode(TlsWriter& w, const Lifetime& v) {
  w.WriteU64(v.not_before);
  w.WriteU64(v.not_after);
}

Status Decode(TlsReader& r, Lifetime& out) {
  XS_TRY(out.not_before, r.ReadU64());
  XS_TRY(out.not_after, r.ReadU64());
  return OkStatus();
}

void Encode(TlsWriter& w, const Extension& v) {
  w.WriteU16(v.extension_type);
  WriteBytes(w, v.extension_data);
}

Status Decode(TlsReader& r, Extension& out) {
  XS_TRY(out.extension_type, r.ReadU16());
  return ReadBytes(r, kMaxExtensionDataSize, out.extension_data);
}

void Encode(TlsWriter& w, const std::vector<Extension>& v) { detail::WriteList(w, v); }

Status Decode(TlsReader& r, std::vector<Extension>& out) {
  return detail::ReadList(r, kMaxExtensionListSize, out);
}

namespace {

// LeafNode fields up to (excluding) the signature; shared with LeafNodeTBS.
void EncodeLeafNodeBody(TlsWriter& w, const LeafNode& v) {
  WriteBytes(w, v.encryption_key);
  WriteBytes(w, v.signature_key);
  Encode(w, v.credential);
  Encode(w, v.capabilities);
  w.WriteU8(static_cast<std::uint8_t>(v.source));
  switch (v.source) {
    case LeafNodeSource::kKeyPackage:
      Encode(w, v.lifetime);
      break;
    case LeafNodeSource::kUpdate:
      break;
    case LeafNodeSource::kCommit:
      WriteBytes(w, v.parent_hash);
      break;
  }
  Encode(w, v.extensions);
}

// KeyPackage fields up to (excluding) the signature; shared with KeyPackageTBS.
void EncodeKeyPackageBody(TlsWriter& w, const KeyPackage& v) {
  w.WriteU16(v.version);
  w.WriteU16(v.cipher_suite);
  WriteBytes(w, v.init_key);
  Encode(w, v.leaf_node);
  Encode(w, v.extensions);
}

}  // namespace

void Encode(TlsWriter& w, const LeafNode& v) {
  EncodeLeafNodeBody(w, v);
  WriteBytes(w, v.signature);
}

Status Decode(TlsReader& r, LeafNode& out) {
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxPublicKeySize, out.encryption_key));
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxPublicKeySize, out.signature_key));
  XS_RETURN_IF_ERROR(Decode(r, out.credential));
  XS_RETURN_IF_ERROR(Decode(r, out.capabilities));
  XS_TRY(std::uint8_t source, r.ReadU8());
  switch (source) {
    case static_cast<std::uint8_t>(LeafNodeSource::kKeyPackage):
      XS_RETURN_IF_ERROR(Decode(r, out.lifetime));
      break;
    case static_cast<std::uint8_t>(LeafNodeSource::kUpdate):
      break;
    case static_cast<std::uint8_t>(LeafNodeSource::kCommit):
      XS_RETURN_IF_ERROR(ReadBytes(r, kMaxHashSize, out.parent_hash));
      break;
    default:
      return Malformed("LeafNode.leaf_node_source", "unknown leaf node source");
  }
  out.source = static_cast<LeafNodeSource>(source);
  XS_RETURN_IF_ERROR(Decode(r, out.extensions));
  return ReadBytes(r, kMaxSignatureSize, out.signature);
}

Bytes EncodeLeafNodeTbs(const LeafNode& leaf, std::span<const std::uint8_t> group_id,
                        std::uint32_t leaf_index) {
  TlsWriter w;
  EncodeLeafNodeBody(w, leaf);
  if (leaf.source != LeafNodeSource::kKeyPackage) {
    WriteBytes(w, group_id);
    w.WriteU32(leaf_index);
  }
  return std::move(w).Take();
}

void Encode(TlsWriter& w, const KeyPackage& v) {
  EncodeKeyPackageBody(w, v);
  WriteBytes(w, v.signature);
}

Status Decode(TlsReader& r, KeyPackage& out) {
  XS_TRY(out.version, r.ReadU16());
  XS_TRY(out.cipher_suite, r.ReadU16());
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxPublicKeySize, out.init_key));
  XS_RETURN_IF_ERROR(Decode(r, out.leaf_node));
  XS_RETURN_IF_ERROR(Decode(r, out.extensions));
  return ReadBytes(r, kMaxSignatureSize, out.signature);
}

Bytes EncodeKeyPackageTbs(const KeyPackage& kp) {
  TlsWriter w;
  EncodeKeyPackageBody(w, kp);
  return std::move(w).Take();
}

void Encode(TlsWriter& w, const HpkeCiphertext& v) {
  WriteBytes(w, v.kem_output);
  WriteBytes(w, v.ciphertext);
}

Status Decode(TlsReader& r, HpkeCiphertext& out) {
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxHpkeKemOutputSize, out.kem_output));
  return ReadBytes(r, kMaxHpkeCiphertextSize, out.ciphertext);
}

void Encode(TlsWriter& w, const ParentNode& v) {
  WriteBytes(w, v.encryption_key);
  WriteBytes(w, v.parent_hash);
  detail::WriteU32List(w, v.unmerged_leaves);
}

Status Decode(TlsReader& r, ParentNode& out) {
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxPublicKeySize, out.encryption_key));
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxHashSize, out.parent_hash));
  return detail::ReadU32List(r, kMaxUnmergedLeavesSize, out.unmerged_leaves);
}

void Encode(TlsWriter& w, const Node& v) {
  if (const auto* leaf = std::get_if<LeafNode>(&v)) {
    w.WriteU8(static_cast<std::uint8_t>(NodeType::kLeaf));
    Encode(w, *leaf);
  } else {
    w.WriteU8(static_cast<std::uint8_t>(NodeType::kParent));
    Encode(w, std::get<ParentNode>(v));
  }
}

Status Decode(TlsReader& r, Node& out) {
  XS_TRY(std::uint8_t type, r.ReadU8());
  if (type == static_cast<std::uint8_t>(NodeType::kLeaf)) {
    return DecodeAlternative<LeafNode>(r, out);
  }
  if (type == static_cast<std::uint8_t>(NodeType::kParent)) {
    return DecodeAlternative<ParentNode>(r, out);
  }
  return Malformed("Node.node_type", "unknown node type");
}

void Encode(TlsWriter& w, const RatchetTree& v) {
  detail::WriteNested(w, [&](TlsWriter& inner) {
    for (const auto& node : v) {
      inner.WriteU8(node.has_value() ? 1 : 0);
      if (node) Encode(inner, *node);
    }
  });
}

Status Decode(TlsReader& r, RatchetTree& out) {
  XS_TRY(TlsReader sub, r.ReadVector(kMaxRatchetTreeSize));
  out.clear();
  while (!sub.empty()) {
    XS_TRY(bool present, detail::ReadPresence(sub, "RatchetTree.node"));
    if (!present) {
      out.emplace_back();
      continue;
    }
    Node node;
    XS_RETURN_IF_ERROR(Decode(sub, node));
    out.emplace_back(std::move(node));
  }
  return OkStatus();
}

}  // namespace xs::mls
