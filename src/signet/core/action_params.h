// Declared params (action.h: Param) that several actions share, so that the
// same param reads the same in every action's schema (admin socket, HTTP,
// MCP tools/list). Descriptions are written for whoever reads a tool list,
// an AI agent included: what the value names and which forms it takes.
//
//   r.Register({"chat.info", ...}, {ChatIdParam()});
//
// Thread contract: pure functions.
#pragma once

#include <string>

#include "signet/core/action.h"

namespace xs::signet {

// chatId: the conv_ id or network group id every chat action takes. Admins
// may also name a chat by a unique short id or its name.
inline Param ChatIdParam(bool required = true) {
  return {"chatId", ParamType::kString,
          "The chat: its conv_ id or the network group id (hex); admin callers may also give a "
          "unique short id or the chat's name",
          required};
}

// as: an admin's assertion of which managed inbox acts (credentials act
// through their own inbox and need not give it).
inline Param AsParam() {
  return {
      "as", ParamType::kString,
      "Admin callers only: the managed inbox expected to act (inbox_ id, short id, label, network "
      "inbox id or wallet address); another inbox than the chat's is a validation error"};
}

// force: destructive actions answer a dry-run plan without it.
inline Param ForceParam(const std::string& what) {
  return {"force", ParamType::kBoolean,
          "true: really " + what + "; absent or false: only the plan is answered (dryRun) and " +
              "nothing changes"};
}

// ownerPassphrase: what an owner confirmation gate (decisions.md #13) or an
// admin read elevation asks for; never logged or audited.
inline Param OwnerPassphraseParam() {
  return {
      "ownerPassphrase", ParamType::kString,
      "The owner passphrase, needed when this action's owner confirmation is on (never logged)"};
}

// A reference to a stored record: its prefixed id, a unique short id or its
// label.
inline Param RecordRefParam(const std::string& name, const std::string& what,
                            const std::string& prefix, bool required = true) {
  return {name, ParamType::kString,
          "The " + what + ": its " + prefix + " id, a unique short id or its label", required};
}

// A list of names the handler reads with GetStringList: an array of strings
// or one comma-separated string.
inline Param NameListParam(const std::string& name, const std::string& description) {
  return {name, ParamType::kAny,
          description + " (an array of strings, or one comma-separated string)"};
}

}  // namespace xs::signet
