// Preloaded into convos-cli (`node --import ./tools/local_node.mjs run.js …`)
// so that its `--env local` talks to the test's node: node-sdk resolves
// ApiUrls[env] itself and convos-cli passes no apiUrl. The module instance is
// the one convos-cli imports (same resolved path), so the override holds.
// No history-sync server runs in the tests.
import { ApiUrls, HistorySyncUrls } from "@xmtp/node-sdk";

const url = process.env.XS_CONVOS_NODE_URL;
if (!url) throw new Error("XS_CONVOS_NODE_URL is not set");
ApiUrls.local = url;
HistorySyncUrls.local = null;
