// JSON text worked on without building a tree. The CLI prints a large
// `data` from the daemon's answer (1,000 chats: half a megabyte) as the
// daemon wrote it: parsing it into nlohmann::json and dumping it again cost
// more than the daemon's work.
//
// Neither function validates: the text is the daemon's own compact dump
// (nlohmann's dump(-1)). RawObjectMembers refuses text whose structure it
// cannot follow; IndentJson lays out whatever it is given.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xs::transport {

struct RawMember {
  std::string_view key;    // as written, quotes included: "\"data\""
  std::string_view value;  // the value's text
};

// The members of the JSON object `text`, one level deep; nullopt when
// `text` is not an object whose strings and brackets balance.
std::optional<std::vector<RawMember>> RawObjectMembers(std::string_view text);

// The member named `quoted_key` (quotes included), or nullptr.
const RawMember* FindMember(const std::vector<RawMember>& members, std::string_view quoted_key);

// Compact JSON text laid out as nlohmann's dump(indent) lays it out: one
// member or element a line, "key": value, empty containers as {} and [].
std::string IndentJson(std::string_view compact, int indent);

}  // namespace xs::transport
