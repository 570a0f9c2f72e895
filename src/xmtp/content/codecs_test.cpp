// The typed codecs: round trips and each decoder's rejection rules.
#include "xmtp/content/codecs.h"

#include <gtest/gtest.h>

#include <string>

#include "xmtp/mls/message_contents/content_types/reaction.pb.h"

namespace xs::xmtp::content {
namespace {

const char kReference[] = "aa00bb11cc22dd33ee44ff5566778899aa00bb11cc22dd33ee44ff5566778899";

template <typename T>
std::string KindOf(const Result<T>& result) {
  return result.ok() ? "ok" : result.error().kind();
}

EncodedContent WithContent(EncodedContent encoded, std::string_view content) {
  encoded.content.assign(content.begin(), content.end());
  return encoded;
}

TEST(TextCodec, RoundTripAndParameters) {
  const EncodedContent encoded = EncodeText("h\xc3\xa9llo");
  EXPECT_EQ(encoded.type.ToString(), "xmtp.org/text:1.0");
  EXPECT_EQ(encoded.parameters.at("encoding"), "UTF-8");
  EXPECT_FALSE(encoded.fallback.has_value());
  EXPECT_EQ(DecodeText(encoded).value(), "h\xc3\xa9llo");
  EncodedContent no_encoding = encoded;
  no_encoding.parameters.clear();  // absent means UTF-8, as libxmtp reads it
  EXPECT_EQ(DecodeText(no_encoding).value(), "h\xc3\xa9llo");
}

TEST(TextCodec, RejectsInvalidUtf8) {
  for (const char* bad : {"\xc3\x28", "\xa0\xa1", "\xe2\x28\xa1", "\xf0\x28\x8c\xbc", "\xc0\xaf",
                          "\xed\xa0\x80", "\xf4\x90\x80\x80", "ok\xff", "\xe2\x82"}) {
    auto decoded = DecodeText(WithContent(EncodeText(""), bad));
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.error().kind(), kErrorMalformed);
  }
  EXPECT_TRUE(DecodeText(WithContent(EncodeText(""), "\xf0\x9f\x91\x8d\xef\xbf\xbf")).ok());
}

TEST(TextCodec, RejectsWrongTypeAndOtherEncodings) {
  EXPECT_EQ(KindOf(DecodeText(EncodeMarkdown("x"))), kErrorWrongType);
  EncodedContent v2 = EncodeText("x");
  v2.type.version_major = 2;
  EXPECT_EQ(KindOf(DecodeText(v2)), kErrorWrongType);
  EncodedContent latin1 = EncodeText("x");
  latin1.parameters["encoding"] = "ISO-8859-1";
  EXPECT_EQ(KindOf(DecodeText(latin1)), kErrorMalformed);
}

TEST(MarkdownCodec, RoundTrip) {
  const EncodedContent encoded = EncodeMarkdown("**b**");
  EXPECT_EQ(encoded.type.ToString(), "xmtp.org/markdown:1.0");
  EXPECT_EQ(DecodeMarkdown(encoded).value(), "**b**");
  EXPECT_EQ(KindOf(DecodeMarkdown(EncodeText("x"))), kErrorWrongType);
}

TEST(ReplyCodec, RoundTripAndFallbacks) {
  const Reply reply{kReference, "inbox", EncodeText("yes")};
  const EncodedContent encoded = EncodeReply(reply);
  EXPECT_EQ(encoded.parameters.at("contentType"), "xmtp.org/text:1.0");
  EXPECT_EQ(encoded.fallback, "Replied with \"yes\" to an earlier message");
  EXPECT_EQ(DecodeReply(encoded).value(), reply);
  const Reply to_attachment{kReference, std::nullopt, EncodeAttachment({"f", "a/b", {1}})};
  const EncodedContent encoded2 = EncodeReply(to_attachment);
  EXPECT_EQ(encoded2.fallback, "Replied to an earlier message");
  EXPECT_EQ(encoded2.parameters.count("referenceInboxId"), 0u);
  EXPECT_EQ(DecodeReply(encoded2).value(), to_attachment);
}

TEST(ReplyCodec, RejectsMissingReferenceBadInnerAndMismatchedType) {
  const EncodedContent good = EncodeReply({kReference, std::nullopt, EncodeText("x")});
  EncodedContent no_reference = good;
  no_reference.parameters.erase("reference");
  EXPECT_EQ(KindOf(DecodeReply(no_reference)), kErrorMalformed);
  EncodedContent empty_reference = good;
  empty_reference.parameters["reference"] = "";
  EXPECT_EQ(KindOf(DecodeReply(empty_reference)), kErrorMalformed);
  EXPECT_EQ(KindOf(DecodeReply(WithContent(good, "\xff\xff\xff"))), kErrorMalformed);
  EXPECT_EQ(KindOf(DecodeReply(WithContent(good, ""))), kErrorMalformed);  // no inner type
  EncodedContent mismatch = good;
  mismatch.parameters["contentType"] = "xmtp.org/markdown:1.0";
  EXPECT_EQ(KindOf(DecodeReply(mismatch)), kErrorMalformed);
  EncodedContent no_declared_type = good;
  no_declared_type.parameters.erase("contentType");
  EXPECT_TRUE(DecodeReply(no_declared_type).ok());
  EXPECT_EQ(KindOf(DecodeReply(EncodeText("x"))), kErrorWrongType);
}

TEST(ReactionCodec, V2RoundTripAndFallback) {
  const Reaction reaction{kReference, "inbox", ReactionAction::kRemoved, "smile",
                          ReactionSchema::kShortcode};
  const EncodedContent encoded = EncodeReaction(reaction);
  EXPECT_EQ(encoded.type.ToString(), "xmtp.org/reaction:2.0");
  EXPECT_EQ(encoded.fallback, "Removed \"smile\" from an earlier message");
  EXPECT_EQ(DecodeReaction(encoded).value(), reaction);
}

TEST(ReactionCodec, V1JsonRoundTrip) {
  const Reaction reaction{kReference, "", ReactionAction::kAdded, "\xf0\x9f\x8e\x89",
                          ReactionSchema::kCustom};
  const EncodedContent encoded = EncodeReactionV1(reaction);
  EXPECT_EQ(encoded.type.ToString(), "xmtp.org/reaction:1.0");
  const std::string json(encoded.content.begin(), encoded.content.end());
  EXPECT_EQ(json, std::string("{\"action\":\"added\",\"reference\":\"") + kReference +
                      "\",\"schema\":\"custom\",\"content\":\"\xf0\x9f\x8e\x89\"}");
  EXPECT_EQ(DecodeReaction(encoded).value(), reaction);
}

TEST(ReactionCodec, V1RejectsBadJson) {
  const EncodedContent base =
      EncodeReactionV1({kReference, "", ReactionAction::kAdded, "x", ReactionSchema::kUnicode});
  for (const char* bad : {
           "not json",
           "[]",
           "{\"action\":\"added\"",
           "{}",
           "{\"action\":\"added\",\"schema\":\"unicode\",\"content\":\"x\"}",
           "{\"action\":\"liked\",\"reference\":\"r\",\"schema\":\"unicode\",\"content\":\"x\"}",
           "{\"action\":\"added\",\"reference\":\"r\",\"schema\":\"emoji\",\"content\":\"x\"}",
           "{\"action\":\"added\",\"reference\":7,\"schema\":\"unicode\",\"content\":\"x\"}",
           "{\"action\":\"added\",\"reference\":\"\",\"schema\":\"unicode\",\"content\":\"x\"}",
           "{\"action\":\"added\",\"reference\":\"r\",\"schema\":\"unicode\",\"content\":\"\xff\"}",
       }) {
    EXPECT_EQ(KindOf(DecodeReaction(WithContent(base, bad))), kErrorMalformed) << bad;
  }
}

TEST(ReactionCodec, V2RejectsGarbageAndUnspecifiedEnums) {
  const EncodedContent base =
      EncodeReaction({kReference, "", ReactionAction::kAdded, "x", ReactionSchema::kUnicode});
  EXPECT_EQ(KindOf(DecodeReaction(WithContent(base, "\xff\xff"))), kErrorMalformed);
  ::xmtp::mls::message_contents::content_types::ReactionV2 message;
  message.set_reference(kReference);
  message.set_schema(::xmtp::mls::message_contents::content_types::REACTION_SCHEMA_UNICODE);
  EXPECT_EQ(KindOf(DecodeReaction(WithContent(base, message.SerializeAsString()))),
            kErrorMalformed);  // action unspecified
  message.set_action(::xmtp::mls::message_contents::content_types::REACTION_ACTION_ADDED);
  EXPECT_TRUE(DecodeReaction(WithContent(base, message.SerializeAsString())).ok());
  message.clear_reference();
  EXPECT_EQ(KindOf(DecodeReaction(WithContent(base, message.SerializeAsString()))),
            kErrorMalformed);  // missing reference
  EXPECT_EQ(KindOf(DecodeReaction(EncodeText("x"))), kErrorWrongType);
}

TEST(LeaveRequestCodec, RoundTripsAndChecksTheType) {
  const EncodedContent plain = EncodeLeaveRequest();
  EXPECT_EQ(plain.type.ToString(), "xmtp.org/leave_request:1.0");
  EXPECT_TRUE(plain.content.empty());  // libxmtp's: no note, no bytes
  EXPECT_FALSE(plain.fallback.has_value());
  auto decoded = DecodeLeaveRequest(plain);
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->authenticated_note.has_value());
  LeaveRequest noted{Bytes{1, 2, 3}};
  auto again = DecodeLeaveRequest(EncodeLeaveRequest(noted));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, noted);
  EXPECT_FALSE(DecodeLeaveRequest(EncodeText("x")).ok());
  EncodedContent garbage = plain;
  garbage.content = {0xff, 0xff};
  EXPECT_FALSE(DecodeLeaveRequest(garbage).ok());
}

TEST(ReadReceiptCodec, EmptyAndTyped) {
  const EncodedContent encoded = EncodeReadReceipt();
  EXPECT_TRUE(encoded.content.empty());
  EXPECT_TRUE(encoded.parameters.empty());
  EXPECT_TRUE(DecodeReadReceipt(encoded).ok());
  EXPECT_FALSE(DecodeReadReceipt(EncodeText("x")).ok());
}

TEST(GroupUpdatedCodec, RoundTripAndRejection) {
  GroupUpdated update;
  update.initiated_by_inbox_id = "me";
  update.added_inboxes = {"a", "b"};
  update.metadata_field_changes = {{"group_name", std::nullopt, "n"}};
  update.removed_super_admin_inboxes = {"z"};
  const EncodedContent encoded = EncodeGroupUpdated(update);
  EXPECT_EQ(encoded.type.ToString(), "xmtp.org/group_updated:1.0");
  EXPECT_FALSE(encoded.fallback.has_value());
  EXPECT_EQ(DecodeGroupUpdated(encoded).value(), update);
  EXPECT_EQ(KindOf(DecodeGroupUpdated(WithContent(encoded, "\x12\x05\x0a"))), kErrorMalformed);
  EXPECT_EQ(KindOf(DecodeGroupUpdated(EncodeText("x"))), kErrorWrongType);
}

TEST(AttachmentCodec, RoundTripAndMissingMimeType) {
  const Attachment attachment{"a.png", "image/png", {0x89, 'P', 'N', 'G'}};
  const EncodedContent encoded = EncodeAttachment(attachment);
  EXPECT_EQ(encoded.fallback, "Can't display a.png. This app doesn't support attachments.");
  EXPECT_EQ(DecodeAttachment(encoded).value(), attachment);
  EncodedContent no_mime = encoded;
  no_mime.parameters.erase("mimeType");
  EXPECT_EQ(KindOf(DecodeAttachment(no_mime)), kErrorMalformed);
  EXPECT_EQ(KindOf(DecodeAttachment(EncodeText("x"))), kErrorWrongType);
}

}  // namespace
}  // namespace xs::xmtp::content
