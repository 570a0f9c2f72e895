// Reference resolution (concepts.md §5, decisions.md #11): a reference is a
// full id, a hex prefix with or without the type prefix, or a label.
//   exact label match: one -> it; several -> validation "ambiguous" with
//   context.candidates; otherwise short-id resolution: one -> it; several ->
//   validation with candidates; none -> not_found.
//
// Thread contract: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace xs::signet {

struct Candidate {
  std::string id;
  std::string label;  // empty when the record has none
};

Result<std::string> ResolveReference(std::string_view prefix, std::string_view type_name,
                                     std::string_view input,
                                     const std::vector<Candidate>& candidates);

}  // namespace xs::signet
