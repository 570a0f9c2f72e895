// The reveal store (events-and-pipeline.md §4): the five scopes, the group
// check, expiry, and wiping.
#include "signet/agent/reveals.h"

#include <gtest/gtest.h>

#include "base/clock.h"

namespace xs::signet::agent {
namespace {

const std::string kChat = "conv_0123456789abcdef";
const std::string kCred = "cred_0123456789abcdef";
const std::int64_t kNow = 1'764'000'000'000;  // 2025-11-24T16:00:00.000Z

RawMessage Message() {
  RawMessage m;
  m.message_id = std::string(64, 'a');
  m.group_id = kChat;
  m.sender_inbox_id = std::string(64, 'b');
  m.content_type = "xmtp.org/text:1.0";
  m.sent_at_ms = kNow;
  m.thread_id = std::string(64, 'c');
  return m;
}

RevealRequest Reveal(RevealScope scope, std::string target) {
  return RevealRequest{"rv1", kChat, scope, std::move(target), "requester", std::nullopt};
}

TEST(RevealMatchTest, EachScopeMatchesItsField) {
  RawMessage m = Message();
  EXPECT_TRUE(Matches(Reveal(RevealScope::kMessage, m.message_id), m));
  EXPECT_FALSE(Matches(Reveal(RevealScope::kMessage, m.sender_inbox_id), m));
  EXPECT_TRUE(Matches(Reveal(RevealScope::kThread, *m.thread_id), m));
  EXPECT_FALSE(Matches(Reveal(RevealScope::kThread, m.message_id), m));
  EXPECT_TRUE(Matches(Reveal(RevealScope::kSender, m.sender_inbox_id), m));
  EXPECT_FALSE(Matches(Reveal(RevealScope::kSender, m.message_id), m));
  EXPECT_TRUE(Matches(Reveal(RevealScope::kContentType, "xmtp.org/text:1.0"), m));
  EXPECT_FALSE(Matches(Reveal(RevealScope::kContentType, "xmtp.org/reaction:1.0"), m));
}

TEST(RevealMatchTest, AThreadRevealDoesNotMatchAMessageOutsideAThread) {
  RawMessage m = Message();
  m.thread_id.reset();
  EXPECT_FALSE(Matches(Reveal(RevealScope::kThread, std::string(64, 'c')), m));
}

TEST(RevealMatchTest, TheGroupMustMatch) {
  RawMessage m = Message();
  RevealRequest r = Reveal(RevealScope::kMessage, m.message_id);
  r.group_id = "conv_ffffffffffffffff";
  EXPECT_FALSE(Matches(r, m));
}

TEST(RevealMatchTest, ATimeWindowIncludesBothBounds) {
  RawMessage m = Message();
  const std::string at = IsoTime(kNow);
  EXPECT_TRUE(Matches(Reveal(RevealScope::kTimeWindow, at + "|" + at), m));
  EXPECT_TRUE(
      Matches(Reveal(RevealScope::kTimeWindow, IsoTime(kNow - 1) + "|" + IsoTime(kNow + 1)), m));
  EXPECT_FALSE(
      Matches(Reveal(RevealScope::kTimeWindow, IsoTime(kNow + 1) + "|" + IsoTime(kNow + 9)), m));
  EXPECT_FALSE(
      Matches(Reveal(RevealScope::kTimeWindow, IsoTime(kNow - 9) + "|" + IsoTime(kNow - 1)), m));
}

TEST(RevealMatchTest, ATimeWindowWithAnInvalidDateMatchesNothing) {
  RawMessage m = Message();
  for (const std::string target :
       {"2025-11-24T00:00:00Z", "garbage|2025-11-25T00:00:00Z", "2025-11-24T00:00:00Z|",
        "2025-02-30T00:00:00Z|2025-12-31T00:00:00Z", "2025-13-01T00:00:00Z|2025-12-31T00:00:00Z",
        "2025-11-24T00:00:00Z|2025-11-24T25:00:00Z"}) {
    EXPECT_FALSE(Matches(Reveal(RevealScope::kTimeWindow, target), m)) << target;
  }
}

TEST(RevealParseTest, AWellFormedRequestParses) {
  auto r = ParseRevealRequest({{"revealId", "r1"},
                               {"groupId", kChat},
                               {"scope", "time-window"},
                               {"targetId", "a|b"},
                               {"requestedBy", "inbox"},
                               {"expiresAt", "2030-01-01T00:00:00.000Z"}});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->scope, RevealScope::kTimeWindow);
  EXPECT_EQ(IsoTime(*r->expires_at_ms), "2030-01-01T00:00:00.000Z");
  auto permanent = ParseRevealRequest({{"revealId", "r1"},
                                       {"groupId", kChat},
                                       {"scope", "sender"},
                                       {"targetId", "x"},
                                       {"requestedBy", "inbox"},
                                       {"expiresAt", nullptr}});
  ASSERT_TRUE(permanent.ok());
  EXPECT_FALSE(permanent->expires_at_ms);
}

TEST(RevealParseTest, SchemaErrorsAreValidationErrorsNamingTheField) {
  Json good = {{"revealId", "r1"}, {"groupId", kChat},       {"scope", "message"},
               {"targetId", "x"},  {"requestedBy", "inbox"}, {"expiresAt", nullptr}};
  struct Case {
    std::string key;
    Json value;
    std::string field;
  };
  for (const Case& c :
       {Case{"scope", "everything", "reveal.scope"}, Case{"revealId", 5, "reveal.revealId"},
        Case{"targetId", "", "reveal.targetId"}, Case{"expiresAt", "tomorrow", "reveal.expiresAt"},
        Case{"expiresAt", 12, "reveal.expiresAt"}}) {
    Json bad = good;
    bad[c.key] = c.value;
    auto r = ParseRevealRequest(bad);
    ASSERT_FALSE(r.ok()) << c.key;
    EXPECT_TRUE(r.error().IsValidation());
    EXPECT_NE(r.error().context_json().find(c.field), std::string::npos) << c.key;
  }
  Json missing = good;
  missing.erase("expiresAt");
  EXPECT_FALSE(ParseRevealRequest(missing).ok());
  EXPECT_FALSE(ParseRevealRequest(Json::array()).ok());
}

TEST(RevealStoreTest, AGrantMakesMatchingMessagesRevealedForThatCredentialOnly) {
  RevealStore store;
  RawMessage m = Message();
  EXPECT_FALSE(store.IsRevealed(kCred, m, kNow));
  auto access = store.Grant(kCred, Reveal(RevealScope::kSender, m.sender_inbox_id), kNow);
  ASSERT_TRUE(access.ok());
  EXPECT_EQ(RevealAccessJson(*access), (Json{{"revealId", "rv1"},
                                             {"grantedAt", IsoTime(kNow)},
                                             {"grantedBy", "requester"},
                                             {"expiresAt", nullptr}}));
  EXPECT_EQ(store.Match(kCred, m, kNow), "rv1");
  EXPECT_FALSE(store.IsRevealed("cred_ffffffffffffffff", m, kNow));
}

TEST(RevealStoreTest, AnExpiredRevealIsIgnoredAndExpireStaleRemovesIt) {
  RevealStore store;
  RawMessage m = Message();
  RevealRequest r = Reveal(RevealScope::kMessage, m.message_id);
  r.expires_at_ms = kNow + 1000;
  ASSERT_TRUE(store.Grant(kCred, r, kNow).ok());
  EXPECT_TRUE(store.IsRevealed(kCred, m, kNow + 999));
  EXPECT_FALSE(store.IsRevealed(kCred, m, kNow + 1000));  // expiresAt <= now
  EXPECT_EQ(store.Active(kCred, kNow).size(), 1u);
  EXPECT_TRUE(store.Active(kCred, kNow + 1000).empty());
  store.ExpireStale(kNow + 1000);
  EXPECT_FALSE(store.IsRevealed(kCred, m, kNow));  // gone, not just ignored
}

TEST(RevealStoreTest, WipeRemovesEveryRevealOfTheCredential) {
  RevealStore store;
  RawMessage m = Message();
  ASSERT_TRUE(store.Grant(kCred, Reveal(RevealScope::kMessage, m.message_id), kNow).ok());
  ASSERT_TRUE(
      store.Grant("cred_ffffffffffffffff", Reveal(RevealScope::kMessage, m.message_id), kNow).ok());
  store.Wipe(kCred);
  EXPECT_FALSE(store.IsRevealed(kCred, m, kNow));
  EXPECT_TRUE(store.Active(kCred, kNow).empty());
  EXPECT_TRUE(store.IsRevealed("cred_ffffffffffffffff", m, kNow));
}

TEST(RevealStoreTest, TheSameRevealIdReplacesAndTheCountIsBounded) {
  RevealStore store;
  RawMessage m = Message();
  ASSERT_TRUE(store.Grant(kCred, Reveal(RevealScope::kMessage, "other"), kNow).ok());
  ASSERT_TRUE(store.Grant(kCred, Reveal(RevealScope::kMessage, m.message_id), kNow).ok());
  EXPECT_EQ(store.Active(kCred, kNow).size(), 1u);
  EXPECT_TRUE(store.IsRevealed(kCred, m, kNow));
  for (std::size_t i = 1; i < kMaxRevealsPerCredential; ++i) {
    RevealRequest r = Reveal(RevealScope::kMessage, "x");
    r.reveal_id = "r" + std::to_string(i);
    ASSERT_TRUE(store.Grant(kCred, r, kNow).ok());
  }
  RevealRequest one_more = Reveal(RevealScope::kMessage, "x");
  one_more.reveal_id = "overflow";
  EXPECT_TRUE(store.Grant(kCred, one_more, kNow).error().IsValidation());
}

}  // namespace
}  // namespace xs::signet::agent
