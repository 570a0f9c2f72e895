// The action registry: the one entry point through which every surface (admin
// socket, HTTP, MCP, CLI via the admin socket) calls into the signet runtime.
// Method names are the action ids of shared/spec/transport.md §3
// ("operator.create", "credential.issue", ...). Params and results are JSON
// objects; errors are xs::Error values carrying the spec taxonomy.
//
// Thread contract: Call() may be invoked from several transport threads at
// once; the registry serializes access to state it owns.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace xs::signet {

using Json = nlohmann::json;

enum class Intent { kRead, kWrite, kDestroy };

// Who is calling: an authenticated admin (CLI / admin socket / HTTP admin) or
// a harness holding a credential (WS / MCP / HTTP credential routes).
struct CallContext {
  enum class Caller { kAdmin, kCredential };
  Caller caller = Caller::kAdmin;
  // Admin calls: fingerprint of the admin key that signed the JWT.
  std::string admin_key_fingerprint;
  // Credential calls: the authenticated credential id.
  std::string credential_id;
  // The admin passed --dangerously-allow-message-read / dangerouslyAllowMessageRead.
  bool dangerously_allow_message_read = false;
  // Request id for the result envelope's meta and for audit entries.
  std::string request_id;
};

// One declared parameter of an action. The registry builds the action's JSON
// Schema from its params (what MCP's tools/list shows) and checks every call
// against them before the handler runs: a present param of the wrong type, or
// a required one missing, is a validation error naming it. Undeclared keys
// pass through untouched (handlers still check values and forms).
//
//   r.Register({"message.list", "List a chat's messages", Intent::kRead, true, false, handler},
//              {{"chatId", ParamType::kString, "The chat: conv_ id or network id", true},
//               {"limit", ParamType::kInteger, "At most this many, newest"}});
enum class ParamType {
  kString,
  kInteger,
  kNumber,
  kBoolean,
  kObject,
  kArray,        // of anything
  kStringArray,  // of strings
  kStringOrObject,
  kAny,
};

struct Param {
  std::string name;
  ParamType type = ParamType::kString;
  std::string description;
  bool required = false;
  std::vector<std::string> one_of = {};  // allowed values of a string param; empty = any
};

struct ActionSpec {
  std::string id;           // "credential.issue"
  std::string description;  // one line, used for MCP titles and CLI help
  Intent intent = Intent::kRead;
  bool idempotent = false;
  bool admin_only = true;  // false: also callable with a credential (MCP/HTTP)
  std::function<Result<Json>(const Json& params, const CallContext& ctx)> handler;
  // The Runtime calls the handler without its lock; the handler takes
  // RuntimeState::lock itself around every touch of runtime state, so it can
  // release it while it waits on the network (a credential's send). The
  // admin audit entry is still written under the lock.
  bool locks_itself = false;
  // Declared params (see Param). Empty: no declared params; any object passes.
  std::vector<Param> params = {};
  // The MCP tool name when it is not the derived one (transport/mcp).
  std::string tool_name = {};
};

// {"type":"object","properties":{...},"required":[...]} for the spec's params.
Json InputSchema(const ActionSpec& spec);
// Validation error for the first param of `params` (an object) that breaks
// the spec's declarations, OK otherwise.
Status CheckParams(const ActionSpec& spec, const Json& params);

class ActionRegistry {
 public:
  void Register(ActionSpec spec);
  // The same, declaring the action's params (replacing spec.params).
  void Register(ActionSpec spec, std::vector<Param> params);
  const ActionSpec* Find(std::string_view id) const;
  std::vector<const ActionSpec*> List() const;

  // Validates that params is an object matching the declared params, and
  // dispatches. Unknown method -> not_found; a credential caller on an
  // admin-only action -> permission (checked before the params).
  Result<Json> Call(std::string_view method, const Json& params, const CallContext& ctx) const;

 private:
  std::map<std::string, ActionSpec, std::less<>> actions_;
};

}  // namespace xs::signet
