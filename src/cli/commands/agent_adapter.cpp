// xs agent-adapter <harness> <verb> (hidden): the process a built-in harness
// adapter runs in. `xs agent <verb> <harness>` starts it (the running `xs`
// executable again) and passes its output and exit code through; see
// adapters/openclaw/adapter_registry.h.
//
//   setup          adapters/openclaw/setup.h; exit 0, or the error's code
//   status/doctor  adapters/openclaw/inspect.h; exit 0 when ok (doctor:
//                  healthy), 3 otherwise, the report printed either way
#include <filesystem>

#include "adapters/openclaw/adapter_registry.h"
#include "adapters/openclaw/inspect.h"
#include "adapters/openclaw/setup.h"
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

namespace oc = adapters::openclaw;

std::string AbsoluteConfigPath(const signet::Config& config) {
  return std::filesystem::absolute(config.config_path).lexically_normal().string();
}

void PrintSetup(std::ostream& out, const Json& r) {
  out << "OpenClaw adapter set up (" << HumanValue(r["status"]) << ")\n";
  PrintFields(out, {{"created", r["created"]}, {"reused", r["reused"]}});
  out << "\nArtifacts:\n";
  Fields artifacts;
  for (const auto& [file, path] : r["artifacts"].items()) artifacts.emplace_back(file, path);
  PrintFields(out, artifacts);
  out << "\nNext steps:\n";
  int n = 0;
  for (const auto& step : r["nextSteps"]) out << "  " << ++n << ". " << HumanValue(step) << "\n";
}

Status Setup(Invocation& inv) {
  XS_TRY(signet::Config * config, inv.config(/*allow_missing_file=*/true));
  oc::SetupOptions options;
  options.config_path = AbsoluteConfigPath(*config);
  XS_TRY(options.xs_binary, oc::SelfExecutable());
  options.force = inv.args().Bool("force");
  XS_TRY(options.owner_passphrase, inv.OwnerPassphrase());
  XS_TRY(Json result, oc::SetupOpenClaw(*config, std::move(options)));
  inv.Emit(result, [&](std::ostream& out) { PrintSetup(out, result); });
  return OkStatus();
}

std::string DaemonLine(const Json& daemon) {
  if (!daemon.value("reachable", false)) return "unreachable: " + daemon.value("error", "");
  std::string line = "reachable, ws port " + HumanValue(daemon.value("wsPort", Json()));
  if (daemon.contains("wsPortMatches") && !daemon["wsPortMatches"].get<bool>()) {
    line += " (adapter.toml records another port)";
  }
  return line;
}

std::string ProvisioningLine(const Json& p) {
  if (p.contains("error")) return "unknown: " + p["error"].get<std::string>();
  std::string unresolved;
  for (const char* kind : {"operators", "policies"}) {
    for (const auto& [label, entry] : p[kind].items()) {
      if (!entry.value("exists", false)) unresolved += (unresolved.empty() ? "" : ", ") + label;
    }
  }
  return unresolved.empty() ? "ok (every recorded id resolves)" : "unresolved: " + unresolved;
}

void PrintReport(std::ostream& out, const Json& r) {
  const Json& d = r["details"];
  out << r.value("adapter", "") << " (" << r.value("adapterSource", "")
      << "): " << HumanValue(r["status"]) << "\n";
  if (d.contains("error")) {
    PrintFields(out, {{"error", d["error"]}});
  } else {
    const std::size_t present = d["presentArtifacts"].size();
    const std::size_t expected = d["expectedArtifacts"].size();
    Fields fields = {
        {"adapter dir", d["adapterDir"]},
        {"checkpoints", d.value("checkpointsDir", "") +
                            (d.value("checkpointsDirExists", false) ? "" : " (missing)")},
        {"artifacts", std::to_string(present) + " of " + std::to_string(expected) + " present"},
        {"missing", d["missingArtifacts"]},
        {"mcp entry", d["presentOptionalArtifacts"].empty() ? "missing" : "present"},
        {"daemon", DaemonLine(d["daemon"])}};
    if (d.contains("provisioning")) {
      fields.emplace_back("provisioning", ProvisioningLine(d["provisioning"]));
    }
    PrintFields(out, fields);
  }
  if (d.contains("diagnostics")) {
    out << "\nDiagnostics:\n";
    for (const auto& line : d["diagnostics"]) out << "  - " << HumanValue(line) << "\n";
  }
}

Status Inspect(Invocation& inv, bool doctor) {
  Json report = oc::InspectOpenClaw(inv.config(/*allow_missing_file=*/true), doctor);
  inv.Emit(report, [&](std::ostream& out) { PrintReport(out, report); });
  inv.set_exit_code(oc::ExitCodeFor(report, doctor));
  return OkStatus();
}

// The verbs a built-in adapter process runs, one entry each.
struct BuiltinVerb {
  const char* name;
  Status (*run)(Invocation&);
};
const BuiltinVerb kBuiltinVerbs[] = {
    {"setup", Setup},
    {"status", [](Invocation& inv) { return Inspect(inv, false); }},
    {"doctor", [](Invocation& inv) { return Inspect(inv, true); }},
};

Status RunBuiltin(Invocation& inv) {
  const std::string harness = Arg(inv, 0);
  if (oc::FindBuiltinAdapter(harness) == nullptr) {
    return Error::NotFound("no built-in adapter named '" + harness + "'");
  }
  const std::string verb = Arg(inv, 1);
  for (const auto& v : kBuiltinVerbs) {
    if (verb == v.name) return v.run(inv);
  }
  return UsageError("verb", "adapter '" + harness + "' has no verb '" + verb + "'",
                    inv.args().CommandPath());
}

}  // namespace

Command AgentAdapterCommand() {
  Command cmd{
      std::string(oc::kAdapterEntryCommand),
      "Run a built-in harness adapter (started by `xs agent`)",
      {{"harness", "the built-in adapter (openclaw)"}, {"verb", "setup, status or doctor"}}};
  cmd.flags = {{"force", FlagKind::kBool, "", "setup: rewrite artifacts that already exist"}};
  cmd.run = RunBuiltin;
  cmd.hidden = true;
  return cmd;
}

}  // namespace xs::cli
