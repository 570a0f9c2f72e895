#include "transport/admin/admin_jwt.h"

#include <sodium.h>
#include <nlohmann/json.hpp>

#include <array>

#include "codec/base64.h"
#include "signet/util/util.h"

namespace xs::transport {

namespace {

using Json = nlohmann::json;
namespace failure = admin_jwt_failure;

constexpr std::size_t kJtiBytes = 16;

Error AuthFailure(std::string_view reason, std::string message) {
  return Error::Auth("admin token rejected: " + message)
      .WithContext(signet::ContextJson({{"reason", reason}}));
}

std::span<const std::uint8_t> Bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string EncodeSegment(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  return codec::Base64UrlEncode(Bytes(text));
}

// JWS segments are unpadded base64url; padding or other alphabets are refused.
Result<std::vector<std::uint8_t>> DecodeSegment(std::string_view segment) {
  if (segment.empty() || segment.find('=') != std::string_view::npos) {
    return AuthFailure(failure::kMalformed, "segment is not base64url");
  }
  auto bytes = codec::Base64UrlDecode(segment);
  if (!bytes.ok()) return AuthFailure(failure::kMalformed, "segment is not base64url");
  return bytes;
}

Result<Json> DecodeJsonSegment(std::string_view segment, std::string_view what) {
  XS_TRY(auto bytes, DecodeSegment(segment));
  Json value = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!value.is_object()) {
    return AuthFailure(failure::kMalformed, std::string(what) + " is not a JSON object");
  }
  return value;
}

bool IntegerClaim(const Json& claims, const char* name, std::int64_t* out) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number_integer()) return false;
  *out = it->get<std::int64_t>();
  return true;
}

}  // namespace

Result<std::string> MintAdminJwtWith(const AdminSigner& sign, std::string_view fingerprint,
                                     std::int64_t now_seconds, std::int64_t ttl_seconds) {
  if (ttl_seconds < 1 || ttl_seconds > kAdminJwtMaxTtlSeconds) {
    return Error::Validation("ttlSeconds", "admin token lifetime must be 1..3600 seconds");
  }
  std::array<std::uint8_t, kJtiBytes> jti{};
  randombytes_buf(jti.data(), jti.size());
  Json header = {{"alg", "EdDSA"}, {"typ", "JWT"}};
  Json claims = {{"iss", fingerprint},
                 {"sub", "admin"},
                 {"iat", now_seconds},
                 {"exp", now_seconds + ttl_seconds},
                 {"jti", signet::ToHex(jti)}};
  std::string signing_input = EncodeSegment(header) + "." + EncodeSegment(claims);
  signet::Signature64 signature = sign(Bytes(signing_input));
  return signing_input + "." + codec::Base64UrlEncode(signature);
}

Result<std::string> MintAdminJwt(const signet::AdminKey& key, std::int64_t now_seconds,
                                 std::int64_t ttl_seconds) {
  return MintAdminJwtWith([&key](std::span<const std::uint8_t> msg) { return key.Sign(msg); },
                          key.fingerprint(), now_seconds, ttl_seconds);
}

Result<AdminJwtClaims> VerifyAdminJwt(std::string_view token, const signet::PublicKey32& public_key,
                                      std::string_view fingerprint, std::int64_t now_seconds) {
  if (token.empty() || token.size() > kAdminJwtMaxBytes) {
    return AuthFailure(failure::kMalformed, "token is empty or too long");
  }
  auto first_dot = token.find('.');
  auto second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return AuthFailure(failure::kMalformed, "not a compact JWS (header.claims.signature)");
  }
  std::string_view header_part = token.substr(0, first_dot);
  std::string_view claims_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
  std::string_view signature_part = token.substr(second_dot + 1);

  // The algorithm is checked before anything else is trusted.
  XS_TRY(Json header, DecodeJsonSegment(header_part, "header"));
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || alg->get_ref<const std::string&>() != "EdDSA") {
    std::string shown = alg != header.end() && alg->is_string() ? alg->get<std::string>() : "?";
    if (shown.size() > 32) shown = shown.substr(0, 32);
    return AuthFailure(failure::kUnsupportedAlgorithm,
                       "algorithm '" + shown + "' is not accepted (EdDSA only)");
  }
  if (auto typ = header.find("typ");
      typ != header.end() && (!typ->is_string() || typ->get_ref<const std::string&>() != "JWT")) {
    return AuthFailure(failure::kMalformed, "typ must be JWT");
  }

  XS_TRY(auto signature_bytes, DecodeSegment(signature_part));
  if (signature_bytes.size() != std::tuple_size_v<signet::Signature64>) {
    return AuthFailure(failure::kBadSignature, "signature has the wrong length");
  }
  signet::Signature64 signature{};
  std::copy(signature_bytes.begin(), signature_bytes.end(), signature.begin());
  std::string_view signing_input = token.substr(0, second_dot);
  if (!signet::Ed25519Key::Verify(public_key, Bytes(signing_input), signature)) {
    return AuthFailure(failure::kBadSignature, "signature does not verify with the admin key");
  }

  XS_TRY(Json claims, DecodeJsonSegment(claims_part, "claims"));
  AdminJwtClaims out;
  auto iss = claims.find("iss");
  if (iss == claims.end() || !iss->is_string()) {
    return AuthFailure(failure::kMalformed, "iss claim is missing");
  }
  out.iss = iss->get<std::string>();
  if (out.iss != fingerprint) {
    return AuthFailure(failure::kWrongIssuer, "issuer is not this signet's admin key");
  }
  if (auto sub = claims.find("sub"); sub != claims.end()) {
    if (!sub->is_string() || sub->get_ref<const std::string&>() != "admin") {
      return AuthFailure(failure::kMalformed, "sub claim must be 'admin'");
    }
    out.sub = "admin";
  }
  if (!IntegerClaim(claims, "iat", &out.iat) || !IntegerClaim(claims, "exp", &out.exp)) {
    return AuthFailure(failure::kMalformed, "iat and exp must be integer seconds");
  }
  if (auto jti = claims.find("jti"); jti != claims.end() && jti->is_string()) {
    out.jti = jti->get<std::string>();
  }
  if (out.exp <= out.iat) return AuthFailure(failure::kMalformed, "exp is not after iat");
  if (out.exp - out.iat > kAdminJwtMaxTtlSeconds) {
    return AuthFailure(failure::kLifetimeTooLong, "lifetime exceeds 3600 seconds");
  }
  if (out.exp <= now_seconds - kAdminJwtClockSkewSeconds) {
    return AuthFailure(failure::kExpired, "token has expired; mint a fresh one");
  }
  if (out.iat > now_seconds + kAdminJwtClockSkewSeconds) {
    return AuthFailure(failure::kNotYetValid, "token is issued in the future (check the clock)");
  }
  return out;
}

}  // namespace xs::transport
