#include "node/mls_parse.h"

#include <string>

#include "node/limits.h"

namespace xs::node {
namespace {

// A forward-only reader over untrusted bytes; every read checks the bounds.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}

  bool done() const { return pos_ == data_.size(); }

  Result<std::uint64_t> Uint(std::size_t width, std::string_view field) {
    if (data_.size() - pos_ < width) return Truncated(field);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v = (v << 8) | data_[pos_ + i];
    pos_ += width;
    return v;
  }

  // RFC 9420 §2.1.2 variable-length vector: a 1/2/4-byte length whose top two
  // bits give the width (0b11 is reserved), then the bytes.
  Result<std::span<const std::uint8_t>> Vector(std::string_view field, std::size_t max) {
    if (pos_ >= data_.size()) return Truncated(field);
    const std::uint8_t prefix = data_[pos_] >> 6;
    if (prefix == 3) return Error::Validation(field, "invalid variable-length prefix");
    const std::size_t width = std::size_t{1} << prefix;
    XS_TRY(std::uint64_t len, Uint(width, field));
    len &= (width == 1) ? 0x3f : (width == 2) ? 0x3fff : 0x3fffffff;
    if (len > max) return Error::Validation(field, "longer than " + std::to_string(max) + " bytes");
    if (data_.size() - pos_ < len) return Truncated(field);
    auto out = data_.subspan(pos_, len);
    pos_ += len;
    return out;
  }

 private:
  static Error Truncated(std::string_view field) { return Error::Validation(field, "truncated"); }
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
};

Status CheckContentType(std::uint8_t ct) {
  if (ct < kContentTypeApplication || ct > kContentTypeCommit) {
    return Error::Validation("content_type", "unknown MLS content type " + std::to_string(ct));
  }
  return OkStatus();
}

// RFC 9420 §6 Sender: sender_type u8; member and external carry a u32 index.
Status SkipSender(Reader& in) {
  XS_TRY(std::uint64_t type, in.Uint(1, "sender.sender_type"));
  if (type == 1 || type == 2) {
    XS_TRY(std::uint64_t index, in.Uint(4, "sender.index"));
    (void)index;
    return OkStatus();
  }
  if (type == 3 || type == 4) return OkStatus();
  return Error::Validation("sender.sender_type", "unknown sender type");
}

}  // namespace

Result<GroupMessageHeader> ParseGroupMessage(std::span<const std::uint8_t> data) {
  Reader in(data);
  GroupMessageHeader h;
  XS_TRY(std::uint64_t version, in.Uint(2, "version"));
  if (version != kMlsVersion10) return Error::Validation("version", "not MLS 1.0");
  XS_TRY(std::uint64_t wire_format, in.Uint(2, "wire_format"));
  h.wire_format = static_cast<std::uint16_t>(wire_format);
  if (h.wire_format != kWireFormatPublicMessage && h.wire_format != kWireFormatPrivateMessage) {
    return Error::Validation("wire_format", "not a PublicMessage or PrivateMessage (" +
                                                std::to_string(wire_format) + ")");
  }
  XS_TRY(auto group_id, in.Vector("group_id", kMaxGroupIdBytes));
  if (group_id.empty()) return Error::Validation("group_id", "empty");
  h.group_id.assign(group_id.begin(), group_id.end());
  XS_TRY(h.epoch, in.Uint(8, "epoch"));
  std::uint64_t ct = 0;
  if (h.wire_format == kWireFormatPrivateMessage) {
    // §6.3.1 PrivateMessage: group_id, epoch, content_type,
    // authenticated_data, encrypted_sender_data, ciphertext; nothing after.
    XS_TRY(ct, in.Uint(1, "content_type"));
    XS_TRY(auto aad, in.Vector("authenticated_data", kMaxPayloadBytes));
    XS_TRY(auto sender_data, in.Vector("encrypted_sender_data", kMaxPayloadBytes));
    XS_TRY(auto ciphertext, in.Vector("ciphertext", kMaxPayloadBytes));
    (void)aad, (void)sender_data;
    if (ciphertext.empty()) return Error::Validation("ciphertext", "empty");
    if (!in.done()) return Error::Validation("private_message", "trailing bytes");
  } else {
    // §6.2 PublicMessage.content (FramedContent): group_id, epoch, sender,
    // authenticated_data, content_type, then the body we do not need.
    XS_RETURN_IF_ERROR(SkipSender(in));
    XS_TRY(auto aad, in.Vector("authenticated_data", kMaxPayloadBytes));
    (void)aad;
    XS_TRY(ct, in.Uint(1, "content_type"));
  }
  h.content_type = static_cast<std::uint8_t>(ct);
  XS_RETURN_IF_ERROR(CheckContentType(h.content_type));
  return h;
}

Result<KeyPackageInfo> ParseKeyPackage(std::span<const std::uint8_t> data) {
  if (data.size() > kMaxKeyPackageBytes) {
    return Error::Validation("key_package", "larger than " + std::to_string(kMaxKeyPackageBytes));
  }
  Reader in(data);
  KeyPackageInfo info;
  XS_TRY(std::uint64_t version, in.Uint(2, "key_package.version"));
  if (version != kMlsVersion10) return Error::Validation("key_package.version", "not MLS 1.0");
  XS_TRY(std::uint64_t suite, in.Uint(2, "key_package.cipher_suite"));
  if (suite == 0) return Error::Validation("key_package.cipher_suite", "reserved value 0");
  info.cipher_suite = static_cast<std::uint16_t>(suite);
  XS_TRY(auto init_key, in.Vector("key_package.init_key", kMaxKeyPackageBytes));
  if (init_key.empty()) return Error::Validation("key_package.init_key", "empty");
  XS_TRY(auto enc_key, in.Vector("key_package.leaf_node.encryption_key", kMaxKeyPackageBytes));
  if (enc_key.empty()) return Error::Validation("key_package.leaf_node.encryption_key", "empty");
  XS_TRY(auto sig_key, in.Vector("key_package.leaf_node.signature_key", kMaxInstallationKeyBytes));
  if (sig_key.empty()) return Error::Validation("key_package.leaf_node.signature_key", "empty");
  info.installation_key.assign(sig_key.begin(), sig_key.end());
  // The credential, capabilities, extensions and signature follow; the node
  // needs only to know the key package is not obviously truncated.
  if (in.done()) return Error::Validation("key_package.leaf_node", "truncated after signature_key");
  return info;
}

}  // namespace xs::node
