// What every client must see of our MCP server, whatever the transport
// (shared/spec/mcp.md, decisions.md #22, issue 14).
import assert from "node:assert/strict";
import { kToolNamePattern } from "./mcp.mjs";

export const kServerName = "xmtp-signet";
export const kLatestProtocol = "2025-11-25";

// The agent's own surface: messages, chats in scope, reveals, seals, its own
// credential (credential.lookup as credential_info).
export const kAgentTools = [
  "message_send",
  "message_reply",
  "message_react",
  "message_list",
  "message_info",
  "search_messages",
  "chat_list",
  "chat_info",
  "reveal_request",
  "reveal_list",
  "seal_list",
  "seal_info",
  "seal_history",
  "seal_verify",
  "credential_info",
];

// Admin-only actions: never listed, and calling them is a permission error.
export const kForbiddenCalls = [
  ["operator_create", { label: "intruder" }],
  ["policy_create", { label: "intruder" }],
  ["credential_issue", { operatorId: "bot", chatIds: [] }],
  ["credential_revoke", { credentialId: "cred_0000000000000000", force: true }],
  ["chat_create", { name: "intruder" }],
  ["signet/chat/create", { name: "intruder" }],
];

export function isForbiddenName(name) {
  if (/^(operator|policy|wallet|inbox|keys|admin)_/.test(name)) return true;
  if (name.startsWith("credential_") && name !== "credential_info") return true;
  return ["chat_create", "search_resources", "action_list"].includes(name);
}

export function chatUri(chatId) {
  return `xmtp-signet://chats/${chatId}/messages`;
}

// tools/list: the agent's tools, none of the admin's, each well formed.
export function checkToolList(tools) {
  const names = tools.map((t) => t.name);
  assert.equal(new Set(names).size, names.length, `duplicate tool names: ${names}`);
  for (const name of kAgentTools) assert.ok(names.includes(name), `tool ${name} missing from ${names}`);
  for (const tool of tools) {
    assert.match(tool.name, kToolNamePattern, "MCP 2025-11-25 tool name characters");
    assert.ok(!isForbiddenName(tool.name), `admin tool ${tool.name} is listed`);
    assert.equal(typeof tool.description, "string");
    assert.ok(tool.description.length > 0, `${tool.name} has no description`);
    assert.equal(tool.inputSchema?.type, "object", `${tool.name} inputSchema: ${JSON.stringify(tool.inputSchema)}`);
  }
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  const send = byName.message_send.inputSchema;
  assert.equal(send.properties?.chatId?.type, "string", JSON.stringify(send));
  assert.equal(send.properties?.text?.type, "string", JSON.stringify(send));
  assert.ok(send.required?.includes("chatId"), `message_send requires chatId: ${JSON.stringify(send)}`);
  assert.equal(typeof send.properties.chatId.description, "string", "params carry descriptions");
  const list = byName.message_list.inputSchema;
  assert.equal(list.properties?.chatId?.type, "string", JSON.stringify(list));
  assert.equal(list.properties?.limit?.type, "integer", JSON.stringify(list));
  assert.equal(byName.message_list.annotations?.readOnlyHint, true, "message_list is read-only");
  assert.notEqual(byName.message_send.annotations?.readOnlyHint, true, "message_send is not read-only");
  return byName;
}

// The initialize answer of our server.
export function checkInitialize(init) {
  assert.equal(init.protocolVersion, kLatestProtocol);
  assert.equal(init.serverInfo?.name, kServerName);
  assert.match(init.serverInfo?.version ?? "", /\S/);
  assert.ok(init.capabilities?.tools, `tools capability: ${JSON.stringify(init.capabilities)}`);
  assert.equal(init.capabilities?.resources?.subscribe, true, JSON.stringify(init.capabilities));
}
