// PublishToChat: sends an EncodedContent into a chat as the chat's own
// inbox (the managed inbox its record names), for subsystems that publish
// on their own schedule (the seal publisher). The runtime lock is taken only
// to find the chat's client and group; the send itself runs outside it, so
// a slow node never holds up the actions.
//
// Thread contract: thread-safe; call it without holding the runtime lock
// or any client's.
#pragma once

#include <string>

#include "base/result.h"
#include "signet/chats/chats.h"
#include "xmtp/content/encoded_content.h"

namespace xs::signet {

struct PublishedMessage {
  std::string network_id;       // hex of the XMTP message id
  std::string sender_inbox_id;  // the chat's inbox on the network
};

Result<PublishedMessage> PublishToChat(Runtime& runtime, Chats& chats, const std::string& chat_id,
                                       const xmtp::content::EncodedContent& content);

}  // namespace xs::signet
