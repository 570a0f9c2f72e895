// Chats::Impl: the state the chat and message actions share (chats.cpp,
// messages.cpp). Everything here runs under the runtime lock.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "signet/chats/chats.h"
#include "signet/core/runtime_state.h"
#include "xmtp/client/client.h"

namespace xs::signet {

// Network times are nanoseconds; records show milliseconds.
inline constexpr std::int64_t kNsPerMs = 1'000'000;
inline constexpr const char* kChatKind = "chat";
inline constexpr const char* kConversationMap = "conversation";
inline constexpr const char* kMessageMap = "message";

struct Chats::Impl {
  RuntimeState* s = nullptr;
  ClientHost* host = nullptr;
  std::unique_ptr<RecordSet> chats;
  // Network group ids of chats removed locally (`chat rm`): Reconcile skips
  // them, so a group the inbox is still in does not come back as a chat.
  std::set<std::string> removed_groups;

  // A chat reference (conv_ id, short id, name or network group id) -> conv_ id.
  Result<std::string> Resolve(std::string_view ref);
  Result<std::string> ResolveParam(const Json& p);  // params.chatId
  // The client acting for a managed inbox.
  Result<xmtp::client::Client*> ClientOf(const std::string& inbox_id);
  // The chat's client and network group id.
  struct Bound {
    Json chat;
    xmtp::client::Client* client = nullptr;
    xmtp::client::Bytes group_id;
  };
  Result<Bound> Bind(const std::string& chat_id);
  // The record with the group's live state (name, members, epoch, ...).
  // `kSummary` (chat list's rows) leaves out the member, admin and super
  // admin lists, keeping memberCount: with 1,000 chats they are most of the
  // reply. `chat info` shows them.
  enum class Detail { kFull, kSummary };
  Json View(const Json& chat, Detail detail = Detail::kFull);
  Result<std::size_t> Reconcile();
  // Writes a new chat record and its id mapping in one transaction.
  Status Record(const Json& chat);
  // The msg_ id of a network message id, created on first sight.
  Result<std::string> MessageId(const xmtp::client::Bytes& network_id);
  // The managed inbox named by params.as (network id, address, id, label).
  Result<std::string> AsInbox(const Json& p);
};

// A message as message.list shows it (content decoded, references given
// their msg_ ids).
Result<Json> MessageJson(Chats::Impl& impl, const xmtp::client::Message& m, const std::string& id,
                         const std::string& chat_id);
// params.limit of message.list: 1..kMaxMessageListCount, default kDefaultMessageListCount.
Result<std::size_t> ListLimit(const Json& p);

void RegisterChatActions(ActionRegistry& r, Chats::Impl& impl);
void RegisterMessageActions(ActionRegistry& r, Chats::Impl& impl);
// chat.update, chat.members, the member changes, chat.leave and chat.rm
// (chat_admin.cpp); loads removed_groups.
Status InstallChatAdmin(ActionRegistry& r, Chats::Impl& impl);
void RegisterConsentActions(ActionRegistry& r, Chats::Impl& impl);  // consent_actions.cpp
void RegisterSearchActions(ActionRegistry& r, Chats::Impl& impl);   // search.cpp
// chat.invite (Convos invite links) and chat.update-profile (convos_invite.cpp).
void RegisterConvosInviteActions(ActionRegistry& r, Chats::Impl& impl);

}  // namespace xs::signet
