// Decode: dispatch by content type, unknown types kept with their fallback,
// agent payloads.
#include "xmtp/content/decoded.h"

#include <gtest/gtest.h>

namespace xs::xmtp::content {
namespace {

const char kSealJson[] =
    "{\"chain\":{\"current\":{\"sealId\":\"seal_0123456789abcdef\"}},\"signature\":\"AA==\","
    "\"keyId\":\"key_1\",\"algorithm\":\"Ed25519\",\"contentType\":\"xmtp.org/agentSeal:1.0\"}";

TEST(Decode, UnknownTypeIsKeptWithItsFallback) {
  EncodedContent custom;
  custom.type = {"example.com", "poll", 1, 0};
  custom.parameters = {{"k", "v"}};
  custom.fallback = "A poll: what's for lunch?";
  custom.content = {0xde, 0xad};
  auto decoded = DecodeBytes(SerializeEncodedContent(custom));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->kind, Decoded::Kind::kUnknown);
  EXPECT_EQ(decoded->encoded, custom);
  EXPECT_EQ(decoded->encoded.fallback, "A poll: what's for lunch?");
  // A future major version of a known type is unknown too, not an error.
  EncodedContent text_v9 = EncodeText("x");
  text_v9.type.version_major = 9;
  text_v9.content = {0xff};
  EXPECT_EQ(Decode(text_v9)->kind, Decoded::Kind::kUnknown);
}

TEST(Decode, DispatchesEveryKnownType) {
  const std::pair<EncodedContent, Decoded::Kind> cases[] = {
      {EncodeText("t"), Decoded::Kind::kText},
      {EncodeMarkdown("m"), Decoded::Kind::kMarkdown},
      {EncodeReply({"r", std::nullopt, EncodeText("x")}), Decoded::Kind::kReply},
      {EncodeReaction({"r", "", ReactionAction::kAdded, "x", ReactionSchema::kUnicode}),
       Decoded::Kind::kReaction},
      {EncodeReactionV1({"r", "", ReactionAction::kAdded, "x", ReactionSchema::kUnicode}),
       Decoded::Kind::kReaction},
      {EncodeReadReceipt(), Decoded::Kind::kReadReceipt},
      {EncodeGroupUpdated({}), Decoded::Kind::kGroupUpdated},
      {EncodeAttachment({std::nullopt, "a/b", {}}), Decoded::Kind::kAttachment},
      {EncodeAgentPayload(AgentSealType(), kSealJson).value(), Decoded::Kind::kAgentPayload},
  };
  for (const auto& [encoded, kind] : cases) {
    auto decoded = DecodeBytes(SerializeEncodedContent(encoded));
    ASSERT_TRUE(decoded.ok()) << encoded.type.ToString() << ": " << decoded.error().ToString();
    EXPECT_EQ(decoded->kind, kind) << encoded.type.ToString();
    EXPECT_EQ(decoded->encoded, encoded);
  }
  auto text = Decode(EncodeText("hello"));
  EXPECT_EQ(std::get<std::string>(text->value), "hello");
  auto remote = EncryptAttachment({std::nullopt, "a/b", {1}});
  remote->remote.url = "https://x.test/y";
  auto decoded = Decode(EncodeRemoteAttachment(remote->remote));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->kind, Decoded::Kind::kRemoteAttachment);
  EXPECT_EQ(std::get<RemoteAttachment>(decoded->value).url, "https://x.test/y");
}

TEST(Decode, KnownTypeWithABadPayloadIsAnError) {
  EncodedContent bad_text = EncodeText("");
  bad_text.content = {0xc3, 0x28};
  EXPECT_EQ(Decode(bad_text).error().kind(), kErrorMalformed);
}

TEST(AgentPayload, SealRoundTripAndFallback) {
  auto encoded = EncodeAgentPayload(AgentSealType(), kSealJson);
  ASSERT_TRUE(encoded.ok()) << encoded.error().ToString();
  EXPECT_EQ(encoded->type.ToString(), "xmtp.org/agentSeal:1.0");
  ASSERT_TRUE(encoded->fallback.has_value());
  EXPECT_NE(encoded->fallback->find("seal"), std::string::npos);
  auto decoded = DecodeAgentPayload(*encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->json, kSealJson);
  EXPECT_EQ(decoded->type, AgentSealType());
}

TEST(AgentPayload, RejectsMismatchedOrMalformedJson) {
  EXPECT_EQ(EncodeAgentPayload(AgentLivenessType(), kSealJson).error().kind(), kErrorMalformed);
  EXPECT_EQ(EncodeAgentPayload(TextType(), kSealJson).error().kind(), kErrorWrongType);
  for (const char* bad : {"", "[]", "{", "{\"contentType\":7}", "{\"a\":1}",
                          "{\"contentType\":\"xmtp.org/agentSeal:1.0\",\"x\":\"\xff\"}"}) {
    EncodedContent encoded = EncodeAgentPayload(AgentSealType(), kSealJson).value();
    encoded.content.assign(bad, bad + std::char_traits<char>::length(bad));
    EXPECT_EQ(DecodeAgentPayload(encoded).error().kind(), kErrorMalformed) << bad;
  }
  const char kLiveness[] =
      "{\"contentType\":\"xmtp.org/agentLiveness:1.0\",\"agentInboxId\":\"i\","
      "\"timestamp\":\"2026-01-01T00:00:00Z\",\"heartbeatIntervalSeconds\":30}";
  EXPECT_TRUE(EncodeAgentPayload(AgentLivenessType(), kLiveness).ok());
}

}  // namespace
}  // namespace xs::xmtp::content
