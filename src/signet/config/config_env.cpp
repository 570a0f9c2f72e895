// XMTP_SIGNET_* environment overrides (cli.md "Environment overrides" and
// decisions.md #8). A malformed value is a validation error naming the
// variable (decisions.md #16); an empty value counts as unset.
#include <charconv>
#include <filesystem>

#include "signet/config/config.h"
#include "signet/config/config_fields.h"

namespace xs::signet {

namespace {

using config_internal::FieldPtr;
using config_internal::FieldSpec;

Result<std::int64_t> ParseInteger(const std::string& variable, const std::string& text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) {
    return Error::Validation(variable, "must be an integer, got '" + text + "'");
  }
  return value;
}

Result<bool> ParseBoolean(const std::string& variable, const std::string& text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return Error::Validation(variable, "must be true or false, got '" + text + "'");
}

std::string AbsolutePath(const std::string& path, const std::string& home) {
  std::string expanded = ExpandHome(path, home);
  std::error_code ec;
  auto absolute = std::filesystem::absolute(expanded, ec);
  return ec ? expanded : absolute.lexically_normal().string();
}

}  // namespace

Status ApplyEnvironment(const EnvMap& env, Config* config) {
  for (const FieldSpec& spec : config_internal::Fields()) {
    if (spec.env.empty()) continue;
    auto text = EnvValue(env, spec.env);
    if (!text) continue;
    const std::string variable(spec.env);
    FieldPtr ptr = spec.field(*config);
    if (auto* s = std::get_if<std::string*>(&ptr)) {
      **s = *text;
    } else if (auto* os = std::get_if<std::optional<std::string>*>(&ptr)) {
      // The only optional string with a variable is signet.dataDir.
      **os = AbsolutePath(*text, config->dirs.home);
    } else if (auto* b = std::get_if<bool*>(&ptr)) {
      XS_TRY(**b, ParseBoolean(variable, *text));
    } else if (auto* i = std::get_if<std::int64_t*>(&ptr)) {
      XS_TRY(**i, ParseInteger(variable, *text));
    } else if (auto* oi = std::get_if<std::optional<std::int64_t>*>(&ptr)) {
      XS_TRY(**oi, ParseInteger(variable, *text));
    }
    config->env_sources[spec.Key()] = variable;
  }
  return OkStatus();
}

}  // namespace xs::signet
