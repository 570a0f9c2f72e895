#include "signet/chats/chat_access.h"

#include "codec/hex.h"
#include "signet/chats/chats_internal.h"

namespace xs::signet {

Result<ChatBinding> BindingOf(Chats& chats, const std::string& chat_id) {
  Chats::Impl& impl = chats.impl();
  XS_TRY(Json chat, impl.chats->Get(chat_id));
  ChatBinding out;
  out.chat_id = chat_id;
  out.inbox_id = chat.value("inboxId", "");
  XS_TRY(out.group_id, codec::HexDecode(chat.value("networkGroupId", "")));
  XS_TRY(InboxRecord inbox, impl.s->inboxes->Get(out.inbox_id));
  out.installation_id = inbox.installation_id;
  return out;
}

Result<std::vector<xmtp::client::Message>> StoredMessages(Chats& chats,
                                                          const std::string& chat_id) {
  XS_TRY(Chats::Impl::Bound bound, chats.impl().Bind(chat_id));
  return bound.client->Messages(bound.group_id);
}

}  // namespace xs::signet
