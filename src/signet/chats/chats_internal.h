// Chats::Impl: the state the chat and message actions share (chats.cpp,
// messages.cpp). Everything here runs under the runtime lock.
#pragma once

#include <memory>
#include <optional>
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
  // The msg_ id of a network message id, mapped on first sight (a deferred
  // store write, see chats.cpp). `sent_now`: the message was just sent by
  // the signet, so no mapping can exist yet and none is looked up.
  Result<std::string> MessageId(const xmtp::client::Bytes& network_id, bool sent_now = false);
  // The msg_ id a network message id maps to when first seen: a keyed tag
  // of it (Store::KeyedTag), the same after any restart.
  std::string DerivedMessageId(const xmtp::client::Bytes& network_id) const;
  // The managed inbox named by params.as (network id, address, id, label).
  Result<std::string> AsInbox(const Json& p);
};

// A message an action names: a msg_ id, a short msg_ id, or a network id.
struct MessageRef {
  enum class Form { kId, kShortId, kNetworkId };
  Form form = Form::kId;
  std::string text;  // the id; a network id in lowercase
};
// params.messageId (or `ref` as given for `field`), checked for form only
// (before anything is looked up).
Result<MessageRef> ParseMessageRef(const Json& p);
Result<MessageRef> ParseMessageRef(std::string ref, std::string_view field);

// A referenced message: its ids, and the stored copy when the chat has it.
struct Target {
  std::string id;   // msg_
  std::string hex;  // network id
  std::optional<xmtp::client::Message> stored;
};
// Resolves `ref` in the chat. A message the chat does not store is looked
// for again after a sync of the group; `need_stored` makes a failed sync an
// error (a reply or reaction is sent without the stored copy).
Result<Target> FindMessage(Chats::Impl& impl, const Chats::Impl::Bound& b, const MessageRef& ref,
                           bool need_stored);

// The text of a message: not empty, at most kMaxMessageTextBytes.
Status CheckMessageText(std::string_view text, std::string_view field);

// A message as message.list shows it (content decoded, references given
// their msg_ ids).
Result<Json> MessageJson(Chats::Impl& impl, const xmtp::client::Message& m, const std::string& id,
                         const std::string& chat_id);
// params.limit of message.list: 1..kMaxMessageListCount, default kDefaultMessageListCount.
Result<std::size_t> ListLimit(const Json& p);
// params.after / params.before of message.list: at most one of them, a
// msg_ id or a network message id (checked for form only). Neither: the
// newest messages.
struct ListCursor {
  enum class Direction { kNewest, kAfter, kBefore };
  Direction direction = Direction::kNewest;
  std::optional<MessageRef> ref;  // kAfter, kBefore
};
Result<ListCursor> ListCursorParam(const Json& p);
// A raw page of the chat's stored messages, oldest first: the newest
// `limit`, or the oldest `limit` after (the newest `limit` before) the
// stored message `from` (its network id), by sent time with ties in store
// order, so consecutive pages leave no gaps.
Result<std::vector<xmtp::client::Message>> MessagePage(const Chats::Impl::Bound& b,
                                                       ListCursor::Direction direction,
                                                       const xmtp::client::Bytes* from,
                                                       std::size_t limit);

void RegisterChatActions(ActionRegistry& r, Chats::Impl& impl);
void RegisterMessageActions(ActionRegistry& r, Chats::Impl& impl);
// chat.update, chat.members, the member changes, chat.leave and chat.rm
// (chat_admin.cpp); loads removed_groups.
Status InstallChatAdmin(ActionRegistry& r, Chats::Impl& impl);
void RegisterConsentActions(ActionRegistry& r, Chats::Impl& impl);  // consent_actions.cpp
void RegisterSearchActions(ActionRegistry& r, Chats::Impl& impl);   // search.cpp
// chat.invite (Convos invite links) and chat.update-profile (convos_invite.cpp).
void RegisterConvosInviteActions(ActionRegistry& r, Chats::Impl& impl);
// message.send, reply, react and read for a credential caller
// (credential_send.cpp): `method` picks the parameters. Called WITHOUT the
// runtime lock (ActionSpec::locks_itself): it holds RuntimeState::lock for
// the checks and the bookkeeping, not while the chat's client sends.
Result<Json> CredentialSend(Chats::Impl& impl, std::string_view method, const Json& p,
                            const CallContext& ctx);
// message.list, message.info, chat.list and chat.info for a credential
// caller (credential_reads.cpp).
Result<Json> CredentialListMessages(Chats::Impl& impl, const Json& p, const CallContext& ctx);
Result<Json> CredentialMessageInfo(Chats::Impl& impl, const Json& p, const CallContext& ctx);
Result<Json> CredentialListChats(Chats::Impl& impl, const Json& p, const CallContext& ctx);
Result<Json> CredentialChatInfo(Chats::Impl& impl, const Json& p, const CallContext& ctx);
// action.confirm and action.list (credential_send.cpp).
void RegisterPendingActionActions(ActionRegistry& r, Chats::Impl& impl);

}  // namespace xs::signet
