// AgentPlane over a real runtime, real clients and an in-process node: the
// inbound feed, credential events and closes, the requests, reveals.
#include "signet/agent/agent_plane.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "base/testing/fake_clock.h"
#include "codec/hex.h"
#include "node/node.h"
#include "signet/testing/temp_dir.h"
#include "xmtp/client/client.h"
#include "xmtp/content/agent_payload.h"
#include "xmtp/content/codecs.h"

namespace xs::signet::agent {
namespace {

namespace content = xmtp::content;
using Bytes = xmtp::client::Bytes;

// Generous: the node and the streams are in-process; a failure waits this long.
constexpr auto kPatience = std::chrono::seconds(20);

class RecordingSink : public EventSink {
 public:
  void Deliver(const Frame& frame) override {
    {
      std::lock_guard lock(mu_);
      frames_.push_back(Json::parse(*frame));
      order_.emplace_back("frame");
    }
    cv_.notify_all();
  }
  void Close(int code, std::string_view) override {
    {
      std::lock_guard lock(mu_);
      closed_ = code;
      order_.emplace_back("close");
    }
    cv_.notify_all();
  }
  // The n-th frame delivered (0-based), waiting for it.
  Json Frame(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kPatience, [&] { return frames_.size() > n; });
    return frames_.size() > n ? frames_[n] : Json();
  }
  // The next delivered event of `type` after `from` frames.
  Json NextOfType(const std::string& type, std::size_t* from) {
    for (;;) {
      Json f = Frame(*from);
      if (f.is_null()) return f;
      ++*from;
      if (f["event"]["type"] == type) return f;
    }
  }
  int WaitClosed() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kPatience, [&] { return closed_ != 0; });
    return closed_;
  }
  std::vector<std::string> Order() {
    std::lock_guard lock(mu_);
    return order_;
  }
  void Prepend(const std::vector<xs::signet::agent::Frame>& replay) {
    {
      std::lock_guard lock(mu_);
      std::vector<Json> parsed;
      for (const auto& f : replay) parsed.push_back(Json::parse(*f));
      frames_.insert(frames_.begin(), parsed.begin(), parsed.end());
      order_.insert(order_.begin(), replay.size(), "frame");
    }
    cv_.notify_all();
  }
  std::size_t Count() {
    std::lock_guard lock(mu_);
    return frames_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Json> frames_;
  std::vector<std::string> order_;
  int closed_ = 0;
};

class AgentPlaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node::NodeOptions node_options;
    node_options.port = 0;
    node_options.in_memory = true;
    auto started = node::Node::Start(node_options);
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    node_ = std::move(*started);
    ClientHost::Options host_options;
    host_options.url = "http://" + node_->address();
    host_options.env_name = "local";
    host_ = std::make_shared<ClientHost>(std::move(host_options));

    RuntimeOptions o;
    o.data_dir = dir_.path() + "/data";
    o.env = "local";
    o.clock = &clock_;
    o.network = host_;
    auto rt = Runtime::Init(o);
    ASSERT_TRUE(rt.ok()) << rt.error().ToString();
    rt_ = std::move(*rt);
    auto key = rt_->ClientStoreKey();
    ASSERT_TRUE(key.ok());
    ASSERT_TRUE(host_->Start(dir_.path() + "/clients.db3", *key, {}).ok());
    chats_ = std::make_unique<Chats>(*rt_, *host_);
    ASSERT_TRUE(chats_->Install().ok());
    AgentPlaneOptions plane_options;
    plane_options.replay_buffer_size = 100;
    plane_ = std::make_unique<AgentPlane>(*rt_, chats_.get(), host_.get(), plane_options);
    ASSERT_TRUE(plane_->Start().ok());
    admin_.admin_key_fingerprint = rt_->admin_fingerprint();

    // The peer is another managed inbox: its installation sees every
    // message of the chat too (the feed must count the chat's own only).
    peer_ = Call("inbox.create", {{"label", "peer"}});
    chat_ = Call("chat.create", {{"name", "room"}, {"members", {"peer"}}});
    chat_id_ = chat_["id"];
    group_ = codec::HexDecode(chat_["networkGroupId"].get<std::string>()).value();
    peer_client_ = host_->ClientFor(peer_["installationId"]).value();
    for (int i = 0; i < 200 && !HasGroup(peer_client_); ++i) {
      (void)peer_client_->SyncWelcomes();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(HasGroup(peer_client_));
    auto secrets = rt_->GetInboxSecrets(chat_["inboxId"].get<std::string>());
    ASSERT_TRUE(secrets.ok());
    own_client_ = host_->ClientFor(secrets->installation_id).value();
    operator_id_ = Call("operator.create", {{"label", "op"}})["id"];
  }

  void TearDown() override {
    if (plane_) plane_->Stop();
    if (host_) host_->Stop();
  }

  bool HasGroup(xmtp::client::Client* c) {
    for (const auto& id : c->GroupIds()) {
      if (id == group_) return true;
    }
    return false;
  }

  Json Call(const char* method, const Json& params) {
    auto r = rt_->Call(method, params, admin_);
    EXPECT_TRUE(r.ok()) << method << ": " << (r.ok() ? "" : r.error().ToString());
    return r.ok() ? *r : Json();
  }

  // {token, credential}
  Json Issue(std::vector<std::string> allow) {
    return Call("credential.issue",
                {{"operatorId", operator_id_}, {"chatIds", {chat_id_}}, {"allow", allow}});
  }

  std::string PeerSends(const std::string& text) {
    auto id = peer_client_->Send(group_, content::EncodeText(text));
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? codec::HexEncode(*id) : "";
  }

  // Waits until the chat's own client stored the message.
  void WaitStored(const std::string& hex) {
    Bytes id = codec::HexDecode(hex).value();
    for (int i = 0; i < 400; ++i) {
      auto found = own_client_->FindMessage(group_, id);
      if (found.ok() && found->has_value()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "message " << hex << " never stored";
  }

  Json Reveal(const std::string& id, const std::string& scope, const std::string& target) {
    auto r = plane_->Handle(id, {{"type", "reveal_content"},
                                 {"requestId", "r"},
                                 {"reveal",
                                  {{"revealId", "rv-" + scope},
                                   {"groupId", chat_id_},
                                   {"scope", scope},
                                   {"targetId", target},
                                   {"requestedBy", "owner"},
                                   {"expiresAt", nullptr}}}});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
    return r.ok() ? *r : Json();
  }

  std::shared_ptr<RecordingSink> AttachFresh(const std::string& credential_id) {
    // As a transport does: the replay goes before anything delivered.
    auto sink = std::make_shared<RecordingSink>();
    auto attached = plane_->Attach(credential_id, std::nullopt, sink);
    EXPECT_TRUE(attached.ok());
    if (attached.ok()) sink->Prepend(attached->replay);
    return sink;
  }

  testing::TempDir dir_;
  FakeClock clock_{SystemClock::Get()->NowMs()};
  std::unique_ptr<node::Node> node_;
  std::shared_ptr<ClientHost> host_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<Chats> chats_;
  std::unique_ptr<AgentPlane> plane_;
  CallContext admin_;
  Json peer_, chat_;
  std::string chat_id_, operator_id_;
  Bytes group_;
  xmtp::client::Client* peer_client_ = nullptr;
  xmtp::client::Client* own_client_ = nullptr;
};

TEST_F(AgentPlaneTest, APeerMessageReachesEachReadingCredentialOnceAsMessageVisible) {
  std::string reader = Issue({"read-messages", "send"})["credential"]["id"];
  auto sink = AttachFresh(reader);
  std::size_t at = 0;
  ASSERT_EQ(sink->NextOfType("credential.issued", &at)["event"]["credentialId"], reader);

  const std::string first = PeerSends("hello agent");
  Json frame = sink->NextOfType("message.visible", &at);
  Json event = frame["event"];
  EXPECT_EQ(event["messageId"], first);
  EXPECT_EQ(event["groupId"], chat_id_);  // the conv_ id (decisions.md #26)
  EXPECT_EQ(event["senderInboxId"], peer_client_->inbox_id());
  EXPECT_EQ(event["contentType"], "xmtp.org/text:1.0");
  EXPECT_EQ(event["content"], (Json{{"text", "hello agent"}}));
  EXPECT_EQ(event["visibility"], "visible");
  EXPECT_TRUE(event["threadId"].is_null());
  EXPECT_TRUE(event["sealId"].is_null());
  EXPECT_EQ(event["sentAt"].get<std::string>().back(), 'Z');

  // The chat's own inbox sends (the agents' own output): not fed back. A
  // reply from the peer comes next, naming its thread.
  ASSERT_TRUE(own_client_->Send(group_, content::EncodeText("from the agent")).ok());
  content::Reply reply;
  reply.reference = first;
  reply.content = content::EncodeText("threaded");
  ASSERT_TRUE(peer_client_->Send(group_, content::EncodeReply(reply)).ok());
  Json next = sink->NextOfType("message.visible", &at);
  EXPECT_EQ(next["event"]["contentType"], "xmtp.org/reply:1.0");
  EXPECT_EQ(next["event"]["threadId"], first);
  EXPECT_EQ(next["seq"].get<std::uint64_t>(), frame["seq"].get<std::uint64_t>() + 1)
      << "one frame per message: the peer's own installation and the agent's message add none";
}

TEST_F(AgentPlaneTest, ACredentialWithoutReadMessagesGetsNothingUnrevealed) {
  std::string blind = Issue({"send"})["credential"]["id"];
  std::string reader = Issue({"read-messages"})["credential"]["id"];
  auto blind_sink = AttachFresh(blind);
  auto reader_sink = AttachFresh(reader);
  PeerSends("secret");
  std::size_t at = 0;
  ASSERT_FALSE(reader_sink->NextOfType("message.visible", &at).is_null());
  plane_->Flush();
  for (std::size_t i = 0; i < blind_sink->Count(); ++i) {
    EXPECT_NE(blind_sink->Frame(i)["event"]["type"], "message.visible");
  }
}

TEST_F(AgentPlaneTest, ABurstReachesEveryCredentialInOrderWithItsOwnProjection) {
  // Two readers share one view of each message; a credential without
  // read-messages sees the peer's messages through a sender reveal, a
  // different projection of the same message.
  std::string reader = Issue({"read-messages"})["credential"]["id"];
  std::string other = Issue({"read-messages", "send"})["credential"]["id"];
  std::string revealed = Issue({"send"})["credential"]["id"];
  Reveal(revealed, "sender", peer_client_->inbox_id());
  auto reader_sink = AttachFresh(reader);
  auto other_sink = AttachFresh(other);
  auto revealed_sink = AttachFresh(revealed);
  plane_->Flush();
  std::size_t reader_at = reader_sink->Count(), other_at = other_sink->Count();
  std::size_t revealed_at = revealed_sink->Count();

  constexpr int kBurst = 12;  // sent back to back: the feed takes them in batches
  std::vector<std::string> ids;
  for (int i = 0; i < kBurst; ++i) ids.push_back(PeerSends("burst " + std::to_string(i)));
  std::uint64_t reader_seq = 0, revealed_seq = 0;
  for (int i = 0; i < kBurst; ++i) {
    Json r = reader_sink->NextOfType("message.visible", &reader_at);
    Json o = other_sink->NextOfType("message.visible", &other_at);
    Json v = revealed_sink->NextOfType("message.visible", &revealed_at);
    ASSERT_FALSE(r.is_null() || o.is_null() || v.is_null()) << "message " << i;
    EXPECT_EQ(r["event"]["messageId"], ids[i]);
    EXPECT_EQ(r["event"]["visibility"], "visible");
    EXPECT_EQ(r["event"]["content"], (Json{{"text", "burst " + std::to_string(i)}}));
    EXPECT_EQ(o["event"], r["event"]) << "the same view: the same event";
    EXPECT_EQ(v["event"]["messageId"], ids[i]);
    EXPECT_EQ(v["event"]["visibility"], "revealed");
    EXPECT_EQ(v["event"]["content"], r["event"]["content"]);
    Json without_visibility = v["event"];
    without_visibility["visibility"] = "visible";
    EXPECT_EQ(without_visibility, r["event"]) << "only the visibility differs";
    // Consecutive seqs per credential: nothing between the burst's frames.
    if (i > 0) {
      EXPECT_EQ(r["seq"].get<std::uint64_t>(), reader_seq + 1);
      EXPECT_EQ(v["seq"].get<std::uint64_t>(), revealed_seq + 1);
    }
    reader_seq = r["seq"].get<std::uint64_t>();
    revealed_seq = v["seq"].get<std::uint64_t>();
  }
}

TEST_F(AgentPlaneTest, SignetInternalContentNeverReachesAnAgent) {
  std::string reader = Issue({"read-messages"})["credential"]["id"];
  auto sink = AttachFresh(reader);
  auto seal = content::EncodeAgentPayload(content::AgentSealType(),
                                          R"({"contentType":"xmtp.org/agentSeal:1.0"})");
  ASSERT_TRUE(seal.ok());
  ASSERT_TRUE(peer_client_->Send(group_, *seal).ok());
  ASSERT_TRUE(peer_client_->Send(group_, content::EncodeMarkdown("**md**")).ok());
  PeerSends("after");
  std::size_t at = 0;
  Json event = sink->NextOfType("message.visible", &at)["event"];
  EXPECT_EQ(event["content"], (Json{{"text", "after"}}));
}

TEST_F(AgentPlaneTest, AuthenticateReturnsTheCredentialAndTokenFingerprint) {
  Json issued = Issue({"read-messages", "send"});
  const std::string token = issued["token"];
  auto who = plane_->Authenticate(token);
  ASSERT_TRUE(who.ok()) << who.error().ToString();
  EXPECT_EQ(who->credential_id, issued["credential"]["id"]);
  EXPECT_EQ(who->operator_id, operator_id_);
  EXPECT_EQ(who->fingerprint, Sha256Fingerprint(token));
  EXPECT_EQ(who->fingerprint.rfind("sha256:", 0), 0u);
  EXPECT_EQ(who->expires_at, issued["credential"]["expiresAt"]);
  EXPECT_EQ(who->effective_scopes["allow"], (Json{"read-messages", "send"}));
  EXPECT_TRUE(who->effective_scopes["deny"].empty());
  EXPECT_TRUE(plane_->Authenticate("not-a-token").error().IsAuth());
  EXPECT_EQ(plane_->Check(who->credential_id), CredentialState::kActive);
  EXPECT_EQ(plane_->Check("cred_ffffffffffffffff"), CredentialState::kMissing);
}

TEST_F(AgentPlaneTest, RevokeClosesWith4004AfterEventsOfTheSameChange) {
  std::string id = Issue({"read-messages"})["credential"]["id"];
  // Another listener (the seal engine) emits for the same change.
  rt_->AddCredentialListener([this](const CredentialEvent& ev) {
    if (ev.type == CredentialEventType::kRevoked) {
      rt_->state().emit_agent_event(ev.credential.id, {{"type", "agent.revoked"}});
    }
  });
  auto sink = AttachFresh(id);
  Call("credential.revoke", {{"credentialId", id}, {"force", true}});
  EXPECT_EQ(sink->WaitClosed(), kCloseCredentialRevoked);
  std::vector<std::string> order = sink->Order();
  ASSERT_GE(order.size(), 2u);
  EXPECT_EQ(order.back(), "close");
  std::size_t at = 0;
  EXPECT_FALSE(sink->NextOfType("agent.revoked", &at).is_null());
  EXPECT_EQ(plane_->Check(id), CredentialState::kRevoked);
  EXPECT_FALSE(plane_->Attach(id, std::nullopt, std::make_shared<RecordingSink>()).ok());
}

TEST_F(AgentPlaneTest, ExpiryEmitsCredentialExpiredThenClosesWith4003) {
  std::string id = Issue({"read-messages"})["credential"]["id"];
  auto sink = AttachFresh(id);
  clock_.Advance(3601 * 1000);
  EXPECT_EQ(plane_->Check(id), CredentialState::kExpired);  // before the sweep
  rt_->Sweep();
  EXPECT_EQ(sink->WaitClosed(), kCloseCredentialExpired);
  std::size_t at = 0;
  Json expired = sink->NextOfType("credential.expired", &at);
  EXPECT_EQ(expired["event"]["credentialId"], id);
  EXPECT_EQ(expired["event"]["reason"], "credential-expired");
}

TEST_F(AgentPlaneTest, HarnessScopeUpdatesEmitAndEscalationClosesWith4005) {
  std::string id = Issue({"read-messages", "send", "reply"})["credential"]["id"];
  auto sink = AttachFresh(id);
  auto narrowed = plane_->Handle(
      id, {{"type", "update_scopes"}, {"requestId", "r1"}, {"allow", {"read-messages", "send"}}});
  ASSERT_TRUE(narrowed.ok()) << narrowed.error().ToString();
  EXPECT_EQ(*narrowed, (Json{{"updated", true}, {"material", true}, {"reason", "removed: reply"}}));
  std::size_t at = 0;
  Json updated = sink->NextOfType("scopes.updated", &at)["event"];
  EXPECT_EQ(updated["permissions"]["allow"], (Json{"read-messages", "send"}));

  auto escalated = plane_->Handle(
      id, {{"type", "update_scopes"}, {"requestId", "r2"}, {"allow", {"read-messages", "invite"}}});
  ASSERT_TRUE(escalated.ok()) << escalated.error().ToString();
  EXPECT_FALSE((*escalated)["updated"].get<bool>());
  EXPECT_TRUE((*escalated)["material"].get<bool>());
  EXPECT_NE((*escalated)["reason"].get<std::string>().find("added: invite"), std::string::npos);
  EXPECT_EQ(sink->WaitClosed(), kClosePolicyChange);
  EXPECT_FALSE(sink->NextOfType("credential.reauthorization_required", &at).is_null());
  EXPECT_EQ(plane_->Check(id), CredentialState::kPending);
}

TEST_F(AgentPlaneTest, RequestsMapOntoTheRegistryAsTheCredential) {
  std::string id = Issue({"read-messages", "send"})["credential"]["id"];
  std::vector<std::pair<std::string, Json>> calls;
  std::vector<CallContext> contexts;
  rt_->Extend([&](ActionRegistry& r, RuntimeState&) {
    for (const char* method :
         {"message.send", "message.reply", "message.react", "action.confirm"}) {
      r.Register({method, "recording", Intent::kWrite, false, false,
                  [&, method](const Json& p, const CallContext& ctx) -> Result<Json> {
                    calls.emplace_back(method, p);
                    contexts.push_back(ctx);
                    return Json{{"messageId", "m"}, {"provenance", nullptr}};
                  }});
    }
  });
  auto sent = plane_->Handle(id, {{"type", "send_message"},
                                  {"requestId", "q1"},
                                  {"groupId", chat_id_},
                                  {"contentType", "xmtp.org/text:1.0"},
                                  {"content", "hi"}});
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(*sent, (Json{{"messageId", "m"}, {"provenance", nullptr}}));
  ASSERT_TRUE(plane_
                  ->Handle(id, {{"type", "send_reply"},
                                {"requestId", "q2"},
                                {"groupId", chat_id_},
                                {"messageId", "abc"},
                                {"contentType", "xmtp.org/text:1.0"},
                                {"content", {{"text", "re"}}}})
                  .ok());
  ASSERT_TRUE(plane_
                  ->Handle(id, {{"type", "send_reaction"},
                                {"requestId", "q3"},
                                {"groupId", chat_id_},
                                {"messageId", "abc"},
                                {"action", "removed"},
                                {"content", "👍"}})
                  .ok());
  ASSERT_TRUE(plane_
                  ->Handle(id, {{"type", "confirm_action"},
                                {"requestId", "q4"},
                                {"actionId", "a1"},
                                {"confirmed", false}})
                  .ok());
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[0],
            (std::pair<std::string, Json>{
                "message.send",
                {{"chatId", chat_id_}, {"contentType", "xmtp.org/text:1.0"}, {"content", "hi"}}}));
  EXPECT_EQ(calls[1].second, (Json{{"chatId", chat_id_},
                                   {"messageId", "abc"},
                                   {"contentType", "xmtp.org/text:1.0"},
                                   {"content", {{"text", "re"}}}}));
  EXPECT_EQ(calls[2].second,
            (Json{{"chatId", chat_id_}, {"messageId", "abc"}, {"emoji", "👍"}, {"remove", true}}));
  EXPECT_EQ(calls[3].second, (Json{{"actionId", "a1"}, {"confirmed", false}}));
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    EXPECT_EQ(contexts[i].caller, CallContext::Caller::kCredential);
    EXPECT_EQ(contexts[i].credential_id, id);
    EXPECT_EQ(contexts[i].request_id, "q" + std::to_string(i + 1));
  }
}

TEST_F(AgentPlaneTest, MalformedRequestsAreValidationErrors) {
  std::string id = Issue({"read-messages", "send"})["credential"]["id"];
  const std::vector<Json> bad = {
      {{"type", "send_message"},
       {"requestId", "1"},
       {"contentType", "xmtp.org/text:1.0"},
       {"content", "x"}},
      {{"type", "send_message"},
       {"requestId", "1"},
       {"groupId", chat_id_},
       {"contentType", "text"},
       {"content", "x"}},
      {{"type", "send_message"},
       {"requestId", "1"},
       {"groupId", chat_id_},
       {"contentType", "xmtp.org/text:1.0"}},
      {{"type", "send_reply"},
       {"requestId", "1"},
       {"groupId", chat_id_},
       {"contentType", "xmtp.org/text:1.0"},
       {"content", "x"}},
      {{"type", "send_reaction"},
       {"requestId", "1"},
       {"groupId", chat_id_},
       {"messageId", "m"},
       {"action", "liked"},
       {"content", "x"}},
      {{"type", "send_reaction"},
       {"requestId", "1"},
       {"groupId", chat_id_},
       {"messageId", "m"},
       {"action", "added"}},
      {{"type", "update_scopes"}, {"requestId", "1"}, {"allow", "send"}},
      {{"type", "update_scopes"}, {"requestId", "1"}, {"deny", {1, 2}}},
      {{"type", "reveal_content"}, {"requestId", "1"}},
      {{"type", "reveal_content"}, {"requestId", "1"}, {"reveal", {{"revealId", "r"}}}},
      {{"type", "confirm_action"}, {"requestId", "1"}, {"actionId", "a"}, {"confirmed", "yes"}},
      {{"type", "heartbeat"}, {"requestId", "1"}, {"sessionId", "s"}},
      {{"type", "update_view"}, {"requestId", "1"}},
  };
  for (const Json& request : bad) {
    auto r = plane_->Handle(id, request);
    ASSERT_FALSE(r.ok()) << request.dump();
    EXPECT_TRUE(r.error().IsValidation()) << request.dump() << " " << r.error().ToString();
    EXPECT_EQ(r.error().code(), 1000);
  }
  // Unknown scope names are validation errors too.
  EXPECT_TRUE(
      plane_->Handle(id, {{"type", "update_scopes"}, {"requestId", "1"}, {"allow", {"fly"}}})
          .error()
          .IsValidation());
}

TEST_F(AgentPlaneTest, HeartbeatsKeepTheCredentialFreshAndAStaleOneFailsOtherRequests) {
  std::string id = Issue({"read-messages"})["credential"]["id"];
  auto other = plane_->Handle(
      id, {{"type", "heartbeat"}, {"requestId", "h0"}, {"credentialId", "cred_ffffffffffffffff"}});
  EXPECT_TRUE(other.error().IsAuth());
  auto beat =
      plane_->Handle(id, {{"type", "heartbeat"}, {"requestId", "h1"}, {"credentialId", id}});
  ASSERT_TRUE(beat.ok()) << beat.error().ToString();
  EXPECT_TRUE(beat->is_null());
  const Json list = {{"type", "reveal_content"}, {"requestId", "x"}, {"reveal", Json::object()}};
  clock_.Advance(32'000);
  EXPECT_TRUE(plane_->Handle(id, list).error().IsValidation());  // fresh: reaches validation
  clock_.Advance(1'000);                                         // 33 s after the heartbeat: stale
  auto stale = plane_->Handle(id, list);
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.error().IsAuth());
  EXPECT_NE(stale.error().message().find("stale"), std::string::npos);
  EXPECT_TRUE(
      plane_->Handle(id, {{"type", "heartbeat"}, {"requestId", "h2"}, {"credentialId", id}}).ok());
  EXPECT_TRUE(plane_->Handle(id, list).error().IsValidation());
}

TEST_F(AgentPlaneTest, RevealContentReplaysMatchingHistoryAndRevealsLiveMessages) {
  // Without read-messages nothing shows until a reveal covers it.
  std::string id = Issue({"send", "read-history"})["credential"]["id"];
  auto sink = AttachFresh(id);
  const std::string shown = PeerSends("reveal me");
  WaitStored(PeerSends("keep hidden"));
  auto access = plane_->Handle(id, {{"type", "reveal_content"},
                                    {"requestId", "r"},
                                    {"reveal",
                                     {{"revealId", "rv1"},
                                      {"groupId", chat_["networkGroupId"]},  // either id works
                                      {"scope", "message"},
                                      {"targetId", shown},
                                      {"requestedBy", peer_client_->inbox_id()},
                                      {"expiresAt", nullptr}}}});
  ASSERT_TRUE(access.ok()) << access.error().ToString();
  EXPECT_EQ((*access)["revealId"], "rv1");
  EXPECT_EQ((*access)["grantedBy"], peer_client_->inbox_id());
  EXPECT_TRUE((*access)["expiresAt"].is_null());
  std::size_t at = 0;
  Json revealed = sink->NextOfType("message.revealed", &at)["event"];
  EXPECT_EQ(revealed, (Json{{"type", "message.revealed"},
                            {"messageId", shown},
                            {"groupId", chat_id_},
                            {"contentType", "xmtp.org/text:1.0"},
                            {"content", {{"text", "reveal me"}}},
                            {"revealId", "rv1"}}));
  plane_->Flush();
  std::size_t revealed_count = 0;
  for (std::size_t i = 0; i < sink->Count(); ++i) {
    revealed_count += sink->Frame(i)["event"]["type"] == "message.revealed";
  }
  EXPECT_EQ(revealed_count, 1u) << "only the message the reveal names";

  // A sender reveal: the peer's next live message shows as revealed.
  ASSERT_TRUE(plane_
                  ->Handle(id, {{"type", "reveal_content"},
                                {"requestId", "r2"},
                                {"reveal",
                                 {{"revealId", "rv2"},
                                  {"groupId", chat_id_},
                                  {"scope", "sender"},
                                  {"targetId", peer_client_->inbox_id()},
                                  {"requestedBy", "owner"},
                                  {"expiresAt", IsoTime(clock_.NowMs() + 60'000)}}}})
                  .ok());
  std::size_t live_from = sink->Count();
  PeerSends("live and revealed");
  Json live = sink->NextOfType("message.visible", &live_from)["event"];
  EXPECT_EQ(live["visibility"], "revealed");
  EXPECT_EQ(live["content"], (Json{{"text", "live and revealed"}}));

  auto listed = rt_->Call("reveal.list", {{"credentialId", id}}, admin_);
  ASSERT_TRUE(listed.ok()) << listed.error().ToString();
  EXPECT_EQ((*listed)["activeReveals"].size(), 2u);
  CallContext as_other;
  as_other.caller = CallContext::Caller::kCredential;
  as_other.credential_id = "cred_ffffffffffffffff";
  EXPECT_TRUE(rt_->Call("reveal.list", {{"credentialId", id}}, as_other).error().IsPermission());
  clock_.Advance(60'000);
  listed = rt_->Call("reveal.list", {{"credentialId", id}}, admin_);
  EXPECT_EQ((*listed)["activeReveals"].size(), 1u);  // rv2 expired
}

TEST_F(AgentPlaneTest, RevealOfAChatOutsideTheCredentialIsAPermissionError) {
  std::string id = Issue({"send"})["credential"]["id"];
  auto r = plane_->Handle(id, {{"type", "reveal_content"},
                               {"requestId", "r"},
                               {"reveal",
                                {{"revealId", "rv1"},
                                 {"groupId", "conv_ffffffffffffffff"},
                                 {"scope", "message"},
                                 {"targetId", "x"},
                                 {"requestedBy", "y"},
                                 {"expiresAt", nullptr}}}});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsPermission()) << r.error().ToString();
}

TEST_F(AgentPlaneTest, WithoutReadHistoryARevealReplaysNoHistory) {
  std::string id = Issue({"send"})["credential"]["id"];
  auto sink = AttachFresh(id);
  const std::string old = PeerSends("old news");
  WaitStored(old);
  Reveal(id, "message", old);
  plane_->Flush();
  for (std::size_t i = 0; i < sink->Count(); ++i) {
    EXPECT_NE(sink->Frame(i)["event"]["type"], "message.revealed");
  }
}

TEST_F(AgentPlaneTest, RevokeAndExpiryWipeTheCredentialsReveals) {
  std::string revoked = Issue({"send"})["credential"]["id"];
  std::string expiring = Issue({"send", "react"})["credential"]["id"];
  Reveal(revoked, "sender", "x");
  Reveal(expiring, "sender", "x");
  EXPECT_EQ(Call("reveal.list", {{"credentialId", revoked}})["activeReveals"].size(), 1u);
  EXPECT_EQ(plane_->Reveals(expiring).size(), 1u);
  Call("credential.revoke", {{"credentialId", revoked}, {"force", true}});
  EXPECT_TRUE(plane_->Reveals(revoked).empty());
  EXPECT_EQ(plane_->Reveals(expiring).size(), 1u);
  clock_.Advance(3601 * 1000);
  rt_->Sweep();
  EXPECT_TRUE(plane_->Reveals(expiring).empty());
}

// --- Precheck: the fast lane answers exactly what Handle answers ---------------

// Precheck decides the request, with the same error Handle returns.
void ExpectSameAnswer(AgentPlane& plane, const std::string& id, const Json& request) {
  std::optional<Result<Json>> early = plane.Precheck(id, request);
  ASSERT_TRUE(early.has_value()) << request.dump();
  Result<Json> handled = plane.Handle(id, request);
  ASSERT_FALSE(handled.ok()) << request.dump();
  ASSERT_FALSE(early->ok()) << request.dump();
  const Error& fast = early->error();
  const Error& slow = handled.error();
  EXPECT_EQ(fast.code(), slow.code()) << request.dump();
  EXPECT_EQ(fast.category(), slow.category()) << request.dump();
  EXPECT_EQ(fast.tag(), slow.tag()) << request.dump();
  EXPECT_EQ(fast.message(), slow.message()) << request.dump();
  EXPECT_EQ(fast.context_json(), slow.context_json()) << request.dump();
}

Json SendText(const std::string& group, const Json& content,
              const std::string& type = "xmtp.org/text:1.0") {
  return {{"type", "send_message"},
          {"requestId", "p"},
          {"groupId", group},
          {"contentType", type},
          {"content", content}};
}

TEST_F(AgentPlaneTest, PrecheckAnswersTheRegistrysSendRejectionsAsHandleDoes) {
  std::string sender = Issue({"read-messages", "send"})["credential"]["id"];
  // A chat outside the credential's scope, by conv_ id or any non-hex name.
  ExpectSameAnswer(*plane_, sender, SendText("conv_0000000000000000", "hi"));
  ExpectSameAnswer(*plane_, sender, SendText("conv_0000000000000000", {{"text", "hi"}}));
  ExpectSameAnswer(*plane_, sender, SendText("somewhere", "hi", "xmtp.org/markdown:1.0"));
  // A scope that is not effective.
  std::string reader = Issue({"read-messages"})["credential"]["id"];
  ExpectSameAnswer(*plane_, reader, SendText(chat_id_, "hi"));
  // A content type the credential may not send.
  std::string text_only =
      Call("credential.issue", {{"operatorId", operator_id_},
                                {"chatIds", {chat_id_}},
                                {"allow", {"send"}},
                                {"contentTypes", {"xmtp.org/text:1.0"}}})["credential"]["id"];
  ExpectSameAnswer(*plane_, text_only, SendText(chat_id_, "# hi", "xmtp.org/markdown:1.0"));
  // An unknown credential.
  ExpectSameAnswer(*plane_, "cred_ffffffffffffffff", SendText(chat_id_, "hi"));
}

TEST_F(AgentPlaneTest, PrecheckAnswersSchemaAndStaleHeartbeatAsHandleDoes) {
  std::string id = Issue({"read-messages", "send"})["credential"]["id"];
  const std::vector<Json> bad = {
      Json::array(),
      {{"requestId", "1"}},
      {{"type", "send_message"}, {"requestId", "1"}, {"contentType", "xmtp.org/text:1.0"}},
      SendText(chat_id_, "x", "text"),
      {{"type", "send_message"},
       {"requestId", "1"},
       {"groupId", chat_id_},
       {"contentType", "xmtp.org/text:1.0"}},
      {{"type", "send_reaction"},
       {"requestId", "1"},
       {"groupId", chat_id_},
       {"messageId", "m"},
       {"action", "liked"},
       {"content", "x"}},
      {{"type", "update_scopes"}, {"requestId", "1"}, {"deny", {1, 2}}},
      {{"type", "reveal_content"}, {"requestId", "1"}},
      {{"type", "confirm_action"}, {"requestId", "1"}, {"actionId", "a"}, {"confirmed", "yes"}},
      {{"type", "heartbeat"}, {"requestId", "1"}, {"credentialId", "cred_ffffffffffffffff"}},
      {{"type", "update_view"}, {"requestId", "1"}},
  };
  for (const Json& request : bad) ExpectSameAnswer(*plane_, id, request);
  ASSERT_TRUE(
      plane_->Handle(id, {{"type", "heartbeat"}, {"requestId", "h"}, {"credentialId", id}}).ok());
  clock_.Advance(33'000);  // the heartbeat is stale
  ExpectSameAnswer(*plane_, id, SendText(chat_id_, "hi"));
  ExpectSameAnswer(*plane_, id, SendText("conv_0000000000000000", "hi"));
}

TEST_F(AgentPlaneTest, PrecheckLeavesWhatNeedsTheRuntimeToHandle) {
  std::string id = Issue({"read-messages", "send"})["credential"]["id"];
  const std::vector<Json> runtime = {
      SendText(chat_id_, "hi"),                                    // sends
      SendText(chat_["networkGroupId"].get<std::string>(), "hi"),  // its network id
      SendText("conv_0000000000000000", ""),                       // the registry's own validation
      SendText("conv_0000000000000000", Json::array()),
      SendText("conv_0000000000000000", {{"reference", "m"}}, "xmtp.org/reply:1.0"),
      {{"type", "heartbeat"}, {"requestId", "1"}, {"credentialId", id}},
      {{"type", "update_scopes"}, {"requestId", "1"}, {"allow", {"send"}}},
      {{"type", "confirm_action"}, {"requestId", "1"}, {"actionId", "a"}, {"confirmed", true}},
  };
  for (const Json& request : runtime) {
    EXPECT_FALSE(plane_->Precheck(id, request).has_value()) << request.dump();
  }
  // What the registry answers for those is its own: not in scope comes after
  // its validation of the text.
  auto empty = plane_->Handle(id, SendText("conv_0000000000000000", ""));
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(empty.error().IsValidation()) << empty.error().ToString();
}

}  // namespace
}  // namespace xs::signet::agent
