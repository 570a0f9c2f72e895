#include "transport/ws/testing/fake_agent_surface.h"

#include <algorithm>

#include "base/clock.h"

namespace xs::transport::ws::testing {

FakeAgentSurface::FakeAgentSurface(std::size_t replay_buffer_size)
    : replay_buffer_size_(replay_buffer_size) {}

void FakeAgentSurface::AddCredential(const std::string& token, const std::string& credential_id,
                                     std::vector<std::string> chats) {
  std::lock_guard lock(mu_);
  tokens_[token] = credential_id;
  Credential& c = credentials_[credential_id];
  c.info = AuthInfo{.credential_id = credential_id,
                    .operator_id = "op_" + credential_id,
                    .fingerprint = "sha256:" + std::string(64, 'a'),
                    .issued_at = "2026-01-01T00:00:00.000Z",
                    .expires_at = "2099-01-01T00:00:00.000Z",
                    .effective_scopes = Json{{"allow", Json::array({"send", "read-messages"})},
                                             {"deny", Json::array()}}};
  c.chats.insert(chats.begin(), chats.end());
}

void FakeAgentSurface::SetState(const std::string& credential_id, CredentialState state) {
  std::lock_guard lock(mu_);
  credentials_[credential_id].state = state;
}

void FakeAgentSurface::SetHandler(Handler handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

void FakeAgentSurface::CloseSinks(const std::string& credential_id, int code,
                                  std::string_view reason) {
  std::lock_guard lock(mu_);
  for (const auto& sink : credentials_[credential_id].sinks) sink->Close(code, reason);
}

void FakeAgentSurface::DeliverRaw(const std::string& credential_id, const Frame& frame, int times) {
  std::lock_guard lock(mu_);
  for (int i = 0; i < times; ++i) {
    for (const auto& sink : credentials_[credential_id].sinks) sink->Deliver(frame);
  }
}

std::size_t FakeAgentSurface::sink_count(const std::string& credential_id) const {
  std::lock_guard lock(mu_);
  auto it = credentials_.find(credential_id);
  return it == credentials_.end() ? 0 : it->second.sinks.size();
}

std::size_t FakeAgentSurface::total_sinks() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [id, c] : credentials_) n += c.sinks.size();
  return n;
}

std::vector<Json> FakeAgentSurface::emitted(const std::string& credential_id) const {
  std::lock_guard lock(mu_);
  auto it = credentials_.find(credential_id);
  return it == credentials_.end() ? std::vector<Json>{} : it->second.emitted;
}

Result<AuthInfo> FakeAgentSurface::Authenticate(std::string_view token) {
  std::lock_guard lock(mu_);
  auto t = tokens_.find(std::string(token));
  if (t == tokens_.end()) return Error::Auth("Invalid credential token");
  const Credential& c = credentials_[t->second];
  if (c.state != CredentialState::kActive) return Error::Auth("Credential is not active");
  return c.info;
}

Result<Attachment> FakeAgentSurface::Attach(const std::string& credential_id,
                                            std::optional<std::uint64_t> last_seen_seq,
                                            std::shared_ptr<EventSink> sink) {
  std::lock_guard lock(mu_);
  Credential& c = credentials_[credential_id];
  Attachment out;
  if (last_seen_seq) {
    const std::uint64_t from = *last_seen_seq;
    if (!c.buffer.empty() && c.buffer.front().first > from + 1) {
      EmitLocked(c, Json{{"type", "signet.recovery.complete"},
                         {"caughtUpThrough", IsoTime(SystemClock::Get()->NowMs())}});
      out.replay.push_back(c.buffer.back().second);
      c.sinks.push_back(std::move(sink));
      return out;
    }
    for (const auto& [seq, frame] : c.buffer) {
      if (seq > from) out.replay.push_back(frame);
    }
    if (!out.replay.empty()) out.resumed_from = from;
  }
  c.sinks.push_back(std::move(sink));
  return out;
}

void FakeAgentSurface::Detach(const std::string& credential_id, const EventSink* sink) {
  std::lock_guard lock(mu_);
  auto& sinks = credentials_[credential_id].sinks;
  sinks.erase(
      std::remove_if(sinks.begin(), sinks.end(), [sink](const auto& s) { return s.get() == sink; }),
      sinks.end());
}

CredentialState FakeAgentSurface::Check(const std::string& credential_id) {
  ++checks_;
  std::lock_guard lock(mu_);
  auto it = credentials_.find(credential_id);
  return it == credentials_.end() ? CredentialState::kMissing : it->second.state;
}

Result<Json> FakeAgentSurface::Handle(const std::string& credential_id, const Json& request) {
  ++handled_;
  Handler handler;
  {
    std::lock_guard lock(mu_);
    handler = handler_;
  }
  if (handler) return handler(credential_id, request);
  return DefaultHandle(credential_id, request);
}

// The default handler's answers that need no send: a custom handler
// decides everything itself.
std::optional<Result<Json>> FakeAgentSurface::Precheck(const std::string& credential_id,
                                                       const Json& request) {
  ++prechecked_;
  std::lock_guard lock(mu_);
  if (handler_) return std::nullopt;
  const std::string& type = request["type"].get_ref<const std::string&>();
  if (type != "send_message") return std::nullopt;
  auto group = request.find("groupId");
  if (group == request.end() || !group->is_string()) return std::nullopt;
  const std::string& group_id = group->get_ref<const std::string&>();
  auto sender = credentials_.find(credential_id);
  if (sender != credentials_.end() && sender->second.chats.contains(group_id)) return std::nullopt;
  return Result<Json>(Error::Permission("Chat not in scope: " + group_id));
}

Result<Json> FakeAgentSurface::DefaultHandle(const std::string& credential_id,
                                             const Json& request) {
  const std::string& type = request["type"].get_ref<const std::string&>();
  if (type == "heartbeat") return Json(nullptr);
  if (type != "send_message") return Error::Validation("type", "not supported by the fake");
  auto group = request.find("groupId");
  if (group == request.end() || !group->is_string()) {
    return Error::Validation("groupId", "must be a string");
  }
  const std::string& group_id = group->get_ref<const std::string&>();
  std::lock_guard lock(mu_);
  Credential& sender = credentials_[credential_id];
  if (!sender.chats.contains(group_id)) {
    return Error::Permission("Chat not in scope: " + group_id);
  }
  char id[32];
  std::snprintf(id, sizeof(id), "%016llx",
                static_cast<unsigned long long>(next_message_.fetch_add(1)));  // NOLINT
  Json event = {{"type", "message.visible"},
                {"messageId", id},
                {"groupId", group_id},
                {"senderInboxId", "inbox_" + credential_id},
                {"contentType", request.value("contentType", "xmtp.org/text:1.0")},
                {"content", request.value("content", Json())},
                {"visibility", "visible"},
                {"sentAt", IsoTime(SystemClock::Get()->NowMs())},
                {"sealId", nullptr},
                {"threadId", nullptr}};
  for (auto& [cid, c] : credentials_) {
    if (cid != credential_id && c.chats.contains(group_id)) EmitLocked(c, event);
  }
  return Json{{"messageId", id}, {"provenance", nullptr}};
}

void FakeAgentSurface::Emit(const std::string& credential_id, const Json& event) {
  std::lock_guard lock(mu_);
  EmitLocked(credentials_[credential_id], event);
}

void FakeAgentSurface::EmitLocked(Credential& c, const Json& event) {
  const std::uint64_t seq = c.next_seq++;
  Frame frame = std::make_shared<const std::string>(Json{{"seq", seq}, {"event", event}}.dump());
  c.buffer.emplace_back(seq, frame);
  while (c.buffer.size() > replay_buffer_size_) c.buffer.pop_front();
  if (c.emitted.size() < 10000) c.emitted.push_back(event);
  for (const auto& sink : c.sinks) sink->Deliver(frame);
}

}  // namespace xs::transport::ws::testing
