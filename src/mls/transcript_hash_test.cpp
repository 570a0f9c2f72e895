// Transcript hashes and confirmation tag (RFC 9420 §8.2): every entry of
// transcript-hashes.json for suites 1 and 3.
#include "mls/transcript_hash.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/hex.h"
#include "codec/tls_reader.h"
#include "mls/testing/vectors.h"

namespace xs::mls {
namespace {

using testing::HexField;
using testing::SuiteVectorEntry;
using testing::VectorFile;

constexpr char kFile[] = "transcript-hashes.json";

struct AuthenticatedContent {
  WireFormat wire_format = WireFormat::kPublicMessage;
  FramedContent content;
  FramedContentAuthData auth;
};

// AuthenticatedContent = wire_format || FramedContent || FramedContentAuthData.
Result<AuthenticatedContent> DecodeAuthenticatedContent(const Bytes& bytes) {
  codec::TlsReader r(bytes);
  AuthenticatedContent out;
  XS_TRY(std::uint16_t wire_format, r.ReadU16());
  out.wire_format = static_cast<WireFormat>(wire_format);
  XS_RETURN_IF_ERROR(Decode(r, out.content));
  XS_RETURN_IF_ERROR(DecodeAuthData(r, out.content.content_type(), out.auth));
  XS_RETURN_IF_ERROR(r.ExpectEnd());
  return out;
}

TEST(MlsTranscriptHashVectors, AllEntriesSuites1And3) {
  const VectorFile vectors(kFile);
  XS_REQUIRE_VECTORS(vectors);
  const int checked = vectors.ForEachSupportedSuite([](const SuiteVectorEntry& entry) {
    const auto& [e, where, suite_id, suite] = entry;
    auto ac = DecodeAuthenticatedContent(HexField(e, "authenticated_content"));
    ASSERT_TRUE(ac.ok()) << where << ": " << ac.error().ToString();
    ASSERT_EQ(ac->content.content_type(), ContentType::kCommit) << where;
    const Bytes interim_before = HexField(e, "interim_transcript_hash_before");
    const Bytes confirmed_after = HexField(e, "confirmed_transcript_hash_after");
    const crypto::Secret confirmation_key = crypto::Secret::Copy(HexField(e, "confirmation_key"));

    auto hashes =
        ComputeTranscriptHashes(suite, interim_before, ac->wire_format, ac->content, ac->auth);
    ASSERT_TRUE(hashes.ok()) << where;
    EXPECT_EQ(codec::HexEncode(hashes->confirmed), codec::HexEncode(confirmed_after))
        << where << ".confirmed_transcript_hash_after";
    EXPECT_EQ(codec::HexEncode(hashes->interim),
              e["interim_transcript_hash_after"].get<std::string>())
        << where << ".interim_transcript_hash_after";

    auto tag = ComputeConfirmationTag(suite, confirmation_key, confirmed_after);
    ASSERT_TRUE(tag.ok()) << where;
    EXPECT_EQ(*tag, ac->auth.confirmation_tag) << where << ".confirmation_tag";
    EXPECT_TRUE(
        VerifyConfirmationTag(suite, confirmation_key, confirmed_after, ac->auth.confirmation_tag)
            .ok())
        << where;
    Bytes bad_tag = ac->auth.confirmation_tag;
    bad_tag.back() ^= 1;
    auto rejected = VerifyConfirmationTag(suite, confirmation_key, confirmed_after, bad_tag);
    ASSERT_FALSE(rejected.ok()) << where;
    EXPECT_TRUE(rejected.error().IsAuth()) << where;
  });
  EXPECT_EQ(checked, 2);  // suites 1 and 3 in the shared vectors
}

TEST(MlsTranscriptHash, OnlyCommitsEnterTheTranscript) {
  const crypto::CipherSuite suite = *crypto::CipherSuite::Create(3);
  FramedContent content;
  content.body = Bytes{1, 2, 3};  // application data
  EXPECT_FALSE(
      ComputeConfirmedTranscriptHash(suite, {}, WireFormat::kPrivateMessage, content, {}).ok());
  content.body = Commit{};
  EXPECT_TRUE(
      ComputeConfirmedTranscriptHash(suite, {}, WireFormat::kPrivateMessage, content, {}).ok());
}

}  // namespace
}  // namespace xs::mls
