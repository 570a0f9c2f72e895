// AgentPlane: start and stop, the credential snapshot and chat index, the
// worker that sequences hook events and closes sinks, and the cheap
// surface methods (Authenticate, Attach, Detach, Check, Emit).
#include "signet/agent/agent_plane.h"

#include <future>

#include "signet/agent/agent_plane_internal.h"
#include "signet/chats/chat_access.h"
#include "signet/policy/content_types.h"
#include "signet/util/util.h"

namespace xs::signet::agent {

namespace {

// How often the worker drops expired reveals when it has nothing to do.
constexpr std::chrono::seconds kRevealSweepInterval{1};

Json CredentialEventJson(const CredentialEvent& ev) {
  const Credential& c = ev.credential;
  switch (ev.type) {
    case CredentialEventType::kIssued:
      return {{"type", "credential.issued"}, {"credentialId", c.id}, {"operatorId", c.operator_id}};
    case CredentialEventType::kExpired:
      return {{"type", "credential.expired"}, {"credentialId", c.id}, {"reason", ev.reason}};
    case CredentialEventType::kReauthorizationRequired:
      return {{"type", "credential.reauthorization_required"},
              {"credentialId", c.id},
              {"reason", ev.reason}};
    case CredentialEventType::kScopesUpdated:
      return {{"type", "scopes.updated"},
              {"credentialId", c.id},
              {"permissions", {{"allow", c.effective.allow}, {"deny", c.effective.deny}}}};
    case CredentialEventType::kRevoked:  // agent.revoked comes from the seal engine
    case CredentialEventType::kRenewed:
      break;
  }
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------- Core

AgentPlane::Core::Core(Runtime& rt, Chats* c, ClientHost* h, AgentPlaneOptions o)
    : runtime(rt),
      chats(c),
      host(h),
      clock(rt.state().clock != nullptr ? rt.state().clock : SystemClock::Get()),
      options(std::move(o)),
      hub(options.replay_buffer_size, clock) {}

CredViewPtr AgentPlane::Core::Find(const std::string& credential_id) const {
  std::shared_lock lock(index_mu);
  auto it = creds.find(credential_id);
  return it == creds.end() ? nullptr : it->second;
}

CredentialState AgentPlane::Core::StateOf(const CredView& view) const {
  switch (view.status) {
    case CredentialStatus::kRevoked:
      return CredentialState::kRevoked;
    case CredentialStatus::kExpired:
      return CredentialState::kExpired;
    case CredentialStatus::kPending:
    case CredentialStatus::kActive:
      break;
  }
  // Expiry applies before the sweep records it (decisions.md #6).
  if (clock->NowMs() >= view.expires_at_ms) return CredentialState::kExpired;
  return view.status == CredentialStatus::kPending ? CredentialState::kPending
                                                   : CredentialState::kActive;
}

void AgentPlane::Core::OnCredential(const Credential& c) {
  auto view = std::make_shared<CredView>();
  view->id = c.id;
  view->operator_id = c.operator_id;
  view->status = c.status;
  view->issued_at_ms = c.issued_at_ms;
  view->expires_at_ms = c.expires_at_ms;
  view->chat_ids = c.chat_ids;
  view->effective = c.effective;
  view->scopes = c.effective_set();
  view->read_messages = view->scopes.test(*ScopeIndex("read-messages"));
  auto allowlist = EffectiveAllowlist(runtime.state().options.content_types, c.content_types);
  if (allowlist.ok()) view->allowlist = *std::move(allowlist);  // else nothing passes stage 2
  std::unique_lock lock(index_mu);
  CredViewPtr before;
  if (auto it = creds.find(c.id); it != creds.end()) before = it->second;
  view->last_heartbeat_ms =
      before ? before->last_heartbeat_ms : std::make_shared<std::atomic<std::int64_t>>(0);
  if (c.last_heartbeat_ms > view->last_heartbeat_ms->load()) {
    view->last_heartbeat_ms->store(c.last_heartbeat_ms);
  }
  // Only live credentials get a channel (a buffer); the feed reaches only
  // active ones.
  if (c.status == CredentialStatus::kActive || c.status == CredentialStatus::kPending) {
    view->channel = hub.ChannelFor(c.id);
  }
  CredViewPtr after = view;
  creds[c.id] = after;
  Reindex(before, after);
}

void AgentPlane::Core::Reindex(const CredViewPtr& before, const CredViewPtr& after) {
  std::unordered_set<std::string> touched;
  if (before) {
    for (const auto& chat : before->chat_ids) {
      chat_creds[chat].erase(before->id);
      touched.insert(chat);
    }
  }
  if (after->status == CredentialStatus::kActive) {
    for (const auto& chat : after->chat_ids) {
      chat_creds[chat].insert(after->id);
      touched.insert(chat);
    }
  }
  for (const auto& chat : touched) RebuildRoute(chat);
}

void AgentPlane::Core::RebuildRoute(const std::string& chat_id) {
  auto existing = chat_routes.find(chat_id);
  auto ids = chat_creds.find(chat_id);
  if (ids == chat_creds.end() || ids->second.empty()) {
    if (ids != chat_creds.end()) chat_creds.erase(ids);
    if (existing != chat_routes.end()) {
      group_routes.erase(existing->second->group_id);
      chat_routes.erase(existing);
    }
    return;
  }
  auto route = std::make_shared<Route>();
  if (existing != chat_routes.end()) {
    *route = *existing->second;  // the binding does not change; the viewers do
  } else {
    if (chats == nullptr) return;
    auto binding = BindingOf(*chats, chat_id);  // the caller holds the runtime lock
    if (!binding.ok()) {
      Log("agent.route_failed", {{"chatId", chat_id}, {"error", binding.error().message()}});
      return;
    }
    route->chat_id = chat_id;
    route->group_id = binding->group_id;
    route->installation_id = binding->installation_id;
    auto key = FromHex(binding->installation_id);
    if (key.ok()) route->installation_key = *std::move(key);
  }
  auto viewers = std::make_shared<Viewers>();
  for (const auto& id : ids->second) {
    if (auto it = creds.find(id); it != creds.end()) viewers->push_back(it->second);
  }
  route->viewers = std::move(viewers);
  chat_routes[chat_id] = route;
  group_routes[route->group_id] = route;
}

void AgentPlane::Core::OnEvent(const CredentialEvent& ev) {
  if (stopped) return;
  OnCredential(ev.credential);
  Json event = CredentialEventJson(ev);
  if (!event.is_null()) PostEmit(ev.credential.id, std::move(event));
  const std::string& id = ev.credential.id;
  switch (ev.type) {
    case CredentialEventType::kRevoked:
      reveals.Wipe(id);
      PostClose(id, CloseCodeFor(CredentialState::kRevoked), "credential revoked", true);
      break;
    case CredentialEventType::kExpired:
      reveals.Wipe(id);
      PostClose(id, CloseCodeFor(CredentialState::kExpired), "credential expired", true);
      break;
    case CredentialEventType::kReauthorizationRequired:
      PostClose(id, CloseCodeFor(CredentialState::kPending), "reauthorization required", false);
      break;
    case CredentialEventType::kIssued:
    case CredentialEventType::kScopesUpdated:
    case CredentialEventType::kRenewed:
      break;
  }
}

void AgentPlane::Core::Post(std::function<void()> task) {
  {
    std::lock_guard lock(work_mu);
    if (stopped) return;
    work.push_back(std::move(task));
  }
  work_cv.notify_one();
}

void AgentPlane::Core::RunWorker() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(work_mu);
      if (!work_cv.wait_for(lock, kRevealSweepInterval,
                            [&] { return stopped.load() || !work.empty(); })) {
        lock.unlock();
        reveals.ExpireStale(clock->NowMs());
        continue;
      }
      if (work.empty()) return;  // stopped and drained
      task = std::move(work.front());
      work.pop_front();
    }
    task();
  }
}

void AgentPlane::Core::PostEmit(const std::string& credential_id, Json event) {
  Post([this, credential_id, event = std::move(event)] {
    // After the close a credential has no buffer; a late event (a seal
    // republished for a revoked credential) would only make a new one.
    if (forgotten.count(credential_id)) return;
    hub.Publish(credential_id, SafeDump(event));
  });
}

void AgentPlane::Core::PostClose(const std::string& credential_id, int code, std::string reason,
                                 bool forget) {
  // The listeners of this change run under the runtime lock now; once the
  // lock is free every event they queued is ahead of the second step.
  Post([this, credential_id, code, reason = std::move(reason), forget] {
    (void)runtime.WithState([](RuntimeState&) { return OkStatus(); });
    Post([this, credential_id, code, reason, forget] {
      hub.CloseAll(credential_id, code, reason);
      if (forget) {
        hub.Drop(credential_id);
        forgotten.insert(credential_id);
      }
    });
  });
}

// ---------------------------------------------------------------- AgentPlane

AgentPlane::AgentPlane(Runtime& runtime, Chats* chats, ClientHost* host, AgentPlaneOptions options)
    : core_(std::make_shared<Core>(runtime, chats, host, std::move(options))) {}

AgentPlane::~AgentPlane() { Stop(); }

Status AgentPlane::Start() {
  if (started_) return Error::Internal("the agent plane is already started");
  started_ = true;
  std::shared_ptr<Core> core = core_;
  core->worker = std::thread([core] { core->RunWorker(); });
  core->runtime.ObserveCredentials([core](const Credential& c) { core->OnCredential(c); },
                                   [core](const CredentialEvent& ev) { core->OnEvent(ev); });
  core->runtime.Extend([core](ActionRegistry& r, RuntimeState& s) {
    RegisterRevealActions(r, s, core);
    s.emit_agent_event = [core](const std::string& credential_id, const Json& event) {
      core->PostEmit(credential_id, event);
    };
  });
  if (core->host != nullptr) {
    core->feed_queue = core->host->Subscribe(core->options.feed_queue_capacity);
    feed_ = std::thread([this] { RunFeed(); });
  }
  return OkStatus();
}

void AgentPlane::Stop() {
  if (!started_ || core_->stopped.exchange(true)) return;
  (void)core_->runtime.WithState([](RuntimeState& s) {
    s.emit_agent_event = nullptr;
    return OkStatus();
  });
  core_->work_cv.notify_all();
  if (feed_.joinable()) feed_.join();
  if (core_->worker.joinable()) core_->worker.join();
  core_->feed_queue.reset();
}

void AgentPlane::Flush() {
  // Two rounds: a close queues its second step behind whatever was queued
  // when its first step ran.
  for (int round = 0; round < 2; ++round) {
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> waited = done->get_future();
    {
      std::lock_guard lock(core_->work_mu);
      if (core_->stopped) return;
      core_->work.emplace_back([done] { done->set_value(); });
    }
    core_->work_cv.notify_one();
    waited.wait();
  }
}

std::vector<Json> AgentPlane::Reveals(const std::string& credential_id) const {
  std::vector<Json> out;
  for (const RevealAccess& access : core_->reveals.Active(credential_id, core_->clock->NowMs())) {
    out.push_back(RevealAccessJson(access));
  }
  return out;
}

Result<AuthInfo> AgentPlane::Authenticate(std::string_view token) {
  auto credential = core_->runtime.AuthenticateToken(token);
  if (!credential.ok()) {
    if (credential.error().IsAuth()) return credential.error();
    return Error::Auth("invalid credential token");  // unknown tokens say no more
  }
  const Credential& c = *credential;
  AuthInfo info;
  info.credential_id = c.id;
  info.operator_id = c.operator_id;
  info.fingerprint = Sha256Fingerprint(token);
  info.issued_at = IsoTime(c.issued_at_ms);
  info.expires_at = IsoTime(c.expires_at_ms);
  info.effective_scopes = {{"allow", c.effective.allow}, {"deny", c.effective.deny}};
  return info;
}

namespace {

Status AttachableState(CredentialState state, const std::string& credential_id) {
  if (state == CredentialState::kActive) return OkStatus();
  if (state == CredentialState::kExpired) return Error::CredentialExpired(credential_id);
  return Error::Auth("credential is not active");
}

}  // namespace

Result<Attachment> AgentPlane::Attach(const std::string& credential_id,
                                      std::optional<std::uint64_t> last_seen_seq,
                                      std::shared_ptr<EventSink> sink) {
  if (sink == nullptr) return Error::Internal("Attach needs a sink");
  XS_RETURN_IF_ERROR(AttachableState(Check(credential_id), credential_id));
  return core_->hub.Attach(credential_id, last_seen_seq, std::move(sink));
}

Status AgentPlane::AttachLive(const std::string& credential_id, std::shared_ptr<EventSink> sink) {
  if (sink == nullptr) return Error::Internal("AttachLive needs a sink");
  XS_RETURN_IF_ERROR(AttachableState(Check(credential_id), credential_id));
  core_->hub.AttachLive(credential_id, std::move(sink));
  return OkStatus();
}

void AgentPlane::Detach(const std::string& credential_id, const EventSink* sink) {
  core_->hub.Detach(credential_id, sink);
}

CredentialState AgentPlane::Check(const std::string& credential_id) {
  CredViewPtr view = core_->Find(credential_id);
  if (!view) return CredentialState::kMissing;
  CredentialState state = core_->StateOf(*view);
  if (state == CredentialState::kExpired && view->status != CredentialStatus::kExpired) {
    // Expired by the clock before the sweep recorded it: record it now, on
    // the plane's worker (Check runs on transport I/O threads, which must not
    // wait for the runtime lock), so `credential.expired` goes out and the
    // sinks close after it (the manager's lookup applies expiry and tells the
    // listeners). Once per credential.
    {
      std::lock_guard lock(core_->expiring_mu);
      if (!core_->expiring.insert(credential_id).second) return state;
    }
    core_->Post([core = core_.get(), credential_id] {
      (void)core->runtime.WithState([&credential_id](RuntimeState& s) -> Status {
        (void)s.credentials->Get(credential_id);
        return OkStatus();
      });
    });
  }
  return state;
}

void AgentPlane::Emit(const std::string& credential_id, const Json& event) {
  core_->hub.Publish(credential_id, SafeDump(event));
}

}  // namespace xs::signet::agent
