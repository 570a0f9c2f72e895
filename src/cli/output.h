// Human and machine output for `xs`. Human output is aligned text: a record
// prints as "key  value" lines (nested objects flattened to dotted keys), a
// list as a table with a header row. Machine output (--json) is exactly one
// JSON document on stdout. Errors go to stderr: "error: <message>" plus a
// "hint:" line, or with --json the error envelope object.
//
// Strings that came from the daemon are printed with control characters
// replaced, so a label cannot rewrite the terminal.
//
// Thread contract: pure functions over the given streams.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"

namespace xs::cli {

using Json = nlohmann::json;

// Serializes without throwing on invalid UTF-8.
// --json output's indentation.
inline constexpr int kJsonIndent = 2;
std::string Dump(const Json& value, int indent = kJsonIndent);
// One JSON document and a newline.
void PrintJson(std::ostream& out, const Json& value);

// A value as a human reads it: strings raw (control characters replaced),
// arrays joined by ", ", null and empty as "-".
std::string HumanValue(const Json& value);

using Fields = std::vector<std::pair<std::string, Json>>;
// "key   value" lines, keys padded to the longest.
void PrintFields(std::ostream& out, const Fields& fields);
// Every field of an object; nested objects flattened ("config.label").
void PrintRecord(std::ostream& out, const Json& record);
Fields Flatten(const Json& record);

struct Column {
  std::string header;
  std::string pointer;  // JSON pointer into the row, e.g. "/config/label"
};
// A table of rows; "(none)" for an empty list.
void PrintTable(std::ostream& out, const std::vector<Column>& columns, const Json& rows);

// {dryRun:true, actions:[{action, ...}]}: the plan and how to apply it.
void PrintDryRun(std::ostream& out, const Json& result);
bool IsDryRun(const Json& result);

// The error on stderr; returns the exit code of its category. Text mode
// prints the message, then the context's candidates, the endpoint of a
// network error (unless the message names it) and the hint.
int ReportError(std::ostream& err, const Error& error, bool json);
Json ErrorToJson(const Error& error);

}  // namespace xs::cli
