// Chats: the signet's conversations on top of the native client. A chat is
// a `conv_` record (kind "chat" in the signet store) naming the network group
// and the managed inbox that acts in it; the id map holds conv_ <-> group id
// and msg_ <-> network message id (concepts.md §5). Every action takes a chat
// as its conv_ id, a unique short id, its name or the network group id
// (decisions.md #11).
//
//   chat.create  {name?, members?[], as?, operatorId?}  identityMode per-group:
//                a fresh inbox per chat; shared: the --as inbox, else the
//                operator's, else the signet's shared one
//   chat.list    {as?, operatorId?}      chat.info {chatId}
//   chat.sync    {chatId?, as?}          pulls and applies; counts what it got
//   message.send|reply|react|read|list|info   see messages.cpp
//
// message.list and message.info show content, so they need admin read
// elevation (decisions.md #12-13): dangerouslyAllowMessageRead plus owner
// approval when the gate is on.
//
// The message actions, chat.list, chat.info and search.messages also take
// credential callers (harnesses): credential_access.h has their checks,
// credential_send.cpp the confirmation flow (action.confirm, action.list).
//
// A chat record is written only after the group's first commit is on the
// network: a `chat create` that fails leaves no chat. Groups the clients join
// through Welcomes become chats when the signet next looks (every action and
// the daemon's sweep call Reconcile).
//
// Thread contract: the actions run under the runtime lock (Runtime::Extend);
// Reconcile takes it through Runtime::WithState.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "signet/chats/client_host.h"
#include "signet/core/runtime.h"
#include "signet/store/record_set.h"

namespace xs::signet {

class Chats {
 public:
  Chats(Runtime& runtime, ClientHost& host);
  ~Chats();
  Chats(const Chats&) = delete;
  Chats& operator=(const Chats&) = delete;

  // Loads the chat records, registers the chat.* and message.* actions and
  // the chat resolver of credential.issue and lookup.
  Status Install();
  // Records the groups the clients hold that have no chat yet; returns how
  // many were added.
  Result<std::size_t> Reconcile();
  // Every managed inbox, for ClientHost::Start.
  static std::vector<HostedInbox> Inboxes(Runtime& runtime);

  struct Impl;
  // For the watchers (watch.h); use under the runtime lock.
  Impl& impl() { return *impl_; }

 private:
  Runtime& runtime_;
  ClientHost& host_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xs::signet
