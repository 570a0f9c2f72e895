// The real signet for the MCP suites, without the XMTP SDK: our node
// (XS_NODE_BIN), `xs` (XS_BIN) initialised with the trusted-local preset, its
// daemon started (with the HTTP API on a free port when `http`), an operator
// "bot" and one chat with a peer: "alice", our native client in
// xs-client-peer (XS_CLIENT_PEER_BIN), whose messages are the chat's inbound
// traffic (the signet's own sends never reach its agents). Registered as before()/after() hooks of the
// calling describe(); the returned object is filled once before() ran.
//
// Real MCP hosts start a stdio server with a reduced environment: the SDK's
// StdioClientTransport passes HOME, LOGNAME, PATH, SHELL, TERM and USER plus
// the entry's `env`; OpenClaw HOME, PATH, PWD, SHELL and TERM plus `env`.
// XDG_* and TMPDIR never reach `xs mcp` unless the entry's env carries them,
// so hostEnv() below gives exactly what an entry must hold for this daemon
// (it runs with private XDG dirs), and the `xs agent setup openclaw` entry is
// used as written.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { startNode } from "../../interop/lib/node_process.mjs";
import { OurPeer } from "../../interop/lib/our_peer.mjs";
import { Signet, xsBinary } from "../../interop/lib/xs_process.mjs";

export { xsBinary };

// Everything a credential may do in its chat.
export const kAgentScopes = "send,reply,react,read-messages,read-history,list-conversations";

// Polls `probe` (sync or async) until it returns a truthy value; fails with
// `what` and the last value after timeoutMs.
export async function poll(what, probe, { timeoutMs = 20_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await probe();
    if (last) return last;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function mcpSignet({ http = false } = {}) {
  const setup = {
    node: undefined,
    signet: undefined,
    peer: undefined,
    alice: undefined, // the peer's client: {inboxId, send(groupId, text), ...}
    chat: undefined, // {id: "conv_…", networkGroupId, …}
    configPath: undefined,
    dataDir: undefined,
    httpPort: null,
    get mcpUrl() {
      return `http://127.0.0.1:${this.httpPort}/mcp`;
    },
    // `xs cred issue` in the chat with extra args (--allow, --ttl, ...), for
    // an operator of its own: an identical active credential of the same
    // operator would be returned again (reused) and the operator's oldest
    // evicted past its limit, so credentials never share one. Returns
    // {token, credential: {id, ...}}.
    issue(args = ["--allow", kAgentScopes]) {
      const label = `agent-${++this.issued}`;
      this.signet.ok(["operator", "create", "--label", label]);
      const cred = this.signet.ok(["cred", "issue", "--op", label, "--chat", this.chat.id, ...args]);
      assert.match(cred.token ?? "", /\S/, `cred issue printed no token: ${JSON.stringify(cred)}`);
      assert.match(cred.credential?.id ?? "", /^cred_/, JSON.stringify(cred));
      assert.equal(cred.reused, false, "a new credential");
      return cred;
    },
    issued: 0,
    revoke(credentialId) {
      this.signet.ok(["cred", "revoke", credentialId, "--force"]);
    },
    // The credential's status as the admin sees it ("active", "expired", ...).
    credentialStatus(credentialId) {
      return this.signet.ok(["cred", "info", credentialId]).status;
    },
    // The chat's messages as the admin reads them (read elevation by flag).
    adminMessages() {
      return this.signet.ok(["msg", "list", "--from", this.chat.id, "--dangerously-allow-message-read"]);
    },
    // Alice sends `text` into the chat; resolves with its network id (64
    // hex) once the daemon stores it.
    async peerSend(text) {
      const groupId = this.chat.networkGroupId;
      const id = await poll("alice to join the chat and send", async () => {
        await this.alice.sync();
        try {
          return await this.alice.send(groupId, text);
        } catch {
          return undefined;
        }
      });
      await poll(`the daemon to store alice's "${text}"`, () => {
        this.signet.ok(["chat", "sync", this.chat.id]);
        return this.adminMessages().some((m) => m.networkId === id);
      });
      return id;
    },
    // The texts alice's client holds in the chat, by network id.
    async peerTexts() {
      await this.alice.sync();
      const messages = await this.alice.messages(this.chat.networkGroupId);
      return new Map(messages.filter((m) => typeof m.text === "string").map((m) => [m.id, m.text]));
    },
  };
  before(async () => {
    setup.node = await startNode();
    const signet = new Signet(setup.node);
    setup.signet = signet;
    if (http) Object.assign(signet.env, { XMTP_SIGNET_HTTP_ENABLED: "true", XMTP_SIGNET_HTTP_PORT: "0" });
    const init = signet.ok(["init", "trusted-local", "--env", "local"]);
    setup.configPath = init.configPath;
    setup.dataDir = init.dataDir;
    const started = signet.ok(["daemon", "start", "--daemon"]);
    if (http) {
      assert.ok(Number.isInteger(started.httpPort) && started.httpPort > 0, JSON.stringify(started));
      setup.httpPort = started.httpPort;
    }
    setup.peer = new OurPeer(setup.node.url);
    setup.alice = await setup.peer.create("alice");
    signet.ok(["operator", "create", "--label", "bot"]);
    setup.chat = signet.ok(["chat", "create", "--name", "mcp", "--op", "bot", "--members", setup.alice.inboxId]);
    assert.match(setup.chat.id, /^conv_/, JSON.stringify(setup.chat));
  });
  after(async () => {
    await setup.peer?.dispose();
    setup.signet?.dispose();
    await setup.node?.dispose();
  });
  return setup;
}

// The `env` an MCP server entry for this signet holds: the token and the
// daemon's XDG dirs (HOME and PATH too, which hosts pass anyway); nothing
// else of the test's environment (TMPDIR, XMTP_SIGNET_LOCAL_NODE) reaches
// `xs mcp`.
export function hostEnv(setup, token) {
  const env = { XMTP_SIGNET_CREDENTIAL_TOKEN: token };
  for (const key of ["HOME", "PATH", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"]) {
    env[key] = setup.signet.env[key];
  }
  return env;
}
