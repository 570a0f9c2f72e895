#include "adapters/openclaw/adapter_registry.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace xs::adapters::openclaw {

namespace {

std::vector<std::string> CommonArgs(const AdapterRequest& request) {
  std::vector<std::string> args = {"--config", request.config_path};
  if (request.json) args.emplace_back("--json");
  if (request.force) args.emplace_back("--force");
  return args;
}

Result<ResolvedAdapter> ResolveExternal(const signet::Config& config, const AdapterRequest& request,
                                        const signet::AdapterConfig& entry) {
  const std::string prefix = "agent.adapters." + request.harness;
  if (!entry.manifest || entry.manifest->empty()) {
    return Error::Validation(prefix + ".manifest", "is required when source is 'external'");
  }
  if (!entry.command || entry.command->empty()) {
    return Error::Validation(prefix + ".command", "is required when source is 'external'");
  }
  const std::string manifest_path = ResolveAgainstConfig(config, *entry.manifest);
  XS_TRY(AdapterManifest manifest, LoadManifestFile(manifest_path));
  XS_RETURN_IF_ERROR(ValidateExternal(manifest, request.harness));
  XS_RETURN_IF_ERROR(CheckVerb(manifest, request.verb));

  ResolvedAdapter out;
  out.name = request.harness;
  out.source = std::string(kSourceExternal);
  out.program = ResolveAgainstConfig(config, *entry.command);
  out.args = {std::string(VerbName(request.verb)), "--adapter", request.harness, "--entrypoint",
              manifest.Entrypoint(request.verb)};
  for (auto& a : CommonArgs(request)) out.args.push_back(std::move(a));
  out.manifest = std::move(manifest);
  return out;
}

Result<ResolvedAdapter> ResolveBuiltin(const AdapterManifest& manifest,
                                       const AdapterRequest& request, const std::string& self_exe) {
  XS_RETURN_IF_ERROR(CheckVerb(manifest, request.verb));
  ResolvedAdapter out;
  out.name = manifest.name;
  out.source = std::string(kSourceBuiltin);
  out.manifest = manifest;
  out.program = self_exe;
  out.args = {std::string(kAdapterEntryCommand), manifest.name,
              std::string(VerbName(request.verb))};
  for (auto& a : CommonArgs(request)) out.args.push_back(std::move(a));
  return out;
}

Error UnknownAdapter(const std::string& what, const std::string& harness) {
  return Error::NotFound("no " + what + " named '" + harness + "'")
      .WithContext(Json{{"adapter", harness},
                        {"hint",
                         "built-in adapters: openclaw; external ones are declared as "
                         "[agent.adapters.<name>] in config.toml"}}
                       .dump());
}

}  // namespace

const AdapterManifest* FindBuiltinAdapter(std::string_view name) {
  const AdapterManifest& openclaw = OpenClawManifest();
  return name == openclaw.name ? &openclaw : nullptr;
}

Result<ResolvedAdapter> ResolveAdapter(const signet::Config& config, const AdapterRequest& request,
                                       const std::string& self_exe) {
  auto entry = config.adapters.find(request.harness);
  if (entry != config.adapters.end() && entry->second.source == kSourceExternal) {
    return ResolveExternal(config, request, entry->second);
  }
  if (const AdapterManifest* builtin = FindBuiltinAdapter(request.harness)) {
    return ResolveBuiltin(*builtin, request, self_exe);
  }
  if (entry != config.adapters.end()) return UnknownAdapter("built-in adapter", request.harness);
  return UnknownAdapter("adapter", request.harness);
}

Result<std::string> SelfExecutable() {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return Error::Internal("cannot find the running executable: " + ec.message());
  return self.string();
}

std::string ResolveAgainstConfig(const signet::Config& config, const std::string& target) {
  std::filesystem::path p(signet::ExpandHome(target, config.dirs.home));
  if (p.is_absolute()) return p.lexically_normal().string();
  return (std::filesystem::absolute(config.ConfigDir()) / p).lexically_normal().string();
}

}  // namespace xs::adapters::openclaw
