// Our clients against a real node on a free port (in-memory database): the
// group life cycle, welcomes, ordering, the commit race, and hostile input.
#include "xmtp/client/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_interceptor.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mls/messages/limits.h"
#include "mls/messages/serialize.h"
#include "node/node.h"
#include "xmtp/client/client_internal.h"
#include "xmtp/content/codecs.h"
#include "xmtp/content/encoded_content.h"
#include "xmtp/content/envelope.h"
#include "xmtp/envelope/welcome_proto.h"
#include "xmtp/envelope/welcome_wrapper.h"

namespace xs::xmtp::client {

// The Sends waiting for a client's lock (Client::Send).
struct ClientTestAccess {
  static std::size_t QueuedSends(Client& client) {
    std::lock_guard queue(client.queue_mu_);
    return client.send_queue_.size();
  }
  // Holds the client's lock: its stream cannot apply what arrives.
  static std::unique_lock<std::recursive_mutex> Lock(Client& client) {
    return std::unique_lock(client.mu_);
  }
};

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

  // Bob's first Welcome, sealed to his key again: what a node replaying it
  // would deliver (re-adding a member still in the group sends no Welcome).
  mlsv1::SendWelcomeMessagesRequest ResealFirstWelcome(const Client& bob) {
    mlsv1::SendWelcomeMessagesRequest replay;
    mlsv1::QueryWelcomeMessagesRequest query;
    query.set_installation_key(bob.installation_key().data(), bob.installation_key().size());
    auto welcomes = api_->QueryWelcomeMessages(query);
    EXPECT_TRUE(welcomes.ok());
    if (!welcomes.ok() || welcomes->messages_size() < 1) return replay;
    auto received = envelope::FromWelcomeMessage(welcomes->messages(0));
    EXPECT_TRUE(received.ok());
    if (!received.ok()) return replay;
    auto package = store_->FindKeyPackageByInitKey(received->welcome.hpke_public_key);
    EXPECT_TRUE(package.ok());
    if (!package.ok()) return replay;
    auto bundle = DecodeBundle(package->private_parts.bytes());
    EXPECT_TRUE(bundle.ok());
    if (!bundle.ok()) return replay;
    auto opened = envelope::UnwrapWelcome(received->welcome, bundle->init_private_key.bytes());
    EXPECT_TRUE(opened.ok() && opened->message_cursor.has_value());
    if (!opened.ok() || !opened->message_cursor) return replay;
    auto again = envelope::WrapWelcome(bob.installation_key(), opened->welcome_mls_message,
                                       *opened->message_cursor, received->welcome.hpke_public_key);
    EXPECT_TRUE(again.ok());
    if (again.ok()) *replay.add_messages() = envelope::ToWelcomeMessageInput(*again);
    return replay;
  }

  // Alice's new group with bob, who has joined it.
  struct Pair {
    std::unique_ptr<Client> alice, bob;
    Bytes group;
  };
  Pair NewPair() {
    Pair pair{NewClient(), NewClient(), {}};
    if (!pair.alice || !pair.bob) return pair;
    auto group = pair.alice->CreateGroup({pair.bob->inbox_id()});
    EXPECT_TRUE(group.ok()) << group.error().ToString();
    EXPECT_TRUE(pair.bob->SyncWelcomes().ok());
    if (group.ok()) pair.group = *group;
    return pair;
  }

  // Alice and bob each start a DM with the other before seeing the other's
  // (two groups, one thread), then both sync.
  struct DuplicateDm {
    std::unique_ptr<Client> alice, bob;
    Bytes from_alice, from_bob;
  };
  DuplicateDm NewDuplicateDm() {
    DuplicateDm dm{NewClient(), NewClient(), {}, {}};
    if (!dm.alice || !dm.bob) return dm;
    auto from_alice = dm.alice->FindOrCreateDm(dm.bob->inbox_id());
    auto from_bob = dm.bob->FindOrCreateDm(dm.alice->inbox_id());
    EXPECT_TRUE(from_alice.ok() && from_bob.ok());
    if (!from_alice.ok() || !from_bob.ok()) return dm;
    dm.from_alice = *from_alice;
    dm.from_bob = *from_bob;
    EXPECT_TRUE(dm.alice->SyncAll().ok());
    EXPECT_TRUE(dm.bob->SyncAll().ok());
    return dm;
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
  // Both start a DM before seeing the other's.
  DuplicateDm dm = NewDuplicateDm();
  ASSERT_TRUE(dm.alice && dm.bob && !dm.from_alice.empty());
  ASSERT_NE(dm.from_alice, dm.from_bob);
  ASSERT_TRUE(dm.bob->Send(dm.from_alice, content::EncodeText("newest")).ok());
  ASSERT_TRUE(dm.alice->SyncAll().ok());
  for (auto* c : {dm.alice.get(), dm.bob.get()}) {
    auto list = c->Conversations();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].kind, ConversationKind::kDm);
    EXPECT_EQ(list[0].group_id, dm.from_alice);
  }
  // FindOrCreateDm returns the shown one, not a third.
  EXPECT_EQ(*dm.alice->FindOrCreateDm(dm.bob->inbox_id()), dm.from_alice);
}

// The ids of messages, in order.
std::vector<Bytes> Ids(const std::vector<Message>& messages) {
  std::vector<Bytes> out;
  for (const auto& m : messages) out.push_back(m.id);
  return out;
}

// Alice and bob send m0..m6 in turn; the ids of alice's messages after.
std::vector<Bytes> SendSeven(Client& alice, Client& bob, const Bytes& group) {
  for (int i = 0; i < 7; ++i) {
    Client& from = i % 2 == 0 ? alice : bob;
    EXPECT_TRUE(from.Send(group, content::EncodeText("m" + std::to_string(i))).ok());
  }
  EXPECT_TRUE(alice.SyncGroup(group).ok());
  auto all = alice.Messages(group);
  EXPECT_TRUE(all.ok());
  return all.ok() ? Ids(std::move(all).value()) : std::vector<Bytes>{};
}

TEST_F(ClientTest, NewestMessagesAreTheTailOfMessagesAndCountIsTheirNumber) {
  auto pair = NewPair();
  ASSERT_TRUE(pair.alice && pair.bob && !pair.group.empty());
  const std::vector<Bytes> all = SendSeven(*pair.alice, *pair.bob, pair.group);
  ASSERT_GE(all.size(), 7u);  // the texts and the membership change
  auto count = pair.alice->MessageCount(pair.group);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, all.size());
  for (std::uint32_t limit : {1u, 3u, static_cast<std::uint32_t>(all.size()), 1000u}) {
    auto newest = pair.alice->NewestMessages(pair.group, limit);
    ASSERT_TRUE(newest.ok()) << newest.error().ToString();
    const std::size_t n = std::min<std::size_t>(limit, all.size());
    EXPECT_EQ(Ids(std::move(newest).value()),
              std::vector<Bytes>(all.end() - static_cast<std::ptrdiff_t>(n), all.end()))
        << limit;
  }
  auto last = pair.alice->NewestMessages(pair.group, 1);
  ASSERT_TRUE(last.ok() && last->size() == 1u);
  EXPECT_EQ(*content::DecodeText((*last)[0].content), "m6");
  EXPECT_TRUE(pair.alice->NewestMessages(pair.group, 0)->empty());
  auto too_many = pair.alice->NewestMessages(pair.group, store::kMaxMessagePage + 1);
  ASSERT_FALSE(too_many.ok());
  EXPECT_TRUE(too_many.error().IsValidation());
  const Bytes unknown(16, 0x5a);
  EXPECT_TRUE(pair.alice->NewestMessages(unknown, 5).error().IsNotFound());
  EXPECT_TRUE(pair.alice->MessageCount(unknown).error().IsNotFound());
}

// Pages from a cursor: forward and back, every limit, no gaps and no
// repeats; the cursor must be a message of the conversation.
TEST_F(ClientTest, MessagesAfterAndBeforePageFromACursorWithoutGaps) {
  auto pair = NewPair();
  ASSERT_TRUE(pair.alice && pair.bob && !pair.group.empty());
  const std::vector<Bytes> all = SendSeven(*pair.alice, *pair.bob, pair.group);
  ASSERT_GE(all.size(), 8u);
  for (std::uint32_t limit : {1u, 2u, 3u, 100u}) {
    std::vector<Bytes> forward{all.front()};
    while (true) {
      auto page = pair.alice->MessagesAfter(pair.group, forward.back(), limit);
      ASSERT_TRUE(page.ok()) << page.error().ToString();
      const std::vector<Bytes> ids = Ids(std::move(page).value());
      ASSERT_LE(ids.size(), limit);
      forward.insert(forward.end(), ids.begin(), ids.end());
      if (ids.size() < limit) break;
    }
    EXPECT_EQ(forward, all) << limit;
    std::vector<Bytes> backward{all.back()};
    while (true) {
      auto page = pair.alice->MessagesBefore(pair.group, backward.front(), limit);
      ASSERT_TRUE(page.ok()) << page.error().ToString();
      const std::vector<Bytes> ids = Ids(std::move(page).value());  // oldest first
      ASSERT_LE(ids.size(), limit);
      backward.insert(backward.begin(), ids.begin(), ids.end());
      if (ids.size() < limit) break;
    }
    EXPECT_EQ(backward, all) << limit;
  }
  auto first_three = pair.alice->MessagesAfter(pair.group, all[0], 3);
  ASSERT_TRUE(first_three.ok());
  EXPECT_EQ(Ids(std::move(first_three).value()),
            std::vector<Bytes>(all.begin() + 1, all.begin() + 4));
  EXPECT_TRUE(pair.alice->MessagesAfter(pair.group, all.back(), 5)->empty());
  EXPECT_TRUE(pair.alice->MessagesBefore(pair.group, all.front(), 5)->empty());

  // Unknown cursors and another conversation's messages are not_found.
  auto other = pair.alice->CreateGroup({pair.bob->inbox_id()});
  ASSERT_TRUE(other.ok());
  auto elsewhere = pair.alice->Send(*other, content::EncodeText("elsewhere"));
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_TRUE(pair.alice->MessagesAfter(pair.group, *elsewhere, 3).error().IsNotFound());
  EXPECT_TRUE(pair.alice->MessagesBefore(pair.group, *elsewhere, 3).error().IsNotFound());
  EXPECT_TRUE(pair.alice->MessagesAfter(pair.group, Bytes(32, 0x11), 3).error().IsNotFound());
  EXPECT_TRUE(pair.alice->MessagesAfter(Bytes(16, 0x5a), all[0], 3).error().IsNotFound());
  EXPECT_TRUE(pair.alice->MessagesAfter(pair.group, all[0], store::kMaxMessagePage + 1)
                  .error()
                  .IsValidation());
}

// A DM's thread of two groups pages in one order, the order of Messages.
TEST_F(ClientTest, CursorPagesOfADuplicateDmFollowTheThreadOrder) {
  DuplicateDm dm = NewDuplicateDm();
  ASSERT_TRUE(dm.alice && dm.bob);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(dm.alice->Send(dm.from_alice, content::EncodeText("a" + std::to_string(i))).ok());
    ASSERT_TRUE(dm.bob->Send(dm.from_bob, content::EncodeText("b" + std::to_string(i))).ok());
  }
  ASSERT_TRUE(dm.alice->SyncAll().ok());
  auto all_result = dm.alice->Messages(dm.from_alice);
  ASSERT_TRUE(all_result.ok());
  const std::vector<Bytes> all = Ids(std::move(all_result).value());
  ASSERT_GE(all.size(), 6u);
  std::vector<Bytes> forward{all.front()};
  while (true) {
    auto page = dm.alice->MessagesAfter(dm.from_alice, forward.back(), 2);
    ASSERT_TRUE(page.ok()) << page.error().ToString();
    const std::vector<Bytes> ids = Ids(std::move(page).value());
    forward.insert(forward.end(), ids.begin(), ids.end());
    if (ids.size() < 2) break;
  }
  EXPECT_EQ(forward, all);
  auto newest = dm.alice->NewestMessages(dm.from_alice, 3);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(Ids(std::move(newest).value()), std::vector<Bytes>(all.end() - 3, all.end()));
}

// A message looked up by id: found in its conversation, not in another one.
TEST_F(ClientTest, FindMessageLooksUpOneMessageByIdInItsConversation) {
  Pair pair = NewPair();
  ASSERT_TRUE(pair.alice && pair.bob && !pair.group.empty());
  auto sent = pair.alice->Send(pair.group, content::EncodeText("find me"));
  ASSERT_TRUE(sent.ok());
  auto found = pair.alice->FindMessage(pair.group, *sent);
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, *sent);
  EXPECT_EQ(*content::DecodeText((*found)->content), "find me");

  auto other = pair.alice->CreateGroup({pair.bob->inbox_id()});
  ASSERT_TRUE(other.ok());
  auto elsewhere = pair.alice->FindMessage(*other, *sent);
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_FALSE(elsewhere->has_value());
  auto unknown_id = pair.alice->FindMessage(pair.group, Bytes(32, 0x11));
  ASSERT_TRUE(unknown_id.ok());
  EXPECT_FALSE(unknown_id->has_value());
  EXPECT_TRUE(pair.alice->FindMessage(Bytes(16, 0x5a), *sent).error().IsNotFound());
}

TEST_F(ClientTest, NewestMessagesOfADmSpanItsDuplicates) {
  DuplicateDm dm = NewDuplicateDm();
  ASSERT_TRUE(dm.alice && dm.bob && !dm.from_alice.empty());
  ASSERT_NE(dm.from_alice, dm.from_bob);
  // Texts in both groups of the one thread, interleaved in time.
  for (int i = 0; i < 6; ++i) {
    const Bytes& group = i % 2 == 0 ? dm.from_alice : dm.from_bob;
    ASSERT_TRUE(dm.alice->Send(group, content::EncodeText("t" + std::to_string(i))).ok());
  }
  auto all_result = dm.alice->Messages(dm.from_alice);
  ASSERT_TRUE(all_result.ok());
  const std::vector<Message> all = std::move(all_result).value();
  auto count = dm.alice->MessageCount(dm.from_alice);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, all.size());
  auto newest = dm.alice->NewestMessages(dm.from_alice, 4);
  ASSERT_TRUE(newest.ok());
  std::vector<std::string> texts;
  for (const auto& m : *newest) texts.push_back(*content::DecodeText(m.content));
  EXPECT_EQ(texts, (std::vector<std::string>{"t2", "t3", "t4", "t5"}));
  EXPECT_EQ(Ids(*newest), Ids(std::vector<Message>(all.end() - 4, all.end())));
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

// Removed and added back without syncing in between: the Welcome names a
// group bob still holds as active. Bob applies the removal first, then
// continues from the Welcome, keeping his history.
TEST_F(ClientTest, ReaddedWithoutSyncingInBetweenRejoins) {
  auto [alice, bob, group] = NewPair();
  ASSERT_TRUE(alice && bob && !group.empty());
  ASSERT_TRUE(alice->Send(group, content::EncodeText("before")).ok());
  ASSERT_TRUE(bob->SyncGroup(group).ok());

  ASSERT_TRUE(alice->RemoveMembers(group, {bob->inbox_id()}).ok());
  ASSERT_TRUE(alice->Send(group, content::EncodeText("while away")).ok());
  ASSERT_TRUE(alice->AddMembers(group, {bob->inbox_id()}).ok());
  ASSERT_TRUE(alice->Send(group, content::EncodeText("after")).ok());

  auto joined = bob->SyncWelcomes();
  ASSERT_TRUE(joined.ok()) << joined.error().ToString();
  EXPECT_EQ(*joined, std::vector<Bytes>{group});
  auto view = bob->Group(group);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->active);
  EXPECT_EQ(view->epoch, alice->Group(group)->epoch);
  EXPECT_EQ(view->members, Sorted({alice->inbox_id(), bob->inbox_id()}));
  // History kept; the message of the epoch bob was not in is not his.
  EXPECT_EQ(Texts(*bob, group), (std::vector<std::string>{"before", "after"}));

  ASSERT_TRUE(bob->Send(group, content::EncodeText("back")).ok());
  ASSERT_TRUE(alice->SyncGroup(group).ok());
  EXPECT_EQ(Texts(*alice, group),
            (std::vector<std::string>{"before", "while away", "after", "back"}));
  // Nothing applied twice: every message once, the removal once.
  ASSERT_TRUE(bob->SyncAll().ok());
  auto listed = bob->Messages(group);
  ASSERT_TRUE(listed.ok());
  std::vector<Message> messages = std::move(listed).value();
  std::set<Bytes> ids;
  int removals = 0;
  for (const auto& m : messages) {
    EXPECT_TRUE(ids.insert(m.id).second);
    if (auto update = content::DecodeGroupUpdated(m.content); update.ok()) {
      removals += static_cast<int>(update->removed_inboxes.size());
    }
  }
  EXPECT_EQ(removals, 1);
  EXPECT_EQ(Texts(*bob, group), (std::vector<std::string>{"before", "after", "back"}));
}

// A Welcome for a group we are in at that epoch changes nothing.
TEST_F(ClientTest, WelcomeForAGroupWeAreStillInIsIgnored) {
  auto [alice, bob, group] = NewPair();
  ASSERT_TRUE(alice && bob && !group.empty());
  mlsv1::SendWelcomeMessagesRequest replay = ResealFirstWelcome(*bob);
  ASSERT_EQ(replay.messages_size(), 1);
  ASSERT_TRUE(alice->Send(group, content::EncodeText("one")).ok());
  ASSERT_TRUE(bob->SyncGroup(group).ok());
  ASSERT_TRUE(api_->SendWelcomeMessages(replay).ok());
  auto joined = bob->SyncWelcomes();
  ASSERT_TRUE(joined.ok()) << joined.error().ToString();
  EXPECT_TRUE(joined->empty());
  EXPECT_TRUE(LogMentions("ignored: still a member"));
  EXPECT_EQ(Texts(*bob, group), std::vector<std::string>{"one"});
  ASSERT_TRUE(alice->Send(group, content::EncodeText("two")).ok());
  ASSERT_TRUE(bob->SyncGroup(group).ok());
  EXPECT_EQ(Texts(*bob, group), (std::vector<std::string>{"one", "two"}));
}

// Sends between two reservations commit without an fsync; a power cut may
// lose them. Simulated here by putting back the ratchet row from before
// them: the reopened client must skip past every generation they may have
// used, or bob would see a key used twice and drop the message.
TEST_F(ClientTest, SendAfterLostUnsyncedWritesNeverReusesAGeneration) {
  auto [alice, bob, group] = NewPair();
  ASSERT_TRUE(alice && bob && !group.empty());
  ASSERT_TRUE(alice->Send(group, content::EncodeText("one")).ok());  // reserves
  auto before = store_->LoadGroupState(alice->installation_key(), group);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(alice->Send(group, content::EncodeText("two")).ok());  // unsynced
  ASSERT_TRUE(alice->Send(group, content::EncodeText("three")).ok());
  const Bytes key = alice->installation_key();
  const Bytes group_id = group;  // a lambda may not capture a structured binding
  ASSERT_TRUE(store_
                  ->Write([&](store::Transaction& tx) {
                    return tx.SaveGroupRatchets(key, group_id, *before);
                  })
                  .ok());
  alice.reset();
  auto reopened = Client::Open(*ctx_, key);
  ASSERT_TRUE(reopened.ok()) << reopened.error().ToString();
  alice = std::move(*reopened);
  ASSERT_TRUE(alice->Send(group, content::EncodeText("four")).ok());
  ASSERT_TRUE(bob->SyncGroup(group).ok());
  EXPECT_EQ(Texts(*bob, group), (std::vector<std::string>{"one", "two", "three", "four"}));
}

// Sends that could not be published (the node away, a restart that skips
// the ratchet to its reservation) go out before the next message, in the
// order they were written, and a failed retry keeps them queued: a receiver
// reads a generation at most a few below the newest it has seen, so a later
// message published first would leave them unreadable.
TEST_F(ClientTest, QueuedSendsArePublishedBeforeTheNextMessage) {
  Pair pair = NewPair();  // named members: the lambda below captures them
  std::unique_ptr<Client>& alice = pair.alice;
  std::unique_ptr<Client>& bob = pair.bob;
  const Bytes& group = pair.group;
  ASSERT_TRUE(alice && bob && !group.empty());
  ASSERT_TRUE(alice->Send(group, content::EncodeText("first")).ok());
  std::vector<std::string> want{"first"};
  auto queue_while_away = [&](int n) {
    int port = node_->port();
    node_.reset();
    for (int i = 0; i < n; ++i) {
      want.push_back("queued " + std::to_string(want.size()));
      EXPECT_FALSE(alice->Send(group, content::EncodeText(want.back())).ok());
    }
    EXPECT_FALSE(alice->SyncGroup(group).ok());
    StartNode(port);
    // Bob shares alice's channel: once his sync goes through, it is back.
    for (int i = 0; i < 100 && !bob->SyncGroup(group).ok(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  };

  // The node comes back: the next sync publishes the queue.
  queue_while_away(8);
  ASSERT_TRUE(alice->SyncGroup(group).ok());
  ASSERT_TRUE(bob->SyncGroup(group).ok());
  EXPECT_EQ(Texts(*bob, group), want);

  // Alice restarts too: the next message waits for the queue.
  queue_while_away(8);
  const Bytes key = alice->installation_key();
  alice.reset();
  auto reopened = Client::Open(*ctx_, key);
  ASSERT_TRUE(reopened.ok()) << reopened.error().ToString();
  alice = std::move(*reopened);
  want.emplace_back("after the restart");
  ASSERT_TRUE(alice->Send(group, content::EncodeText(want.back())).ok());
  ASSERT_TRUE(bob->SyncGroup(group).ok());
  EXPECT_EQ(Texts(*bob, group), want);
  EXPECT_FALSE(LogMentions("skipped"));
}

// A removed member must not be brought back by an old Welcome a node
// replays: only a Welcome newer than the removal rejoins.
TEST_F(ClientTest, OldWelcomeReplayedAfterRemovalIsIgnored) {
  auto [alice, bob, group] = NewPair();
  ASSERT_TRUE(alice && bob && !group.empty());
  mlsv1::SendWelcomeMessagesRequest replay = ResealFirstWelcome(*bob);
  ASSERT_EQ(replay.messages_size(), 1);
  ASSERT_TRUE(alice->RemoveMembers(group, {bob->inbox_id()}).ok());
  ASSERT_TRUE(bob->SyncGroup(group).ok());
  ASSERT_FALSE(bob->Group(group)->active);
  ASSERT_TRUE(api_->SendWelcomeMessages(replay).ok());
  auto joined = bob->SyncWelcomes();
  ASSERT_TRUE(joined.ok()) << joined.error().ToString();
  EXPECT_TRUE(joined->empty());
  EXPECT_TRUE(LogMentions("not newer than our removal"));
  EXPECT_FALSE(bob->Group(group)->active);
}

// The inboxes the membership-change messages list as left.
std::vector<std::string> LeftInboxes(const Client& client, const Bytes& group) {
  std::vector<std::string> out;
  auto listed = client.Messages(group);
  EXPECT_TRUE(listed.ok());
  if (!listed.ok()) return out;
  std::vector<Message> messages = std::move(listed).value();
  for (const auto& m : messages) {
    if (auto update = content::DecodeGroupUpdated(m.content); update.ok()) {
      out.insert(out.end(), update->left_inboxes.begin(), update->left_inboxes.end());
    }
  }
  return out;
}

// libxmtp 1.9's leave_group: a LeaveRequest, then a super admin's commit.
TEST_F(ClientTest, LeaveAsksTheSuperAdminWhoRemovesTheMember) {
  auto alice = NewClient();
  auto bob = NewClient();
  auto carol = NewClient();
  ASSERT_TRUE(alice && bob && carol);
  auto group = alice->CreateGroup({bob->inbox_id(), carol->inbox_id()});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  ASSERT_TRUE(carol->SyncWelcomes().ok());

  auto left = bob->Leave(*group);
  ASSERT_TRUE(left.ok()) << left.error().ToString();
  EXPECT_TRUE(*bob->PendingRemoval(*group));
  EXPECT_TRUE(bob->Group(*group)->active);
  ASSERT_TRUE(bob->Leave(*group).ok());  // asked already: nothing sent
  std::size_t requests = 0;
  auto listed = bob->Messages(*group);
  ASSERT_TRUE(listed.ok());
  std::vector<Message> messages = std::move(listed).value();
  for (const auto& m : messages) {
    requests += content::DecodeLeaveRequest(m.content).ok() ? 1 : 0;
  }
  EXPECT_EQ(requests, 1u);

  // Carol is no super admin: she notes the request and does nothing.
  auto everyone = Sorted({alice->inbox_id(), bob->inbox_id(), carol->inbox_id()});
  ASSERT_TRUE(carol->SyncGroup(*group).ok());
  EXPECT_EQ(carol->Group(*group)->members, everyone);
  // Alice's sync removes bob; his departure reads as "left".
  ASSERT_TRUE(alice->SyncGroup(*group).ok());
  auto remaining = Sorted({alice->inbox_id(), carol->inbox_id()});
  EXPECT_EQ(alice->Group(*group)->members, remaining);
  EXPECT_EQ(LeftInboxes(*alice, *group), std::vector<std::string>{bob->inbox_id()});
  ASSERT_TRUE(carol->SyncGroup(*group).ok());
  EXPECT_EQ(carol->Group(*group)->members, remaining);
  EXPECT_EQ(LeftInboxes(*carol, *group), std::vector<std::string>{bob->inbox_id()});

  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  EXPECT_FALSE(bob->Group(*group)->active);
  EXPECT_FALSE(*bob->PendingRemoval(*group));
  EXPECT_EQ(LeftInboxes(*bob, *group), std::vector<std::string>{bob->inbox_id()});
  ASSERT_TRUE(alice->Send(*group, content::EncodeText("after bob")).ok());
  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  EXPECT_TRUE(Texts(*bob, *group).empty());
  EXPECT_TRUE(bob->Leave(*group).error().IsPermission());
}

TEST_F(ClientTest, LeaveRefusesWhatCannotBeLeft) {
  auto alice = NewClient();
  auto bob = NewClient();
  ASSERT_TRUE(alice && bob);
  auto unknown = alice->Leave(Bytes(32, 1));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().category(), Category::kNotFound);

  auto alone = alice->CreateGroup({});
  ASSERT_TRUE(alone.ok());
  auto only_member = alice->Leave(*alone);
  ASSERT_FALSE(only_member.ok());
  EXPECT_EQ(only_member.error().category(), Category::kValidation);

  auto dm = alice->FindOrCreateDm(bob->inbox_id());
  ASSERT_TRUE(dm.ok());
  auto from_dm = alice->Leave(*dm);
  ASSERT_FALSE(from_dm.ok());
  EXPECT_EQ(from_dm.error().category(), Category::kValidation);

  // The only super admin: nobody could remove it.
  auto group = alice->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok());
  auto only_super = alice->Leave(*group);
  ASSERT_FALSE(only_super.ok());
  EXPECT_TRUE(only_super.error().IsPermission());
  EXPECT_NE(only_super.error().message().find("only super admin"), std::string::npos);
  EXPECT_FALSE(*alice->PendingRemoval(*group));
  EXPECT_EQ(alice->Group(*group)->super_admins, std::vector<std::string>{alice->inbox_id()});
}

// A super admin with another beside it gives up the role, then asks.
TEST_F(ClientTest, SuperAdminLeavesAfterSteppingDown) {
  auto [alice, bob, group] = NewPair();
  ASSERT_TRUE(alice && bob && !group.empty());
  ASSERT_TRUE(
      alice->UpdateAdmins(group, Client::AdminChange::kAddSuperAdmin, bob->inbox_id()).ok());
  auto left = alice->Leave(group);
  ASSERT_TRUE(left.ok()) << left.error().ToString();
  EXPECT_EQ(alice->Group(group)->super_admins, std::vector<std::string>{bob->inbox_id()});
  ASSERT_TRUE(bob->SyncGroup(group).ok());
  EXPECT_EQ(bob->Group(group)->members, std::vector<std::string>{bob->inbox_id()});
  ASSERT_TRUE(alice->SyncGroup(group).ok());
  EXPECT_FALSE(alice->Group(group)->active);
}

// The pending removal is derived from the stored messages after a restart.
TEST_F(ClientTest, PendingRemovalSurvivesARestart) {
  auto [alice, bob, group] = NewPair();
  ASSERT_TRUE(alice && bob && !group.empty());
  ASSERT_TRUE(bob->Leave(group).ok());
  Bytes key = bob->installation_key();
  bob.reset();
  auto reopened = Client::Open(*ctx_, key);
  ASSERT_TRUE(reopened.ok()) << reopened.error().ToString();
  bob = std::move(*reopened);
  EXPECT_TRUE(*bob->PendingRemoval(group));
  ASSERT_TRUE(bob->Leave(group).ok());
  ASSERT_TRUE(alice->SyncGroup(group).ok());
  EXPECT_EQ(alice->Group(group)->members, std::vector<std::string>{alice->inbox_id()});
  EXPECT_EQ(LeftInboxes(*alice, group), std::vector<std::string>{bob->inbox_id()});
}

// A super admin that only streams acts on a LeaveRequest too.
TEST_F(ClientTest, StreamingSuperAdminRemovesALeaver) {
  auto [alice, bob, group] = NewPair();
  ASSERT_TRUE(alice && bob && !group.empty());
  auto stream = alice->StreamAll([](const Message&) {});
  ASSERT_TRUE(bob->Leave(group).ok());
  bool removed = false;
  for (int i = 0; i < 200 && !removed; ++i) {
    ASSERT_TRUE(bob->SyncGroup(group).ok());
    removed = !bob->Group(group)->active;
    if (!removed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stream->Stop();
  EXPECT_TRUE(removed);
  EXPECT_EQ(alice->Group(group)->members, std::vector<std::string>{alice->inbox_id()});
}

// ---------------------------------------------------------------- read-back by the stream

// Counts the calls of one method (e.g. "/QueryGroupMessages": Send's
// read-back, syncs) made over a channel.
class MethodCounter final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  MethodCounter(std::string method, std::atomic<int>& count)
      : method_(std::move(method)), count_(count) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    if (std::string_view(info->method()).ends_with(method_)) ++count_;
    return nullptr;
  }

 private:
  std::string method_;
  std::atomic<int>& count_;
};

// Holds the first SendGroupMessages call after Arm() on the calling thread
// until Open(): a publish the node is slow to take.
struct PublishGate {
  std::mutex mu;
  std::condition_variable cv;
  bool armed = false, holding = false, open = false;
  void Arm() {
    std::lock_guard lock(mu);
    armed = true;
  }
  bool WaitHolding() {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return holding; });
  }
  void Open() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
};

class GateInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit GateInterceptor(PublishGate& gate) : gate_(gate) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_INITIAL_METADATA)) {
      std::unique_lock lock(gate_.mu);
      gate_.holding = true;
      gate_.cv.notify_all();
      gate_.cv.wait(lock, [&] { return gate_.open; });
    }
    methods->Proceed();
  }

 private:
  PublishGate& gate_;
};

class GateFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit GateFactory(PublishGate& gate) : gate_(gate) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    if (!std::string_view(info->method()).ends_with("/SendGroupMessages")) return nullptr;
    std::lock_guard lock(gate_.mu);
    if (!std::exchange(gate_.armed, false)) return nullptr;
    return new GateInterceptor(gate_);
  }

 private:
  PublishGate& gate_;
};

// Alice sends with Client::ReadBack::kStream on a context of her own: its
// clock runs a hook (HookClock), its connection counts her queries and
// publishes, and can hold one publish (PublishGate).
class StreamReadBackTest : public ClientTest {
 protected:
  void SetUp() override {
    ClientTest::SetUp();
    std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> counters;
    counters.push_back(std::make_unique<MethodCounter>("/QueryGroupMessages", queries_));
    counters.push_back(std::make_unique<MethodCounter>("/SendGroupMessages", publishes_));
    counters.push_back(std::make_unique<GateFactory>(gate_));
    auto channel = grpc::experimental::CreateCustomChannelWithInterceptors(
        node_->address(), grpc::InsecureChannelCredentials(), grpc::ChannelArguments(),
        std::move(counters));
    alice_api_ = api::ApiClient::FromChannel(channel, node_->url());
    alice_ctx_ = std::make_unique<ClientContext>(*alice_api_, *store_, clock_);
    auto wallet = identity::WalletKey::Generate();
    ASSERT_TRUE(wallet.ok());
    auto registered = Client::Register(*alice_ctx_, *wallet);
    ASSERT_TRUE(registered.ok()) << registered.error().ToString();
    alice_ = std::move(*registered);
    alice_->SetReadBack(Client::ReadBack::kStream);
  }

  void TearDown() override {
    if (stream_) stream_->Stop();
    stream_.reset();
    alice_.reset();
    alice_ctx_.reset();
    alice_api_.reset();
    ClientTest::TearDown();
  }

  // Alice streams; returns once her group stream carries `group` (it
  // delivered a message `from` sent there).
  void StreamUntilLive(Client& from, const Bytes& group) {
    stream_ = alice_->StreamAll([this](const Message& m) { got_.Add(m); });
    std::size_t seen = 0;
    {
      std::lock_guard lock(got_.mu);
      seen = got_.texts.size();
    }
    ASSERT_TRUE(from.Send(group, content::EncodeText("ping")).ok());
    ASSERT_TRUE(got_.WaitFor(seen + 1));
  }

  // Polls `done` for up to 20 s (the stream works on its own thread).
  static bool Eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 400; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  bool Published(const Bytes& group, const Bytes& id) {
    auto found = alice_->FindMessage(group, id);
    return found.ok() && found->has_value() && (*found)->node_id != 0;
  }

  HookClock clock_;
  PublishGate gate_;
  std::atomic<int> queries_{0};
  std::atomic<int> publishes_{0};
  std::unique_ptr<api::ApiClient> alice_api_;
  std::unique_ptr<ClientContext> alice_ctx_;
  std::unique_ptr<Client> alice_;
  Collected got_;
  std::unique_ptr<MessageStream> stream_;
};

// Sends return once the node took them; the live stream confirms them. With
// no stream running, Send reads back itself, as with kSend.
TEST_F(StreamReadBackTest, TheLiveStreamConfirmsSendsAndWithoutItSendReadsBack) {
  auto bob = NewClient();
  ASSERT_TRUE(bob);
  auto group = alice_->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(bob->SyncWelcomes().ok());

  queries_ = 0;
  auto unstreamed = alice_->Send(*group, content::EncodeText("before the stream"));
  ASSERT_TRUE(unstreamed.ok()) << unstreamed.error().ToString();
  EXPECT_GT(queries_.load(), 0);
  EXPECT_TRUE(Published(*group, *unstreamed));  // confirmed when Send returned

  StreamUntilLive(*bob, *group);
  queries_ = 0;
  std::vector<std::string> want{"before the stream", "ping"};
  std::vector<Bytes> ids;
  for (int i = 0; i < 5; ++i) {
    want.push_back("streamed " + std::to_string(i));
    auto sent = alice_->Send(*group, content::EncodeText(want.back()));
    ASSERT_TRUE(sent.ok()) << sent.error().ToString();
    ids.push_back(*sent);
  }
  EXPECT_EQ(queries_.load(), 0);  // no read-back of its own
  EXPECT_TRUE(Eventually([&] {
    return std::all_of(ids.begin(), ids.end(),
                       [&](const Bytes& id) { return Published(*group, id); });
  }));
  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  EXPECT_EQ(Texts(*bob, *group), want);
  EXPECT_EQ(Texts(*alice_, *group), want);

  stream_->Stop();
  queries_ = 0;
  auto after = alice_->Send(*group, content::EncodeText("after the stream"));
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_GT(queries_.load(), 0);
  EXPECT_TRUE(Published(*group, *after));
}

// As MessageSentInAnEpochThatEndedIsSentAgainInTheNewOne, with the stream
// reading the message back: it applies Bob's commit first, then sends the
// message again in the new epoch, which Carol (added by that commit) reads.
TEST_F(StreamReadBackTest, TheStreamSendsAgainAMessageACommitOvertook) {
  auto bob = NewClient();
  auto carol = NewClient();
  ASSERT_TRUE(bob && carol);
  auto group = alice_->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  StreamUntilLive(*bob, *group);

  // Bob adds Carol while Alice's Send is under way (its first clock reading).
  clock_.Arm([&] { ASSERT_TRUE(bob->AddMembers(*group, {carol->inbox_id()}).ok()); });
  queries_ = 0;
  auto sent = alice_->Send(*group, content::EncodeText("hello"));
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(queries_.load(), 0);
  EXPECT_TRUE(Eventually([&] { return Published(*group, *sent); }));
  EXPECT_EQ(alice_->Group(*group)->members.size(), 3u);

  ASSERT_TRUE(carol->SyncWelcomes().ok());
  ASSERT_TRUE(carol->SyncGroup(*group).ok());
  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  EXPECT_EQ(Texts(*carol, *group), std::vector<std::string>{"hello"});
  EXPECT_EQ(Texts(*bob, *group), (std::vector<std::string>{"ping", "hello"}));
  EXPECT_EQ(Texts(*alice_, *group), (std::vector<std::string>{"ping", "hello"}));
  // Sent twice, read once by everybody: Alice's copy is the second sending.
  auto messages = alice_->Messages(*group);
  ASSERT_TRUE(messages.ok());
  std::vector<Message> list = std::move(messages).value();
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list.back().id, *sent);
}

// A commit that removes Alice gets to the node before her message: Send
// returned its id, and the stream marks the message failed.
TEST_F(StreamReadBackTest, TheStreamMarksFailedAMessageOurRemovalOvertook) {
  auto bob = NewClient();
  ASSERT_TRUE(bob);
  auto group = bob->CreateGroup({alice_->inbox_id()});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(alice_->SyncWelcomes().ok());
  StreamUntilLive(*bob, *group);

  clock_.Arm([&] { ASSERT_TRUE(bob->RemoveMembers(*group, {alice_->inbox_id()}).ok()); });
  auto sent = alice_->Send(*group, content::EncodeText("too late"));
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_TRUE(Eventually([&] {
    auto stored = store_->GetMessage(alice_->installation_key(), *sent);
    return stored.ok() && stored->delivery == store::DeliveryState::kFailed;
  }));
  EXPECT_FALSE(alice_->Group(*group)->active);
  // The next Send says so.
  auto refused = alice_->Send(*group, content::EncodeText("still here?"));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().IsPermission()) << refused.error().ToString();
}

// Sends to one group from several threads go out together: while Alice's
// first Send holds her lock, three more wait for it; the first of them to
// get it sends all three, in one publish, and each caller gets its own id.
TEST_F(StreamReadBackTest, SendsWaitingForTheLockGoOutInOnePublish) {
  auto bob = NewClient();
  ASSERT_TRUE(bob);
  auto group = alice_->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  alice_->SetReadBack(Client::ReadBack::kSend);  // each confirmed when its Send returns

  constexpr int kWaiting = 3;
  std::vector<std::thread> waiting;
  std::vector<std::optional<Result<Bytes>>> queued(kWaiting);
  clock_.Arm([&] {
    for (int i = 0; i < kWaiting; ++i) {
      waiting.emplace_back([&, i] {
        queued[i].emplace(alice_->Send(*group, content::EncodeText("queued " + std::to_string(i))));
      });
    }
    for (int i = 0; i < 400 && ClientTestAccess::QueuedSends(*alice_) < kWaiting; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  publishes_ = 0;
  auto first = alice_->Send(*group, content::EncodeText("first"));
  for (auto& t : waiting) t.join();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  std::set<Bytes> ids{*first};
  for (const auto& q : queued) {
    ASSERT_TRUE(q && q->ok()) << (q ? q->error().ToString() : "not sent");
    EXPECT_TRUE(Published(*group, **q));
    ids.insert(**q);
  }
  EXPECT_EQ(ids.size(), 1u + kWaiting);
  EXPECT_EQ(publishes_.load(), 2);  // "first", then the three together

  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  std::vector<std::string> texts = Texts(*bob, *group);
  ASSERT_EQ(texts.size(), 1u + kWaiting);
  EXPECT_EQ(texts[0], "first");
  EXPECT_EQ(Sorted({texts.begin() + 1, texts.end()}),
            (std::vector<std::string>{"queued 0", "queued 1", "queued 2"}));
}

// A publish the node is slow to take holds neither the client nor other
// groups: a send to another group goes out meanwhile. A later send to the
// same group waits for its turn, so the node keeps the order.
TEST_F(StreamReadBackTest, APublishInFlightHoldsOnlyItsGroupsLaterPublishes) {
  auto bob = NewClient();
  ASSERT_TRUE(bob);
  auto held_group = alice_->CreateGroup({bob->inbox_id()});
  auto other_group = alice_->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(held_group.ok() && other_group.ok());
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  ASSERT_NO_FATAL_FAILURE(StreamUntilLive(*bob, *held_group));
  ASSERT_TRUE(bob->Send(*other_group, content::EncodeText("ping 2")).ok());
  ASSERT_TRUE(got_.WaitFor(2));  // both groups live

  gate_.Arm();
  std::optional<Result<Bytes>> held, after;
  std::atomic<bool> held_returned{false};
  std::thread first([&] {
    held.emplace(alice_->Send(*held_group, content::EncodeText("held")));
    held_returned = true;
  });
  ASSERT_TRUE(gate_.WaitHolding());
  std::thread second(
      [&] { after.emplace(alice_->Send(*held_group, content::EncodeText("after"))); });
  // The other group's send returns while "held" is still held (a thread,
  // so that a client holding its lock fails the test instead of hanging it).
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<Bytes>> other;
  std::thread third([&] {
    Result<Bytes> sent = alice_->Send(*other_group, content::EncodeText("other"));
    std::lock_guard lock(mu);
    other.emplace(std::move(sent));
    cv.notify_all();
  });
  bool other_returned = false;
  {
    std::unique_lock lock(mu);
    other_returned = cv.wait_for(lock, std::chrono::seconds(10), [&] { return other.has_value(); });
  }
  const bool still_held = !held_returned;
  gate_.Open();
  first.join();
  second.join();
  third.join();
  EXPECT_TRUE(other_returned);
  EXPECT_TRUE(still_held);
  ASSERT_TRUE(other && other->ok()) << (other ? other->error().ToString() : "not sent");
  ASSERT_TRUE(held && held->ok()) << (held ? held->error().ToString() : "not sent");
  ASSERT_TRUE(after && after->ok()) << (after ? after->error().ToString() : "not sent");

  ASSERT_TRUE(bob->SyncGroup(*held_group).ok());
  EXPECT_EQ(Texts(*bob, *held_group), (std::vector<std::string>{"ping", "held", "after"}));
  ASSERT_TRUE(bob->SyncGroup(*other_group).ok());
  EXPECT_EQ(Texts(*bob, *other_group), (std::vector<std::string>{"ping 2", "other"}));
  EXPECT_TRUE(Eventually([&] { return Published(*held_group, **held); }));
  EXPECT_TRUE(Eventually([&] { return Published(*held_group, **after); }));
}

// What the stream takes while the client is busy is applied together: a
// burst costs one store transaction, not one per message.
TEST_F(StreamReadBackTest, AStreamBurstIsAppliedInOneTransaction) {
  auto bob = NewClient();
  ASSERT_TRUE(bob);
  auto group = alice_->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  ASSERT_NO_FATAL_FAILURE(StreamUntilLive(*bob, *group));

  constexpr int kBurst = 20;
  std::uint64_t before = 0;
  {
    auto busy = ClientTestAccess::Lock(*alice_);
    for (int i = 0; i < kBurst; ++i) {
      ASSERT_TRUE(bob->Send(*group, content::EncodeText("burst " + std::to_string(i))).ok());
    }
    // The node forwards them at once; the stream's reader queues them.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    before = store_->transactions();
  }
  ASSERT_TRUE(got_.WaitFor(1 + kBurst));
  EXPECT_LE(store_->transactions() - before, 2u);
  std::vector<std::string> texts;
  {
    std::lock_guard lock(got_.mu);
    texts = got_.texts;
  }
  ASSERT_EQ(texts.size(), 1u + kBurst);
  for (int i = 0; i < kBurst; ++i) EXPECT_EQ(texts[1 + i], "burst " + std::to_string(i));
}

// ---------------------------------------------------------------- consent

// Starts from alice's group with bob in it (bob has not synced yet).
class ConsentTest : public ClientTest {
 protected:
  void StartGroup() {
    alice_ = NewClient();
    bob_ = NewClient();
    ASSERT_TRUE(alice_ && bob_);
    auto group = alice_->CreateGroup({bob_->inbox_id()});
    ASSERT_TRUE(group.ok()) << group.error().ToString();
    group_ = *group;
  }

  std::unique_ptr<Client> alice_, bob_;
  Bytes group_;
};

// The defaults node-sdk 5.5.0 shows in the same situations
// (tests/interop/native_consent.test.mjs compares them).
TEST_F(ConsentTest, ConsentDefaultsAreLibxmtps) {
  ASSERT_NO_FATAL_FAILURE(StartGroup());
  auto& alice = alice_;
  auto& bob = bob_;
  const Bytes& group = group_;
  EXPECT_EQ(alice->GroupConsent(group).value(), ConsentState::kAllowed);
  EXPECT_EQ(alice->Group(group)->consent, ConsentState::kAllowed);
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  EXPECT_EQ(bob->GroupConsent(group).value(), ConsentState::kUnknown);
  EXPECT_EQ(bob->Group(group)->consent, ConsentState::kUnknown);
  // A commit of ours changes nothing; a message of ours allows.
  ASSERT_TRUE(bob->UpdateMetadata(group, std::string(group::kGroupName), "n").ok());
  EXPECT_EQ(bob->GroupConsent(group).value(), ConsentState::kUnknown);
  ASSERT_TRUE(bob->Send(group, content::EncodeText("hi")).ok());
  EXPECT_EQ(bob->GroupConsent(group).value(), ConsentState::kAllowed);

  auto dm = alice->FindOrCreateDm(bob->inbox_id());
  ASSERT_TRUE(dm.ok()) << dm.error().ToString();
  EXPECT_EQ(alice->GroupConsent(*dm).value(), ConsentState::kAllowed);
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  EXPECT_EQ(bob->GroupConsent(*dm).value(), ConsentState::kUnknown);
  // Neither a group nor a DM says anything about the inboxes.
  EXPECT_EQ(alice->InboxConsent(bob->inbox_id()).value(), ConsentState::kUnknown);
  EXPECT_EQ(bob->InboxConsent(alice->inbox_id()).value(), ConsentState::kUnknown);
}

TEST_F(ConsentTest, ConsentIsStoredPerInstallationAndSurvivesOpen) {
  ASSERT_NO_FATAL_FAILURE(StartGroup());
  auto& alice = alice_;
  auto& bob = bob_;
  const Bytes& group = group_;
  ASSERT_TRUE(alice->SetGroupConsent(group, ConsentState::kDenied).ok());
  ASSERT_TRUE(alice->SetInboxConsent(bob->inbox_id(), ConsentState::kAllowed).ok());
  EXPECT_EQ(alice->GroupConsent(group).value(), ConsentState::kDenied);
  // Bob shares the store, not alice's choices.
  EXPECT_EQ(bob->InboxConsent(bob->inbox_id()).value(), ConsentState::kUnknown);
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  EXPECT_EQ(bob->GroupConsent(group).value(), ConsentState::kUnknown);

  const Bytes key = alice->installation_key();
  const std::string bob_inbox = bob->inbox_id();
  alice.reset();
  auto reopened = Client::Open(*ctx_, key);
  ASSERT_TRUE(reopened.ok()) << reopened.error().ToString();
  EXPECT_EQ((*reopened)->GroupConsent(group).value(), ConsentState::kDenied);
  EXPECT_EQ((*reopened)->InboxConsent(bob_inbox).value(), ConsentState::kAllowed);
  auto list = (*reopened)->Conversations();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].consent, ConsentState::kDenied);
  // Set back to unknown: an explicit unknown, not the creator's default.
  ASSERT_TRUE((*reopened)->SetGroupConsent(group, ConsentState::kUnknown).ok());
  EXPECT_EQ((*reopened)->GroupConsent(group).value(), ConsentState::kUnknown);
}

TEST_F(ConsentTest, SendingAllowsADeniedConversation) {
  ASSERT_NO_FATAL_FAILURE(StartGroup());
  auto& bob = bob_;
  const Bytes& group = group_;
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  ASSERT_TRUE(bob->SetGroupConsent(group, ConsentState::kDenied).ok());
  EXPECT_EQ(bob->Group(group)->consent, ConsentState::kDenied);
  ASSERT_TRUE(bob->Send(group, content::EncodeText("changed my mind")).ok());
  EXPECT_EQ(bob->GroupConsent(group).value(), ConsentState::kAllowed);
}

TEST_F(ConsentTest, ConsentBeforeTheWelcomeIsKept) {
  ASSERT_NO_FATAL_FAILURE(StartGroup());
  auto& bob = bob_;
  const Bytes& group = group_;
  // Bob denies the group id before he has joined it.
  ASSERT_TRUE(bob->SetGroupConsent(group, ConsentState::kDenied).ok());
  EXPECT_EQ(bob->GroupConsent(group).value(), ConsentState::kDenied);
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  EXPECT_EQ(bob->Group(group)->consent, ConsentState::kDenied);
}

TEST_F(ClientTest, GroupsOurInboxCreatedOnAnotherInstallationAreAllowed) {
  auto wallet = identity::WalletKey::Generate().value();
  auto first = Client::Register(*ctx_, wallet);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto bob = NewClient();
  ASSERT_TRUE(bob);
  auto group = (*first)->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  // A new installation of our inbox, added to the group by the first.
  auto second = Client::AddInstallation(*ctx_, wallet);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  auto added = (*first)->AddMembers(*group, {(*first)->inbox_id()});
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  auto joined = (*second)->SyncWelcomes();
  ASSERT_TRUE(joined.ok()) << joined.error().ToString();
  ASSERT_EQ(*joined, std::vector<Bytes>{*group});
  EXPECT_EQ((*second)->GroupConsent(*group).value(), ConsentState::kAllowed);
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  EXPECT_EQ(bob->GroupConsent(*group).value(), ConsentState::kUnknown);
}

// As libxmtp: a group we create, and a DM, take our inbox's other
// installations along (our inbox starts at the placeholder sequence id 0).
TEST_F(ClientTest, GroupsAndDmsWeCreateIncludeOurOtherInstallations) {
  auto wallet = identity::WalletKey::Generate().value();
  auto first = Client::Register(*ctx_, wallet);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto second = Client::AddInstallation(*ctx_, wallet);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  auto bob = NewClient();
  ASSERT_TRUE(bob);
  auto group = (*first)->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  auto dm = (*first)->FindOrCreateDm(bob->inbox_id());
  ASSERT_TRUE(dm.ok()) << dm.error().ToString();
  auto joined = (*second)->SyncWelcomes();
  ASSERT_TRUE(joined.ok()) << joined.error().ToString();
  std::set<Bytes> both(joined->begin(), joined->end());
  EXPECT_EQ(both, (std::set<Bytes>{*group, *dm}));
  ASSERT_TRUE((*first)->Send(*group, content::EncodeText("to all of us")).ok());
  ASSERT_TRUE((*second)->SyncGroup(*group).ok());
  EXPECT_EQ(Texts(**second, *group), std::vector<std::string>{"to all of us"});
  // Bob's Welcome check accepted a tree holding both of our installations.
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  ASSERT_TRUE(bob->SyncGroup(*group).ok());
  EXPECT_EQ(Texts(*bob, *group), std::vector<std::string>{"to all of us"});
}

TEST_F(ClientTest, DuplicateDmsShareOneConsent) {
  auto alice = NewClient();
  auto bob = NewClient();
  ASSERT_TRUE(alice && bob);
  auto from_alice = alice->FindOrCreateDm(bob->inbox_id());
  auto from_bob = bob->FindOrCreateDm(alice->inbox_id());
  ASSERT_TRUE(from_alice.ok() && from_bob.ok());
  ASSERT_TRUE(bob->SyncAll().ok());
  // Bob created one of the thread's groups: the thread is allowed.
  EXPECT_EQ(bob->GroupConsent(*from_alice).value(), ConsentState::kAllowed);
  ASSERT_TRUE(bob->SetGroupConsent(*from_alice, ConsentState::kDenied).ok());
  EXPECT_EQ(bob->GroupConsent(*from_bob).value(), ConsentState::kDenied);
  auto list = bob->Conversations();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].consent, ConsentState::kDenied);
  // The newest choice on any of them is the thread's.
  ASSERT_TRUE(bob->SetGroupConsent(*from_bob, ConsentState::kAllowed).ok());
  EXPECT_EQ(bob->GroupConsent(*from_alice).value(), ConsentState::kAllowed);
}

TEST_F(ClientTest, MalformedConsentInputIsAValidationError) {
  auto alice = NewClient();
  ASSERT_TRUE(alice);
  const std::string upper(64, 'A');
  for (const std::string& inbox :
       {std::string("not-an-inbox"), std::string(), upper, alice->inbox_id() + "0"}) {
    auto set = alice->SetInboxConsent(inbox, ConsentState::kAllowed);
    ASSERT_FALSE(set.ok()) << inbox;
    EXPECT_TRUE(set.error().IsValidation()) << set.error().ToString();
    auto get = alice->InboxConsent(inbox);
    ASSERT_FALSE(get.ok()) << inbox;
    EXPECT_TRUE(get.error().IsValidation()) << get.error().ToString();
  }
  for (const Bytes& group_id : {Bytes{}, Bytes(mls::kMaxGroupIdSize + 1, 1)}) {
    auto set = alice->SetGroupConsent(group_id, ConsentState::kDenied);
    ASSERT_FALSE(set.ok());
    EXPECT_TRUE(set.error().IsValidation()) << set.error().ToString();
    auto get = alice->GroupConsent(group_id);
    ASSERT_FALSE(get.ok());
    EXPECT_TRUE(get.error().IsValidation()) << get.error().ToString();
  }
  auto bad_state = alice->SetInboxConsent(alice->inbox_id(), static_cast<ConsentState>(7));
  ASSERT_FALSE(bad_state.ok());
  EXPECT_TRUE(bad_state.error().IsValidation());
  EXPECT_FALSE(alice->SetGroupConsent(Bytes(16, 1), static_cast<ConsentState>(3)).ok());
  // Nothing was written by the refused calls.
  EXPECT_EQ(alice->InboxConsent(alice->inbox_id()).value(), ConsentState::kUnknown);
  EXPECT_EQ(alice->GroupConsent(Bytes(16, 1)).value(), ConsentState::kUnknown);
}

// As node-sdk 5.5.0: asking to leave is a message we send (allowed); once
// removed and added back the group is unknown again. A plain removal keeps
// the state.
TEST_F(ConsentTest, RejoiningAfterLeavingResetsConsentToUnknown) {
  ASSERT_NO_FATAL_FAILURE(StartGroup());
  auto& alice = alice_;
  auto& bob = bob_;
  const Bytes& group = group_;
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  ASSERT_TRUE(bob->Leave(group).ok());
  EXPECT_EQ(bob->GroupConsent(group).value(), ConsentState::kAllowed);
  ASSERT_TRUE(alice->SyncGroup(group).ok());  // removes bob
  ASSERT_TRUE(bob->SyncGroup(group).ok());
  ASSERT_FALSE(bob->Group(group)->active);
  EXPECT_EQ(bob->GroupConsent(group).value(), ConsentState::kAllowed);
  ASSERT_TRUE(alice->AddMembers(group, {bob->inbox_id()}).ok());
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  ASSERT_TRUE(bob->Group(group)->active);
  EXPECT_EQ(bob->GroupConsent(group).value(), ConsentState::kUnknown);

  // Removed without asking and added back: the choice stays.
  ASSERT_TRUE(bob->SetGroupConsent(group, ConsentState::kDenied).ok());
  ASSERT_TRUE(alice->RemoveMembers(group, {bob->inbox_id()}).ok());
  ASSERT_TRUE(bob->SyncGroup(group).ok());
  ASSERT_FALSE(bob->Group(group)->active);
  ASSERT_TRUE(alice->AddMembers(group, {bob->inbox_id()}).ok());
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  ASSERT_TRUE(bob->Group(group)->active);
  EXPECT_EQ(bob->GroupConsent(group).value(), ConsentState::kDenied);
}

// A node that ignores the cursor: every query gets the same full page of
// messages the client already has. After kGiveUp queries it fails them, so
// a client that keeps asking ends with an error instead of spinning.
class CursorIgnoringMls final : public mlsv1::MlsApi::Service {
 public:
  static constexpr int kGiveUp = 50;
  CursorIgnoringMls(mlsv1::GroupMessage old_message, mlsv1::WelcomeMessage old_welcome)
      : message_(std::move(old_message)), welcome_(std::move(old_welcome)) {}

  grpc::Status QueryGroupMessages(grpc::ServerContext*, const mlsv1::QueryGroupMessagesRequest*,
                                  mlsv1::QueryGroupMessagesResponse* resp) override {
    if (++queries_ > kGiveUp) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "giving up");
    for (int i = 0; i < 100; ++i) *resp->add_messages() = message_;
    return grpc::Status::OK;
  }
  grpc::Status QueryWelcomeMessages(grpc::ServerContext*, const mlsv1::QueryWelcomeMessagesRequest*,
                                    mlsv1::QueryWelcomeMessagesResponse* resp) override {
    if (++queries_ > kGiveUp) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "giving up");
    for (int i = 0; i < 100; ++i) *resp->add_messages() = welcome_;
    return grpc::Status::OK;
  }
  int queries() const { return queries_; }
  void ResetCount() { queries_ = 0; }

 private:
  mlsv1::GroupMessage message_;
  mlsv1::WelcomeMessage welcome_;
  std::atomic<int> queries_{0};
};

TEST_F(ClientTest, FullPagesThatDoNotMoveTheCursorEndTheSync) {
  auto alice = NewClient();
  auto bob = NewClient();
  ASSERT_TRUE(alice && bob);
  auto group = alice->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  ASSERT_TRUE(bob->SyncWelcomes().ok());
  // What bob has already seen, as the hostile node will repeat it.
  mlsv1::QueryGroupMessagesRequest mreq;
  mreq.set_group_id(group->data(), group->size());
  auto messages = api_->QueryGroupMessages(mreq);
  ASSERT_TRUE(messages.ok() && messages->messages_size() > 0);
  mlsv1::QueryWelcomeMessagesRequest wreq;
  wreq.set_installation_key(bob->installation_key().data(), bob->installation_key().size());
  auto welcomes = api_->QueryWelcomeMessages(wreq);
  ASSERT_TRUE(welcomes.ok() && welcomes->messages_size() > 0);

  CursorIgnoringMls hostile(messages->messages(0), welcomes->messages(0));
  grpc::ServerBuilder builder;
  builder.RegisterService(&hostile);
  auto server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  auto hostile_api =
      api::ApiClient::FromChannel(server->InProcessChannel(grpc::ChannelArguments()), "inproc://");
  ClientContext hostile_ctx(*hostile_api, *store_, *SystemClock::Get());
  auto bob_again = Client::Open(hostile_ctx, bob->installation_key());
  ASSERT_TRUE(bob_again.ok()) << bob_again.error().ToString();

  auto synced = (*bob_again)->SyncGroup(*group);
  EXPECT_TRUE(synced.ok()) << synced.error().ToString();
  EXPECT_EQ(hostile.queries(), 1);
  hostile.ResetCount();
  auto joined = (*bob_again)->SyncWelcomes();
  EXPECT_TRUE(joined.ok()) << joined.error().ToString();
  EXPECT_EQ(hostile.queries(), 1);
  server->Shutdown();
}

}  // namespace
}  // namespace xs::xmtp::client
