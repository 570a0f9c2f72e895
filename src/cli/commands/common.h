// Pieces shared by the command groups: the recurring flag specs and the
// call-then-print patterns (show a record, list a table, run a destructive
// action that is a dry run unless --force).
//
// Thread contract: pure helpers over an Invocation.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/invocation.h"
#include "cli/output.h"

namespace xs::cli {

FlagSpec ForceFlag(const std::string& what);
// `purpose` says what the passphrase unlocks on this command.
FlagSpec PassphraseFileFlag(const std::string& purpose = "owner passphrase for gated actions");
PositionalSpec IdArgument(const std::string& what, bool labels = true);

// The positional argument at `index` (the parser checked required ones).
std::string Arg(const Invocation& inv, std::size_t index);

// Copies optional flags into params: string flags as strings, list flags
// as arrays (an empty --allow "" clears), integers as numbers.
void CopyString(const Invocation& inv, const std::string& flag, const std::string& param,
                Json* params);
void CopyList(const Invocation& inv, const std::string& flag, const std::string& param,
              Json* params);

// Calls `method` and prints the result as a record (or JSON).
Status ShowRecord(Invocation& inv, std::string_view method, const Json& params);
// Calls `method` and prints the array result as a table (or JSON).
Status ShowTable(Invocation& inv, std::string_view method, const Json& params,
                 const std::vector<Column>& columns);
// A destructive call: adds `force`; prints the plan for a dry run, else
// `done(result)` (human) or the result (JSON).
Status RunDestructive(Invocation& inv, std::string_view method, Json params,
                      const std::function<void(std::ostream&, const Json&)>& done);

// Prints the record, or with --only <a.b> that one field (a validation error
// listing the fields when there is no such field).
Status EmitRecordOrField(Invocation& inv, const Json& record);

// Prints `message` then the record's fields.
void PrintTitled(std::ostream& out, const std::string& message, const Json& record);

}  // namespace xs::cli
