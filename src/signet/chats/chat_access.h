// What the agent plane (signet/agent) reads of the chats: where a chat
// lives on the network and which installation acts in it, and the chat's
// stored messages (for reveal replays).
//
// Thread contract: call under the runtime lock (inside an action handler,
// a credential listener, or Runtime::WithState).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "signet/chats/chats.h"
#include "xmtp/client/client.h"

namespace xs::signet {

struct ChatBinding {
  std::string chat_id;  // conv_
  xmtp::client::Bytes group_id;
  std::string inbox_id;         // inbox_ of the managed inbox that holds the chat
  std::string installation_id;  // hex: that inbox's installation (the one whose stream counts)
};

// not_found for an unknown chat.
Result<ChatBinding> BindingOf(Chats& chats, const std::string& chat_id);

// The chat's stored messages, oldest first (network errors when its client
// is not running).
Result<std::vector<xmtp::client::Message>> StoredMessages(Chats& chats, const std::string& chat_id);

}  // namespace xs::signet
