// chat.join / chat.join-status (convos_join.cpp) against a real runtime,
// real native clients and an in-memory node; the host side is
// a second signet on the same node, whose ConvosHost answers the requests.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "node/node.h"
#include "signet/chats/chats.h"
#include "signet/chats/convos_host.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

class OffsetClock final : public Clock {
 public:
  std::int64_t NowMs() const override { return SystemClock::Get()->NowMs() + offset_.load(); }
  void Advance(std::int64_t ms) { offset_ += ms; }

 private:
  std::atomic<std::int64_t> offset_{0};
};

Json ContextOf(const Error& e) {
  return e.context_json().empty() ? Json() : Json::parse(e.context_json());
}

// One signet on the shared node: runtime, clients, chats, and its ConvosHost
// when started.
struct Signet {
  Signet(const std::string& dir, const std::string& url, const Clock* clock) {
    ClientHost::Options host_options;
    host_options.url = url;
    host_options.env_name = "local";
    host = std::make_shared<ClientHost>(std::move(host_options));
    RuntimeOptions options;
    options.data_dir = dir + "/data";
    options.env = "local";
    options.clock = clock;
    options.network = host;
    options.identity_mode = "per-group";
    options.gates.admin_read_elevation = false;
    auto made = Runtime::Init(options);
    EXPECT_TRUE(made.ok()) << made.error().ToString();
    if (!made.ok()) return;
    rt = std::move(*made);
    auto key = rt->ClientStoreKey();
    EXPECT_TRUE(key.ok());
    chats = std::make_unique<Chats>(*rt, *host);
    EXPECT_TRUE(chats->Install().ok());
    Status started = host->Start(dir + "/clients.db3", *key, Chats::Inboxes(*rt));
    EXPECT_TRUE(started.ok()) << started.error().ToString();
    admin.admin_key_fingerprint = rt->admin_fingerprint();
    admin.dangerously_allow_message_read = true;
  }
  ~Signet() {
    if (convos) convos->Stop();
    host->Stop();
    chats.reset();
    rt.reset();
  }
  Signet(const Signet&) = delete;
  Signet& operator=(const Signet&) = delete;

  void StartHost() {
    convos = std::make_unique<ConvosHost>(*rt, *chats, *host, nullptr);
    convos->Start();
  }
  Json Admin(const std::string& method, const Json& params) {
    auto r = rt->Call(method, params, admin);
    EXPECT_TRUE(r.ok()) << method << ": " << r.error().ToString();
    return r.ok() ? *r : Json::object();
  }
  std::size_t Inboxes() { return rt->state().inboxes->All().size(); }
  std::size_t ChatCount() { return Admin("chat.list", Json::object()).size(); }

  std::shared_ptr<ClientHost> host;
  std::unique_ptr<Runtime> rt;
  std::unique_ptr<Chats> chats;
  std::unique_ptr<ConvosHost> convos;
  CallContext admin;
};

class ConvosJoinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node::NodeOptions node_options;
    node_options.port = 0;
    node_options.in_memory = true;
    auto node = node::Node::Start(node_options);
    ASSERT_TRUE(node.ok()) << node.error().ToString();
    node_ = std::move(*node);
    const std::string url = "http://" + node_->address();
    host_ = std::make_unique<Signet>(dir_.path() + "/host", url, &clock_);
    guest_ = std::make_unique<Signet>(dir_.path() + "/guest", url, &clock_);
    ASSERT_TRUE(host_->rt && guest_->rt);
    chat_ = host_->Admin("chat.create", {{"name", "party"}}).value("id", "");
    ASSERT_FALSE(chat_.empty());
    url_ = host_->Admin("chat.invite", {{"chatId", chat_}}).value("url", "");
    ASSERT_FALSE(url_.empty());
  }

  void TearDown() override {
    guest_.reset();
    host_.reset();
  }

  // chat.join-status at the guest until the join ends (or 30 s pass).
  Result<Json> Finish(const std::string& join_id) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      auto r = guest_->rt->Call("chat.join-status", {{"joinId", join_id}}, guest_->admin);
      if (!r.ok() || r->value("state", "") != "pending") return r;
      if (std::chrono::steady_clock::now() > end) return Error::Timeout("the test gave up");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  testing::TempDir dir_;
  OffsetClock clock_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<Signet> host_;
  std::unique_ptr<Signet> guest_;
  std::string chat_;
  std::string url_;
};

TEST_F(ConvosJoinTest, ANewInboxJoinsThroughTheHostAndAnnouncesItselfAsAnAgent) {
  host_->StartHost();
  const std::size_t inboxes = guest_->Inboxes();
  Json started = guest_->Admin("chat.join",
                               {{"url", url_}, {"profileName", "Joiner"}, {"as", "joiner-inbox"}});
  EXPECT_EQ(started.value("state", ""), "pending") << started.dump();
  EXPECT_TRUE(started.value("newInbox", false));
  EXPECT_EQ(guest_->Inboxes(), inboxes + 1);
  auto joined = Finish(started.value("joinId", ""));
  ASSERT_TRUE(joined.ok()) << joined.error().ToString();
  EXPECT_EQ(joined->value("state", ""), "joined") << joined->dump();
  const Json& chat = (*joined)["chat"];
  EXPECT_EQ(chat.value("origin", ""), "joined");
  EXPECT_EQ(chat.value("networkGroupId", ""),
            host_->Admin("chat.info", {{"chatId", chat_}}).value("networkGroupId", ""));
  // The joiner's profile_update is in the group, from the joiner.
  Json messages = guest_->Admin("message.list", {{"chatId", joined->value("chatId", "")}});
  bool announced = false;
  for (const auto& m : messages) {
    if (m.value("contentType", "") == "convos.org/profile_update:1.0" &&
        m.value("senderInboxId", "") == chat.value("networkInboxId", "")) {
      announced = true;
    }
  }
  EXPECT_TRUE(announced) << messages.dump();
  // The join is over: its id is unknown now.
  auto again = guest_->rt->Call("chat.join-status", {{"joinId", started.value("joinId", "")}},
                                guest_->admin);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.error().IsNotFound());
}

TEST_F(ConvosJoinTest, ARevokedInviteIsRefusedByTheHostAndTheJoinsInboxIsRemoved) {
  host_->StartHost();
  host_->Admin("chat.invite", {{"chatId", chat_}, {"rotate", true}});
  const std::size_t inboxes = guest_->Inboxes();
  const std::size_t chats = guest_->ChatCount();
  Json started = guest_->Admin("chat.join", {{"url", url_}});
  auto refused = Finish(started.value("joinId", ""));
  ASSERT_FALSE(refused.ok()) << refused->dump();
  EXPECT_TRUE(refused.error().IsPermission()) << refused.error().ToString();
  Json context = ContextOf(refused.error());
  EXPECT_EQ(context.value("kind", ""), "convos.join.generic_failure") << context.dump();
  EXPECT_EQ(context.value("reason", ""), "convos.invite.revoked") << context.dump();
  EXPECT_TRUE(context.value("inboxRemoved", false)) << context.dump();
  EXPECT_EQ(guest_->Inboxes(), inboxes);
  EXPECT_EQ(guest_->ChatCount(), chats);
}

TEST_F(ConvosJoinTest, AJoinNobodyAnswersTimesOutAndLeavesNothingBehind) {
  // No ConvosHost runs: the request is never answered.
  const std::size_t inboxes = guest_->Inboxes();
  const std::size_t chats = guest_->ChatCount();
  Json started = guest_->Admin("chat.join", {{"url", url_}, {"timeoutSeconds", 5}});
  ASSERT_EQ(started.value("state", ""), "pending") << started.dump();
  guest_->Admin("chat.list", Json::object());  // a listing records the join's DM as a chat
  EXPECT_EQ(guest_->ChatCount(), chats + 1);
  clock_.Advance(6000);
  auto timed_out = guest_->rt->Call("chat.join-status", {{"joinId", started.value("joinId", "")}},
                                    guest_->admin);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_TRUE(timed_out.error().IsTimeout()) << timed_out.error().ToString();
  EXPECT_EQ(ContextOf(timed_out.error()).value("kind", ""), "convos.join.timeout");
  EXPECT_EQ(guest_->Inboxes(), inboxes);
  EXPECT_EQ(guest_->ChatCount(), chats);
}

TEST_F(ConvosJoinTest, BadInputsAreRefusedBeforeAnythingIsMade) {
  const std::size_t inboxes = guest_->Inboxes();
  auto garbage = guest_->rt->Call("chat.join", {{"url", "https://dev.convos.org/v2?i=notaslug"}},
                                  guest_->admin);
  ASSERT_FALSE(garbage.ok());
  EXPECT_TRUE(garbage.error().IsValidation());
  EXPECT_EQ(ContextOf(garbage.error()).value("kind", ""), "convos.malformed")
      << garbage.error().ToString();
  for (const Json& timeout : {Json(0), Json(3601), Json("5")}) {
    auto bad =
        guest_->rt->Call("chat.join", {{"url", url_}, {"timeoutSeconds", timeout}}, guest_->admin);
    ASSERT_FALSE(bad.ok()) << timeout.dump();
    EXPECT_TRUE(bad.error().IsValidation());
  }
  // The signet's own inbox made the invite: one chat per group per signet.
  auto own = host_->rt->Call("chat.join", {{"url", url_}}, host_->admin);
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(ContextOf(own.error()).value("kind", ""), "convos.invite.own_invite");
  auto unknown = guest_->rt->Call("chat.join-status", {{"joinId", "join_nope"}}, guest_->admin);
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.error().IsNotFound());
  EXPECT_EQ(guest_->Inboxes(), inboxes);
}

}  // namespace
}  // namespace xs::signet
