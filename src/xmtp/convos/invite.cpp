#include "xmtp/convos/invite.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "codec/hex.h"
#include "convos/invite.pb.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "xmtp/convos/frame.h"

namespace xs::xmtp::convos {
namespace {

namespace pb = ::xs::convos;

constexpr std::string_view kTokenSalt = "ConvosInviteV1";
constexpr std::uint8_t kPackedUuid = 0x01;
constexpr std::uint8_t kPackedString = 0x02;
constexpr std::size_t kUuidBytes = 16;
constexpr std::size_t kMaxPackedIdBytes = 0xFFFF;

Error Kind(std::string_view kind, std::string_view field, std::string_view why) {
  return Error::Validation(field, why).WithKind(std::string(kind));
}
Error Malformed(std::string_view why) { return Kind(kErrorMalformed, "invite", why); }

// ---- links ----

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) {
      return Malformed("a percent escape is truncated");
    }
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return Malformed("a percent escape is not hex");
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

// The value of query parameter `key` (first occurrence, non-empty), raw.
std::optional<std::string_view> QueryValue(std::string_view query, std::string_view key) {
  for (std::string_view pair : Split(query, '&')) {
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != key) continue;
    if (eq + 1 < pair.size()) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

bool IsSlugChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '*' ||
         c == '=';
}

Result<std::string> CheckedSlug(std::string_view raw) {
  XS_TRY(std::string slug, PercentDecode(raw));
  if (slug.empty()) return Malformed("no invite slug found");
  if (!std::all_of(slug.begin(), slug.end(), IsSlugChar)) {
    return Malformed("the slug has characters outside base64url and '*'");
  }
  return slug;
}

// The slug in a URL's path, query: `i`, then `code`, then `<prefix>/<slug>`
// for prefix in `markers`, then the last non-empty segment.
Result<std::string> SlugFromUrlParts(std::string_view path, std::string_view query,
                                     std::initializer_list<std::string_view> markers) {
  for (const std::string_view key : {"i", "code"}) {
    if (auto value = QueryValue(query, key)) return CheckedSlug(*value);
  }
  std::vector<std::string_view> segments;
  for (std::string_view segment : Split(path, '/')) {
    if (!segment.empty()) segments.push_back(segment);
  }
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    for (const std::string_view marker : markers) {
      if (segments[i] == marker) return CheckedSlug(segments[i + 1]);
    }
  }
  if (!segments.empty() && segments.back() != "v2") return CheckedSlug(segments.back());
  return Malformed("the link carries no invite slug");
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ---- the token ----

Result<crypto::Secret> TokenKey(std::span<const std::uint8_t> wallet_key,
                                std::string_view creator_inbox_id) {
  const crypto::Secret prk = crypto::HkdfExtract(crypto::AsBytes(kTokenSalt), wallet_key);
  const std::string info = "inbox:" + std::string(creator_inbox_id);
  return crypto::HkdfExpand(prk.bytes(), crypto::AsBytes(info), 32);
}

bool IsUuid(std::string_view id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : HexValue(id[i]) < 0) return false;
  }
  return true;
}

Result<Bytes> PackConversationId(std::string_view id) {
  Bytes out;
  if (IsUuid(id)) {
    std::string hex;
    for (const char c : id) {
      if (c != '-') hex.push_back(c);
    }
    XS_TRY(Bytes raw, codec::HexDecode(hex));
    out.push_back(kPackedUuid);
    out.insert(out.end(), raw.begin(), raw.end());
    return out;
  }
  if (id.empty() || id.size() > kMaxPackedIdBytes) {
    return Error::Validation("conversation id", "must be 1 to 65535 bytes");
  }
  out.push_back(kPackedString);
  if (id.size() <= 0xFF) {
    out.push_back(static_cast<std::uint8_t>(id.size()));
  } else {
    out.insert(out.end(), {0x00, static_cast<std::uint8_t>(id.size() >> 8),
                           static_cast<std::uint8_t>(id.size() & 0xFF)});
  }
  out.insert(out.end(), id.begin(), id.end());
  return out;
}

Result<std::string> UnpackConversationId(std::span<const std::uint8_t> packed) {
  auto bad = [] {
    return Kind(kErrorBadToken, "conversation token", "bad conversation id packing");
  };
  if (packed.empty()) return bad();
  if (packed[0] == kPackedUuid) {
    if (packed.size() != 1 + kUuidBytes) return bad();
    const std::string hex = codec::HexEncode(packed.subspan(1));
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20);
  }
  if (packed[0] != kPackedString || packed.size() < 2) return bad();
  std::size_t offset = 2;
  std::size_t length = packed[1];
  if (length == 0) {
    if (packed.size() < 4) return bad();
    length = (std::size_t{packed[2]} << 8) | packed[3];
    offset = 4;
  }
  if (length == 0 || packed.size() != offset + length) return bad();
  return std::string(packed.begin() + static_cast<std::ptrdiff_t>(offset), packed.end());
}

// ---- protobuf ----

std::string AsString(std::span<const std::uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

Status CheckTag(std::string_view tag) {
  if (tag.empty()) return Malformed("the invite tag is empty");
  if (tag.size() > kMaxInviteTagBytes) {
    return Kind(kErrorTooLarge, "invite", "the invite tag is longer than 64 bytes");
  }
  return OkStatus();
}

std::optional<std::int64_t> NonZero(bool present, std::int64_t value) {
  if (!present || value == 0) return std::nullopt;
  return value;
}

}  // namespace

Result<std::string> ExtractInviteSlug(std::string_view input) {
  if (input.size() > kMaxInviteInputChars) {
    return Kind(kErrorTooLarge, "invite", "the invite is longer than 16 KiB");
  }
  const std::string_view text = Trim(input);
  const std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return CheckedSlug(text);
  const std::string scheme = Lower(text.substr(0, scheme_end));
  std::string_view rest = text.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  const std::size_t query_at = rest.find('?');
  const std::string_view query =
      query_at == std::string_view::npos ? std::string_view() : rest.substr(query_at + 1);
  const std::string_view before_query = rest.substr(0, query_at);
  if (scheme == "https" || scheme == "http") {
    const std::size_t path_at = before_query.find('/');
    const std::string_view path =
        path_at == std::string_view::npos ? std::string_view() : before_query.substr(path_at);
    return SlugFromUrlParts(path, query, {"i"});
  }
  if (scheme == "convos" || scheme.starts_with("convos-")) {
    // The host part is the action: convos://join/<slug>, convos://invite/<slug>.
    return SlugFromUrlParts(before_query, query, {"join", "invite", "i"});
  }
  return Malformed("not a Convos invite link");
}

Result<Invite> ParseInvite(std::string_view input) {
  XS_TRY(std::string slug, ExtractInviteSlug(input));
  XS_TRY(Bytes framed, SlugToBytes(slug));
  XS_TRY(Unframed signed_bytes, Unframe(framed));
  pb::SignedInvite signed_invite;
  if (!signed_invite.ParseFromArray(signed_bytes.bytes.data(),
                                    static_cast<int>(signed_bytes.bytes.size()))) {
    return Malformed("not a SignedInvite");
  }
  pb::InvitePayload payload;
  if (!payload.ParseFromString(signed_invite.payload())) {
    return Malformed("the payload is not an InvitePayload");
  }
  Invite invite;
  invite.tag = payload.tag();
  XS_RETURN_IF_ERROR(CheckTag(invite.tag));
  if (payload.creator_inbox_id().empty()) return Malformed("the creator inbox id is empty");
  invite.creator_inbox_id = codec::HexEncode(payload.creator_inbox_id());
  if (payload.conversation_token().empty()) return Malformed("the conversation token is empty");
  invite.conversation_token.assign(payload.conversation_token().begin(),
                                   payload.conversation_token().end());
  if (signed_invite.signature().size() != kSignatureBytes ||
      static_cast<std::uint8_t>(signed_invite.signature()[kSignatureBytes - 1]) > 3) {
    return Kind(kErrorBadSignature, "invite",
                "the signature is not 65 bytes r || s || recovery id");
  }
  invite.signature.assign(signed_invite.signature().begin(), signed_invite.signature().end());
  invite.payload.assign(signed_invite.payload().begin(), signed_invite.payload().end());
  InviteDetails& details = invite.details;
  if (payload.has_name()) details.name = payload.name();
  if (payload.has_description()) details.description = payload.description();
  if (payload.has_image_url()) details.image_url = payload.image_url();
  if (payload.has_emoji()) details.emoji = payload.emoji();
  details.expires_at_unix = NonZero(payload.has_expires_at_unix(), payload.expires_at_unix());
  details.conversation_expires_at_unix =
      NonZero(payload.has_conversation_expires_at_unix(), payload.conversation_expires_at_unix());
  details.expires_after_use = payload.expires_after_use();
  return invite;
}

Result<crypto::Secp256k1PublicKey> RecoverInviteSigner(const Invite& invite) {
  auto key = crypto::Secp256k1Recover(crypto::Sha256(invite.payload), invite.signature);
  if (!key.ok())
    return Kind(kErrorBadSignature, "invite", "no public key recovers from the signature");
  return *key;
}

Status CheckInviteUsable(const Invite& invite, std::int64_t now_ms) {
  const std::int64_t now = now_ms / 1000;
  if (invite.details.expires_at_unix && *invite.details.expires_at_unix <= now) {
    return Kind(kErrorExpired, "invite", "the invite has expired");
  }
  if (invite.details.conversation_expires_at_unix &&
      *invite.details.conversation_expires_at_unix <= now) {
    return Kind(kErrorConversationExpired, "invite", "the conversation has expired");
  }
  XS_TRY(auto signer, RecoverInviteSigner(invite));
  (void)signer;
  return OkStatus();
}

Result<std::string> VerifyInviteForHost(const Invite& invite, std::string_view our_inbox_id,
                                        std::span<const std::uint8_t> wallet_key,
                                        std::int64_t now_ms) {
  XS_RETURN_IF_ERROR(CheckInviteUsable(invite, now_ms));
  XS_TRY(crypto::Secp256k1PublicKey signer, RecoverInviteSigner(invite));
  XS_TRY(crypto::Secp256k1PublicKey ours, crypto::Secp256k1PublicKeyOf(wallet_key));
  if (signer != ours) return Kind(kErrorWrongSigner, "invite", "the invite was not signed by us");
  if (invite.creator_inbox_id != Lower(our_inbox_id)) {
    return Kind(kErrorWrongCreator, "invite", "the invite was created by another inbox");
  }
  return DecryptConversationToken(invite.conversation_token, invite.creator_inbox_id, wallet_key);
}

Result<std::string> CreateInviteSlug(std::string_view conversation_id,
                                     std::string_view creator_inbox_id, std::string_view tag,
                                     std::span<const std::uint8_t> wallet_key,
                                     const InviteDetails& details) {
  XS_RETURN_IF_ERROR(CheckTag(tag));
  const std::string creator = Lower(creator_inbox_id);
  auto creator_bytes = codec::HexDecode(creator);
  if (!creator_bytes.ok() || creator_bytes->empty()) {
    return Error::Validation("creator inbox id", "must be hex");
  }
  XS_TRY(Bytes token, EncryptConversationToken(conversation_id, creator, wallet_key));
  pb::InvitePayload payload;
  payload.set_conversation_token(AsString(token));
  payload.set_creator_inbox_id(AsString(*creator_bytes));
  payload.set_tag(std::string(tag));
  if (details.name) payload.set_name(*details.name);
  if (details.description) payload.set_description(*details.description);
  if (details.image_url) payload.set_image_url(*details.image_url);
  if (details.emoji) payload.set_emoji(*details.emoji);
  if (details.expires_at_unix.value_or(0) != 0)
    payload.set_expires_at_unix(*details.expires_at_unix);
  if (details.conversation_expires_at_unix.value_or(0) != 0) {
    payload.set_conversation_expires_at_unix(*details.conversation_expires_at_unix);
  }
  payload.set_expires_after_use(details.expires_after_use);
  const std::string payload_bytes = payload.SerializeAsString();
  XS_TRY(crypto::RecoverableSignature signature,
         crypto::Secp256k1SignRecoverable(wallet_key, crypto::Sha256(payload_bytes)));
  pb::SignedInvite signed_invite;
  signed_invite.set_payload(payload_bytes);
  signed_invite.set_signature(AsString(signature));
  const std::string bytes = signed_invite.SerializeAsString();
  return BytesToSlug(crypto::AsBytes(bytes));
}

std::string InviteToSlug(const Invite& invite) {
  pb::SignedInvite signed_invite;
  signed_invite.set_payload(AsString(invite.payload));
  signed_invite.set_signature(AsString(invite.signature));
  return BytesToSlug(crypto::AsBytes(signed_invite.SerializeAsString()));
}

std::string InviteUrl(std::string_view slug, InviteEnv env) {
  std::string url(env == InviteEnv::kProduction ? kProductionInviteBase : kDevInviteBase);
  for (const char c : slug) {
    if (c == '*') {
      url += "%2A";  // encodeURIComponent leaves '*' alone; iOS escapes it
    } else {
      url.push_back(c);
    }
  }
  return url;
}

Result<Bytes> EncryptConversationToken(std::string_view conversation_id,
                                       std::string_view creator_inbox_id,
                                       std::span<const std::uint8_t> wallet_key) {
  Bytes nonce(kTokenNonceBytes);
  crypto::RandomBytes(nonce);
  return EncryptConversationToken(conversation_id, creator_inbox_id, wallet_key, nonce);
}

Result<Bytes> EncryptConversationToken(std::string_view conversation_id,
                                       std::string_view creator_inbox_id,
                                       std::span<const std::uint8_t> wallet_key,
                                       std::span<const std::uint8_t> nonce) {
  XS_RETURN_IF_ERROR(crypto::Secp256k1CheckPrivateKey(wallet_key));
  if (nonce.size() != kTokenNonceBytes) return Error::Validation("nonce", "must be 12 bytes");
  XS_TRY(Bytes packed, PackConversationId(conversation_id));
  XS_TRY(crypto::Secret key, TokenKey(wallet_key, creator_inbox_id));
  XS_TRY(Bytes sealed, crypto::AeadSeal(crypto::AeadAlgorithm::kChaCha20Poly1305, key.bytes(),
                                        nonce, crypto::AsBytes(creator_inbox_id), packed));
  Bytes token{kTokenVersion};
  token.insert(token.end(), nonce.begin(), nonce.end());
  token.insert(token.end(), sealed.begin(), sealed.end());
  return token;
}

Result<std::string> DecryptConversationToken(std::span<const std::uint8_t> token,
                                             std::string_view creator_inbox_id,
                                             std::span<const std::uint8_t> wallet_key) {
  if (token.size() < 1 + kTokenNonceBytes + kTokenTagBytes + 2 || token[0] != kTokenVersion) {
    return Kind(kErrorBadToken, "conversation token", "not a version 1 token");
  }
  XS_TRY(crypto::Secret key, TokenKey(wallet_key, creator_inbox_id));
  auto packed = crypto::AeadOpen(
      crypto::AeadAlgorithm::kChaCha20Poly1305, key.bytes(), token.subspan(1, kTokenNonceBytes),
      crypto::AsBytes(creator_inbox_id), token.subspan(1 + kTokenNonceBytes));
  if (!packed.ok()) {
    return Kind(kErrorBadToken, "conversation token", "does not decrypt with our key");
  }
  return UnpackConversationId(*packed);
}

std::string NewInviteTag() {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string tag;
  for (std::size_t i = 0; i < kInviteTagChars; ++i) {
    tag.push_back(kAlphabet[crypto::RandomUniform(static_cast<std::uint32_t>(kAlphabet.size()))]);
  }
  return tag;
}

}  // namespace xs::xmtp::convos
