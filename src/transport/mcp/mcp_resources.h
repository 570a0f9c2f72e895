// MCP resources of a credential (docs/mcp.md "Resources"): one per chat the
// credential sees, `xmtp-signet://chats/<conv_id>/messages`
// (application/json). Listing runs chat.list and reading runs message.list
// (the newest kMcpResourceReadMessageCount) through the action registry as
// the credential, so the credential's chat scope and read scopes decide
// exactly as they do for the tools: a credential without list-conversations
// lists no resources.
//
// Thread contract: free functions; they run actions on the calling thread and
// are as thread-safe as the registry.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "base/result.h"
#include "signet/core/action.h"

namespace xs::transport::mcp {

using Json = nlohmann::json;

std::string ChatResourceUri(std::string_view chat_id);
// The chat id of a chat resource URI; a validation error (field "uri") for
// anything else.
Result<std::string> ParseChatResourceUri(std::string_view uri);

// The resources/list result ({resources:[...]}), every chat at once.
Result<Json> ListResources(const signet::ActionRegistry& registry,
                           const std::string& credential_id);
// The resources/read result ({contents:[{uri, mimeType, text}]}); the text is
// message.list's data as JSON. Errors are message.list's (not_found for a
// chat outside the credential's scope).
Result<Json> ReadResource(const signet::ActionRegistry& registry, const std::string& credential_id,
                          std::string_view uri);

}  // namespace xs::transport::mcp
