// How `xs search` matches (decisions.md #20): case-insensitive, words and
// substrings. The query splits on whitespace into terms; a text matches when
// every term occurs in it. A term found as a whole word counts more than one
// found only inside a word, and the whole query found as a phrase counts
// more again, so "deploy" ranks "deploy now" above "redeployed".
//
//   XS_TRY(SearchQuery q, ParseSearchQuery("Deploy fri"));
//   MatchScore(q, "deploy on Friday");   // 3: "deploy" a word, "fri" inside one
//   MatchScore(q, "nothing");            // nullopt
//
// Case folding is ASCII only: other scripts match byte for byte (no Unicode
// case tables in the signet). Nothing is indexed or written: callers scan.
//
// Thread contract: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace xs::signet {

struct SearchQuery {
  std::vector<std::string> terms;  // lowercased, in query order
  std::string phrase;              // the terms joined by one space
};

// Validation errors for an empty or oversized query (kMaxSearchQueryBytes,
// kMaxSearchTermCount).
Result<SearchQuery> ParseSearchQuery(std::string_view query);

// The score of `text` (> 0), or nullopt when some term is absent.
std::optional<int> MatchScore(const SearchQuery& query, std::string_view text);

// Whether some term occurs in `text` (which fields of a record matched).
bool ContainsAnyTerm(const SearchQuery& query, std::string_view text);

// At most `width` bytes of `text` around the first occurrence of a term,
// "…" marking the cut ends, never splitting a UTF-8 sequence.
std::string Snippet(const SearchQuery& query, std::string_view text, std::size_t width);

}  // namespace xs::signet
