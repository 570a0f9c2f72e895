#include "adapters/openclaw/artifacts.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "adapters/openclaw/adapter_manifest.h"
#include "adapters/openclaw/templates.h"
#include "signet/util/file_util.h"

namespace xs::adapters::openclaw {

namespace {

using Json = nlohmann::json;

constexpr int kJsonIndent = 2;

std::string JsonText(const Json& doc) {
  return doc.dump(kJsonIndent, ' ', false, Json::error_handler_t::replace) + "\n";
}

Json IdMap(const LabelIds& ids) {
  Json out = Json::object();
  for (const auto& [label, id] : ids) out[label] = id;
  return out;
}

std::string IdOf(const LabelIds& ids, const std::string& label) {
  auto it = std::find_if(ids.begin(), ids.end(), [&](const auto& p) { return p.first == label; });
  return it == ids.end() ? std::string() : it->second;
}

void TomlIdTable(std::ostringstream& out, const char* table, const LabelIds& ids) {
  out << "\n[" << table << "]\n";
  for (const auto& [label, id] : ids) out << TomlKey(label) << " = " << TomlString(id) << "\n";
}

std::string AdapterToml(const ArtifactInputs& in) {
  const std::string root = AdapterDir(in.data_dir);
  std::ostringstream out;
  out << "[adapter]\nname = " << TomlString(OpenClawManifest().name)
      << "\nsource = " << TomlString(kSourceBuiltin) << "\n";
  out << "\n[transport.ws]\nhost = " << TomlString(in.ws_host) << "\nport = " << in.ws_port
      << "\nurl = " << TomlString(WsUrl(in.ws_host, in.ws_port)) << "\n";
  out << "\n[paths]\nroot = " << TomlString(root)
      << "\ncheckpoints = " << TomlString(CheckpointsDir(root)) << "\n";
  TomlIdTable(out, "operators", in.operators);
  TomlIdTable(out, "policies", in.policies);
  return out.str();
}

std::string AccountJson(const ArtifactInputs& in) {
  return JsonText({{"adapter", OpenClawManifest().name},
                   {"source", kSourceBuiltin},
                   {"signet",
                    {{"configPath", in.config_path},
                     {"dataDir", in.data_dir},
                     {"adminSocket", in.admin_socket},
                     {"wsPort", in.ws_port}}},
                   {"operators", IdMap(in.operators)},
                   {"policies", IdMap(in.policies)}});
}

std::string OperatorTemplatesJson(const ArtifactInputs& in) {
  Json out = Json::object();
  for (const auto& t : OperatorTemplates()) {
    Json entry = t.ToJson();
    entry["operatorId"] = IdOf(in.operators, t.label);
    out[t.label] = std::move(entry);
  }
  return JsonText(out);
}

std::string PolicyTemplatesJson(const ArtifactInputs& in) {
  Json out = Json::object();
  for (const auto& t : PolicyTemplates()) {
    Json entry = t.ToJson();
    entry["policyId"] = IdOf(in.policies, t.label);
    out[t.label] = std::move(entry);
  }
  return JsonText(out);
}

Status SetMode(const std::string& path, mode_t mode) {
  if (::chmod(path.c_str(), mode) != 0) return Error::Internal("cannot set the mode of " + path);
  return OkStatus();
}

}  // namespace

const std::vector<std::string>& RequiredArtifacts() {
  static const std::vector<std::string> kFiles = {kAdapterToml, kManifestToml, kAccountJson,
                                                  kOperatorTemplatesJson, kPolicyTemplatesJson};
  return kFiles;
}

const std::vector<std::string>& OptionalArtifacts() {
  static const std::vector<std::string> kFiles = {kMcpServerJson};
  return kFiles;
}

std::string AdapterDir(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "adapters" / "openclaw").string();
}

std::string CheckpointsDir(const std::string& adapter_dir) {
  return (std::filesystem::path(adapter_dir) / kCheckpointsDirName).string();
}

std::string TomlKey(const std::string& label) {
  std::string key = label;
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

std::string WsUrl(const std::string& host, std::int64_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return "ws://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/v1/agent";
}

Json McpServerEntry(const std::string& xs_binary, const std::string& config_path,
                    const std::map<std::string, std::string>& env) {
  Json vars = Json::object();
  for (const auto& [name, value] : env) {
    if (!value.empty()) vars[name] = value;
  }
  return {{"command", xs_binary},
          {"args", Json::array({"mcp", "--config", config_path})},
          {"env", std::move(vars)}};
}

std::string RenderArtifact(const std::string& file, const ArtifactInputs& in) {
  if (file == kAdapterToml) return AdapterToml(in);
  if (file == kManifestToml) return ManifestToToml(OpenClawManifest());
  if (file == kAccountJson) return AccountJson(in);
  if (file == kOperatorTemplatesJson) return OperatorTemplatesJson(in);
  if (file == kPolicyTemplatesJson) return PolicyTemplatesJson(in);
  if (file == kMcpServerJson)
    return JsonText(McpServerEntry(in.xs_binary, in.config_path, in.mcp_env));
  return {};
}

Status MakeAdapterDirs(const std::string& adapter_dir) {
  const std::string checkpoints = CheckpointsDir(adapter_dir);
  XS_RETURN_IF_ERROR(signet::MakeDirs(checkpoints));
  XS_RETURN_IF_ERROR(SetMode(adapter_dir, signet::kPrivateDirMode));
  return SetMode(checkpoints, signet::kPrivateDirMode);
}

Result<WriteOutcome> WriteArtifact(const std::string& path, const std::string& text, bool force) {
  if (!force && signet::FileExists(path)) return WriteOutcome::kReused;
  XS_RETURN_IF_ERROR(signet::WriteFileAtomic(path, text, signet::kPrivateFileMode));
  return WriteOutcome::kCreated;
}

}  // namespace xs::adapters::openclaw
