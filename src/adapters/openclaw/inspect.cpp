// toml++ reports parse errors by exception; they are caught here and never
// leave this file.
#include "adapters/openclaw/inspect.h"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "adapters/openclaw/adapter_manifest.h"
#include "adapters/openclaw/artifacts.h"
#include "adapters/openclaw/templates.h"
#include "signet/util/file_util.h"

namespace xs::adapters::openclaw {

namespace {

using Json = nlohmann::json;

constexpr const char* kSetupHint = "run `xs agent setup openclaw` to provision or repair";
constexpr const char* kForceHint =
    "run `xs agent setup openclaw --force` to re-provision and rewrite the artifacts";
// adapter.toml is small; anything bigger is not ours.
constexpr std::size_t kMaxAdapterTomlBytes = 64 * 1024;

std::string PathIn(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
}

bool IsDir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string Joined(const Json& list) {
  std::string out;
  for (const auto& item : list) out += (out.empty() ? "" : ", ") + item.get<std::string>();
  return out;
}

Json BaseDetails() {
  Json expected = Json::array();
  for (const auto& f : RequiredArtifacts()) expected.push_back(f);
  Json optional = Json::array();
  for (const auto& f : OptionalArtifacts()) optional.push_back(f);
  return {{"phase", "runtime"},
          {"bridgePhase", "read-only"},
          {"bridgeReady", true},
          {"expectedArtifacts", expected},
          {"optionalArtifacts", optional}};
}

// Fills the filesystem part of `details`; returns the status.
std::string InspectFiles(const std::string& data_dir, Json& details) {
  const std::string dir = AdapterDir(data_dir);
  const std::string checkpoints = CheckpointsDir(dir);
  const bool checkpoints_exist = IsDir(checkpoints);
  Json present = Json::array(), missing = Json::array(), optional = Json::array();
  for (const auto& f : RequiredArtifacts()) {
    (signet::FileExists(PathIn(dir, f)) ? present : missing).push_back(f);
  }
  for (const auto& f : OptionalArtifacts()) {
    if (signet::FileExists(PathIn(dir, f))) optional.push_back(f);
  }
  details["adapterDir"] = dir;
  details["checkpointsDir"] = checkpoints;
  details["checkpointsDirExists"] = checkpoints_exist;
  details["presentArtifacts"] = present;
  details["missingArtifacts"] = missing;
  details["presentOptionalArtifacts"] = optional;
  if (missing.empty() && checkpoints_exist) return "ok";
  if (present.empty() && !checkpoints_exist) return "missing";
  return "degraded";
}

// The [operators] / [policies] ids of adapter.toml by label.
struct RecordedIds {
  std::map<std::string, std::string> operators, policies;
  std::int64_t ws_port = 0;
};

Result<RecordedIds> ReadAdapterToml(const std::string& path) {
  XS_TRY(std::string text, signet::ReadSmallFile(path, kMaxAdapterTomlBytes));
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Error::Validation(kAdapterToml, "is not valid TOML: " + std::string(e.description()));
  }
  RecordedIds ids;
  ids.ws_port = root["transport"]["ws"]["port"].value_or(std::int64_t{0});
  for (const auto& t : OperatorTemplates()) {
    if (auto id = root["operators"][TomlKey(t.label)].value<std::string>()) {
      ids.operators[t.label] = *id;
    }
  }
  for (const auto& t : PolicyTemplates()) {
    if (auto id = root["policies"][TomlKey(t.label)].value<std::string>()) {
      ids.policies[t.label] = *id;
    }
  }
  return ids;
}

// {label: {id, exists}} for the labels of `labels`; ok false when one is
// unrecorded or unknown to the daemon.
Json Resolve(const std::vector<std::string>& labels, const std::map<std::string, std::string>& ids,
             const Json& records, bool& ok) {
  Json out = Json::object();
  for (const auto& label : labels) {
    auto it = ids.find(label);
    if (it == ids.end()) {
      out[label] = {{"id", nullptr}, {"exists", false}};
      ok = false;
      continue;
    }
    bool exists = false;
    for (const auto& r : records) exists |= r.value("id", "") == it->second;
    out[label] = {{"id", it->second}, {"exists", exists}};
    ok &= exists;
  }
  return out;
}

Json InspectProvisioning(const std::string& dir, const AdminCall& call,
                         std::int64_t* recorded_port) {
  auto ids = ReadAdapterToml(PathIn(dir, kAdapterToml));
  if (!ids.ok()) return {{"ok", false}, {"error", ids.error().message()}};
  *recorded_port = ids->ws_port;
  auto operators = call("operator.list", Json::object());
  if (!operators.ok()) return {{"ok", false}, {"error", operators.error().message()}};
  auto policies = call("policy.list", Json::object());
  if (!policies.ok()) return {{"ok", false}, {"error", policies.error().message()}};
  std::vector<std::string> op_labels, policy_labels;
  for (const auto& t : OperatorTemplates()) op_labels.push_back(t.label);
  for (const auto& t : PolicyTemplates()) policy_labels.push_back(t.label);
  bool ok = true;
  Json out = {{"operators", Resolve(op_labels, ids->operators, *operators, ok)},
              {"policies", Resolve(policy_labels, ids->policies, *policies, ok)}};
  out["ok"] = ok;
  return out;
}

void InspectDaemon(const InspectInput& input, Json& details) {
  if (!input.daemon.call) {
    details["daemon"] = {{"reachable", false}, {"error", input.daemon.error}};
    return;
  }
  auto status = input.daemon.call("daemon.status", Json::object());
  if (!status.ok()) {
    details["daemon"] = {{"reachable", false}, {"error", status.error().message()}};
    return;
  }
  Json daemon = {{"reachable", true},
                 {"state", status->value("state", "")},
                 {"wsPort", status->value("wsPort", Json())}};
  std::int64_t recorded_port = 0;
  details["provisioning"] =
      InspectProvisioning(details.value("adapterDir", ""), input.daemon.call, &recorded_port);
  if (recorded_port > 0) daemon["wsPortMatches"] = daemon["wsPort"] == recorded_port;
  details["daemon"] = std::move(daemon);
}

// Artifacts group or others may read ("file (mode 0644)").
Json LooseModes(const std::string& dir) {
  Json out = Json::array();
  std::vector<std::string> files = RequiredArtifacts();
  for (const auto& f : OptionalArtifacts()) files.push_back(f);
  for (const auto& f : files) {
    struct stat st {};
    if (::stat(PathIn(dir, f).c_str(), &st) != 0 || (st.st_mode & 077) == 0) continue;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    out.push_back({{"file", f}, {"mode", mode}});
  }
  return out;
}

void ProvisioningDiagnostics(const Json& provisioning, Json& diagnostics) {
  if (provisioning.contains("error")) {
    diagnostics.push_back("cannot check operator and policy ids: " +
                          provisioning["error"].get<std::string>() + "; " + kForceHint);
    return;
  }
  for (const char* kind : {"operators", "policies"}) {
    for (const auto& [label, entry] : provisioning[kind].items()) {
      if (entry.value("exists", false)) continue;
      std::string what = std::string(kind) == "operators" ? "operator " : "policy ";
      what += label;
      std::string line;
      if (entry["id"].is_string()) {
        line.append(what).append(" (").append(entry["id"].get<std::string>());
        line.append(") recorded in adapter.toml does not exist; ");
      } else {
        line.append("adapter.toml records no id for ").append(what).append("; ");
      }
      diagnostics.push_back(line.append(kForceHint));
    }
  }
}

// details.diagnostics and details.healthy (doctor).
void Diagnose(const std::string& status, Json& details) {
  Json d = Json::array();
  bool healthy = status == "ok";
  if (healthy) {
    d.push_back("adapter artifacts are present");
    d.push_back("read-only bridge primitives are available");
  } else {
    if (!details["missingArtifacts"].empty()) {
      d.push_back("missing artifacts: " + Joined(details["missingArtifacts"]));
    }
    if (!details.value("checkpointsDirExists", false)) {
      d.push_back("missing checkpoints directory: " + details.value("checkpointsDir", ""));
    }
    d.push_back(kSetupHint);
  }
  if (details["presentOptionalArtifacts"].empty()) {
    d.push_back(std::string(kMcpServerJson) +
                " (the OpenClaw mcp.servers entry) is missing; run `xs agent setup openclaw` to "
                "write it");
  }
  for (const auto& loose : LooseModes(details.value("adapterDir", ""))) {
    healthy = false;
    const std::string file = loose["file"].get<std::string>();
    d.push_back(file + " is readable by group or others (mode " + loose["mode"].get<std::string>() +
                "); run `chmod 600 " + PathIn(details.value("adapterDir", ""), file) + "`");
  }
  const Json& daemon = details["daemon"];
  if (!daemon.value("reachable", false)) {
    d.push_back("the signet daemon is not reachable (" + daemon.value("error", "") +
                "); start it with `xs daemon start` to check operator and policy provisioning");
  } else {
    if (!details["provisioning"].value("ok", false)) healthy = false;
    // A missing adapter.toml is reported above already.
    if (status == "ok") ProvisioningDiagnostics(details["provisioning"], d);
    if (daemon.contains("wsPortMatches") && !daemon["wsPortMatches"].get<bool>()) {
      healthy = false;
      d.push_back("adapter.toml records a WebSocket port the daemon no longer listens on; " +
                  std::string(kForceHint));
    }
  }
  details["diagnostics"] = d;
  details["healthy"] = healthy;
}

}  // namespace

Json Inspect(const InspectInput& input, bool doctor) {
  Json details = BaseDetails();
  std::string status = "missing";
  if (!input.data_dir) {
    details["error"] = input.config_error;
    if (doctor) {
      details["diagnostics"] =
          Json::array({input.config_error,
                       "fix the config file (or --config) and run `xs agent doctor "
                       "openclaw` again"});
      details["healthy"] = false;
    }
  } else {
    status = InspectFiles(*input.data_dir, details);
    InspectDaemon(input, details);
    if (doctor) Diagnose(status, details);
  }
  return {{"adapter", OpenClawManifest().name},
          {"adapterSource", kSourceBuiltin},
          {"status", status},
          {"details", details}};
}

int ExitCodeFor(const Json& report, bool doctor) {
  if (report.value("status", "") != "ok") return kNotOkExitCode;
  if (doctor && !report["details"].value("healthy", false)) return kNotOkExitCode;
  return 0;
}

Json InspectOpenClaw(const Result<signet::Config*>& config, bool doctor) {
  InspectInput input;
  if (!config.ok()) {
    input.config_error = config.error().message();
    return Inspect(input, doctor);
  }
  input.data_dir = (*config)->DataDir();
  auto client = ConnectAdmin(**config);
  if (client.ok()) {
    input.daemon.call = CallsOn(*client);
  } else {
    input.daemon.error = client.error().message();
  }
  return Inspect(input, doctor);
}

}  // namespace xs::adapters::openclaw
