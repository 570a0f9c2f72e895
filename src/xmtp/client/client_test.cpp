// Our clients against a real node on a free port (in-memory database): the
// group life cycle, welcomes, ordering, the commit race, and hostile input.
#include "xmtp/client/client.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mls/messages/serialize.h"
#include "node/node.h"
#include "xmtp/content/codecs.h"
#include "xmtp/content/encoded_content.h"
#include "xmtp/content/envelope.h"

namespace xs::xmtp::client {
namespace {

namespace mlsv1 = ::xmtp::mls::api::v1;

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "client_test_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    StartNode(0);
    auto api = api::ApiClient::Connect("http://" + node_->address());
    ASSERT_TRUE(api.ok()) << api.error().ToString();
    api_ = std::move(*api);
    auto store = store::Store::Open(dir_ + "/client.sqlite3", crypto::Secret::Random(32),
                                    *SystemClock::Get());
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(*store);
    ctx_ = std::make_unique<ClientContext>(*api_, *store_, *SystemClock::Get(),
                                           [this](std::string_view line) {
                                             std::lock_guard lock(log_mu_);
                                             log_.emplace_back(line);
                                           });
  }

  void TearDown() override {
    ctx_.reset();
    store_.reset();
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A node keeping its database in dir_, so that it can be restarted.
  void StartNode(int port) {
    node::NodeOptions options;
    options.port = port;
    options.data_dir = dir_;
    auto node = node::Node::Start(options);
    ASSERT_TRUE(node.ok()) << node.error().ToString();
    node_ = std::move(*node);
  }

  std::unique_ptr<Client> NewClient() {
    auto wallet = identity::WalletKey::Generate();
    EXPECT_TRUE(wallet.ok());
    auto client = Client::Register(*ctx_, *wallet);
    EXPECT_TRUE(client.ok()) << client.error().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  static std::vector<std::string> Texts(const Client& client, const Bytes& group) {
    std::vector<std::string> out;
    auto messages = client.Messages(group);
    EXPECT_TRUE(messages.ok());
    if (!messages.ok()) return out;
    std::vector<Message> list = std::move(messages).value();
    for (const auto& m : list) {
      if (auto text = content::DecodeText(m.content); text.ok()) out.push_back(*text);
    }
    return out;
  }

  static std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  bool LogMentions(std::string_view needle) {
    std::lock_guard lock(log_mu_);
    return std::any_of(log_.begin(), log_.end(),
                       [&](const std::string& l) { return l.find(needle) != std::string::npos; });
  }

  std::string dir_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<api::ApiClient> api_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ClientContext> ctx_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_F(ClientTest, CreateGroupWelcomeAndTextsBothWays) {
  auto alice = NewClient();
  auto bob = NewClient();
  ASSERT_TRUE(alice && bob);
  CreateGroupOptions options;
  options.name = "first";
  auto group = alice->CreateGroup({bob->inbox_id()}, options);
  ASSERT_TRUE(group.ok()) << group.error().ToString();

  auto joined = bob->SyncWelcomes();
  ASSERT_TRUE(joined.ok()) << joined.error().ToString();
  ASSERT_EQ(*joined, std::vector<Bytes>{*group});
  auto view = bob->Group(*group);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->name, "first");
  EXPECT_EQ(view->members, Sorted({alice->inbox_id(), bob->inbox_id()}));
  EXPECT_EQ(view->super_admins, std::vector<std::string>{alice->inbox_id()});

  auto sent = alice->Send(*group, content::EncodeText("hi bob"));
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  EXPECT_EQ(Texts(*bob, *group), std::vector<std::string>{"hi bob"});
  auto reply = bob->Send(*group, content::EncodeText("hi alice"));
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  ASSERT_TRUE(alice->SyncGroup(*group).ok());
  EXPECT_EQ(Texts(*alice, *group), (std::vector<std::string>{"hi bob", "hi alice"}));

  // Both compute the same message ids (protocol.md §4.5).
  auto a_messages = alice->Messages(*group);
  auto b_messages = bob->Messages(*group);
  ASSERT_TRUE(a_messages.ok() && b_messages.ok());
  std::vector<Message> a = std::move(a_messages).value();
  std::vector<Message> b = std::move(b_messages).value();
  auto ids = [](const std::vector<Message>& list, Message::Kind kind) {
    std::vector<Bytes> out;
    for (const auto& m : list) {
      if (m.kind == kind) out.push_back(m.id);
    }
    return out;
  };
  EXPECT_EQ(ids(a, Message::Kind::kApplication), ids(b, Message::Kind::kApplication));
  EXPECT_EQ(ids(a, Message::Kind::kApplication).back(), *reply);
}

TEST_F(ClientTest, AddRemoveRenameAgreeAcrossMembers) {
  auto alice = NewClient();
  auto bob = NewClient();
  auto carol = NewClient();
  ASSERT_TRUE(alice && bob && carol);
  auto group = alice->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  ASSERT_TRUE(alice->AddMembers(*group, {carol->inbox_id()}).ok());
  ASSERT_TRUE(carol->SyncWelcomes().ok());
  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  auto everyone = Sorted({alice->inbox_id(), bob->inbox_id(), carol->inbox_id()});
  for (auto* c : {alice.get(), bob.get(), carol.get()}) {
    auto view = c->Group(*group);
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->members, everyone);
    EXPECT_EQ(view->epoch, 2u);
  }

  // Under the default policies any member may rename.
  ASSERT_TRUE(bob->UpdateMetadata(*group, std::string(group::kGroupName), "renamed").ok());
  ASSERT_TRUE(alice->SyncGroup(*group).ok());
  ASSERT_TRUE(carol->SyncGroup(*group).ok());
  EXPECT_EQ(alice->Group(*group)->name, "renamed");
  EXPECT_EQ(carol->Group(*group)->name, "renamed");

  ASSERT_TRUE(alice->RemoveMembers(*group, {bob->inbox_id()}).ok());
  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  ASSERT_TRUE(carol->SyncGroup(*group).ok());
  EXPECT_FALSE(bob->Group(*group)->active);
  EXPECT_EQ(carol->Group(*group)->members, Sorted({alice->inbox_id(), carol->inbox_id()}));
  EXPECT_FALSE(bob->Send(*group, content::EncodeText("still here?")).ok());
  ASSERT_TRUE(carol->Send(*group, content::EncodeText("after bob")).ok());
  ASSERT_TRUE(alice->SyncGroup(*group).ok());
  EXPECT_EQ(Texts(*alice, *group), std::vector<std::string>{"after bob"});

  // Removed and added back: a fresh Welcome, the group is active again.
  ASSERT_TRUE(alice->AddMembers(*group, {bob->inbox_id()}).ok());
  // Bob's old record is inactive; the new Welcome replaces it.
  auto joined = bob->SyncWelcomes();
  ASSERT_TRUE(joined.ok()) << joined.error().ToString();
  EXPECT_TRUE(bob->Group(*group)->active);
  ASSERT_TRUE(carol->Send(*group, content::EncodeText("welcome back")).ok());
  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  auto texts = Texts(*bob, *group);
  EXPECT_NE(std::find(texts.begin(), texts.end(), "welcome back"), texts.end());
}

TEST_F(ClientTest, ConcurrentCommitsFromTwoMembersAreAllAppliedOnce) {
  auto alice = NewClient();
  auto bob = NewClient();
  ASSERT_TRUE(alice && bob);
  auto group = alice->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  constexpr int kEach = 10;
  auto rename = [&](Client* c, std::string who) {
    for (int i = 0; i < kEach; ++i) {
      auto s = c->UpdateMetadata(*group, std::string(group::kDescription), who + std::to_string(i));
      ASSERT_TRUE(s.ok()) << s.error().ToString();
    }
  };
  std::thread t1(rename, alice.get(), "a");
  std::thread t2(rename, bob.get(), "b");
  t1.join();
  t2.join();
  ASSERT_TRUE(alice->SyncGroup(*group).ok());
  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  auto va = alice->Group(*group);
  auto vb = bob->Group(*group);
  // One epoch per change: nothing lost, nothing applied twice.
  EXPECT_EQ(va->epoch, 1u + 2 * kEach);
  EXPECT_EQ(vb->epoch, va->epoch);
  EXPECT_EQ(va->description, vb->description);
  auto changes = [](const Client& c, const Bytes& g) {
    int n = 0;
    auto messages = c.Messages(g);
    if (!messages.ok()) return -1;
    std::vector<Message> list = std::move(messages).value();
    for (const auto& m : list) n += m.kind == Message::Kind::kMembershipChange;
    return n;
  };
  // Alice also saw the commit that added bob.
  EXPECT_EQ(changes(*alice, *group), 1 + 2 * kEach);
  EXPECT_EQ(changes(*bob, *group), 2 * kEach);
}

// A clock that runs `hook` once, at the first reading after it is armed.
class HookClock final : public Clock {
 public:
  std::int64_t NowMs() const override { return NowNs() / 1'000'000; }
  std::int64_t NowNs() const override {
    if (auto hook = std::exchange(hook_, nullptr)) hook();
    return SystemClock::Get()->NowNs();
  }
  void Arm(std::function<void()> hook) { hook_ = std::move(hook); }

 private:
  mutable std::function<void()> hook_;
};

// A commit lands on the node after our last sync, before our message: the
// message was encrypted in an epoch that had ended, which the member that
// commit added cannot read. The read-back sends it again in the new epoch,
// once: every member shows it once, the new member too.
TEST_F(ClientTest, MessageSentInAnEpochThatEndedIsSentAgainInTheNewOne) {
  HookClock clock;
  ClientContext alice_ctx(*api_, *store_, clock);
  auto wallet = identity::WalletKey::Generate();
  ASSERT_TRUE(wallet.ok());
  auto registered = Client::Register(alice_ctx, *wallet);
  ASSERT_TRUE(registered.ok()) << registered.error().ToString();
  std::unique_ptr<Client> alice = std::move(*registered);
  auto bob = NewClient();
  auto carol = NewClient();
  ASSERT_TRUE(bob && carol);
  auto group = alice->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(bob->SyncWelcomes().ok());

  // Bob adds Carol while Alice's Send is under way (its first clock reading).
  clock.Arm([&] { ASSERT_TRUE(bob->AddMembers(*group, {carol->inbox_id()}).ok()); });
  auto sent = alice->Send(*group, content::EncodeText("hello"));
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  ASSERT_EQ(alice->Group(*group)->members.size(), 3u);

  ASSERT_TRUE(carol->SyncWelcomes().ok());
  ASSERT_TRUE(carol->SyncGroup(*group).ok());
  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  for (const Client* member : {alice.get(), bob.get(), carol.get()}) {
    EXPECT_EQ(Texts(*member, *group), std::vector<std::string>{"hello"});
  }
  // Alice's copy: published (the second sending), after the add.
  auto messages = alice->Messages(*group);
  ASSERT_TRUE(messages.ok());
  std::vector<Message> list = std::move(messages).value();
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list.back().id, *sent);
  EXPECT_NE(list.back().node_id, 0u);
}

TEST_F(ClientTest, DuplicateDmsShowAsOneConversationNewestWins) {
  auto alice = NewClient();
  auto bob = NewClient();
  ASSERT_TRUE(alice && bob);
  // Both start a DM before seeing the other's.
  auto from_alice = alice->FindOrCreateDm(bob->inbox_id());
  auto from_bob = bob->FindOrCreateDm(alice->inbox_id());
  ASSERT_TRUE(from_alice.ok() && from_bob.ok());
  ASSERT_NE(*from_alice, *from_bob);
  ASSERT_TRUE(alice->SyncAll().ok());
  ASSERT_TRUE(bob->SyncAll().ok());
  ASSERT_TRUE(bob->Send(*from_alice, content::EncodeText("newest")).ok());
  ASSERT_TRUE(alice->SyncAll().ok());
  for (auto* c : {alice.get(), bob.get()}) {
    auto list = c->Conversations();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].kind, ConversationKind::kDm);
    EXPECT_EQ(list[0].group_id, *from_alice);
  }
  // FindOrCreateDm returns the shown one, not a third.
  EXPECT_EQ(*alice->FindOrCreateDm(bob->inbox_id()), *from_alice);
}

TEST_F(ClientTest, GarbageOnTheGroupTopicIsSkippedAndLogged) {
  auto alice = NewClient();
  auto bob = NewClient();
  ASSERT_TRUE(alice && bob);
  auto group = alice->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  // A PrivateMessage header the node accepts, with a body nobody can decrypt.
  mls::PrivateMessage bogus;
  bogus.group_id = *group;
  bogus.epoch = 1;
  bogus.content_type = mls::ContentType::kApplication;
  bogus.encrypted_sender_data = Bytes(32, 7);
  bogus.ciphertext = Bytes(64, 9);
  mls::MlsMessage message;
  message.body = bogus;
  Bytes data = mls::Serialize(message);
  mlsv1::SendGroupMessagesRequest req;
  auto* v1 = req.add_messages()->mutable_v1();
  v1->set_data(data.data(), data.size());
  v1->set_sender_hmac(std::string(32, 'h'));
  ASSERT_TRUE(api_->SendGroupMessages(req).ok());
  ASSERT_TRUE(alice->Send(*group, content::EncodeText("still fine")).ok());
  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  EXPECT_EQ(Texts(*bob, *group), std::vector<std::string>{"still fine"});
  EXPECT_TRUE(LogMentions("skipped"));
}

// Collects what a stream delivers.
struct Collected {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> texts;
  void Add(const Message& m) {
    auto text = content::DecodeText(m.content);
    if (!text.ok()) return;
    std::lock_guard lock(mu);
    texts.push_back(*text);
    cv.notify_all();
  }
  bool WaitFor(std::size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return texts.size() >= n; });
  }
};

TEST_F(ClientTest, StreamDeliversJoinsAndMessagesAndResumesAfterANodeRestart) {
  auto alice = NewClient();
  auto bob = NewClient();
  ASSERT_TRUE(alice && bob);
  Collected got;
  auto stream = bob->StreamAll([&](const Message& m) { got.Add(m); });
  // A group bob does not know yet: the welcome stream joins it, the group
  // stream then carries its messages.
  auto group = alice->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(alice->Send(*group, content::EncodeText("one")).ok());
  ASSERT_TRUE(got.WaitFor(1));

  // The node goes away and comes back on the same port with its data.
  int port = node_->port();
  node_.reset();
  StartNode(port);
  // The sender's channel reconnects with gRPC's own backoff: wait until it
  // syncs again (a failed Send would be queued and published later).
  auto send = [&](const char* text) {
    for (int i = 0; i < 100 && !alice->SyncGroup(*group).ok(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return alice->Send(*group, content::EncodeText(text)).ok();
  };
  ASSERT_TRUE(send("two"));
  ASSERT_TRUE(send("three"));
  ASSERT_TRUE(got.WaitFor(3));
  stream->Stop();
  std::lock_guard lock(got.mu);
  // In order, each once.
  EXPECT_EQ(got.texts, (std::vector<std::string>{"one", "two", "three"}));
}

}  // namespace
}  // namespace xs::xmtp::client
