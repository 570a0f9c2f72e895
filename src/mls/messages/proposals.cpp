#include "mls/messages/proposals.h"

#include <type_traits>

#include "mls/messages/tls_util.h"

namespace xs::mls {

using codec::TlsReader;
using codec::TlsWriter;
using detail::DecodeAlternative;
using detail::DecodeInto;
using detail::Malformed;
using detail::ReadBytes;
using detail::WriteBytes;

void Encode(TlsWriter& w, const PreSharedKeyId& v) {
  w.WriteU8(static_cast<std::uint8_t>(v.psk_type));
  if (v.psk_type == PskType::kExternal) {
    WriteBytes(w, v.psk_id);
  } else {
    w.WriteU8(v.usage);
    WriteBytes(w, v.psk_group_id);
    w.WriteU64(v.psk_epoch);
  }
  WriteBytes(w, v.psk_nonce);
}

Status Decode(TlsReader& r, PreSharedKeyId& out) {
  XS_TRY(std::uint8_t type, r.ReadU8());
  if (type == static_cast<std::uint8_t>(PskType::kExternal)) {
    XS_RETURN_IF_ERROR(ReadBytes(r, kMaxPskIdSize, out.psk_id));
  } else if (type == static_cast<std::uint8_t>(PskType::kResumption)) {
    XS_TRY(out.usage, r.ReadU8());
    XS_RETURN_IF_ERROR(ReadBytes(r, kMaxGroupIdSize, out.psk_group_id));
    XS_TRY(out.psk_epoch, r.ReadU64());
  } else {
    return Malformed("PreSharedKeyID.psktype", "unknown PSK type");
  }
  out.psk_type = static_cast<PskType>(type);
  return ReadBytes(r, kMaxSecretSize, out.psk_nonce);
}

std::uint16_t ProposalTypeOf(const Proposal& p) {
  return std::visit(
      [](const auto& v) -> std::uint16_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, AddProposal>) return kProposalTypeAdd;
        if constexpr (std::is_same_v<T, UpdateProposal>) return kProposalTypeUpdate;
        if constexpr (std::is_same_v<T, RemoveProposal>) return kProposalTypeRemove;
        if constexpr (std::is_same_v<T, PreSharedKeyProposal>) return kProposalTypePsk;
        if constexpr (std::is_same_v<T, ReInitProposal>) return kProposalTypeReInit;
        if constexpr (std::is_same_v<T, ExternalInitProposal>) return kProposalTypeExternalInit;
        if constexpr (std::is_same_v<T, GroupContextExtensionsProposal>) {
          return kProposalTypeGroupContextExtensions;
        }
        if constexpr (std::is_same_v<T, CustomProposal>) return v.proposal_type;
      },
      p);
}

namespace {

struct ProposalBodyEncoder {
  TlsWriter& w;
  void operator()(const AddProposal& v) { Encode(w, v.key_package); }
  void operator()(const UpdateProposal& v) { Encode(w, v.leaf_node); }
  void operator()(const RemoveProposal& v) { w.WriteU32(v.removed); }
  void operator()(const PreSharedKeyProposal& v) { Encode(w, v.psk); }
  void operator()(const ReInitProposal& v) {
    WriteBytes(w, v.group_id);
    w.WriteU16(v.version);
    w.WriteU16(v.cipher_suite);
    Encode(w, v.extensions);
  }
  void operator()(const ExternalInitProposal& v) { WriteBytes(w, v.kem_output); }
  void operator()(const GroupContextExtensionsProposal& v) { Encode(w, v.extensions); }
  void operator()(const CustomProposal& v) { WriteBytes(w, v.payload); }
};

}  // namespace

void Encode(TlsWriter& w, const Proposal& v) {
  w.WriteU16(ProposalTypeOf(v));
  std::visit(ProposalBodyEncoder{w}, v);
}

Status Decode(TlsReader& r, Proposal& out) {
  XS_TRY(std::uint16_t type, r.ReadU16());
  switch (type) {
    case kProposalTypeAdd:
      return DecodeInto<AddProposal>(out, [&](auto& v) { return Decode(r, v.key_package); });
    case kProposalTypeUpdate:
      return DecodeInto<UpdateProposal>(out, [&](auto& v) { return Decode(r, v.leaf_node); });
    case kProposalTypeRemove:
      return DecodeInto<RemoveProposal>(out, [&](auto& v) -> Status {
        XS_TRY(v.removed, r.ReadU32());
        return OkStatus();
      });
    case kProposalTypePsk:
      return DecodeInto<PreSharedKeyProposal>(out, [&](auto& v) { return Decode(r, v.psk); });
    case kProposalTypeReInit:
      return DecodeInto<ReInitProposal>(out, [&](auto& v) -> Status {
        XS_RETURN_IF_ERROR(ReadBytes(r, kMaxGroupIdSize, v.group_id));
        XS_TRY(v.version, r.ReadU16());
        XS_TRY(v.cipher_suite, r.ReadU16());
        return Decode(r, v.extensions);
      });
    case kProposalTypeExternalInit:
      return DecodeInto<ExternalInitProposal>(
          out, [&](auto& v) { return ReadBytes(r, kMaxHpkeKemOutputSize, v.kem_output); });
    case kProposalTypeGroupContextExtensions:
      return DecodeInto<GroupContextExtensionsProposal>(
          out, [&](auto& v) { return Decode(r, v.extensions); });
    default:
      return DecodeInto<CustomProposal>(out, [&](auto& v) {
        v.proposal_type = type;
        return ReadBytes(r, kMaxProposalPayloadSize, v.payload);
      });
  }
}

void Encode(TlsWriter& w, const ProposalOrRef& v) {
  if (const auto* p = std::get_if<Proposal>(&v)) {
    w.WriteU8(static_cast<std::uint8_t>(ProposalOrRefType::kProposal));
    Encode(w, *p);
  } else {
    w.WriteU8(static_cast<std::uint8_t>(ProposalOrRefType::kReference));
    WriteBytes(w, std::get<ProposalRef>(v).value);
  }
}

Status Decode(TlsReader& r, ProposalOrRef& out) {
  XS_TRY(std::uint8_t type, r.ReadU8());
  if (type == static_cast<std::uint8_t>(ProposalOrRefType::kProposal)) {
    return DecodeAlternative<Proposal>(r, out);
  }
  if (type == static_cast<std::uint8_t>(ProposalOrRefType::kReference)) {
    return DecodeInto<ProposalRef>(
        out, [&](ProposalRef& ref) { return ReadBytes(r, kMaxHashSize, ref.value); });
  }
  return Malformed("ProposalOrRef.type", "unknown ProposalOrRef type");
}

void Encode(TlsWriter& w, const UpdatePathNode& v) {
  WriteBytes(w, v.encryption_key);
  detail::WriteList(w, v.encrypted_path_secret);
}

Status Decode(TlsReader& r, UpdatePathNode& out) {
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxPublicKeySize, out.encryption_key));
  return detail::ReadList(r, kMaxPathSecretCiphertextsSize, out.encrypted_path_secret);
}

void Encode(TlsWriter& w, const UpdatePath& v) {
  Encode(w, v.leaf_node);
  detail::WriteList(w, v.nodes);
}

Status Decode(TlsReader& r, UpdatePath& out) {
  XS_RETURN_IF_ERROR(Decode(r, out.leaf_node));
  return detail::ReadList(r, kMaxUpdatePathNodesSize, out.nodes);
}

void Encode(TlsWriter& w, const Commit& v) {
  detail::WriteList(w, v.proposals);
  w.WriteU8(v.path.has_value() ? 1 : 0);
  if (v.path) Encode(w, *v.path);
}

Status Decode(TlsReader& r, Commit& out) {
  XS_RETURN_IF_ERROR(detail::ReadList(r, kMaxProposalListSize, out.proposals));
  XS_TRY(bool has_path, detail::ReadPresence(r, "Commit.path"));
  out.path.reset();
  if (has_path) {
    UpdatePath path;
    XS_RETURN_IF_ERROR(Decode(r, path));
    out.path = std::move(path);
  }
  return OkStatus();
}

}  // namespace xs::mls
