#include "adapters/openclaw/setup.h"

#include <sodium.h>

#include <filesystem>
#include <functional>

#include "adapters/openclaw/adapter_manifest.h"
#include "adapters/openclaw/artifacts.h"
#include "adapters/openclaw/templates.h"

namespace xs::adapters::openclaw {

namespace {

using Json = nlohmann::json;

struct Report {
  Json created = Json::array();
  Json reused = Json::array();
  void Add(bool was_created, std::string entry) {
    (was_created ? created : reused).push_back(std::move(entry));
  }
};

struct Daemon {
  std::string ws_host;
  std::int64_t ws_port = 0;
};

// The host a local client dials: the daemon's ws.host, loopback for a
// wildcard bind.
std::string DialHost(const Json& status) {
  std::string host = "127.0.0.1";
  if (status.contains("ws") && status["ws"].is_object()) host = status["ws"].value("host", host);
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::" || host == "[::]") return "::1";
  return host;
}

Result<Daemon> CheckDaemon(const AdminCall& call) {
  XS_TRY(Json status, call(kStatusMethod, Json::object()));
  const std::string state = status.value("state", "");
  if (state != "running") {
    return Error::Validation("signet.status", "Signet daemon must be running before adapter setup")
        .WithContext(Json{{"field", "signet.status"}, {"state", state}}.dump());
  }
  const Json port = status.value("wsPort", Json());
  if (!port.is_number_integer() || port.get<std::int64_t>() <= 0) {
    return Error::Validation("signet.wsPort",
                             "WebSocket transport must be enabled before adapter setup")
        .WithContext(Json{{"field", "signet.wsPort"}, {"wsPort", port}}.dump());
  }
  return Daemon{DialHost(status), port.get<std::int64_t>()};
}

// The id of the one record labelled `label` in `records` (empty when none);
// several are a validation error.
Result<std::string> FindByLabel(const Json& records, const std::string& kind,
                                const std::string& label) {
  Json matches = Json::array();
  if (records.is_array()) {
    for (const auto& r : records) {
      if (r.contains("config") && r["config"].value("label", "") == label) {
        matches.push_back(r.value("id", ""));
      }
    }
  }
  if (matches.size() > 1) {
    const std::string field = kind + ".label";
    return Error::Validation(field, "more than one " + kind + " uses the label '" + label +
                                        "'; remove or rename the extra ones")
        .WithContext(Json{{"field", field}, {"label", label}, {"matches", matches}}.dump());
  }
  return matches.empty() ? std::string() : matches[0].get<std::string>();
}

// Makes sure one record per label exists: `kind` "operator" | "policy".
Result<LabelIds> Provision(const AdminCall& call, const std::string& kind,
                           const std::vector<Json>& templates, Report& report) {
  XS_TRY(Json existing, call(kind + ".list", Json::object()));
  LabelIds ids;
  for (const Json& t : templates) {
    const std::string label = t.at("label").get<std::string>();
    XS_TRY(std::string id, FindByLabel(existing, kind, label));
    const bool create = id.empty();
    if (create) {
      XS_TRY(Json record, call(kind + ".create", t));
      id = record.value("id", "");
      if (id.empty()) {
        return Error::Internal(
            std::string(kind).append(".create returned no id for ").append(label));
      }
    }
    report.Add(create, std::string(kind).append(":").append(label));
    ids.emplace_back(label, std::move(id));
  }
  return ids;
}

std::vector<Json> OperatorParams(const SetupOptions& options) {
  std::vector<Json> out;
  for (const auto& t : OperatorTemplates()) {
    Json p = t.ToJson();
    if (options.owner_passphrase) p["ownerPassphrase"] = *options.owner_passphrase;
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Json> PolicyParams() {
  std::vector<Json> out;
  for (const auto& t : PolicyTemplates()) out.push_back(t.ToJson());
  return out;
}

void WipeParams(std::vector<Json>& params) {
  for (auto& p : params) {
    if (!p.contains("ownerPassphrase")) continue;
    auto& s = p["ownerPassphrase"].get_ref<std::string&>();
    sodium_memzero(s.data(), s.size());
    p.erase("ownerPassphrase");
  }
}

Json NextSteps(const std::string& adapter_dir, bool stale_files) {
  const std::string mcp = (std::filesystem::path(adapter_dir) / kMcpServerJson).string();
  Json steps = Json::array();
  if (stale_files) {
    steps.push_back(
        "Operators or policies were created while existing artifacts were kept: run `xs agent "
        "setup openclaw --force` so the artifacts record the new ids.");
  }
  steps.push_back(std::string("Issue a credential for OpenClaw: `xs cred issue --op ") +
                  kMainOperator + " --chat <chat-id> --policy " + kDefaultPolicy +
                  " --json` (the token is printed once).");
  steps.push_back(std::string("Put that token into the \"env\" of ") + mcp + " as " +
                  kCredentialTokenEnv + " (the file holds no token).");
  steps.push_back(std::string("Register the MCP server with OpenClaw: `openclaw mcp set ") +
                  kMcpServerName + " \"$(cat " + mcp + ")\"`, then `openclaw mcp probe " +
                  kMcpServerName + "`.");
  steps.push_back("Check the adapter with `xs agent status openclaw` (or `doctor`).");
  return steps;
}

}  // namespace

Result<Json> RunSetup(const SetupOptions& options, const AdminCall& call) {
  XS_TRY(Daemon daemon, CheckDaemon(call));
  Report report;
  std::vector<Json> operator_params = OperatorParams(options);
  auto operators = Provision(call, "operator", operator_params, report);
  WipeParams(operator_params);
  if (!operators.ok()) return std::move(operators).error();
  XS_TRY(LabelIds policies, Provision(call, "policy", PolicyParams(), report));
  const bool provisioned_new = !report.created.empty();

  const std::string adapter_dir = AdapterDir(options.data_dir);
  XS_RETURN_IF_ERROR(MakeAdapterDirs(adapter_dir));
  ArtifactInputs inputs{options.config_path, options.data_dir, options.admin_socket,
                        daemon.ws_host,      daemon.ws_port,   options.xs_binary,
                        *operators,          policies,         options.mcp_env};
  Json artifacts = Json::object();
  bool kept_ids = false;  // a kept file records ids (all but the manifest and the MCP entry)
  std::vector<std::string> files = RequiredArtifacts();
  for (const auto& f : OptionalArtifacts()) files.push_back(f);
  for (const auto& file : files) {
    const std::string path = (std::filesystem::path(adapter_dir) / file).string();
    XS_TRY(WriteOutcome outcome, WriteArtifact(path, RenderArtifact(file, inputs), options.force));
    const bool has_ids = file != kManifestToml && file != kMcpServerJson;
    kept_ids |= has_ids && outcome == WriteOutcome::kReused;
    report.Add(outcome == WriteOutcome::kCreated, "artifact:" + file);
    artifacts[file] = path;
  }
  return Json{{"adapter", OpenClawManifest().name},
              {"adapterSource", kSourceBuiltin},
              {"status", "ok"},
              {"created", report.created},
              {"reused", report.reused},
              {"artifacts", artifacts},
              {"nextSteps", NextSteps(adapter_dir, provisioned_new && kept_ids)}};
}

Result<Json> SetupOpenClaw(const signet::Config& config, SetupOptions options) {
  auto client = ConnectAdmin(config);
  if (!client.ok()) {
    Error e = std::move(client).error();
    if (e.IsNetwork())
      return std::move(e).Within("Signet daemon must be running before adapter setup");
    return e;
  }
  options.data_dir = config.DataDir();
  options.admin_socket = config.SocketPath();
  options.mcp_env = {{"XDG_CONFIG_HOME", config.dirs.config_home},
                     {"XDG_DATA_HOME", config.dirs.data_home},
                     {"XDG_STATE_HOME", config.dirs.state_home},
                     {"XDG_RUNTIME_DIR", config.dirs.runtime_base}};
  return RunSetup(options, CallsOn(*client));
}

}  // namespace xs::adapters::openclaw
