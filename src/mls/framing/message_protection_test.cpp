// Known-answer tests of PublicMessage / PrivateMessage protection: every
// entry of message-protection.json for suites 1 and 3 (unprotect the given
// messages, then protect our own and unprotect it again), plus tamper cases.
#include <gtest/gtest.h>

#include <string>

#include "mls/framing/private_message.h"
#include "mls/framing/public_message.h"
#include "mls/messages/serialize.h"
#include "mls/testing/vectors.h"

namespace xs::mls {
namespace {

using testing::HexField;
using testing::SuiteVectorEntry;
using testing::VectorFile;

constexpr char kFile[] = "message-protection.json";
constexpr std::uint32_t kSenderLeaf = 1;
constexpr std::uint32_t kTreeLeaves = 2;

struct Fixture {
  explicit Fixture(crypto::CipherSuite s) : suite(s) {}
  crypto::CipherSuite suite;
  Bytes group_id;
  std::uint64_t epoch = 0;
  Bytes context;  // serialized GroupContext
  Bytes signature_priv;
  Bytes signature_pub;
  crypto::Secret encryption_secret;
  crypto::Secret sender_data_secret;
  crypto::Secret membership_key;

  SecretTree FreshTree() const { return SecretTree(suite, encryption_secret.Clone(), kTreeLeaves); }
};

Fixture MakeFixture(const SuiteVectorEntry& entry) {
  const auto& e = entry.json;
  Fixture f(entry.suite);
  f.group_id = HexField(e, "group_id");
  f.epoch = e["epoch"].get<std::uint64_t>();
  GroupContext gc;
  gc.cipher_suite = entry.suite_id;
  gc.group_id = f.group_id;
  gc.epoch = f.epoch;
  gc.tree_hash = HexField(e, "tree_hash");
  gc.confirmed_transcript_hash = HexField(e, "confirmed_transcript_hash");
  f.context = Serialize(gc);
  f.signature_priv = HexField(e, "signature_priv");
  f.signature_pub = HexField(e, "signature_pub");
  f.encryption_secret = crypto::Secret::Copy(HexField(e, "encryption_secret"));
  f.sender_data_secret = crypto::Secret::Copy(HexField(e, "sender_data_secret"));
  f.membership_key = crypto::Secret::Copy(HexField(e, "membership_key"));
  return f;
}

Bytes BodyBytes(const ContentBody& body) {
  if (const auto* data = std::get_if<Bytes>(&body)) return *data;
  if (const auto* p = std::get_if<Proposal>(&body)) return Serialize(*p);
  return Serialize(std::get<Commit>(body));
}

// Decrypts a serialized MLSMessage(PrivateMessage) and checks signature + body.
void CheckPrivate(const Fixture& f, const Bytes& wire, const Bytes& expected_body,
                  const std::string& where) {
  auto msg = Deserialize<MlsMessage>(wire);
  ASSERT_TRUE(msg.ok()) << where << ": " << msg.error().ToString();
  const auto* pm = std::get_if<PrivateMessage>(&msg->body);
  ASSERT_NE(pm, nullptr) << where;
  SecretTree tree = f.FreshTree();
  auto plain = UnprotectPrivateMessage(f.suite, *pm, tree, f.sender_data_secret);
  ASSERT_TRUE(plain.ok()) << where << ": " << plain.error().ToString();
  EXPECT_EQ(plain->content.sender.index, kSenderLeaf) << where;
  EXPECT_EQ(BodyBytes(plain->content.body), expected_body) << where;
  auto verified = VerifyFramedContent(f.suite, WireFormat::kPrivateMessage, plain->content,
                                      plain->auth, f.context, f.signature_pub);
  EXPECT_TRUE(verified.ok()) << where << ": " << verified.error().ToString();
}

void CheckPublic(const Fixture& f, const Bytes& wire, const Bytes& expected_body,
                 const std::string& where) {
  auto msg = Deserialize<MlsMessage>(wire);
  ASSERT_TRUE(msg.ok()) << where << ": " << msg.error().ToString();
  const auto* pm = std::get_if<PublicMessage>(&msg->body);
  ASSERT_NE(pm, nullptr) << where;
  auto tag = UnprotectPublicMessage(f.suite, *pm, f.context, f.membership_key);
  EXPECT_TRUE(tag.ok()) << where << ": " << tag.error().ToString();
  auto verified = VerifyFramedContent(f.suite, WireFormat::kPublicMessage, pm->content, pm->auth,
                                      f.context, f.signature_pub);
  EXPECT_TRUE(verified.ok()) << where << ": " << verified.error().ToString();
  EXPECT_EQ(BodyBytes(pm->content.body), expected_body) << where;
}

FramedContent ContentFor(const Fixture& f, ContentBody body) {
  FramedContent c;
  c.group_id = f.group_id;
  c.epoch = f.epoch;
  c.sender = Sender{SenderType::kMember, kSenderLeaf};
  c.body = std::move(body);
  return c;
}

// Protects `body` ourselves, as PublicMessage (unless application) and as
// PrivateMessage, and checks that both unprotect again.
void CheckOwnProtection(const Fixture& f, ContentBody body, const std::string& where) {
  const Bytes expected = BodyBytes(body);
  const FramedContent content = ContentFor(f, std::move(body));
  const Bytes tag(f.suite.hash_size(), 0x5A);  // any confirmation tag for commits
  auto pub_auth = SignFramedContent(f.suite, WireFormat::kPublicMessage, content, f.context,
                                    f.signature_priv, tag);
  ASSERT_TRUE(pub_auth.ok()) << where;
  auto pub = ProtectPublicMessage(f.suite, content, *pub_auth, f.context, f.membership_key);
  if (content.content_type() == ContentType::kApplication) {
    EXPECT_FALSE(pub.ok()) << where << ": application data accepted as PublicMessage";
  } else {
    ASSERT_TRUE(pub.ok()) << where << ": " << pub.error().ToString();
    CheckPublic(f, Serialize(MlsMessage{kProtocolVersionMls10, *pub}), expected, where + ".pub");
  }
  auto priv_auth = SignFramedContent(f.suite, WireFormat::kPrivateMessage, content, f.context,
                                     f.signature_priv, tag);
  ASSERT_TRUE(priv_auth.ok()) << where;
  SecretTree tree = f.FreshTree();
  auto priv = ProtectPrivateMessage(f.suite, content, *priv_auth, tree, f.sender_data_secret);
  ASSERT_TRUE(priv.ok()) << where << ": " << priv.error().ToString();
  CheckPrivate(f, Serialize(MlsMessage{kProtocolVersionMls10, *priv}), expected, where + ".priv");
}

template <typename T>
ContentBody DecodeBody(const Bytes& bytes) {
  return *Deserialize<T>(bytes);
}

TEST(MlsMessageProtectionVectors, AllEntriesSuites1And3) {
  const VectorFile vectors(kFile);
  XS_REQUIRE_VECTORS(vectors);
  const int checked = vectors.ForEachSupportedSuite([](const SuiteVectorEntry& entry) {
    const auto& [e, where, suite_id, suite] = entry;
    const Fixture f = MakeFixture(entry);
    const Bytes proposal = HexField(e, "proposal");
    const Bytes commit = HexField(e, "commit");
    const Bytes application = HexField(e, "application");

    CheckPublic(f, HexField(e, "proposal_pub"), proposal, where + ".proposal_pub");
    CheckPrivate(f, HexField(e, "proposal_priv"), proposal, where + ".proposal_priv");
    CheckPublic(f, HexField(e, "commit_pub"), commit, where + ".commit_pub");
    CheckPrivate(f, HexField(e, "commit_priv"), commit, where + ".commit_priv");
    CheckPrivate(f, HexField(e, "application_priv"), application, where + ".application_priv");

    auto p = Deserialize<Proposal>(proposal);
    ASSERT_TRUE(p.ok()) << where;
    CheckOwnProtection(f, *p, where + ".own_proposal");
    auto c = Deserialize<Commit>(commit);
    ASSERT_TRUE(c.ok()) << where;
    CheckOwnProtection(f, *c, where + ".own_commit");
    CheckOwnProtection(f, application, where + ".own_application");
  });
  EXPECT_EQ(checked, 2);
}

TEST(MlsMessageProtectionVectors, TamperingIsRejected) {
  const VectorFile vectors(kFile);
  XS_REQUIRE_VECTORS(vectors);
  int tampered = 0;
  vectors.ForEachSupportedSuite([&](const SuiteVectorEntry& entry) {
    if (entry.suite_id != 3) return;
    ++tampered;
    const auto& e = entry.json;
    const Fixture f = MakeFixture(entry);
    auto msg = Deserialize<MlsMessage>(HexField(e, "application_priv"));
    ASSERT_TRUE(msg.ok());
    auto pm = std::get<PrivateMessage>(msg->body);
    {
      PrivateMessage bad = pm;
      bad.ciphertext.back() ^= 1;
      SecretTree tree = f.FreshTree();
      auto r = UnprotectPrivateMessage(f.suite, bad, tree, f.sender_data_secret);
      ASSERT_FALSE(r.ok()) << entry.where;
    }
    {
      PrivateMessage bad = pm;
      bad.epoch += 1;  // changes both AADs
      SecretTree tree = f.FreshTree();
      EXPECT_FALSE(UnprotectPrivateMessage(f.suite, bad, tree, f.sender_data_secret).ok());
    }
    auto pub = Deserialize<MlsMessage>(HexField(e, "proposal_pub"));
    ASSERT_TRUE(pub.ok());
    auto pubm = std::get<PublicMessage>(pub->body);
    pubm.membership_tag.front() ^= 1;
    auto tag = UnprotectPublicMessage(f.suite, pubm, f.context, f.membership_key);
    ASSERT_FALSE(tag.ok());
    EXPECT_TRUE(tag.error().IsAuth());
  });
  EXPECT_EQ(tampered, 1);  // the suite 3 entry of the shared vectors
}

}  // namespace
}  // namespace xs::mls
