#include "transport/mcp/mcp_tools.h"

#include <algorithm>
#include <chrono>

#include "base/clock.h"
#include "signet/util/util.h"
#include "transport/admin/json_rpc.h"

namespace xs::transport::mcp {

namespace {

std::string Replaced(std::string_view id, std::string_view from, char to) {
  std::string out(id);
  for (char& c : out) {
    if (from.find(c) != std::string_view::npos) c = to;
  }
  return out;
}

Json ToolJson(const signet::ActionSpec& spec) {
  return {{"name", ToolName(spec)},
          {"description", spec.description},
          {"inputSchema", signet::InputSchema(spec)},
          {"annotations",
           {{"title", spec.description},
            {"readOnlyHint", spec.intent == signet::Intent::kRead},
            {"destructiveHint", spec.intent == signet::Intent::kDestroy},
            {"idempotentHint", spec.idempotent}}}};
}

}  // namespace

std::string DerivedToolName(std::string_view action_id) { return Replaced(action_id, ".-", '_'); }

std::string ToolName(const signet::ActionSpec& spec) {
  return spec.tool_name.empty() ? DerivedToolName(spec.id) : spec.tool_name;
}

std::string ReferenceToolName(std::string_view action_id) {
  return "signet/" + Replaced(action_id, ".", '/');
}

ToolCatalog::ToolCatalog(const signet::ActionRegistry* registry) {
  if (registry == nullptr) return;
  std::vector<const signet::ActionSpec*> specs = registry->List();
  // Listed names first, so an alias never shadows a tool.
  for (const signet::ActionSpec* spec : specs) {
    if (spec->admin_only) continue;
    if (by_name_.emplace(ToolName(*spec), Match{spec, false}).second) {
      tools_.push_back(ToolJson(*spec));
    }
  }
  for (const signet::ActionSpec* spec : specs) {
    by_name_.emplace(DerivedToolName(spec->id), Match{spec, spec->admin_only});
    by_name_.emplace(ReferenceToolName(spec->id), Match{spec, spec->admin_only});
  }
}

std::optional<ToolCatalog::Match> ToolCatalog::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

Json Envelope(const Result<Json>& result, const ResponseMeta& meta) {
  if (result.ok()) return {{"ok", true}, {"data", *result}, {"meta", MetaJson(meta)}};
  return {{"ok", false}, {"error", ErrorObject(result.error())}, {"meta", MetaJson(meta)}};
}

Json ToolResult(const Json& envelope) {
  const bool ok = envelope.value("ok", false);
  Json text = {{"type", "text"},
               {"text", envelope.dump(2, ' ', false, Json::error_handler_t::replace)}};
  return {{"content", Json::array({std::move(text)})},
          {"structuredContent", envelope},
          {"isError", !ok}};
}

Result<Json> CallTool(const ToolCatalog& catalog, const signet::ActionRegistry& registry,
                      const Json& params, const std::string& credential_id,
                      const std::function<Status()>& credential_status) {
  auto name = params.find("name");
  if (name == params.end() || !name->is_string()) {
    return Error::Validation("name", "tools/call needs params.name, a string");
  }
  const std::string& tool = name->get_ref<const std::string&>();
  std::optional<ToolCatalog::Match> match = catalog.Find(tool);
  if (!match) return Error::NotFound("Unknown tool: " + tool);

  ResponseMeta meta{signet::NewPrefixedId("req_"), SystemClock::Get()->NowMs(), 0};
  const auto start = std::chrono::steady_clock::now();
  auto finish = [&meta, start](Result<Json> result) {
    meta.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return ToolResult(Envelope(result, meta));
  };
  if (match->admin_only) {
    return finish(Error::Permission("Tool " + tool +
                                    " manages the signet and is not available to credentials"));
  }
  if (Status status = credential_status(); !status.ok()) return finish(status.error());
  Json arguments = Json::object();
  if (auto it = params.find("arguments"); it != params.end() && !it->is_null()) {
    if (!it->is_object()) {
      return finish(Error::Validation("arguments", "must be a JSON object"));
    }
    arguments = *it;
  }
  signet::CallContext ctx;
  ctx.caller = signet::CallContext::Caller::kCredential;
  ctx.credential_id = credential_id;
  ctx.request_id = meta.request_id;
  RpcRequest request{nullptr, match->spec->id, std::move(arguments)};
  const RpcMethodTable no_methods;
  return finish(Dispatch(request, no_methods, registry, ctx));
}

}  // namespace xs::transport::mcp
