#include "mls/framing/private_message.h"

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/random.h"
#include "mls/messages/serialize.h"

namespace xs::mls {
namespace {

constexpr char kSenderDataKeyLabel[] = "key";
constexpr char kSenderDataNonceLabel[] = "nonce";

struct AeadKeyNonce {
  crypto::Secret key;
  crypto::Secret nonce;
};

// §6.3.2: key and nonce of the sender data, from the first KDF.Nh bytes of
// the content ciphertext (the whole ciphertext when shorter).
Result<AeadKeyNonce> DeriveSenderDataKeys(const crypto::CipherSuite& suite,
                                          const crypto::Secret& sender_data_secret,
                                          std::span<const std::uint8_t> ciphertext) {
  const auto sample = ciphertext.first(std::min(ciphertext.size(), suite.hash_size()));
  AeadKeyNonce out;
  XS_TRY(out.key, suite.ExpandWithLabel(sender_data_secret.bytes(), kSenderDataKeyLabel, sample,
                                        suite.aead_key_size()));
  XS_TRY(out.nonce, suite.ExpandWithLabel(sender_data_secret.bytes(), kSenderDataNonceLabel, sample,
                                          suite.aead_nonce_size()));
  return out;
}

RatchetType RatchetFor(ContentType type) {
  return type == ContentType::kApplication ? RatchetType::kApplication : RatchetType::kHandshake;
}

// The per-message nonce: the ratchet nonce with its first 4 bytes XORed with
// the reuse guard (§6.3.1).
crypto::Secret GuardNonce(const crypto::Secret& nonce,
                          const std::array<std::uint8_t, kReuseGuardSize>& guard) {
  crypto::Secret out = nonce.Clone();
  for (std::size_t i = 0; i < kReuseGuardSize && i < out.size(); ++i) {
    out.mutable_bytes()[i] ^= guard[i];
  }
  return out;
}

}  // namespace

Result<PrivateMessage> ProtectPrivateMessage(const crypto::CipherSuite& suite,
                                             const FramedContent& content,
                                             const FramedContentAuthData& auth, SecretTree& tree,
                                             const crypto::Secret& sender_data_secret,
                                             std::size_t padding_size) {
  if (content.sender.sender_type != SenderType::kMember) {
    return Error::Validation("mls.PrivateMessage.sender", "only members send PrivateMessages");
  }
  if (padding_size > kMaxPaddingSize) {
    return Error::Validation("mls.PrivateMessage.padding", "padding is too large");
  }
  PrivateMessage message;
  message.group_id = content.group_id;
  message.epoch = content.epoch;
  message.content_type = content.content_type();
  message.authenticated_data = content.authenticated_data;

  XS_TRY(auto ratchet_key, tree.Next(content.sender.index, RatchetFor(message.content_type)));
  SenderData sender_data;
  sender_data.leaf_index = content.sender.index;
  sender_data.generation = ratchet_key.generation;
  crypto::RandomBytes(sender_data.reuse_guard);

  const Bytes plaintext = EncodePrivateMessageContent(content.body, auth, padding_size);
  const crypto::Secret nonce = GuardNonce(ratchet_key.nonce, sender_data.reuse_guard);
  XS_TRY(message.ciphertext, suite.Seal(ratchet_key.key.bytes(), nonce.bytes(),
                                        EncodePrivateContentAad(message), plaintext));

  XS_TRY(AeadKeyNonce sd_keys, DeriveSenderDataKeys(suite, sender_data_secret, message.ciphertext));
  XS_TRY(message.encrypted_sender_data,
         suite.Seal(sd_keys.key.bytes(), sd_keys.nonce.bytes(), EncodeSenderDataAad(message),
                    Serialize(sender_data)));
  return message;
}

Result<UnprotectedContent> UnprotectPrivateMessage(const crypto::CipherSuite& suite,
                                                   const PrivateMessage& message, SecretTree& tree,
                                                   const crypto::Secret& sender_data_secret) {
  XS_TRY(AeadKeyNonce sd_keys, DeriveSenderDataKeys(suite, sender_data_secret, message.ciphertext));
  auto sender_bytes = suite.Open(sd_keys.key.bytes(), sd_keys.nonce.bytes(),
                                 EncodeSenderDataAad(message), message.encrypted_sender_data);
  if (!sender_bytes.ok()) return Error::Auth("mls: PrivateMessage sender data does not decrypt");
  XS_TRY(SenderData sender_data, Deserialize<SenderData>(*sender_bytes));

  // The key is used up only if the content decrypts: a copy with intact
  // sender data and altered content must not cost the genuine message its key.
  Bytes plaintext;
  XS_RETURN_IF_ERROR(tree.Open(
      sender_data.leaf_index, RatchetFor(message.content_type), sender_data.generation,
      [&](const RatchetKey& ratchet_key) -> Status {
        const crypto::Secret nonce = GuardNonce(ratchet_key.nonce, sender_data.reuse_guard);
        auto opened = suite.Open(ratchet_key.key.bytes(), nonce.bytes(),
                                 EncodePrivateContentAad(message), message.ciphertext);
        if (!opened.ok()) {
          return Error::Auth("mls: PrivateMessage content does not decrypt")
              .WithKind(std::string(kContentUndecryptableKind));
        }
        plaintext = std::move(*opened);
        return OkStatus();
      }));

  UnprotectedContent out;
  out.content.group_id = message.group_id;
  out.content.epoch = message.epoch;
  out.content.sender = Sender{SenderType::kMember, sender_data.leaf_index};
  out.content.authenticated_data = message.authenticated_data;
  XS_RETURN_IF_ERROR(
      DecodePrivateMessageContent(plaintext, message.content_type, out.content.body, out.auth));
  return out;
}

}  // namespace xs::mls
