#include "mls/messages/group.h"

#include "mls/messages/tls_util.h"

namespace xs::mls {

using codec::TlsReader;
using codec::TlsWriter;
using detail::ReadBytes;
using detail::WriteBytes;

void Encode(TlsWriter& w, const GroupContext& v) {
  w.WriteU16(v.version);
  w.WriteU16(v.cipher_suite);
  WriteBytes(w, v.group_id);
  w.WriteU64(v.epoch);
  WriteBytes(w, v.tree_hash);
  WriteBytes(w, v.confirmed_transcript_hash);
  Encode(w, v.extensions);
}

Status Decode(TlsReader& r, GroupContext& out) {
  XS_TRY(out.version, r.ReadU16());
  XS_TRY(out.cipher_suite, r.ReadU16());
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxGroupIdSize, out.group_id));
  XS_TRY(out.epoch, r.ReadU64());
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxHashSize, out.tree_hash));
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxHashSize, out.confirmed_transcript_hash));
  return Decode(r, out.extensions);
}

namespace {

void EncodeGroupInfoBody(TlsWriter& w, const GroupInfo& v) {
  Encode(w, v.group_context);
  Encode(w, v.extensions);
  WriteBytes(w, v.confirmation_tag);
  w.WriteU32(v.signer);
}

}  // namespace

void Encode(TlsWriter& w, const GroupInfo& v) {
  EncodeGroupInfoBody(w, v);
  WriteBytes(w, v.signature);
}

Status Decode(TlsReader& r, GroupInfo& out) {
  XS_RETURN_IF_ERROR(Decode(r, out.group_context));
  XS_RETURN_IF_ERROR(Decode(r, out.extensions));
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxHashSize, out.confirmation_tag));
  XS_TRY(out.signer, r.ReadU32());
  return ReadBytes(r, kMaxSignatureSize, out.signature);
}

Bytes EncodeGroupInfoTbs(const GroupInfo& gi) {
  TlsWriter w;
  EncodeGroupInfoBody(w, gi);
  return std::move(w).Take();
}

void Encode(TlsWriter& w, const GroupSecrets& v) {
  WriteBytes(w, v.joiner_secret);
  w.WriteU8(v.path_secret.has_value() ? 1 : 0);
  if (v.path_secret) WriteBytes(w, *v.path_secret);
  detail::WriteList(w, v.psks);
}

Status Decode(TlsReader& r, GroupSecrets& out) {
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxSecretSize, out.joiner_secret));
  XS_TRY(bool has_path_secret, detail::ReadPresence(r, "GroupSecrets.path_secret"));
  out.path_secret.reset();
  if (has_path_secret) {
    Bytes secret;
    XS_RETURN_IF_ERROR(ReadBytes(r, kMaxSecretSize, secret));
    out.path_secret = std::move(secret);
  }
  return detail::ReadList(r, kMaxPskListSize, out.psks);
}

void Encode(TlsWriter& w, const EncryptedGroupSecrets& v) {
  WriteBytes(w, v.new_member);
  Encode(w, v.encrypted_group_secrets);
}

Status Decode(TlsReader& r, EncryptedGroupSecrets& out) {
  XS_RETURN_IF_ERROR(ReadBytes(r, kMaxHashSize, out.new_member));
  return Decode(r, out.encrypted_group_secrets);
}

void Encode(TlsWriter& w, const Welcome& v) {
  w.WriteU16(v.cipher_suite);
  detail::WriteList(w, v.secrets);
  WriteBytes(w, v.encrypted_group_info);
}

Status Decode(TlsReader& r, Welcome& out) {
  XS_TRY(out.cipher_suite, r.ReadU16());
  XS_RETURN_IF_ERROR(detail::ReadList(r, kMaxWelcomeSecretsSize, out.secrets));
  return ReadBytes(r, kMaxEncryptedGroupInfoSize, out.encrypted_group_info);
}

}  // namespace xs::mls
