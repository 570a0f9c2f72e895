// Keyset pages of a group's messages (MessageQuery::after / before): the
// pages an agent's read cursor walks. Messages that share a sent_ns are
// ordered by the store's insertion order, so paging neither skips nor
// repeats them (the index seek: StoreTest.MessagePagesWalkTheGroupIndex).
#include <gtest/gtest.h>

#include "base/testing/fake_clock.h"
#include "xmtp/store/store.h"
#include "xmtp/store/store_testing.h"

namespace xs::xmtp::store {
namespace {

using testing::B;
using testing::MakeMessage;
using testing::TempDir;
using testing::TestKey;

const Bytes kOwner = Bytes(32, 0x01);
const Bytes kGroup = B("group-one");

class StoreKeysetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::Open(path_, TestKey(), clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(opened).value();
    StoredGroup g;
    g.owner = kOwner;
    g.group_id = kGroup;
    ASSERT_TRUE(store_->Write([&](Transaction& tx) -> Status { return tx.SaveGroup(g); }).ok());
  }

  // Messages 1..n; those in `tied` all at second 5, the others at their own n.
  void Insert(int n, const std::vector<int>& tied) {
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) -> Status {
                      for (int i = 1; i <= n; ++i) {
                        StoredMessage m = MakeMessage(kOwner, kGroup, static_cast<std::uint64_t>(i),
                                                      "m" + std::to_string(i));
                        if (std::find(tied.begin(), tied.end(), i) != tied.end()) {
                          m.sent_ns = 5'000'000'000;
                        }
                        XS_TRY(bool inserted, tx.InsertMessage(m));
                        if (!inserted) return Error::Internal("not inserted");
                      }
                      return OkStatus();
                    })
                    .ok());
  }

  std::vector<StoredMessage> Page(MessageQuery q) {
    auto page = store_->ListMessages(kOwner, kGroup, q);
    EXPECT_TRUE(page.ok()) << page.error().ToString();
    return page.ok() ? std::move(page).value() : std::vector<StoredMessage>{};
  }

  static std::vector<std::string> Texts(const std::vector<StoredMessage>& page) {
    std::vector<std::string> out;
    for (const auto& m : page) out.emplace_back(m.content.begin(), m.content.end());
    return out;
  }

  TempDir dir_{"keyset"};
  std::string path_ = dir_.File("client.db");
  FakeClock clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreKeysetTest, PagesForwardAndBackThroughTiesWithoutGapsOrRepeats) {
  // m3, m4, m6, m7 share second 5 with m5: order m1 m2 then the five in
  // insertion order, then m8 m9.
  ASSERT_NO_FATAL_FAILURE(Insert(9, {3, 4, 6, 7}));
  const std::vector<StoredMessage> all = Page({});
  ASSERT_EQ(all.size(), 9u);
  EXPECT_EQ(Texts(all),
            (std::vector<std::string>{"m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"}));
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].row, all[i].row);

  for (std::uint32_t limit : {1u, 2u, 3u, 4u}) {
    std::vector<std::string> forward;
    MessageQuery q;
    q.limit = limit;
    q.after = PositionOf(all[0]);
    while (true) {
      std::vector<StoredMessage> page = Page(q);
      for (const auto& text : Texts(page)) forward.push_back(text);
      if (page.size() < limit) break;
      q.after = PositionOf(page.back());
    }
    EXPECT_EQ(forward, (std::vector<std::string>{"m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"}))
        << limit;

    std::vector<std::string> backward;
    MessageQuery b;
    b.order = Order::kDescending;
    b.limit = limit;
    b.before = PositionOf(all.back());
    while (true) {
      std::vector<StoredMessage> page = Page(b);  // newest first
      for (const auto& text : Texts(page)) backward.insert(backward.begin(), text);
      if (page.size() < limit) break;
      b.before = PositionOf(page.back());
    }
    EXPECT_EQ(backward, (std::vector<std::string>{"m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"}))
        << limit;
  }
}

TEST_F(StoreKeysetTest, PositionsCombineWithTimeBoundsAndFilters) {
  ASSERT_NO_FATAL_FAILURE(Insert(9, {3, 4, 6, 7}));
  const std::vector<StoredMessage> all = Page({});
  ASSERT_EQ(all.size(), 9u);
  MessageQuery q;
  q.after = PositionOf(all[1]);      // after m2
  q.before = PositionOf(all[6]);     // before m7
  q.sent_before_ns = 5'000'000'000;  // tighter: before second 5
  EXPECT_TRUE(Page(q).empty());
  q.sent_before_ns.reset();
  EXPECT_EQ(Texts(Page(q)), (std::vector<std::string>{"m3", "m4", "m5", "m6"}));
  q.sent_after_ns = 1'500'000'000;  // looser than after m2: the position wins
  EXPECT_EQ(Texts(Page(q)), (std::vector<std::string>{"m3", "m4", "m5", "m6"}));
  q.sent_after_ns = 5'000'000'000;  // tighter: after the whole tie
  EXPECT_TRUE(Page(q).empty());
  q.sent_after_ns.reset();
  q.after = PositionOf(all[4]);  // after m5, inside the tie
  q.order = Order::kDescending;
  q.limit = 1;
  EXPECT_EQ(Texts(Page(q)), (std::vector<std::string>{"m6"}));
  q.content_type = "xmtp.org/reaction:1.0";
  EXPECT_TRUE(Page(q).empty());
  // Nothing comes after the newest.
  q = {};
  q.after = PositionOf(all.back());
  EXPECT_TRUE(Page(q).empty());
}

}  // namespace
}  // namespace xs::xmtp::store
