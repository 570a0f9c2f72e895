// A toy MCP server built with the official SDK's low-level Server: the shape
// our server has (credential token, two tools with JSON Schemas, results as
// the decisions-15 envelope, tool errors as isError results) so
// toy.test.mjs proves the client harness (SDK, Inspector CLI, OpenClaw) on
// its own: when it fails, the harness or a client changed, not our server.
//
//   node toy_server.mjs stdio          token from XMTP_SIGNET_CREDENTIAL_TOKEN
//   node toy_server.mjs http <token>   prints "listening <port>", serves POST/GET/DELETE /mcp
import { randomUUID } from "node:crypto";
import http from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";

const kTools = [
  {
    name: "message_send",
    description: "Send a text message to a chat",
    inputSchema: {
      type: "object",
      properties: { chatId: { type: "string" }, text: { type: "string" } },
      required: ["chatId", "text"],
    },
  },
  {
    name: "message_list",
    description: "List a chat's messages",
    inputSchema: {
      type: "object",
      properties: { chatId: { type: "string" }, limit: { type: "integer" } },
      required: ["chatId"],
    },
    annotations: { readOnlyHint: true },
  },
];

const messages = [];

function envelope(ok, payload) {
  const meta = { requestId: randomUUID(), timestamp: new Date().toISOString(), durationMs: 0 };
  const body = ok ? { ok, data: payload, meta } : { ok, error: payload, meta };
  return { content: [{ type: "text", text: JSON.stringify(body, null, 2) }], structuredContent: body, isError: !ok };
}

function validation(field, reason) {
  return envelope(false, { _tag: "ValidationError", code: 1000, category: "validation", message: `${field} ${reason}`, context: { field } });
}

function call(name, args) {
  if (name.startsWith("operator_")) {
    return envelope(false, { _tag: "PermissionError", code: 1200, category: "permission", message: `${name} is not available to credentials`, context: null });
  }
  if (name === "message_send") {
    if (typeof args.chatId !== "string") return validation("chatId", "must be a string");
    if (typeof args.text !== "string") return validation("text", "must be a string");
    const row = { id: `msg_${messages.length + 1}`, chatId: args.chatId, text: args.text };
    messages.push(row);
    return envelope(true, { messageId: row.id });
  }
  if (name === "message_list") {
    if (typeof args.chatId !== "string") return validation("chatId", "must be a string");
    return envelope(true, messages.filter((m) => m.chatId === args.chatId));
  }
  throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${name}`);
}

function makeServer() {
  const server = new Server({ name: "xmtp-signet-toy", version: "0.0.1" }, { capabilities: { tools: { listChanged: false } } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: kTools }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => call(req.params.name, req.params.arguments ?? {}));
  return server;
}

const [mode, httpToken] = process.argv.slice(2);
if (mode === "stdio") {
  if (process.env.XMTP_SIGNET_CREDENTIAL_TOKEN !== "toy-token") {
    process.stderr.write("toy: XMTP_SIGNET_CREDENTIAL_TOKEN is not the toy's token\n");
    process.exit(9);
  }
  await makeServer().connect(new StdioServerTransport());
} else if (mode === "http") {
  const sessions = new Map();
  const httpServer = http.createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${httpToken}`) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"ok":false}');
      return;
    }
    const id = req.headers["mcp-session-id"];
    let transport = id ? sessions.get(id) : undefined;
    if (!transport) {
      if (id) {
        res.writeHead(404).end();
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (sid) => sessions.set(sid, transport),
      });
      await makeServer().connect(transport);
    }
    await transport.handleRequest(req, res);
  });
  httpServer.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${httpServer.address().port}\n`));
} else {
  process.stderr.write("usage: toy_server.mjs stdio | http <token>\n");
  process.exit(1);
}
