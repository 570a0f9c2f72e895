#include "signet/core/action.h"

namespace xs::signet {

void ActionRegistry::Register(ActionSpec spec) {
  std::string id = spec.id;
  actions_[id] = std::move(spec);
}

const ActionSpec* ActionRegistry::Find(std::string_view id) const {
  auto it = actions_.find(id);
  return it == actions_.end() ? nullptr : &it->second;
}

std::vector<const ActionSpec*> ActionRegistry::List() const {
  std::vector<const ActionSpec*> out;
  for (const auto& [id, spec] : actions_) out.push_back(&spec);
  return out;
}

Result<Json> ActionRegistry::Call(std::string_view method, const Json& params,
                                  const CallContext& ctx) const {
  const ActionSpec* spec = Find(method);
  if (spec == nullptr) return Error::NotFound("unknown action: " + std::string(method));
  if (ctx.caller == CallContext::Caller::kCredential && spec->admin_only) {
    return Error::Permission("action " + std::string(method) + " is not available to credentials");
  }
  if (params.is_null()) return spec->handler(Json::object(), ctx);
  if (!params.is_object()) return Error::Validation("params", "must be a JSON object");
  return spec->handler(params, ctx);
}

}  // namespace xs::signet
