// The admin socket's stream methods over ChatWatch: chat.watch and
// message.watch (`xs chat list --watch`, `xs msg list --watch`), and
// chat.sync.progress (`xs chat sync` on a terminal).
//
//   RegisterWatchMethods(server, watch);  // before server.Start()
//
// Thread contract: as AdminServer::AddStreamMethod; `watch` outlives the
// server's streams.
#pragma once

#include "signet/chats/watch.h"
#include "transport/admin/admin_server.h"

namespace xs::daemon {

void RegisterWatchMethods(transport::AdminServer& server, signet::ChatWatch& watch);

}  // namespace xs::daemon
