// Shared test fixtures for a describe() block.
import { after, before } from "node:test";
import { createClients } from "./clients.mjs";
import { startNode } from "./node_process.mjs";
import { OurPeer } from "./our_peer.mjs";

// Our node, two SDK clients (sdkAlice, sdkBob) and two of our clients (ours,
// ours2) in one xs-client-peer; set up before the block's tests and disposed
// after them. Returns the object the hooks fill in.
export function oursAndSdkClients() {
  const f = {};
  before(async () => {
    f.node = await startNode();
    [f.sdkAlice, f.sdkBob] = await createClients(f.node, 2);
    f.peer = new OurPeer(f.node.url);
    f.ours = await f.peer.create("ours");
    f.ours2 = await f.peer.create("ours2");
  });
  after(async () => {
    await f.peer?.dispose();
    await f.node?.dispose();
  });
  return f;
}
