// The real `xs` (XS_BIN) with its daemon in a private temp home (HOME and
// every XDG dir), attached to the test's node through XMTP_SIGNET_LOCAL_NODE;
// one-shot runs (`run`, `ok`) and long-running ones (`spawn`, for --watch).
import { after, before } from "node:test";
import { createClients } from "./clients.mjs";
import { startNode } from "./node_process.mjs";
import { Signet } from "./xs_process.mjs";

export { Signet, XsProcess, xsBinary } from "./xs_process.mjs";

// The setup the `xs` suites with SDK peers share, registered as before() and
// after() hooks of the calling describe(): our node, `sdkCount` SDK clients
// on it (ApiUrls.local pointed at it), and a signet attached to it, the
// trusted-local preset (the read-elevation gate is off, the flag alone
// reads) with its daemon started. The returned object's node, sdks and
// signet are set once the hook ran (a later before() of the suite can read
// them); after() disposes the signet, then the node.
// `env` adds daemon settings (e.g. XMTP_SIGNET_WS_* limits).
export function signetWithSdkPeers(sdkCount, { env = {} } = {}) {
  const setup = { node: undefined, sdks: [], signet: undefined };
  before(async () => {
    setup.node = await startNode();
    setup.sdks = await createClients(setup.node, sdkCount);
    setup.signet = new Signet(setup.node);
    Object.assign(setup.signet.env, env);
    setup.signet.ok(["init", "trusted-local", "--env", "local"]);
    setup.signet.ok(["daemon", "start", "--daemon"]);
  });
  after(async () => {
    setup.signet?.dispose();
    await setup.node?.dispose();
  });
  return setup;
}
