// What a credential (a harness, CallContext::Caller::kCredential) may see
// and do in the chats: the checks of scopes.md "Checks" and of the
// send_message flow (events-and-pipeline.md §2), shared by the message,
// chat and search actions.
//
//   XS_TRY(Credential c, CallerCredential(s, ctx.credential_id));
//   std::optional<std::string> chat = ScopedChat(impl, c, ref);   // conv_ id
//   XS_RETURN_IF_ERROR(RequireScope(c, "send"));
//   XS_RETURN_IF_ERROR(RequireActive(c, "cannot send"));
//
// Reading follows the projection rules (events-and-pipeline.md §3): only
// chats in scope, only with read-messages, only content types in the
// credential's allowlist, and a message sent before the credential was
// issued (historical) only with read-history.
//
// Thread contract: under the runtime lock, like every action.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signet/chats/caller_credential.h"
#include "signet/chats/chats_internal.h"
#include "signet/credentials/credential.h"

namespace xs::signet {

// The content-type id an agent sees for a message's type: reactions
// (2.0 on the wire) are xmtp.org/reaction:1.0 and group updates
// xmtp.org/groupUpdated:1.0, as the baseline allowlist names them; any
// other id is unchanged.
std::string AgentContentType(const xmtp::content::ContentTypeId& type);

bool HasScope(const Credential& c, std::string_view scope);
// Permission error "Permission denied: <scope>", context {scope}.
Status RequireScope(const Credential& c, std::string_view scope);
// The credential's effective content-type allowlist (baseline ∩ signet
// config ∩ agent list).
std::vector<std::string> AllowlistOf(const RuntimeState& s, const Credential& c);

// A chat reference from a credential caller -> the conv_ id, when the chat
// is one of the credential's: its conv_ id or its network group id
// (decisions.md #26). nullopt otherwise, whether or not the chat exists.
std::optional<std::string> ScopedChat(Chats::Impl& impl, const Credential& c, std::string_view ref);
// ScopedChat, else permission "chat not in scoped conversations" with
// context {chatId} (the sending actions).
Result<std::string> RequireScopedChat(Chats::Impl& impl, const Credential& c, std::string_view ref);

// How a stored message reads for a credential that may read its chat
// (read-messages): "visible", "historical" (sent before the credential was
// issued; needs read-history), or nullopt when the credential does not see
// it (content type outside the allowlist, or historical without
// read-history).
std::optional<std::string> ReadVisibility(const Credential& c,
                                          const std::vector<std::string>& allowlist,
                                          const xmtp::client::Message& m);

}  // namespace xs::signet
