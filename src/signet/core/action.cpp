#include "signet/core/action.h"

#include <algorithm>
#include <cmath>

namespace xs::signet {

namespace {

Json TypeSchema(ParamType type) {
  switch (type) {
    case ParamType::kString:
      return {{"type", "string"}};
    case ParamType::kInteger:
      return {{"type", "integer"}};
    case ParamType::kNumber:
      return {{"type", "number"}};
    case ParamType::kBoolean:
      return {{"type", "boolean"}};
    case ParamType::kObject:
      return {{"type", "object"}};
    case ParamType::kArray:
      return {{"type", "array"}};
    case ParamType::kStringArray:
      return {{"type", "array"}, {"items", {{"type", "string"}}}};
    case ParamType::kStringOrObject:
      return {{"type", Json::array({"string", "object"})}};
    case ParamType::kAny:
      break;
  }
  return Json::object();
}

bool HasType(const Json& v, ParamType type) {
  switch (type) {
    case ParamType::kString:
      return v.is_string();
    case ParamType::kInteger:
      return v.is_number_integer() || (v.is_number_float() && std::isfinite(v.get<double>()) &&
                                       std::trunc(v.get<double>()) == v.get<double>());
    case ParamType::kNumber:
      return v.is_number();
    case ParamType::kBoolean:
      return v.is_boolean();
    case ParamType::kObject:
      return v.is_object();
    case ParamType::kArray:
      return v.is_array();
    case ParamType::kStringArray:
      return v.is_array() &&
             std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_string(); });
    case ParamType::kStringOrObject:
      return v.is_string() || v.is_object();
    case ParamType::kAny:
      break;
  }
  return true;
}

const char* TypeName(ParamType type) {
  switch (type) {
    case ParamType::kString:
      return "a string";
    case ParamType::kInteger:
      return "an integer";
    case ParamType::kNumber:
      return "a number";
    case ParamType::kBoolean:
      return "a boolean";
    case ParamType::kObject:
      return "an object";
    case ParamType::kArray:
      return "an array";
    case ParamType::kStringArray:
      return "an array of strings";
    case ParamType::kStringOrObject:
      return "a string or an object";
    case ParamType::kAny:
      break;
  }
  return "a value";
}

}  // namespace

Json InputSchema(const ActionSpec& spec) {
  Json properties = Json::object();
  Json required = Json::array();
  for (const Param& p : spec.params) {
    Json prop = TypeSchema(p.type);
    if (!p.description.empty()) prop["description"] = p.description;
    if (!p.one_of.empty()) prop["enum"] = p.one_of;
    properties[p.name] = std::move(prop);
    if (p.required) required.push_back(p.name);
  }
  Json schema = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

Status CheckParams(const ActionSpec& spec, const Json& params) {
  for (const Param& p : spec.params) {
    auto it = params.find(p.name);
    if (it == params.end() || it->is_null()) {
      if (p.required) return Error::Validation(p.name, "is required");
      continue;
    }
    if (!HasType(*it, p.type)) {
      return Error::Validation(p.name, std::string("must be ") + TypeName(p.type));
    }
    if (!p.one_of.empty() &&
        std::find(p.one_of.begin(), p.one_of.end(), it->get<std::string>()) == p.one_of.end()) {
      std::string allowed;
      for (const auto& v : p.one_of) allowed += (allowed.empty() ? "" : ", ") + v;
      return Error::Validation(p.name, "must be one of: " + allowed);
    }
  }
  return OkStatus();
}

void ActionRegistry::Register(ActionSpec spec) {
  std::string id = spec.id;
  actions_[id] = std::move(spec);
}

void ActionRegistry::Register(ActionSpec spec, std::vector<Param> params) {
  spec.params = std::move(params);
  Register(std::move(spec));
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
  if (params.is_null()) {
    const Json empty = Json::object();
    XS_RETURN_IF_ERROR(CheckParams(*spec, empty));
    return spec->handler(empty, ctx);
  }
  if (!params.is_object()) return Error::Validation("params", "must be a JSON object");
  XS_RETURN_IF_ERROR(CheckParams(*spec, params));
  return spec->handler(params, ctx);
}

}  // namespace xs::signet
