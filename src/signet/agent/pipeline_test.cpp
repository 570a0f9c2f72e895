// The projection pipeline (events-and-pipeline.md §3) and what an agent may
// see of a message's content (agent_content.h, decisions.md #21 and #26).
#include "signet/agent/pipeline.h"

#include <gtest/gtest.h>

#include "signet/agent/agent_content.h"
#include "xmtp/content/agent_payload.h"
#include "xmtp/content/codecs.h"

namespace xs::signet::agent {
namespace {

namespace content = xmtp::content;

const std::string kChat = "conv_0123456789abcdef";

RawMessage Text(std::string text, bool historical = false) {
  RawMessage m;
  m.message_id = std::string(64, 'a');
  m.group_id = kChat;
  m.sender_inbox_id = std::string(64, 'b');
  m.content_type = kTextType;
  m.content = {{"text", std::move(text)}};
  m.sent_at_ms = 1'764'000'000'123;
  m.is_historical = historical;
  return m;
}

struct Credential {
  ScopeSet scopes;
  std::vector<std::string> chats{kChat};
  std::vector<std::string> allowlist{kTextType, kReactionType};
  Viewer View(bool revealed = false) const { return Viewer{&scopes, &chats, &allowlist, revealed}; }
};

Credential With(std::vector<std::string> scopes) {
  Credential c;
  c.scopes = ToScopeSet(scopes);
  return c;
}

TEST(PipelineTest, Stage1DropsAMessageOfAChatOutsideTheCredential) {
  Credential c = With({"read-messages"});
  RawMessage m = Text("hi");
  m.group_id = "conv_ffffffffffffffff";
  EXPECT_FALSE(RunPipeline(m, c.View()));
}

TEST(PipelineTest, Stage2DropsAContentTypeOutsideTheAllowlist) {
  Credential c = With({"read-messages"});
  c.allowlist = {kReactionType};
  EXPECT_FALSE(RunPipeline(Text("hi"), c.View()));
  c.allowlist = {kReactionType, kTextType};
  EXPECT_TRUE(RunPipeline(Text("hi"), c.View()));
}

TEST(PipelineTest, Stage3ReadMessagesMakesAMessageVisible) {
  Credential c = With({"read-messages"});
  auto event = RunPipeline(Text("hi"), c.View());
  ASSERT_TRUE(event);
  EXPECT_EQ((*event)["visibility"], "visible");
  EXPECT_EQ((*event)["content"], (Json{{"text", "hi"}}));
}

TEST(PipelineTest, Stage3WithoutReadMessagesARevealedMessageIsRevealed) {
  Credential c = With({"send"});
  auto event = RunPipeline(Text("hi"), c.View(true));
  ASSERT_TRUE(event);
  EXPECT_EQ((*event)["visibility"], "revealed");
  EXPECT_EQ((*event)["content"], (Json{{"text", "hi"}}));
}

TEST(PipelineTest, Stage3WithoutReadMessagesOrARevealTheMessageIsHiddenAndDropped) {
  Credential c = With({"send", "read-history"});
  EXPECT_FALSE(RunPipeline(Text("hi"), c.View(false)));
}

TEST(PipelineTest, DenyWinsOverAllowForReadMessages) {
  Credential c;
  c.scopes = Resolve(ScopePair{{"read-messages"}, {"read-messages"}});
  EXPECT_FALSE(RunPipeline(Text("hi"), c.View()));
}

TEST(PipelineTest, Stage3bHistoricalWithoutReadHistoryIsDropped) {
  Credential c = With({"read-messages"});
  EXPECT_FALSE(RunPipeline(Text("old", true), c.View()));
  EXPECT_FALSE(RunPipeline(Text("old", true), c.View(true)));
}

TEST(PipelineTest, Stage3bHistoricalAndVisibleBecomesHistorical) {
  Credential c = With({"read-messages", "read-history"});
  auto event = RunPipeline(Text("old", true), c.View());
  ASSERT_TRUE(event);
  EXPECT_EQ((*event)["visibility"], "historical");
  EXPECT_EQ((*event)["content"], (Json{{"text", "old"}}));
}

TEST(PipelineTest, Stage3bARevealedHistoricalMessageStaysRevealed) {
  Credential c = With({"read-history"});
  auto event = RunPipeline(Text("old", true), c.View(true));
  ASSERT_TRUE(event);
  EXPECT_EQ((*event)["visibility"], "revealed");
}

TEST(PipelineTest, Stage4RedactedAndHiddenCarryNullContent) {
  for (Visibility v : {Visibility::kRedacted, Visibility::kHidden}) {
    Json event = MessageVisibleEvent(Text("secret"), v);
    EXPECT_TRUE(event["content"].is_null());
    EXPECT_EQ(SerializeMessageVisible(Text("secret"), v).find("secret"), std::string::npos);
  }
}

TEST(PipelineTest, TheEventHasEveryFieldOfMessageVisible) {
  RawMessage m = Text("hi");
  m.thread_id = std::string(64, 'c');
  Json event = MessageVisibleEvent(m, Visibility::kVisible);
  EXPECT_EQ(event["type"], "message.visible");
  EXPECT_EQ(event["messageId"], m.message_id);
  EXPECT_EQ(event["groupId"], kChat);
  EXPECT_EQ(event["senderInboxId"], m.sender_inbox_id);
  EXPECT_EQ(event["contentType"], kTextType);
  EXPECT_EQ(event["sentAt"], "2025-11-24T16:00:00.123Z");
  EXPECT_TRUE(event["sealId"].is_null());
  EXPECT_EQ(event["threadId"], m.thread_id);
  EXPECT_EQ(event.size(), 10u);
  EXPECT_EQ(Json::parse(SerializeMessageVisible(m, Visibility::kVisible)), event);
}

// ---------------------------------------------------------------- content

TEST(AgentContentTest, TextIsAlwaysAnObjectWithText) {
  auto c = ProjectContent(content::EncodeText("hello"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->content_type, kTextType);
  EXPECT_EQ(c->content, (Json{{"text", "hello"}}));
  EXPECT_FALSE(c->thread_id);
}

TEST(AgentContentTest, AReplyNamesItsThreadAndProjectsItsInnerContent) {
  content::Reply reply;
  reply.reference = std::string(64, 'd');
  reply.content = content::EncodeText("yes");
  auto c = ProjectContent(content::EncodeReply(reply));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->content_type, kReplyType);
  EXPECT_EQ(c->thread_id, reply.reference);
  EXPECT_EQ(c->content["reference"], reply.reference);
  EXPECT_EQ(c->content["content"]["type"], kTextType);
  EXPECT_EQ(c->content["content"]["payload"], (Json{{"text", "yes"}}));
}

TEST(AgentContentTest, AReplyWithAnUnknownInnerTypeNeverReachesAnAgent) {
  content::Reply reply;
  reply.reference = std::string(64, 'd');
  reply.content = content::EncodeMarkdown("*yes*");
  EXPECT_FALSE(ProjectContent(content::EncodeReply(reply)));
}

TEST(AgentContentTest, ReactionsOfBothVersionsAreTheBaselineReaction) {
  content::Reaction r;
  r.reference = std::string(64, 'e');
  r.action = content::ReactionAction::kRemoved;
  r.content = "👍";
  for (const auto& encoded : {content::EncodeReaction(r), content::EncodeReactionV1(r)}) {
    auto c = ProjectContent(encoded);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->content_type, kReactionType);
    EXPECT_EQ(c->content, (Json{{"reference", r.reference},
                                {"action", "removed"},
                                {"content", "👍"},
                                {"schema", "unicode"}}));
  }
}

TEST(AgentContentTest, ReadReceiptAndGroupUpdatedUseTheBaselineIds) {
  auto receipt = ProjectContent(content::EncodeReadReceipt());
  ASSERT_TRUE(receipt);
  EXPECT_EQ(receipt->content_type, kReadReceiptType);
  EXPECT_EQ(receipt->content, Json::object());

  content::GroupUpdated update;
  update.initiated_by_inbox_id = "aa";
  update.added_inboxes = {"bb"};
  update.metadata_field_changes = {{"group_name", std::nullopt, "x"}};
  auto c = ProjectContent(content::EncodeGroupUpdated(update));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->content_type, kGroupUpdatedType);
  EXPECT_EQ(c->content["initiatedByInboxId"], "aa");
  EXPECT_EQ(c->content["addedInboxes"], (Json::array({{{"inboxId", "bb"}}})));
  EXPECT_EQ(c->content["removedInboxes"], Json::array());
  EXPECT_EQ(c->content["metadataFieldsChanged"][0],
            (Json{{"fieldName", "group_name"}, {"oldValue", nullptr}, {"newValue", "x"}}));
}

TEST(AgentContentTest, SignetInternalAndUnknownTypesNeverReachAnAgent) {
  for (const auto& type :
       {content::AgentSealType(), content::AgentRevocationType(), content::AgentLivenessType()}) {
    auto encoded =
        content::EncodeAgentPayload(type, "{\"contentType\":\"" + type.ToString() + "\"}");
    ASSERT_TRUE(encoded.ok());
    EXPECT_FALSE(ProjectContent(*encoded)) << type.ToString();
  }
  content::EncodedContent convos = content::EncodeText("x");
  convos.type = {"convos.org", "invite", 1, 0};
  EXPECT_FALSE(ProjectContent(convos));
  content::EncodedContent unknown = content::EncodeText("x");
  unknown.type = {"example.com", "poll", 1, 0};
  EXPECT_FALSE(ProjectContent(unknown));
  EXPECT_FALSE(ProjectContent(content::EncodeMarkdown("**x**")));
}

TEST(AgentContentTest, APayloadThatDoesNotDecodeNeverReachesAnAgent) {
  content::EncodedContent bad = content::EncodeText("x");
  bad.content = {0xff, 0xfe};  // not UTF-8
  EXPECT_FALSE(ProjectContent(bad));
}

}  // namespace
}  // namespace xs::signet::agent
