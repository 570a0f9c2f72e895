// MCP tools over the action registry (docs/mcp.md "Tools"): every action a
// credential may call (ActionSpec::admin_only == false) is one tool, named
// spec.tool_name or the action id with '.' and '-' turned into '_'
// ("message.send" -> message_send). The catalog is built once: the registry
// is fixed once the daemon has started.
//
// Calling an admin-only action by its derived name or by the reference
// implementation's "signet/<id with '.' -> '/'>" name is a tool error with a
// permission envelope (decisions.md #22); a name no action answers to is a
// JSON-RPC invalid-params error. Tool results carry the result envelope of
// decisions.md #15 ({ok, data|error, meta}) as pretty JSON text and as
// structuredContent; isError is !ok.
//
// Thread contract: a built ToolCatalog is immutable and may be shared by
// every session; CallTool runs the action on the calling thread (it may
// block) and is as thread-safe as the registry.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "signet/core/action.h"
#include "transport/admin/admin_protocol.h"

namespace xs::transport::mcp {

using Json = nlohmann::json;

// spec.tool_name, else the id with '.' and '-' -> '_'.
std::string ToolName(const signet::ActionSpec& spec);
// The id with '.' and '-' -> '_' ("chat.update-profile" -> chat_update_profile).
std::string DerivedToolName(std::string_view action_id);
// The reference implementation's form: "signet/" + the id with '.' -> '/'.
std::string ReferenceToolName(std::string_view action_id);

class ToolCatalog {
 public:
  // `registry` may be null (no tools); it must outlive the catalog.
  explicit ToolCatalog(const signet::ActionRegistry* registry);

  // The `tools` array of the tools/list result.
  const Json& tools() const { return tools_; }

  struct Match {
    const signet::ActionSpec* spec = nullptr;
    bool admin_only = false;
  };
  // The action a tools/call name refers to: a listed tool by its name, or
  // any action by its derived or reference name. nullopt: no such tool.
  std::optional<Match> Find(std::string_view name) const;

 private:
  Json tools_ = Json::array();
  std::map<std::string, Match, std::less<>> by_name_;
};

// The decisions-15 envelope of a result.
Json Envelope(const Result<Json>& result, const ResponseMeta& meta);
// The CallToolResult carrying `envelope`.
Json ToolResult(const Json& envelope);

// tools/call with `params` ({name, arguments?}) for `credential_id`.
// `credential_status` runs after the tool is resolved and before the action:
// an error there becomes the tool error (auth). Returns the CallToolResult,
// or the error a JSON-RPC invalid-params answer carries: validation when
// params.name is not a string, not_found "Unknown tool: <name>".
Result<Json> CallTool(const ToolCatalog& catalog, const signet::ActionRegistry& registry,
                      const Json& params, const std::string& credential_id,
                      const std::function<Status()>& credential_status);

}  // namespace xs::transport::mcp
