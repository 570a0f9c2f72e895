// Interop goldens: testdata/golden_content.json, made by
// tests/interop/tools/golden_content.mjs with the official XMTP codecs
// (@xmtp/node-bindings 1.9.1 = libxmtp's, and the JS content-type packages).
// Our encoders must produce the same bytes; our decoders must read theirs.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "codec/hex.h"
#include "xmtp/content/decoded.h"
#include "xmtp/content/envelope.h"

namespace xs::xmtp::content {
namespace {

const nlohmann::json& Golden() {
  static const nlohmann::json golden = [] {
    std::ifstream in(std::string(XS_CONTENT_TESTDATA_DIR) + "/golden_content.json");
    EXPECT_TRUE(in.good()) << "golden_content.json not found";
    return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  }();
  return golden;
}

const nlohmann::json& Case(const std::string& name) {
  const auto& cases = Golden().at("cases");
  EXPECT_TRUE(cases.contains(name)) << name;
  return cases.at(name);
}

Bytes Hex(const nlohmann::json& value) {
  return codec::HexDecode(value.get<std::string>()).value();
}
Bytes CaseBytes(const std::string& name) { return Hex(Case(name).at("bytes_hex")); }
std::string Reference() { return Golden().at("sample").at("reference"); }
std::string Inbox() { return Golden().at("sample").at("inbox"); }

// Our encoding of a case, byte for byte against the official serializer.
void ExpectSameBytes(const EncodedContent& ours, const std::string& name) {
  EXPECT_EQ(codec::HexEncode(SerializeEncodedContent(ours)),
            Case(name).at("bytes_hex").get<std::string>())
      << name;
}

EncodedContent ParseCase(const std::string& name) {
  auto parsed = ParseEncodedContent(CaseBytes(name));
  EXPECT_TRUE(parsed.ok()) << name << ": " << parsed.error().ToString();
  return parsed.ok() ? *parsed : EncodedContent{};
}

const Attachment& SampleAttachment() {
  static const Attachment attachment{"hello.txt", "text/plain", Bytes{104, 105, 0, 255}};
  return attachment;
}

TEST(Golden, FileIsTheOneTheScriptWrote) {
  ASSERT_FALSE(Golden().is_discarded());
  EXPECT_EQ(Golden().at("versions").at("@xmtp/node-bindings"), "1.9.1");
}

TEST(Golden, TextAndMarkdown) {
  ExpectSameBytes(EncodeText("Hello, XMTP! h\xc3\xa9llo \xe2\x9c\x93"), "text");
  ExpectSameBytes(EncodeMarkdown("# Title\n\n**bold** _it_"), "markdown");
  EXPECT_EQ(DecodeText(ParseCase("text")).value(), "Hello, XMTP! h\xc3\xa9llo \xe2\x9c\x93");
  EXPECT_EQ(DecodeMarkdown(ParseCase("markdown")).value(), "# Title\n\n**bold** _it_");
}

TEST(Golden, ReactionV2AsLibxmtpSendsIt) {
  const Reaction added{Reference(), Inbox(), ReactionAction::kAdded, "\xf0\x9f\x91\x8d",
                       ReactionSchema::kUnicode};
  const Reaction removed{Reference(), "", ReactionAction::kRemoved,
                         ":thumbsup:", ReactionSchema::kShortcode};
  ExpectSameBytes(EncodeReaction(added), "reaction_v2");
  ExpectSameBytes(EncodeReaction(removed), "reaction_v2_removed");
  EXPECT_EQ(DecodeReaction(ParseCase("reaction_v2")).value(), added);
  EXPECT_EQ(DecodeReaction(ParseCase("reaction_v2_removed")).value(), removed);
}

TEST(Golden, ReactionV1Json) {
  const Reaction reaction{Reference(), Inbox(), ReactionAction::kAdded, "\xe2\x9d\xa4\xef\xb8\x8f",
                          ReactionSchema::kUnicode};
  // The JS codec leaves the fallback to the client; libxmtp's legacy codec sets it.
  EncodedContent ours = EncodeReactionV1(reaction);
  EXPECT_EQ(ours.fallback, "Reacted with \"\xe2\x9d\xa4\xef\xb8\x8f\" to an earlier message");
  ours.fallback.reset();
  ExpectSameBytes(ours, "reaction_v1");
  EXPECT_EQ(DecodeReaction(ParseCase("reaction_v1")).value(), reaction);
}

TEST(Golden, ReadReceipt) {
  ExpectSameBytes(EncodeReadReceipt(), "read_receipt");
  EXPECT_TRUE(DecodeReadReceipt(ParseCase("read_receipt")).ok());
}

TEST(Golden, Attachment) {
  ExpectSameBytes(EncodeAttachment(SampleAttachment()), "attachment");
  const Attachment unnamed{std::nullopt, "application/octet-stream", Bytes{1, 2, 3}};
  ExpectSameBytes(EncodeAttachment(unnamed), "attachment_no_filename");
  EXPECT_EQ(DecodeAttachment(ParseCase("attachment")).value(), SampleAttachment());
  EXPECT_EQ(DecodeAttachment(ParseCase("attachment_no_filename")).value(), unnamed);
}

TEST(Golden, ReplyToText) {
  const Reply reply{Reference(), Inbox(), EncodeText("a reply")};
  EncodedContent ours = EncodeReply(reply);
  EXPECT_EQ(ours.fallback, "Replied with \"a reply\" to an earlier message");
  ours.fallback.reset();  // the JS codec leaves it to the client
  ExpectSameBytes(ours, "reply");
  EXPECT_EQ(DecodeReply(ParseCase("reply")).value(), reply);
}

TEST(Golden, GroupUpdatedAllFields) {
  GroupUpdated update;
  update.initiated_by_inbox_id = Inbox();
  update.added_inboxes = {"inbox-added-1", "inbox-added-2"};
  update.removed_inboxes = {"inbox-removed"};
  update.metadata_field_changes = {{"group_name", "Old name", "New name"},
                                   {"description", std::nullopt, ""}};
  update.left_inboxes = {"inbox-left"};
  update.added_admin_inboxes = {"inbox-admin"};
  update.removed_admin_inboxes = {"inbox-ex-admin"};
  update.added_super_admin_inboxes = {"inbox-super"};
  update.removed_super_admin_inboxes = {"inbox-ex-super"};
  ExpectSameBytes(EncodeGroupUpdated(update), "group_updated");
  EXPECT_EQ(DecodeGroupUpdated(ParseCase("group_updated")).value(), update);
}

TEST(Golden, CompressedContentIsInflatedOnParse) {
  for (const std::string name : {"text_deflate", "text_gzip"}) {
    const EncodedContent parsed = ParseCase(name);
    EXPECT_FALSE(parsed.compression.has_value()) << name;
    EXPECT_EQ(codec::HexEncode(parsed.content),
              Case(name).at("plain_content_hex").get<std::string>())
        << name;
    EXPECT_EQ(DecodeText(parsed).value(), [] {
      std::string s;
      for (int i = 0; i < 20; ++i) s += "compress me ";
      return s;
    }());
  }
}

TEST(Golden, RemoteAttachmentWithFixedKeyMaterialMatchesTheSdk) {
  const auto& golden = Case("remote_attachment");
  ASSERT_TRUE(golden.at("sdk_decrypt_ok").get<bool>()) << "the SDK could not open the ciphertext";
  const Bytes secret(32, 0x11), salt(32, 0x22), nonce(12, 0x33);
  auto encrypted = EncryptAttachmentWith(SampleAttachment(), secret, salt, nonce);
  ASSERT_TRUE(encrypted.ok()) << encrypted.error().ToString();
  EXPECT_EQ(codec::HexEncode(encrypted->payload), golden.at("payload_hex").get<std::string>());
  encrypted->remote.url = "https://files.example/attachment/1";
  ExpectSameBytes(EncodeRemoteAttachment(encrypted->remote), "remote_attachment");

  auto decoded = DecodeRemoteAttachment(ParseCase("remote_attachment"));
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(decoded->url, "https://files.example/attachment/1");
  EXPECT_EQ(decoded->scheme, "https://");
  EXPECT_EQ(decoded->content_length, encrypted->payload.size());
  EXPECT_EQ(decoded->filename, "hello.txt");
  EXPECT_EQ(DecryptAttachment(Hex(golden.at("payload_hex")), *decoded).value(), SampleAttachment());
}

TEST(Golden, RemoteAttachmentEncryptedByTheSdkDecrypts) {
  const auto& golden = Case("remote_attachment_sdk_encrypted");
  auto remote = DecodeRemoteAttachment(ParseCase("remote_attachment_sdk_encrypted"));
  ASSERT_TRUE(remote.ok()) << remote.error().ToString();
  auto attachment = DecryptAttachment(Hex(golden.at("payload_hex")), *remote);
  ASSERT_TRUE(attachment.ok()) << attachment.error().ToString();
  EXPECT_EQ(*attachment, SampleAttachment());
}

TEST(Golden, PlaintextEnvelopesAndMessageId) {
  const auto& envelopes = Golden().at("envelopes");
  const Bytes text = CaseBytes("text");
  const std::string key = envelopes.at("idempotency_key");
  EXPECT_EQ(codec::HexEncode(SerializePlaintextEnvelopeV1(text, key)),
            envelopes.at("v1_hex").get<std::string>());
  auto v1 = ParsePlaintextEnvelope(Hex(envelopes.at("v1_hex")));
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->kind, PlaintextEnvelope::Kind::kV1);
  EXPECT_EQ(v1->content, text);
  EXPECT_EQ(v1->idempotency_key, key);
  auto v2 = ParsePlaintextEnvelope(Hex(envelopes.at("v2_device_sync_request_hex")));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->kind, PlaintextEnvelope::Kind::kV2DeviceSync);
  EXPECT_EQ(v2->idempotency_key, "42");
  EXPECT_EQ(codec::HexEncode(MessageId(Hex(envelopes.at("group_id_hex")), key, text)),
            envelopes.at("message_id_hex").get<std::string>());
}

}  // namespace
}  // namespace xs::xmtp::content
