#include "signet/util/util.h"

#include <sodium.h>

#include "codec/hex.h"

namespace xs::signet {

std::string ToHex(std::span<const std::uint8_t> bytes) { return codec::HexEncode(bytes); }

Result<std::vector<std::uint8_t>> FromHex(std::string_view hex) { return codec::HexDecode(hex); }

std::string NewId(IdType type) {
  std::array<std::uint8_t, 8> r;
  randombytes_buf(r.data(), r.size());
  return MakeId(type, r);
}

std::string NewPrefixedId(std::string_view prefix) {
  std::array<std::uint8_t, 8> r;
  randombytes_buf(r.data(), r.size());
  return std::string(prefix) + ToHex(r);
}

std::string Sha256Fingerprint(std::span<const std::uint8_t> data) {
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> h;
  crypto_hash_sha256(h.data(), data.data(), data.size());
  return "sha256:" + ToHex(h);
}

std::string Sha256Fingerprint(std::string_view data) {
  return Sha256Fingerprint(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

Result<std::string> GetString(const Json& params, std::string_view field) {
  auto it = params.find(field);
  if (it == params.end() || it->is_null()) {
    return Error::Validation(field, "is required");
  }
  if (!it->is_string()) return Error::Validation(field, "must be a string");
  return it->get<std::string>();
}

Result<std::string> GetOptString(const Json& params, std::string_view field, std::string fallback) {
  auto it = params.find(field);
  if (it == params.end() || it->is_null()) return fallback;
  if (!it->is_string()) return Error::Validation(field, "must be a string");
  return it->get<std::string>();
}

Result<std::vector<std::string>> GetStringList(const Json& params, std::string_view field) {
  std::vector<std::string> out;
  auto it = params.find(field);
  if (it == params.end() || it->is_null()) return out;
  if (it->is_string()) {
    // Accept the CLI's comma-separated form as well as an array.
    std::string s = it->get<std::string>();
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t comma = s.find(',', start);
      std::string part = s.substr(start, comma == std::string::npos ? comma : comma - start);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }
  if (!it->is_array()) return Error::Validation(field, "must be an array of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) return Error::Validation(field, "must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

bool HasField(const Json& params, std::string_view field) {
  auto it = params.find(field);
  return it != params.end() && !it->is_null();
}

bool GetBool(const Json& params, std::string_view field) {
  auto it = params.find(field);
  return it != params.end() && it->is_boolean() && it->get<bool>();
}

std::string SafeDump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string ContextJson(const Json& object) { return SafeDump(object); }

}  // namespace xs::signet
