// ChatWatch: the join reconciler and the chat.watch / message.watch streams.
#include "signet/chats/watch.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "codec/hex.h"
#include "signet/chats/chats_internal.h"
#include "signet/chats/host_events.h"
#include "signet/chats/limits.h"

namespace xs::signet {

namespace client = xmtp::client;

namespace {

// How long a watcher waits for events before it checks for cancellation
// (and chat.watch for chats created by `chat create`).
constexpr std::chrono::milliseconds kWatchPoll{250};

// What a chat watcher compares to tell an update (activity alone is not one).
Json Comparable(Json view) {
  view.erase("lastActivityAt");
  return view;
}

// The chats a chat.watch shows: params.as / params.operatorId as chat.list.
struct ChatFilter {
  std::string inbox_id;
  std::string operator_id;
  bool Matches(const Json& chat) const {
    return (inbox_id.empty() || chat.value("inboxId", "") == inbox_id) &&
           (operator_id.empty() || chat.value("operatorId", "") == operator_id);
  }
};

Result<ChatFilter> ParseChatFilter(Chats::Impl& impl, const Json& p) {
  ChatFilter f;
  if (HasField(p, "as")) {
    XS_TRY(f.inbox_id, impl.AsInbox(p));
  }
  if (HasField(p, "operatorId")) {
    XS_TRY(std::string ref, GetString(p, "operatorId"));
    XS_TRY(f.operator_id, impl.s->operators->Resolve(ref));
  }
  return f;
}

std::optional<std::string> OwnerPassphrase(const Json& p) {
  if (auto it = p.find("ownerPassphrase"); it != p.end() && it->is_string()) {
    return it->get<std::string>();
  }
  return std::nullopt;
}

}  // namespace

ChatWatch::ChatWatch(Runtime& runtime, Chats& chats, ClientHost& host, ClientHost::LogSink log)
    : runtime_(runtime), chats_(chats), host_(host), log_(std::move(log)) {}

ChatWatch::~ChatWatch() { Stop(); }

void ChatWatch::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  // The reconciler waits for joins only: the messages need not wake it.
  joins_ = host_.SubscribeJoins(kWatchQueueCapacity);
  thread_ = std::thread([this] { Reconciler(); });
}

void ChatWatch::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  joins_.reset();
}

void ChatWatch::Reconciler() {
  while (!stop_) {
    bool joined = false;
    for (const HostEvent& e : joins_->Take(kWatchPoll)) {
      joined = joined || e.kind == HostEvent::Kind::kJoined;
    }
    if (joins_->overflowed()) {
      joins_ = host_.SubscribeJoins(kWatchQueueCapacity);
      joined = true;
    }
    if (!joined) continue;
    // Failures are retried by the daemon's sweep.
    auto added = chats_.Reconcile();
    if (added.ok() && *added > 0 && log_)
      log_("chats.joined", {{"count", *added}, {"via", "stream"}});
  }
}

// ---------------------------------------------------------------- chat.watch

Status ChatWatch::WatchChats(const Json& params, const CallContext&, WatchSink& sink) {
  Chats::Impl& impl = chats_.impl();
  auto queue = host_.Subscribe(kWatchQueueCapacity);
  ChatFilter filter;
  std::map<std::string, Json> shown;  // chat id -> Comparable(view)

  // Views of the chats to announce: new ones, and with `recheck` the shown
  // ones whose state changed. Built under the runtime lock, sent after it.
  auto collect = [&](const std::set<std::string>& recheck, bool reconcile,
                     std::vector<std::pair<std::string, Json>>& out) -> Status {
    return runtime_.WithState([&](RuntimeState&) -> Status {
      if (reconcile) {
        XS_TRY(std::size_t added, impl.Reconcile());
        (void)added;
      }
      for (const auto& [chat_id, chat] : impl.chats->ById()) {
        if (!filter.Matches(chat)) continue;
        const std::string id = chat.value("id", "");
        auto it = shown.find(id);
        if (it != shown.end() && !recheck.count(chat.value("networkGroupId", ""))) continue;
        Json view = impl.View(chat);
        Json key = Comparable(view);
        if (it == shown.end()) {
          out.emplace_back("added", std::move(view));
          shown.emplace(id, std::move(key));
        } else if (it->second != key) {
          out.emplace_back("updated", std::move(view));
          it->second = std::move(key);
        }
      }
      return OkStatus();
    });
  };

  std::vector<std::pair<std::string, Json>> first;
  XS_RETURN_IF_ERROR(runtime_.WithState([&](RuntimeState&) -> Status {
    XS_TRY(filter, ParseChatFilter(impl, params));
    return OkStatus();
  }));
  XS_RETURN_IF_ERROR(collect({}, true, first));
  Json backlog = Json::array();
  for (auto& entry : first) backlog.push_back(std::move(entry.second));
  std::sort(backlog.begin(), backlog.end(), [](const Json& a, const Json& b) {
    return a.value("createdAt", "") < b.value("createdAt", "");
  });
  if (!sink.Notify({{"event", "backlog"}, {"items", std::move(backlog)}})) return OkStatus();

  while (!sink.Cancelled()) {
    // New chats (joined ones come from the reconciler thread, created ones
    // from chat.create) show at the next look: every kWatchPoll.
    std::set<std::string> recheck;  // network group ids
    for (const HostEvent& e : queue->Take(kWatchPoll)) {
      if (e.kind == HostEvent::Kind::kJoined ||
          e.message.kind == client::Message::Kind::kMembershipChange) {
        recheck.insert(codec::HexEncode(e.group_id));
      }
    }
    if (queue->overflowed()) {
      queue = host_.Subscribe(kWatchQueueCapacity);
      for (const auto& [id, key] : shown) recheck.insert(key.value("networkGroupId", ""));
    }
    std::vector<std::pair<std::string, Json>> changes;
    XS_RETURN_IF_ERROR(collect(recheck, false, changes));
    for (auto& [event, view] : changes) {
      if (!sink.Notify({{"event", event}, {"item", std::move(view)}})) return OkStatus();
    }
  }
  return OkStatus();
}

// ---------------------------------------------------------------- message.watch

Status ChatWatch::WatchMessages(const Json& params, const CallContext& ctx, WatchSink& sink) {
  Chats::Impl& impl = chats_.impl();
  const std::optional<std::string> passphrase = OwnerPassphrase(params);
  std::string chat_id, installation;
  client::Client* c = nullptr;
  client::Bytes group_id;
  std::size_t limit = 0;
  std::set<client::Bytes> seen;
  auto queue = host_.Subscribe(kWatchQueueCapacity);

  // Read elevation as message.list; renewed (with the same passphrase) once
  // the approval expired. Under the runtime lock.
  auto authorize = [&]() -> Status {
    if (impl.s->elevation->IsElevated(ctx.admin_key_fingerprint, chat_id)) return OkStatus();
    auto approved = impl.s->elevation->Authorize(ctx, {chat_id}, passphrase);
    if (!approved.ok()) return approved.error();
    return OkStatus();
  };
  // The stored messages not sent yet, the newest `limit` of them at most.
  auto unsent = [&](std::size_t at_most, Json& out) -> Status {
    return runtime_.WithState([&](RuntimeState& s) -> Status {
      if (Status allowed = authorize(); !allowed.ok()) return allowed;
      XS_TRY(std::vector<client::Message> messages, c->Messages(group_id));
      std::vector<const client::Message*> fresh;
      for (const auto& m : messages) {
        if (!seen.count(m.id)) fresh.push_back(&m);
      }
      const std::size_t skip = fresh.size() > at_most ? fresh.size() - at_most : 0;
      return s.store->UnsyncedTransaction([&]() -> Status {
        for (std::size_t i = skip; i < fresh.size(); ++i) {
          XS_TRY(std::string id, impl.MessageId(fresh[i]->id));
          XS_TRY(Json item, MessageJson(impl, *fresh[i], id, chat_id));
          out.push_back(std::move(item));
        }
        for (const auto* m : fresh) seen.insert(m->id);
        return OkStatus();
      });
    });
  };

  XS_RETURN_IF_ERROR(runtime_.WithState([&](RuntimeState& s) -> Status {
    XS_TRY(limit, ListLimit(params));
    XS_TRY(chat_id, impl.ResolveParam(params));
    XS_TRY(Chats::Impl::Bound b, impl.Bind(chat_id));
    XS_TRY(InboxRecord inbox, s.inboxes->Get(b.chat.value("inboxId", "")));
    installation = inbox.installation_id;
    c = b.client;
    group_id = std::move(b.group_id);
    return OkStatus();
  }));
  Json backlog = Json::array();
  XS_RETURN_IF_ERROR(unsent(limit, backlog));
  if (!sink.Notify({{"event", "backlog"}, {"items", std::move(backlog)}})) return OkStatus();

  while (!sink.Cancelled()) {
    std::vector<client::Message> fresh;
    for (HostEvent& e : queue->Take(kWatchPoll)) {
      if (e.kind != HostEvent::Kind::kMessage || e.installation_id != installation ||
          e.group_id != group_id || seen.count(e.message.id)) {
        continue;
      }
      seen.insert(e.message.id);
      fresh.push_back(std::move(e.message));
    }
    Json items = Json::array();
    if (queue->overflowed()) {
      // Fell behind: what the stream dropped is in the store.
      queue = host_.Subscribe(kWatchQueueCapacity);
      for (const auto& m : fresh) seen.erase(m.id);
      XS_RETURN_IF_ERROR(unsent(kMaxMessageListCount, items));
    } else if (!fresh.empty()) {
      Status mapped = runtime_.WithState([&](RuntimeState& s) -> Status {
        if (Status allowed = authorize(); !allowed.ok()) return allowed;
        return s.store->UnsyncedTransaction([&]() -> Status {
          for (const auto& m : fresh) {
            XS_TRY(std::string id, impl.MessageId(m.id));
            XS_TRY(Json item, MessageJson(impl, m, id, chat_id));
            items.push_back(std::move(item));
          }
          return OkStatus();
        });
      });
      XS_RETURN_IF_ERROR(mapped);
    }
    for (auto& item : items) {
      if (!sink.Notify({{"event", "message"}, {"item", std::move(item)}})) return OkStatus();
    }
  }
  return OkStatus();
}

// ---------------------------------------------------------------- chat.sync.progress

Status ChatWatch::SyncWithProgress(const Json& params, const CallContext& ctx, WatchSink& sink) {
  const std::uint64_t base = host_.AppliedMessages();
  std::mutex mu;
  std::condition_variable finished;
  std::optional<Result<Json>> result;
  // The action as the admin socket runs it (runtime lock, audit).
  std::thread worker([&] {
    Result<Json> r = runtime_.registry().Call("chat.sync", params, ctx);
    std::lock_guard lock(mu);
    result.emplace(std::move(r));
    finished.notify_all();
  });
  std::uint64_t reported = 0;
  bool listening = true;
  std::unique_lock lock(mu);
  while (!finished.wait_for(lock, kSyncProgressInterval, [&] { return result.has_value(); })) {
    const std::uint64_t applied = host_.AppliedMessages() - base;
    if (!listening || applied == reported) continue;
    reported = applied;
    lock.unlock();
    // A client that left still gets its sync finished (and audited).
    listening = sink.Notify({{"event", "progress"}, {"applied", applied}});
    lock.lock();
  }
  lock.unlock();
  worker.join();
  if (!result->ok()) return result->error();
  if (listening) (void)sink.Notify({{"event", "done"}, {"item", std::move(*result).value()}});
  return OkStatus();
}

}  // namespace xs::signet
