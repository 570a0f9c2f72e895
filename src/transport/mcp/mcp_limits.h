// Every bound the MCP engine puts on what a client can make it hold, and the
// protocol constants it negotiates (docs/mcp.md). McpOptions carries the
// bounds a transport may tighten; the constants name them in errors.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace xs::transport::mcp {

// One JSON-RPC message: the same bound as an admin-socket line or an HTTP body.
inline constexpr std::size_t kMcpMaxMessageBytes = 1 << 20;
// Nesting of arrays and objects in one message; deeper input is refused
// before it is parsed (the JSON library recurses to print and free values).
inline constexpr std::size_t kMcpMaxJsonDepth = 64;
// Resource subscriptions one session may hold at once.
inline constexpr std::size_t kMcpMaxSubscriptionCount = 1024;
// A conv_ id inside a resource URI.
inline constexpr std::size_t kMcpMaxChatIdBytes = 128;
// Messages a resources/read returns (the newest ones).
inline constexpr int kMcpResourceReadMessageCount = 50;

// Protocol revisions, newest first. The server answers `initialize` with the
// client's version when it is listed here, else with the newest.
inline constexpr std::array<std::string_view, 5> kMcpProtocolVersions = {
    "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "2024-10-07"};
inline constexpr std::string_view kMcpLatestProtocolVersion = kMcpProtocolVersions[0];

inline constexpr std::string_view kMcpServerName = "xmtp-signet";
// resources: xmtp-signet://chats/<conv_id>/messages
inline constexpr std::string_view kMcpChatUriPrefix = "xmtp-signet://chats/";
inline constexpr std::string_view kMcpChatUriSuffix = "/messages";

// JSON-RPC codes of the protocol layer (tool failures are isError results).
inline constexpr int kMcpParseError = -32700;
inline constexpr int kMcpInvalidRequest = -32600;  // also: a request before initialize
inline constexpr int kMcpMethodNotFound = -32601;
inline constexpr int kMcpInvalidParams = -32602;  // also: unknown tool, unknown resource
inline constexpr int kMcpInternalError = -32603;

struct McpOptions {
  std::size_t max_message_bytes = kMcpMaxMessageBytes;
  // The `instructions` member of the initialize result; omitted when empty.
  std::string instructions;
};

}  // namespace xs::transport::mcp
