#include "signet/chats/publish.h"

#include "codec/hex.h"
#include "signet/chats/chats_internal.h"

namespace xs::signet {

Result<PublishedMessage> PublishToChat(Runtime& runtime, Chats& chats, const std::string& chat_id,
                                       const xmtp::content::EncodedContent& content) {
  xmtp::client::Client* client = nullptr;
  xmtp::client::Bytes group_id;
  XS_RETURN_IF_ERROR(runtime.WithState([&](RuntimeState&) -> Status {
    XS_TRY(Chats::Impl::Bound bound, chats.impl().Bind(chat_id));
    client = bound.client;
    group_id = std::move(bound.group_id);
    return OkStatus();
  }));
  XS_TRY(xmtp::client::Bytes id, client->Send(group_id, content));
  return PublishedMessage{codec::HexEncode(id), client->inbox_id()};
}

}  // namespace xs::signet
