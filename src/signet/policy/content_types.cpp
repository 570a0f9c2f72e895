#include "signet/policy/content_types.h"

#include <algorithm>

namespace xs::signet {

namespace {
bool IsLowerIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}
bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

const std::vector<std::string>& BaselineContentTypes() {
  static const std::vector<std::string> kBaseline = {
      "xmtp.org/text:1.0",        "xmtp.org/reaction:1.0",     "xmtp.org/reply:1.0",
      "xmtp.org/readReceipt:1.0", "xmtp.org/groupUpdated:1.0",
  };
  return kBaseline;
}

bool IsValidContentTypeId(std::string_view id) {
  auto slash = id.find('/');
  auto colon = id.rfind(':');
  if (slash == std::string_view::npos || colon == std::string_view::npos || colon < slash) {
    return false;
  }
  std::string_view authority = id.substr(0, slash);
  std::string_view type = id.substr(slash + 1, colon - slash - 1);
  std::string_view version = id.substr(colon + 1);
  auto dot = version.find('.');
  if (authority.empty() || type.empty() || dot == std::string_view::npos) return false;
  return std::all_of(authority.begin(), authority.end(), IsLowerIdChar) &&
         std::all_of(type.begin(), type.end(), IsAlnum) && IsDigits(version.substr(0, dot)) &&
         IsDigits(version.substr(dot + 1));
}

bool IsBaselineContentType(std::string_view id) { return Contains(BaselineContentTypes(), id); }

Result<std::vector<std::string>> EffectiveAllowlist(const std::vector<std::string>& signet_config,
                                                    const std::vector<std::string>& agent_list) {
  for (const auto& t : signet_config) {
    if (!IsValidContentTypeId(t)) return Error::Validation("contentTypes", "malformed '" + t + "'");
  }
  for (const auto& t : agent_list) {
    if (!IsValidContentTypeId(t)) return Error::Validation("contentTypes", "malformed '" + t + "'");
  }
  std::vector<std::string> out;
  for (const auto& t : BaselineContentTypes()) {
    if (!signet_config.empty() && !Contains(signet_config, t)) continue;
    if (!agent_list.empty() && !Contains(agent_list, t)) continue;
    out.push_back(t);
  }
  if (out.empty()) {
    return Error::Validation("contentTypes", "the effective content-type allowlist is empty");
  }
  return out;
}

bool IsAllowed(const std::vector<std::string>& allowlist, std::string_view content_type) {
  return Contains(allowlist, content_type);
}

}  // namespace xs::signet
