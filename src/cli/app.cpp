#include "cli/app.h"

#include <exception>

#include "cli/args.h"
#include "cli/commands/agent_bridge.h"
#include "cli/commands/commands.h"
#include "cli/help.h"
#include "cli/invocation.h"
#include "cli/output.h"

namespace xs::cli {

namespace {

Command BuildRoot() {
  Command root{"xs", "xmtp-signet: the trusted XMTP agent runtime"};
  root.flags = {{"version", FlagKind::kBool, "", "print the version and exit"}};
  root.children = {InitCommand(),     DaemonCommand(),  StatusCommand(), LogsCommand(),
                   LookupCommand(),   KeyCommand(),     WalletCommand(), InboxCommand(),
                   OperatorCommand(), PolicyCommand(),  CredCommand(),   ChatCommand(),
                   MsgCommand(),      ConsentCommand(), SearchCommand(), SealCommand(),
                   ActionCommand(),   McpCommand()};
  root.children.push_back(AgentCommand());
  root.children.push_back(AgentAdapterCommand());  // hidden
  root.run = [](Invocation& inv) {
    inv.out() << RenderHelp(inv.args().path);
    return OkStatus();
  };
  root.examples = {"xs init --env local", "xs daemon start --daemon", "xs status",
                   "xs operator create --label alice"};
  AttachAgentBridge(root);  // `xs agent bridge`, beside whatever else `agent` holds
  return root;
}

bool WantsJson(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--") break;
    if (a == "--json" || a == "--json=true") return true;
  }
  return false;
}

}  // namespace

const Command& RootCommand() {
  static const Command root = BuildRoot();
  return root;
}

int RunCli(const std::vector<std::string>& args, const signet::EnvMap& env, std::ostream& out,
           std::ostream& err) {
  const bool json = WantsJson(args);
  try {
    Result<ParsedArgs> parsed = ParseArgs(RootCommand(), args);
    if (!parsed.ok()) return ReportError(err, parsed.error(), json);
    if (parsed->path.size() == 1 && parsed->Bool("version")) {
      if (json) {
        PrintJson(out, {{"version", kVersion}, {"commit", kCommit}});
      } else {
        out << kVersion << " (" << kCommit << ")\n";
      }
      return 0;
    }
    if (parsed->help()) {
      out << RenderHelp(parsed->path);
      return 0;
    }
    const Handler& run = parsed->command().run;
    Invocation inv(std::move(parsed).value(), env, out, err);
    Status status = run(inv);
    if (!status.ok()) return ReportError(err, status.error(), json);
    return inv.exit_code();
  } catch (const std::exception& e) {
    return ReportError(err, Error::Internal(std::string("unexpected failure: ") + e.what()), json);
  }
}

}  // namespace xs::cli
