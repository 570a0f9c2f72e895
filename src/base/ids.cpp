#include "base/ids.h"

#include <algorithm>
#include <array>

namespace xs {
namespace {

struct IdInfo {
  IdType type;
  std::string_view prefix;
  std::string_view name;
};

constexpr std::array<IdInfo, 9> kIds = {{
    {IdType::kOperator, "op_", "operator"},
    {IdType::kInbox, "inbox_", "inbox"},
    {IdType::kConversation, "conv_", "conversation"},
    {IdType::kPolicy, "policy_", "policy"},
    {IdType::kCredential, "cred_", "credential"},
    {IdType::kSeal, "seal_", "seal"},
    {IdType::kKey, "key_", "key"},
    {IdType::kMessage, "msg_", "message"},
    {IdType::kNetwork, "xmtp_", "network id"},
}};

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

const IdInfo* FindPrefix(std::string_view text) {
  for (const auto& info : kIds) {
    if (text.substr(0, info.prefix.size()) == info.prefix) return &info;
  }
  return nullptr;
}

std::string JsonStringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ",";
    out += "\"" + items[i] + "\"";  // ids are [a-z0-9_] only
  }
  return out + "]";
}

}  // namespace

std::string_view IdPrefix(IdType type) { return kIds[static_cast<std::size_t>(type)].prefix; }
std::string_view IdTypeName(IdType type) { return kIds[static_cast<std::size_t>(type)].name; }

std::string MakeId(IdType type, std::span<const std::uint8_t, 8> random) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(IdPrefix(type));
  for (std::uint8_t b : random) {
    id += kHex[b >> 4];
    id += kHex[b & 0xf];
  }
  return id;
}

Result<ParsedId> ParseId(std::string_view text) {
  const IdInfo* info = FindPrefix(text);
  if (info == nullptr) return Error::Validation("id", "unknown id prefix");
  std::string_view hex = text.substr(info->prefix.size());
  if (hex.size() != kIdHexLength || !IsLowerHex(hex)) {
    return Error::Validation("id", std::string(info->name) + " id must be '" +
                                       std::string(info->prefix) +
                                       "' followed by 16 lowercase hex characters");
  }
  return ParsedId{info->type, std::string(text)};
}

Result<std::string> ParseIdOf(IdType type, std::string_view text) {
  XS_TRY(ParsedId parsed, ParseId(text));
  if (parsed.type != type) {
    return Error::Validation("id", "expected a " + std::string(IdTypeName(type)) + " id (" +
                                       std::string(IdPrefix(type)) + "…)");
  }
  return std::move(parsed.id);
}

bool IsValidId(IdType type, std::string_view text) { return ParseIdOf(type, text).ok(); }

Result<std::string> ResolveShortId(IdType type, std::string_view input,
                                   const std::vector<std::string>& candidates) {
  std::string_view name = IdTypeName(type);
  if (IsValidId(type, input)) {
    if (std::find(candidates.begin(), candidates.end(), input) != candidates.end()) {
      return std::string(input);
    }
    return Error::NotFound(std::string(name) + " not found: " + std::string(input));
  }
  std::string_view prefix = IdPrefix(type);
  std::string_view hex = input;
  if (const IdInfo* info = FindPrefix(input)) {
    if (info->type != type) {
      return Error::Validation("id", "expected a " + std::string(name) + " id (" +
                                         std::string(prefix) + "…)");
    }
    hex = input.substr(prefix.size());
  }
  if (hex.empty() || hex.size() > kIdHexLength || !IsLowerHex(hex)) {
    return Error::Validation("id", "must be lowercase hex or full id");
  }
  std::vector<std::string> matches;
  for (const auto& c : candidates) {
    if (c.size() == prefix.size() + kIdHexLength && c.compare(0, prefix.size(), prefix) == 0 &&
        c.compare(prefix.size(), hex.size(), hex) == 0) {
      matches.push_back(c);
    }
  }
  if (matches.size() == 1) return std::move(matches.front());
  if (matches.empty()) {
    return Error::NotFound(std::string(name) + " not found: " + std::string(input));
  }
  return Error::Validation("id", "ambiguous " + std::string(name) + " id prefix '" +
                                     std::string(input) + "'")
      .WithContext("{\"field\":\"id\",\"reason\":\"ambiguous\",\"candidates\":" +
                   JsonStringArray(matches) + "}");
}

}  // namespace xs
