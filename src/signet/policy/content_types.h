// Content-type allowlists (concepts.md §6, scopes.md): the XIP baseline, the
// content-type id syntax, and effective = baseline ∩ signet config ∩ agent
// list with default deny. Per decisions.md #21 agent-requested types outside
// what the signet allows are dropped silently as long as something remains;
// an empty result is a validation error.
//
// Thread contract: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace xs::signet {

const std::vector<std::string>& BaselineContentTypes();
// ^[a-z0-9.-]+/[a-zA-Z0-9]+:\d+\.\d+$
bool IsValidContentTypeId(std::string_view id);
bool IsBaselineContentType(std::string_view id);

// signet_config / agent_list empty => "no restriction at that stage" is NOT
// assumed: an empty signet list means the baseline; an empty agent list means
// the signet list. Malformed ids are validation errors.
Result<std::vector<std::string>> EffectiveAllowlist(const std::vector<std::string>& signet_config,
                                                    const std::vector<std::string>& agent_list);
bool IsAllowed(const std::vector<std::string>& allowlist, std::string_view content_type);

}  // namespace xs::signet
