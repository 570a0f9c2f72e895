// What `msg list` / `msg info` show of each content type (message_view.h).
#include "signet/chats/message_view.h"

#include <gtest/gtest.h>

#include "xmtp/content/codecs.h"
#include "xmtp/content/remote_attachment.h"

namespace xs::signet {
namespace {

namespace content = xmtp::content;
using Json = nlohmann::json;

const std::string kRef(64, 'a');
const std::string kAlice(64, '1');
const std::string kBob(64, '2');

Json View(const content::EncodedContent& encoded) {
  Json m = {{"contentType", encoded.type.ToString()}};
  AddContentFields(encoded, m);
  return m;
}

TEST(MessageViewTest, TextIsTheSummary) {
  Json m = View(content::EncodeText("hello"));
  EXPECT_EQ(m.value("text", ""), "hello");
  EXPECT_EQ(MessageSummary(m), "hello");
  Json md = View(content::EncodeMarkdown("**bold**"));
  EXPECT_EQ(md.value("text", ""), "**bold**");
}

TEST(MessageViewTest, ReplyShowsReferenceAndText) {
  content::Reply reply{kRef, kAlice, content::EncodeText("on it")};
  Json m = View(content::EncodeReply(reply));
  ASSERT_TRUE(m.contains("reply")) << m.dump();
  EXPECT_EQ(m["reply"].value("reference", ""), kRef);
  EXPECT_EQ(m["reply"].value("referenceInboxId", ""), kAlice);
  EXPECT_EQ(m["reply"].value("contentType", ""), "xmtp.org/text:1.0");
  EXPECT_EQ(m["reply"].value("text", ""), "on it");
  EXPECT_EQ(m.value("text", ""), "on it");  // the words of the message
  EXPECT_EQ(MessageSummary(m), "reply to message aaaaaaaaaaaa: on it");
  m["reply"]["referenceId"] = "msg_0123456789abcdef";
  EXPECT_EQ(MessageSummary(m), "reply to msg_0123456789abcdef: on it");

  // Without an inbox id, and with content that is not text.
  content::Reply other{kRef, std::nullopt, content::EncodeReadReceipt()};
  Json o = View(content::EncodeReply(other));
  EXPECT_FALSE(o["reply"].contains("referenceInboxId")) << o.dump();
  EXPECT_FALSE(o.contains("text"));
  EXPECT_EQ(MessageSummary(o), "reply to message aaaaaaaaaaaa (xmtp.org/readReceipt:1.0)");
}

TEST(MessageViewTest, ReactionShowsReferenceEmojiAndAction) {
  content::Reaction added{kRef, kBob, content::ReactionAction::kAdded, "👍",
                          content::ReactionSchema::kUnicode};
  Json m = View(content::EncodeReaction(added));
  ASSERT_TRUE(m.contains("reaction")) << m.dump();
  EXPECT_EQ(m["reaction"], Json({{"reference", kRef},
                                 {"referenceInboxId", kBob},
                                 {"action", "added"},
                                 {"emoji", "👍"},
                                 {"schema", "unicode"}}));
  EXPECT_FALSE(m.contains("text"));
  m["reaction"]["referenceId"] = "msg_0123456789abcdef";
  EXPECT_EQ(MessageSummary(m), "reacted 👍 to msg_0123456789abcdef");

  // Legacy v1 JSON, removed, no inbox id.
  content::Reaction removed{kRef, "", content::ReactionAction::kRemoved, "❤️",
                            content::ReactionSchema::kUnicode};
  Json r = View(content::EncodeReactionV1(removed));
  EXPECT_EQ(r["reaction"].value("action", ""), "removed");
  EXPECT_FALSE(r["reaction"].contains("referenceInboxId"));
  EXPECT_EQ(MessageSummary(r), "removed reaction ❤️ from message aaaaaaaaaaaa");
}

TEST(MessageViewTest, ReadReceiptAndLeaveRequest) {
  Json m = View(content::EncodeReadReceipt());
  EXPECT_EQ(m.value("readReceipt", false), true);
  EXPECT_EQ(MessageSummary(m), "read receipt");
  Json l = View(content::EncodeLeaveRequest());
  EXPECT_EQ(l.value("leaveRequest", false), true);
  EXPECT_EQ(MessageSummary(l), "asked to leave the group");
}

TEST(MessageViewTest, MembershipChangesAreReadable) {
  content::GroupUpdated u;
  u.initiated_by_inbox_id = kAlice;
  u.added_inboxes = {kBob};
  u.removed_inboxes = {kRef};
  u.added_admin_inboxes = {kBob};
  u.metadata_field_changes = {{"group_name", "old", "new"}, {"description", "gone", std::nullopt}};
  Json m = View(content::EncodeGroupUpdated(u));
  ASSERT_TRUE(m.contains("groupUpdated")) << m.dump();
  const Json& g = m["groupUpdated"];
  EXPECT_EQ(g.value("initiatedBy", ""), kAlice);
  EXPECT_EQ(g["addedInboxes"], Json::array({kBob}));
  EXPECT_EQ(g["removedInboxes"], Json::array({kRef}));
  EXPECT_EQ(g["leftInboxes"], Json::array());
  EXPECT_EQ(g["addedAdmins"], Json::array({kBob}));
  EXPECT_EQ(g["metadataChanges"][0],
            Json({{"field", "group_name"}, {"oldValue", "old"}, {"newValue", "new"}}));
  EXPECT_FALSE(g["metadataChanges"][1].contains("newValue"));
  EXPECT_EQ(MessageSummary(m),
            "11111111 added 22222222; removed aaaaaaaa; made admin 22222222; set group_name to "
            "\"new\"; cleared description");

  content::GroupUpdated left;
  left.initiated_by_inbox_id = kBob;
  left.left_inboxes = {kBob};
  EXPECT_EQ(MessageSummary(View(content::EncodeGroupUpdated(left))), "22222222 left: 22222222");
  content::GroupUpdated nothing;
  nothing.initiated_by_inbox_id = kBob;
  EXPECT_EQ(MessageSummary(View(content::EncodeGroupUpdated(nothing))),
            "22222222 updated the group");
}

TEST(MessageViewTest, AttachmentsShowMetadataNeverTheKey) {
  content::Attachment a{"notes.txt", "text/plain", {'h', 'i'}};
  Json m = View(content::EncodeAttachment(a));
  EXPECT_EQ(m["attachment"],
            Json({{"filename", "notes.txt"}, {"mimeType", "text/plain"}, {"size", 2}}));
  EXPECT_EQ(MessageSummary(m), "attachment notes.txt (text/plain, 2 bytes)");

  auto encrypted = content::EncryptAttachment(a);
  ASSERT_TRUE(encrypted.ok()) << encrypted.error().ToString();
  encrypted->remote.url = "https://example.invalid/x";
  Json r = View(content::EncodeRemoteAttachment(encrypted->remote));
  ASSERT_TRUE(r.contains("remoteAttachment")) << r.dump();
  EXPECT_EQ(r["remoteAttachment"].value("url", ""), "https://example.invalid/x");
  EXPECT_EQ(r["remoteAttachment"].size(), 4u) << r.dump();  // url, filename, length, scheme
  EXPECT_EQ(MessageSummary(r), "remote attachment notes.txt at https://example.invalid/x");
}

TEST(MessageViewTest, UnknownTypesShowTheirFallbackAndBrokenOnesSaySo) {
  content::EncodedContent unknown;
  unknown.type = {"example.org", "poll", 1, 0};
  unknown.fallback = "a poll you cannot see";
  Json m = View(unknown);
  EXPECT_EQ(m.value("fallback", ""), "a poll you cannot see");
  EXPECT_EQ(MessageSummary(m), "a poll you cannot see");
  unknown.fallback.reset();
  EXPECT_EQ(MessageSummary(View(unknown)), "(example.org/poll:1.0)");

  content::EncodedContent broken = content::EncodeReaction(
      {kRef, "", content::ReactionAction::kAdded, "x", content::ReactionSchema::kUnicode});
  broken.content = {0xff, 0xff, 0xff};
  Json b = View(broken);
  EXPECT_TRUE(b.contains("decodeError")) << b.dump();
  EXPECT_EQ(MessageSummary(b), "(undecodable xmtp.org/reaction:2.0)");
}

}  // namespace
}  // namespace xs::signet
