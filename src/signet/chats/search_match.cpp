#include "signet/chats/search_match.h"

#include <algorithm>

#include "signet/chats/limits.h"

namespace xs::signet {

namespace {

char Fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Folded(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Fold);
  return out;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Letters, digits, '_' and every byte of a multi-byte UTF-8 character.
bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' ||
         u >= 0x80;
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// 2: found as a whole word somewhere, 1: only inside words, 0: absent.
int TermScore(std::string_view folded, std::string_view term) {
  int best = 0;
  for (std::size_t at = folded.find(term); at != std::string_view::npos;
       at = folded.find(term, at + 1)) {
    const std::size_t end = at + term.size();
    const bool starts = at == 0 || !IsWordByte(folded[at - 1]) || !IsWordByte(term.front());
    const bool ends = end == folded.size() || !IsWordByte(folded[end]) || !IsWordByte(term.back());
    if (starts && ends) return 2;
    best = 1;
  }
  return best;
}

}  // namespace

Result<SearchQuery> ParseSearchQuery(std::string_view query) {
  if (query.size() > kMaxSearchQueryBytes) {
    return Error::Validation("query", "at most " + std::to_string(kMaxSearchQueryBytes) +
                                          " bytes (kMaxSearchQueryBytes)");
  }
  SearchQuery out;
  std::size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && IsSpace(query[i])) ++i;
    std::size_t start = i;
    while (i < query.size() && !IsSpace(query[i])) ++i;
    if (i > start) out.terms.push_back(Folded(query.substr(start, i - start)));
  }
  if (out.terms.empty()) return Error::Validation("query", "must not be empty");
  if (out.terms.size() > kMaxSearchTermCount) {
    return Error::Validation(
        "query", "at most " + std::to_string(kMaxSearchTermCount) + " words (kMaxSearchTermCount)");
  }
  for (const auto& t : out.terms) out.phrase += (out.phrase.empty() ? "" : " ") + t;
  return out;
}

std::optional<int> MatchScore(const SearchQuery& query, std::string_view text) {
  const std::string folded = Folded(text);
  int score = 0;
  for (const auto& term : query.terms) {
    const int s = TermScore(folded, term);
    if (s == 0) return std::nullopt;
    score += s;
  }
  if (query.terms.size() > 1 && folded.find(query.phrase) != std::string::npos) score += 2;
  return score;
}

bool ContainsAnyTerm(const SearchQuery& query, std::string_view text) {
  const std::string folded = Folded(text);
  return std::any_of(query.terms.begin(), query.terms.end(), [&](const std::string& term) {
    return folded.find(term) != std::string::npos;
  });
}

std::string Snippet(const SearchQuery& query, std::string_view text, std::size_t width) {
  std::size_t start = 0, end = text.size();
  if (text.size() > width) {
    const std::string folded = Folded(text);
    std::size_t first = folded.size(), length = 0;
    for (const auto& term : query.terms) {
      const std::size_t at = folded.find(term);
      if (at < first) {
        first = at;
        length = term.size();
      }
    }
    if (first == folded.size()) first = 0;
    const std::size_t lead = width > length ? (width - length) / 2 : 0;
    start = std::min(first > lead ? first - lead : 0, text.size() - width);
    end = start + width;
    while (start > 0 && start < text.size() && IsContinuationByte(text[start])) ++start;
    while (end < text.size() && end > start && IsContinuationByte(text[end])) --end;
  }
  std::string out = start > 0 ? "…" : "";
  for (std::size_t i = start; i < end; ++i) out += IsSpace(text[i]) ? ' ' : text[i];
  if (end < text.size()) out += "…";
  return out;
}

}  // namespace xs::signet
