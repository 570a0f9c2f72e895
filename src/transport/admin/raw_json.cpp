#include "transport/admin/raw_json.h"

namespace xs::transport {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t SkipSpace(std::string_view s, std::size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// The end of the string starting at s[i] == '"' (one past its closing
// quote), or npos.
std::size_t StringEnd(std::string_view s, std::size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;  // the escaped character
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The end of the value starting at s[i], or npos.
std::size_t ValueEnd(std::string_view s, std::size_t i) {
  if (i >= s.size()) return std::string_view::npos;
  if (s[i] == '"') return StringEnd(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        i = StringEnd(s, i);
        if (i == std::string_view::npos) return i;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return std::string_view::npos;
  }
  // A number or a literal: up to the next delimiter.
  std::size_t end = i;
  while (end < s.size() && s[end] != ',' && s[end] != '}' && s[end] != ']' && !IsSpace(s[end])) {
    ++end;
  }
  return end == i ? std::string_view::npos : end;
}

}  // namespace

std::optional<std::vector<RawMember>> RawObjectMembers(std::string_view text) {
  std::size_t i = SkipSpace(text, 0);
  if (i >= text.size() || text[i] != '{') return std::nullopt;
  std::vector<RawMember> members;
  i = SkipSpace(text, i + 1);
  if (i < text.size() && text[i] == '}') {
    if (SkipSpace(text, i + 1) != text.size()) return std::nullopt;
    return members;
  }
  while (true) {
    if (i >= text.size() || text[i] != '"') return std::nullopt;
    const std::size_t key_end = StringEnd(text, i);
    if (key_end == std::string_view::npos) return std::nullopt;
    RawMember member;
    member.key = text.substr(i, key_end - i);
    i = SkipSpace(text, key_end);
    if (i >= text.size() || text[i] != ':') return std::nullopt;
    i = SkipSpace(text, i + 1);
    const std::size_t value_end = ValueEnd(text, i);
    if (value_end == std::string_view::npos) return std::nullopt;
    member.value = text.substr(i, value_end - i);
    members.push_back(member);
    i = SkipSpace(text, value_end);
    if (i >= text.size()) return std::nullopt;
    if (text[i] == '}') break;
    if (text[i] != ',') return std::nullopt;
    i = SkipSpace(text, i + 1);
  }
  if (SkipSpace(text, i + 1) != text.size()) return std::nullopt;
  return members;
}

const RawMember* FindMember(const std::vector<RawMember>& members, std::string_view quoted_key) {
  for (const auto& m : members) {
    if (m.key == quoted_key) return &m;
  }
  return nullptr;
}

std::string IndentJson(std::string_view compact, int indent) {
  std::string out;
  out.reserve(compact.size() + compact.size() / 2);
  std::size_t depth = 0;
  auto newline = [&] {
    out.push_back('\n');
    out.append(depth * static_cast<std::size_t>(indent), ' ');
  };
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    switch (c) {
      case '"': {
        std::size_t end = StringEnd(compact, i);
        if (end == std::string_view::npos) end = compact.size();
        out.append(compact.substr(i, end - i));
        i = end - 1;
        break;
      }
      case '{':
      case '[':
        out.push_back(c);
        if (i + 1 < compact.size() && compact[i + 1] == (c == '{' ? '}' : ']')) {
          out.push_back(compact[++i]);  // an empty container stays on its line
        } else {
          ++depth;
          newline();
        }
        break;
      case '}':
      case ']':
        if (depth > 0) --depth;
        newline();
        out.push_back(c);
        break;
      case ',':
        out.push_back(',');
        newline();
        break;
      case ':':
        out.append(": ");
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace xs::transport
