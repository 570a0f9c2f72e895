// The command groups of `xs` (cli.md), one builder per group. app.cpp puts
// them under the root command.
#pragma once

#include "cli/command.h"

namespace xs::cli {

Command InitCommand();
Command DaemonCommand();
Command StatusCommand();
Command LogsCommand();
Command LookupCommand();
Command KeyCommand();
Command WalletCommand();
Command InboxCommand();
Command OperatorCommand();
Command PolicyCommand();
Command CredCommand();
Command ChatCommand();
Command MsgCommand();
Command ConsentCommand();
Command SearchCommand();
Command SealCommand();
Command ActionCommand();
Command McpCommand();
Command AgentCommand();
// Hidden: `xs agent-adapter <harness> <verb>`, the process a built-in
// harness adapter runs in (commands/agent_adapter.cpp).
Command AgentAdapterCommand();

}  // namespace xs::cli
