// `xs agent bridge <harness>` (agent_bridge.cpp): the OpenClaw read-only
// bridge as a command. It lives in the `agent` group beside setup, status
// and doctor; AttachAgentBridge puts it there whichever file builds the
// group.
#pragma once

#include "cli/command.h"

namespace xs::cli {

// The `bridge` command (a child of `agent`).
Command AgentBridgeCommand();
// Adds `bridge` to root's `agent` group, creating the group when absent.
void AttachAgentBridge(Command& root);

}  // namespace xs::cli
