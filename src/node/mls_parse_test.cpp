#include "node/mls_parse.h"

#include <gtest/gtest.h>

#include <string>

#include "node/test_util.h"

namespace xs::node {
namespace {

std::span<const std::uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(ParseGroupMessage, PrivateApplicationMessage) {
  const std::string gid(16, 'g');
  const std::string msg = testing::PrivateMessage(gid, kContentTypeApplication, "hello", 7);
  auto h = ParseGroupMessage(Span(msg));
  ASSERT_TRUE(h.ok()) << h.error().ToString();
  EXPECT_EQ(std::string(h->group_id.begin(), h->group_id.end()), gid);
  EXPECT_EQ(h->epoch, 7u);
  EXPECT_EQ(h->wire_format, kWireFormatPrivateMessage);
  EXPECT_FALSE(h->is_commit());
}

TEST(ParseGroupMessage, PrivateCommit) {
  const std::string msg = testing::PrivateMessage("group", kContentTypeCommit, "c");
  auto h = ParseGroupMessage(Span(msg));
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->is_commit());
}

TEST(ParseGroupMessage, PublicCommit) {
  const std::string msg = testing::PublicMessage("group", kContentTypeCommit);
  auto h = ParseGroupMessage(Span(msg));
  ASSERT_TRUE(h.ok()) << h.error().ToString();
  EXPECT_TRUE(h->is_commit());
  EXPECT_EQ(h->wire_format, kWireFormatPublicMessage);
}

TEST(ParseGroupMessage, LongGroupIdUsesTwoByteLength) {
  const std::string gid(200, 'g');
  auto h = ParseGroupMessage(Span(testing::PrivateMessage(gid, 1, "b")));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->group_id.size(), 200u);
}

TEST(ParseGroupMessage, RejectsGarbage) {
  EXPECT_FALSE(ParseGroupMessage(Span("")).ok());
  EXPECT_FALSE(ParseGroupMessage(Span("hello world")).ok());
  // Version 2.
  std::string msg = testing::PrivateMessage("g", 1, "b");
  msg[1] = 2;
  EXPECT_FALSE(ParseGroupMessage(Span(msg)).ok());
}

TEST(ParseGroupMessage, RejectsWelcomeAndKeyPackageWireFormats) {
  for (const char wf : {char{3}, char{4}, char{5}, char{9}}) {
    std::string msg = testing::PrivateMessage("g", 1, "b");
    msg[3] = wf;
    auto h = ParseGroupMessage(Span(msg));
    ASSERT_FALSE(h.ok());
    EXPECT_TRUE(h.error().IsValidation());
  }
}

TEST(ParseGroupMessage, RejectsEmptyGroupIdBadContentTypeAndTrailingBytes) {
  EXPECT_FALSE(ParseGroupMessage(Span(testing::PrivateMessage("", 1, "b"))).ok());
  EXPECT_FALSE(ParseGroupMessage(Span(testing::PrivateMessage("g", 4, "b"))).ok());
  EXPECT_FALSE(ParseGroupMessage(Span(testing::PrivateMessage("g", 0, "b"))).ok());
  EXPECT_FALSE(ParseGroupMessage(Span(testing::PrivateMessage("g", 1, "b") + "x")).ok());
}

TEST(ParseGroupMessage, RejectsEveryTruncation) {
  const std::string msg = testing::PrivateMessage(std::string(16, 'g'), 3, "body");
  for (std::size_t n = 0; n < msg.size(); ++n) {
    EXPECT_FALSE(ParseGroupMessage(Span(msg.substr(0, n))).ok()) << n;
  }
}

TEST(ParseGroupMessage, RejectsReservedLengthPrefix) {
  std::string msg = testing::PrivateMessage("g", 1, "b");
  msg[4] = static_cast<char>(0xc0);
  EXPECT_FALSE(ParseGroupMessage(Span(msg)).ok());
}

// The field of a Validation error, from its context.
std::string FieldOf(const Error& e) {
  const std::string& ctx = e.context_json();
  const std::string key = "\"field\":\"";
  const auto start = ctx.find(key);
  if (start == std::string::npos) return "";
  const auto end = ctx.find('"', start + key.size());
  return ctx.substr(start + key.size(), end - start - key.size());
}

TEST(ParseGroupMessage, ErrorsNameTheField) {
  const std::string msg = testing::PrivateMessage("g", 1, "b");
  struct Case {
    std::size_t keep;  // bytes of msg kept
    const char* field;
  };
  // version(2) wire_format(2) group_id(1+1) epoch(8) content_type(1) ...
  for (const Case& c : {Case{1, "version"}, Case{3, "wire_format"}, Case{5, "group_id"},
                        Case{10, "epoch"}, Case{14, "content_type"}, Case{15, "authenticated_data"},
                        Case{17, "encrypted_sender_data"}, Case{msg.size() - 1, "ciphertext"}}) {
    auto h = ParseGroupMessage(Span(msg.substr(0, c.keep)));
    ASSERT_FALSE(h.ok()) << c.keep;
    EXPECT_TRUE(h.error().IsValidation());
    EXPECT_EQ(FieldOf(h.error()), c.field) << h.error().ToString();
  }
  auto big = ParseGroupMessage(Span(testing::PrivateMessage(std::string(300, 'g'), 1, "b")));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(FieldOf(big.error()), "group_id");
  EXPECT_NE(big.error().message().find("maximum"), std::string::npos);
}

TEST(ParseGroupMessage, RejectsNonMinimalLengthEncoding) {
  // RFC 9420 §2.1.2: a 1-byte group id length sent in two bytes (0x40 0x01).
  std::string msg = testing::PrivateMessage("g", 1, "b");
  msg.replace(4, 1, std::string("\x40\x01", 2));
  auto h = ParseGroupMessage(Span(msg));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(FieldOf(h.error()), "group_id");
}

TEST(ParseKeyPackage, ErrorsNameTheField) {
  const std::string kp = testing::KeyPackage(std::string(32, 'k'));
  auto h = ParseKeyPackage(Span(kp.substr(0, 40)));  // inside the encryption key
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(FieldOf(h.error()), "key_package.leaf_node.encryption_key");
  auto tail = ParseKeyPackage(Span(testing::KeyPackage(std::string(32, 'k'), "")));
  ASSERT_FALSE(tail.ok());
  EXPECT_EQ(FieldOf(tail.error()), "key_package.leaf_node");
}

TEST(ParseKeyPackage, ExtractsSignatureKey) {
  const std::string key(32, 'k');
  auto info = ParseKeyPackage(Span(testing::KeyPackage(key)));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(std::string(info->installation_key.begin(), info->installation_key.end()), key);
  EXPECT_EQ(info->cipher_suite, 3);
}

TEST(ParseKeyPackage, RejectsTruncatedAndEmpty) {
  const std::string kp = testing::KeyPackage(std::string(32, 'k'));
  for (std::size_t n = 0; n < kp.size() - 4; ++n) {
    EXPECT_FALSE(ParseKeyPackage(Span(kp.substr(0, n))).ok()) << n;
  }
  EXPECT_FALSE(ParseKeyPackage(Span(testing::KeyPackage(""))).ok());
  EXPECT_FALSE(ParseKeyPackage(Span(testing::KeyPackage(std::string(32, 'k'), ""))).ok());
}

TEST(ParseKeyPackage, RejectsOversizedInput) {
  const std::string big = testing::KeyPackage(std::string(32, 'k'), std::string(300000, 'x'));
  EXPECT_FALSE(ParseKeyPackage(Span(big)).ok());
}

}  // namespace
}  // namespace xs::node
