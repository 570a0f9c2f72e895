// Known-answer tests of the MLS message codec: every entry of messages.json
// (decode + re-encode gives the same bytes) and deserialization.json (varint
// length headers), plus malformed-input cases.
#include <gtest/gtest.h>

#include <string>

#include "mls/messages/serialize.h"
#include "mls/testing/vectors.h"

namespace xs::mls {
namespace {

using testing::HexField;
using testing::VectorEntry;
using testing::VectorFile;

constexpr char kMessagesFile[] = "messages.json";

template <typename T>
void ExpectRoundTrip(const Bytes& bytes, const std::string& where) {
  auto decoded = Deserialize<T>(bytes);
  ASSERT_TRUE(decoded.ok()) << where << ": " << decoded.error().ToString();
  EXPECT_EQ(Serialize(*decoded), bytes) << where;
}

// Proposal bodies in the vectors carry no proposal_type: prefix it, decode
// as a Proposal, re-encode and strip it again.
void ExpectProposalBodyRoundTrip(std::uint16_t type, const Bytes& body, const std::string& where) {
  Bytes framed = {static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type)};
  framed.insert(framed.end(), body.begin(), body.end());
  auto decoded = Deserialize<Proposal>(framed);
  ASSERT_TRUE(decoded.ok()) << where << ": " << decoded.error().ToString();
  EXPECT_EQ(ProposalTypeOf(*decoded), type) << where;
  EXPECT_EQ(Serialize(*decoded), framed) << where;
}

TEST(MlsMessagesVectors, MessagesJsonRoundTrip) {
  const VectorFile vectors(kMessagesFile);
  XS_REQUIRE_VECTORS(vectors);
  const int checked = vectors.ForEachEntry([](const VectorEntry& entry) {
    const auto& [e, where] = entry;
    for (const char* key :
         {"mls_welcome", "mls_group_info", "mls_key_package", "public_message_application",
          "public_message_proposal", "public_message_commit", "private_message"}) {
      ExpectRoundTrip<MlsMessage>(HexField(e, key), where + "." + key);
    }
    ExpectRoundTrip<RatchetTree>(HexField(e, "ratchet_tree"), where + ".ratchet_tree");
    ExpectRoundTrip<GroupSecrets>(HexField(e, "group_secrets"), where + ".group_secrets");
    ExpectRoundTrip<Commit>(HexField(e, "commit"), where + ".commit");
    ExpectProposalBodyRoundTrip(kProposalTypeAdd, HexField(e, "add_proposal"), where + ".add");
    ExpectProposalBodyRoundTrip(kProposalTypeUpdate, HexField(e, "update_proposal"),
                                where + ".update");
    ExpectProposalBodyRoundTrip(kProposalTypeRemove, HexField(e, "remove_proposal"),
                                where + ".remove");
    ExpectProposalBodyRoundTrip(kProposalTypePsk, HexField(e, "pre_shared_key_proposal"),
                                where + ".psk");
    ExpectProposalBodyRoundTrip(kProposalTypeReInit, HexField(e, "re_init_proposal"),
                                where + ".reinit");
    ExpectProposalBodyRoundTrip(kProposalTypeExternalInit, HexField(e, "external_init_proposal"),
                                where + ".external_init");
    ExpectProposalBodyRoundTrip(kProposalTypeGroupContextExtensions,
                                HexField(e, "group_context_extensions_proposal"), where + ".gce");
  });
  EXPECT_EQ(checked, 300);  // all entries in the shared vectors
}

TEST(MlsMessagesVectors, MessagesJsonWireFormats) {
  const VectorFile vectors(kMessagesFile);
  XS_REQUIRE_VECTORS(vectors);
  ASSERT_FALSE(vectors.entries().empty());
  const auto& e = vectors.entries()[0];
  auto welcome = Deserialize<MlsMessage>(HexField(e, "mls_welcome"));
  ASSERT_TRUE(welcome.ok());
  EXPECT_EQ(welcome->wire_format(), WireFormat::kWelcome);
  auto kp = Deserialize<MlsMessage>(HexField(e, "mls_key_package"));
  ASSERT_TRUE(kp.ok());
  EXPECT_EQ(kp->wire_format(), WireFormat::kKeyPackage);
  auto priv = Deserialize<MlsMessage>(HexField(e, "private_message"));
  ASSERT_TRUE(priv.ok());
  EXPECT_EQ(priv->wire_format(), WireFormat::kPrivateMessage);
}

TEST(MlsMessagesVectors, DeserializationJsonVarintHeaders) {
  constexpr char kFile[] = "deserialization.json";
  const VectorFile vectors(kFile);
  XS_REQUIRE_VECTORS(vectors);
  const int checked = vectors.ForEachEntry([](const VectorEntry& entry) {
    const Bytes header = HexField(entry.json, "vlbytes_header");
    const auto length = entry.json["length"].get<std::uint64_t>();
    codec::TlsReader r(header);
    auto value = r.ReadVarint();
    ASSERT_TRUE(value.ok()) << entry.where << ": " << value.error().ToString();
    EXPECT_EQ(*value, length) << entry.where;
    EXPECT_TRUE(r.empty()) << entry.where;
    codec::TlsWriter w;
    w.WriteVarint(length);
    EXPECT_EQ(std::move(w).Take(), header) << entry.where;
  });
  EXPECT_EQ(checked, 14);  // all entries in the shared vectors
}

TEST(MlsMessages, RejectsTruncatedAndTrailingInput) {
  MlsMessage msg;
  PrivateMessage pm;
  pm.group_id = {1, 2, 3};
  pm.epoch = 7;
  pm.content_type = ContentType::kApplication;
  pm.encrypted_sender_data = Bytes(28, 0xAA);
  pm.ciphertext = Bytes(40, 0xBB);
  msg.body = pm;
  const Bytes bytes = Serialize(msg);
  ASSERT_TRUE(Deserialize<MlsMessage>(bytes).ok());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto r = Deserialize<MlsMessage>(std::span(bytes).first(n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_TRUE(r.error().IsValidation());
  }
  Bytes trailing = bytes;
  trailing.push_back(0);
  EXPECT_FALSE(Deserialize<MlsMessage>(trailing).ok());
}

TEST(MlsMessages, RejectsUnknownEnums) {
  // MLSMessage with wire format 9.
  EXPECT_FALSE(Deserialize<MlsMessage>(Bytes{0, 1, 0, 9}).ok());
  // Unsupported protocol version.
  EXPECT_FALSE(Deserialize<MlsMessage>(Bytes{0, 2, 0, 1}).ok());
  // Sender type 5.
  EXPECT_FALSE(Deserialize<Sender>(Bytes{5}).ok());
  // optional<UpdatePath> presence octet 2.
  EXPECT_FALSE(Deserialize<Commit>(Bytes{0, 2}).ok());
  // ProposalOrRef type 3.
  EXPECT_FALSE(Deserialize<Commit>(Bytes{1, 3, 0}).ok());
}

TEST(MlsMessages, CustomProposalKeepsPayload) {
  Proposal p = CustomProposal{kProposalTypeAppDataUpdate, Bytes{9, 8, 7}};
  const Bytes bytes = Serialize(p);
  auto back = Deserialize<Proposal>(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(ProposalTypeOf(*back), kProposalTypeAppDataUpdate);
  EXPECT_EQ(*back, p);
}

TEST(MlsMessages, PrivateMessageContentPadding) {
  FramedContentAuthData auth{Bytes(64, 1), {}};
  ContentBody body = Bytes{1, 2, 3};
  Bytes plain = EncodePrivateMessageContent(body, auth, 5);
  ContentBody out_body;
  FramedContentAuthData out_auth;
  ASSERT_TRUE(
      DecodePrivateMessageContent(plain, ContentType::kApplication, out_body, out_auth).ok());
  EXPECT_EQ(out_body, body);
  EXPECT_EQ(out_auth, auth);
  plain.back() = 1;
  EXPECT_FALSE(
      DecodePrivateMessageContent(plain, ContentType::kApplication, out_body, out_auth).ok());
}

}  // namespace
}  // namespace xs::mls
