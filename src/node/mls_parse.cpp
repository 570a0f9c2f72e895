#include "node/mls_parse.h"

#include <string>

#include "codec/tls_reader.h"
#include "node/limits.h"

namespace xs::node {
namespace {

Status CheckContentType(std::uint8_t ct) {
  if (ct < kContentTypeApplication || ct > kContentTypeCommit) {
    return Error::Validation("content_type", "unknown MLS content type " + std::to_string(ct));
  }
  return OkStatus();
}

// RFC 9420 §6 Sender: sender_type u8; member and external carry a u32 index.
Status SkipSender(codec::TlsReader& in) {
  XS_TRY(std::uint8_t type, in.Named("sender.sender_type").ReadU8());
  if (type == 1 || type == 2) {
    XS_TRY(std::uint32_t index, in.Named("sender.index").ReadU32());
    (void)index;
    return OkStatus();
  }
  if (type == 3 || type == 4) return OkStatus();
  return Error::Validation("sender.sender_type", "unknown sender type");
}

}  // namespace

Result<GroupMessageHeader> ParseGroupMessage(std::span<const std::uint8_t> data) {
  codec::TlsReader in(data);
  GroupMessageHeader h;
  XS_TRY(std::uint16_t version, in.Named("version").ReadU16());
  if (version != kMlsVersion10) return Error::Validation("version", "not MLS 1.0");
  XS_TRY(h.wire_format, in.Named("wire_format").ReadU16());
  if (h.wire_format != kWireFormatPublicMessage && h.wire_format != kWireFormatPrivateMessage) {
    return Error::Validation("wire_format", "not a PublicMessage or PrivateMessage (" +
                                                std::to_string(h.wire_format) + ")");
  }
  XS_TRY(auto group_id, in.Named("group_id").ReadOpaque(kMaxGroupIdBytes));
  if (group_id.empty()) return Error::Validation("group_id", "empty");
  h.group_id.assign(group_id.begin(), group_id.end());
  XS_TRY(h.epoch, in.Named("epoch").ReadU64());
  std::uint8_t ct = 0;
  if (h.wire_format == kWireFormatPrivateMessage) {
    // §6.3.1 PrivateMessage: group_id, epoch, content_type,
    // authenticated_data, encrypted_sender_data, ciphertext; nothing after.
    XS_TRY(ct, in.Named("content_type").ReadU8());
    XS_TRY(auto aad, in.Named("authenticated_data").ReadOpaque(kMaxPayloadBytes));
    XS_TRY(auto sender_data, in.Named("encrypted_sender_data").ReadOpaque(kMaxPayloadBytes));
    XS_TRY(auto ciphertext, in.Named("ciphertext").ReadOpaque(kMaxPayloadBytes));
    (void)aad, (void)sender_data;
    if (ciphertext.empty()) return Error::Validation("ciphertext", "empty");
    if (!in.empty()) return Error::Validation("private_message", "trailing bytes");
  } else {
    // §6.2 PublicMessage.content (FramedContent): group_id, epoch, sender,
    // authenticated_data, content_type, then the body we do not need.
    XS_RETURN_IF_ERROR(SkipSender(in));
    XS_TRY(auto aad, in.Named("authenticated_data").ReadOpaque(kMaxPayloadBytes));
    (void)aad;
    XS_TRY(ct, in.Named("content_type").ReadU8());
  }
  h.content_type = ct;
  XS_RETURN_IF_ERROR(CheckContentType(h.content_type));
  return h;
}

Result<KeyPackageInfo> ParseKeyPackage(std::span<const std::uint8_t> data) {
  if (data.size() > kMaxKeyPackageBytes) {
    return Error::Validation("key_package", "larger than " + std::to_string(kMaxKeyPackageBytes));
  }
  codec::TlsReader in(data);
  KeyPackageInfo info;
  XS_TRY(std::uint16_t version, in.Named("key_package.version").ReadU16());
  if (version != kMlsVersion10) return Error::Validation("key_package.version", "not MLS 1.0");
  XS_TRY(info.cipher_suite, in.Named("key_package.cipher_suite").ReadU16());
  if (info.cipher_suite == 0) {
    return Error::Validation("key_package.cipher_suite", "reserved value 0");
  }
  XS_TRY(auto init_key, in.Named("key_package.init_key").ReadOpaque(kMaxKeyPackageBytes));
  if (init_key.empty()) return Error::Validation("key_package.init_key", "empty");
  XS_TRY(auto enc_key,
         in.Named("key_package.leaf_node.encryption_key").ReadOpaque(kMaxKeyPackageBytes));
  if (enc_key.empty()) return Error::Validation("key_package.leaf_node.encryption_key", "empty");
  XS_TRY(auto sig_key,
         in.Named("key_package.leaf_node.signature_key").ReadOpaque(kMaxInstallationKeyBytes));
  if (sig_key.empty()) return Error::Validation("key_package.leaf_node.signature_key", "empty");
  info.installation_key.assign(sig_key.begin(), sig_key.end());
  // The credential, capabilities, extensions and signature follow; the node
  // needs only to know the key package is not obviously truncated.
  if (in.empty()) {
    return Error::Validation("key_package.leaf_node", "truncated after signature_key");
  }
  return info;
}

}  // namespace xs::node
