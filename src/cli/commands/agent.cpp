// xs agent <verb> <harness> (docs/openclaw.md, shared/spec/openclaw.md): the
// harness adapters. setup, status and doctor resolve the adapter in the
// registry (adapters/openclaw/adapter_registry.h: built-in `openclaw`, or an
// external one declared in config.toml), run it as a separate process and
// pass its stdout, stderr and exit code through unchanged.
#include <filesystem>

#include "adapters/openclaw/adapter_process.h"
#include "adapters/openclaw/adapter_registry.h"
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

namespace oc = adapters::openclaw;

PositionalSpec HarnessArgument() {
  return {"harness", "the harness adapter: openclaw, or an [agent.adapters.<name>] of config.toml"};
}

Status RunAdapterVerb(Invocation& inv, oc::AdapterVerb verb) {
  XS_TRY(signet::Config * config, inv.config());
  oc::AdapterRequest request;
  request.harness = Arg(inv, 0);
  request.verb = verb;
  request.config_path = std::filesystem::absolute(config->config_path).lexically_normal().string();
  request.json = inv.json();
  request.force = inv.args().Bool("force");
  XS_TRY(std::string self, oc::SelfExecutable());
  XS_TRY(oc::ResolvedAdapter adapter, oc::ResolveAdapter(*config, request, self));
  XS_TRY(int code,
         oc::RunAdapterProcess(adapter.program, adapter.args, inv.env(), inv.out(), inv.err()));
  inv.set_exit_code(code);
  return OkStatus();
}

Command VerbCommand(oc::AdapterVerb verb, std::string summary) {
  Command cmd{std::string(oc::VerbName(verb)), std::move(summary), {HarnessArgument()}};
  cmd.run = [verb](Invocation& inv) { return RunAdapterVerb(inv, verb); };
  return cmd;
}

Command SetupVerb() {
  Command cmd = VerbCommand(oc::AdapterVerb::kSetup,
                            "Provision a harness adapter: operators, policies and its artifacts");
  cmd.flags = {{"force", FlagKind::kBool, "", "rewrite artifacts that already exist"}};
  cmd.examples = {"xs agent setup openclaw", "xs agent setup openclaw --force --json"};
  return cmd;
}

Command StatusVerb() {
  Command cmd = VerbCommand(oc::AdapterVerb::kStatus,
                            "Report a harness adapter's artifacts and provisioning "
                            "(exit 0 ok, 3 degraded or missing)");
  cmd.examples = {"xs agent status openclaw --json"};
  return cmd;
}

Command DoctorVerb() {
  Command cmd = VerbCommand(oc::AdapterVerb::kDoctor,
                            "Check a harness adapter and say how to repair what is wrong "
                            "(exit 0 healthy, 3 otherwise)");
  cmd.examples = {"xs agent doctor openclaw"};
  return cmd;
}

// The verbs of `xs agent`, one builder each: a new verb is one more entry.
const std::vector<Command (*)()>& AgentVerbs() {
  static const std::vector<Command (*)()> kVerbs = {SetupVerb, StatusVerb, DoctorVerb};
  return kVerbs;
}

}  // namespace

Command AgentCommand() {
  Command group{"agent", "Set up and check harness adapters (OpenClaw)"};
  for (auto build : AgentVerbs()) group.children.push_back(build());
  return group;
}

}  // namespace xs::cli
