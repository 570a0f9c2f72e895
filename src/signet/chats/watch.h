// ChatWatch: the live side of chats, fed by the client streams
// (ClientHost::Subscribe).
//
//   * A group joined through a Welcome becomes a chat as soon as the stream
//     joins it (a reconciler thread; logged as chats.joined, via "stream"),
//     not at the daemon's next sweep.
//   * chat.watch {as?, operatorId?} (`xs chat list --watch`): notifications
//     {event:"backlog", items:[chat…]} with the chats now, then
//     {event:"added"|"updated", item:chat} as chats appear or their
//     membership, name or state change.
//   * message.watch {chatId, limit?, ownerPassphrase?} (`xs msg list
//     --watch`): read elevation as message.list (checked again whenever the
//     approval expired, so the stream ends with the permission error when it
//     cannot be renewed); {event:"backlog", items:[message…]} with the newest
//     `limit`, then {event:"message", item:message} for each new one, each
//     message once.
//   * chat.sync.progress {chatId?, as?} (`xs chat sync` on a terminal): runs
//     the chat.sync action; while it runs, {event:"progress", applied:n}
//     whenever the clients applied more messages (at most every
//     kSyncProgressInterval), then {event:"done", item:<chat.sync result>}.
//
// A watcher that falls more than kWatchQueueCapacity events behind rereads
// the state instead (nothing is lost; the queue never blocks a stream).
//
//   ChatWatch watch(runtime, chats, host);
//   watch.Start();
//   server.AddStreamMethod("chat.watch", … watch.WatchChats(p, ctx, sink) …);
//   ...
//   watch.Stop();  // after the admin server stopped, before the host
//
// Thread contract: Start/Stop from one owning thread; WatchChats and
// WatchMessages run concurrently on the admin connection threads and take
// the runtime lock only briefly (never while notifying).
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <thread>

#include "base/result.h"
#include "signet/chats/chats.h"
#include "signet/chats/client_host.h"
#include "signet/core/runtime.h"

namespace xs::signet {

// Events a watcher may fall behind by before it rereads the state.
inline constexpr std::size_t kWatchQueueCapacity = 10'000;
// How often a running chat.sync.progress reports.
inline constexpr std::chrono::milliseconds kSyncProgressInterval{250};

// Where a watch writes (the admin server's NotificationSink).
class WatchSink {
 public:
  virtual ~WatchSink() = default;
  // Sends one notification; false once the client is gone.
  virtual bool Notify(const nlohmann::json& params) = 0;
  // The client went away or the server is stopping.
  virtual bool Cancelled() = 0;
};

class ChatWatch {
 public:
  ChatWatch(Runtime& runtime, Chats& chats, ClientHost& host, ClientHost::LogSink log = {});
  ~ChatWatch();
  ChatWatch(const ChatWatch&) = delete;
  ChatWatch& operator=(const ChatWatch&) = delete;

  // The reconciler thread.
  void Start();
  void Stop();

  // Run until the sink is cancelled (OkStatus) or fails; errors before the
  // first notification (bad params, unknown chat, no elevation) come back
  // as the call's error.
  Status WatchChats(const nlohmann::json& params, const CallContext& ctx, WatchSink& sink);
  Status WatchMessages(const nlohmann::json& params, const CallContext& ctx, WatchSink& sink);
  Status SyncWithProgress(const nlohmann::json& params, const CallContext& ctx, WatchSink& sink);

 private:
  void Reconciler();

  Runtime& runtime_;
  Chats& chats_;
  ClientHost& host_;
  ClientHost::LogSink log_;
  std::shared_ptr<HostEventQueue> joins_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace xs::signet
