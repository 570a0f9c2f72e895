// TlsReader / TlsWriter: the MLS varint rules of RFC 9420 §2.1.2 (minimal
// encoding, no 8-byte form, 30-bit limit), bounds checks at every truncation
// point, caller-named maxima and ExpectEnd.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "codec/tls_reader.h"
#include "codec/tls_writer.h"

namespace xs::codec {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes EncodeVarint(std::uint64_t value) {
  TlsWriter writer;
  writer.WriteVarint(value);
  return std::move(writer).Take();
}

TEST(TlsVarint, BoundariesUseTheMinimalLength) {
  struct Case {
    std::uint64_t value;
    Bytes encoding;
  };
  const Case cases[] = {
      {0, {0x00}},
      {63, {0x3F}},
      {64, {0x40, 0x40}},
      {16383, {0x7F, 0xFF}},
      {16384, {0x80, 0x00, 0x40, 0x00}},
      {kMaxTlsVarint, {0xBF, 0xFF, 0xFF, 0xFF}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    EXPECT_EQ(EncodeVarint(c.value), c.encoding);
    EXPECT_EQ(TlsVarintSize(c.value), c.encoding.size());
    TlsReader reader(c.encoding);
    auto decoded = reader.ReadVarint();
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(*decoded, c.value);
    EXPECT_TRUE(reader.ExpectEnd().ok());
  }
}

TEST(TlsVarint, Rfc9000Examples) {
  // The 1-, 2- and 4-byte examples of RFC 9000 §A.1.
  const std::pair<Bytes, std::uint64_t> examples[] = {
      {{0x25}, 37}, {{0x7B, 0xBD}, 15293}, {{0x9D, 0x7F, 0x3E, 0x7D}, 494878333}};
  for (const auto& [encoding, value] : examples) {
    TlsReader reader(encoding);
    auto decoded = reader.ReadVarint();
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, value);
  }
}

TEST(TlsVarint, RejectsNonMinimalEncodings) {
  const Bytes non_minimal[] = {
      {0x40, 0x00},              // 0 in two bytes
      {0x40, 0x25},              // 37 in two bytes (valid QUIC, invalid MLS)
      {0x40, 0x3F},              // 63 in two bytes
      {0x80, 0x00, 0x00, 0x00},  // 0 in four bytes
      {0x80, 0x00, 0x00, 0x3F},  // 63 in four bytes
      {0x80, 0x00, 0x3F, 0xFF},  // 16383 in four bytes
  };
  for (const Bytes& encoding : non_minimal) {
    TlsReader reader(encoding);
    auto decoded = reader.ReadVarint();
    ASSERT_FALSE(decoded.ok());
    EXPECT_TRUE(decoded.error().IsValidation());
    EXPECT_EQ(reader.position(), 0u);
  }
}

TEST(TlsVarint, RejectsTheEightBytePrefix) {
  const Bytes encodings[] = {
      {0xC0, 0, 0, 0, 0, 0, 0, 0x01},
      {0xC0, 0, 0, 0, 0x40, 0, 0, 0},  // 2^30, which only fits the 8-byte form
      {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
      {0xC0},
  };
  for (const Bytes& encoding : encodings) {
    TlsReader reader(encoding);
    auto decoded = reader.ReadVarint();
    ASSERT_FALSE(decoded.ok());
    EXPECT_TRUE(decoded.error().IsValidation());
    EXPECT_EQ(reader.position(), 0u);
  }
}

TEST(TlsReader, BigEndianIntegers) {
  const Bytes bytes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                       0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
  TlsReader reader(bytes);
  EXPECT_EQ(*reader.ReadU8(), 0x01);
  EXPECT_EQ(*reader.ReadU16(), 0x0203);
  EXPECT_EQ(*reader.ReadU32(), 0x04050607u);
  EXPECT_EQ(*reader.ReadU64(), 0x08090A0B0C0D0E0Full);
  EXPECT_TRUE(reader.ExpectEnd().ok());

  TlsWriter writer;
  writer.WriteU8(0x01);
  writer.WriteU16(0x0203);
  writer.WriteU32(0x04050607u);
  writer.WriteU64(0x08090A0B0C0D0E0Full);
  EXPECT_EQ(std::move(writer).Take(), bytes);
}

// One of each kind of field, so that every truncation point falls in a
// different reader.
Bytes Composite() {
  TlsWriter writer;
  writer.WriteU8(7);
  writer.WriteU16(0xBEEF);
  writer.WriteU32(0xDEADBEEF);
  writer.WriteU64(42);
  writer.WriteVarint(300);
  writer.WriteOpaque(Bytes(70, 0xAA));  // a two-byte length
  TlsWriter inner;
  inner.WriteU16(1);
  inner.WriteOpaque(Bytes{1, 2, 3});
  writer.WriteOpaque(inner.bytes());
  writer.WriteFixed(Bytes{9, 9, 9});
  return std::move(writer).Take();
}

Status ReadComposite(std::span<const std::uint8_t> bytes) {
  TlsReader reader(bytes, "composite");
  XS_TRY(std::uint8_t u8, reader.ReadU8());
  XS_TRY(std::uint16_t u16, reader.ReadU16());
  XS_TRY(std::uint32_t u32, reader.ReadU32());
  XS_TRY(std::uint64_t u64, reader.ReadU64());
  XS_TRY(std::uint64_t varint, reader.ReadVarint());
  XS_TRY(auto opaque, reader.ReadOpaque(100));
  XS_TRY(TlsReader inner, reader.ReadVector(100));
  XS_TRY(std::uint16_t inner_u16, inner.ReadU16());
  XS_TRY(auto inner_opaque, inner.ReadOpaque(3));
  XS_RETURN_IF_ERROR(inner.ExpectEnd());
  XS_TRY(auto fixed, reader.ReadFixed(3));
  XS_RETURN_IF_ERROR(reader.ExpectEnd());
  EXPECT_EQ(u8, 7);
  EXPECT_EQ(u16, 0xBEEF);
  EXPECT_EQ(u32, 0xDEADBEEFu);
  EXPECT_EQ(u64, 42u);
  EXPECT_EQ(varint, 300u);
  EXPECT_EQ(Bytes(opaque.begin(), opaque.end()), Bytes(70, 0xAA));
  EXPECT_EQ(inner_u16, 1);
  EXPECT_EQ(Bytes(inner_opaque.begin(), inner_opaque.end()), (Bytes{1, 2, 3}));
  EXPECT_EQ(Bytes(fixed.begin(), fixed.end()), (Bytes{9, 9, 9}));
  return OkStatus();
}

TEST(TlsReader, TruncationAtEveryLengthIsAValidationError) {
  const Bytes full = Composite();
  ASSERT_TRUE(ReadComposite(full).ok());
  for (std::size_t length = 0; length < full.size(); ++length) {
    SCOPED_TRACE("truncated to " + std::to_string(length));
    Status status = ReadComposite(std::span<const std::uint8_t>(full.data(), length));
    ASSERT_FALSE(status.ok());
    EXPECT_TRUE(status.error().IsValidation());
  }
}

TEST(TlsReader, FailedReadsLeaveTheCursorInPlace) {
  const Bytes bytes = {0x05, 1, 2};  // a 5-byte opaque with only 2 bytes present
  TlsReader reader(bytes);
  EXPECT_FALSE(reader.ReadOpaque(100).ok());
  EXPECT_EQ(reader.position(), 0u);
  EXPECT_FALSE(reader.ReadU32().ok());
  EXPECT_EQ(reader.position(), 0u);
  EXPECT_FALSE(reader.ReadFixed(4).ok());
  EXPECT_EQ(reader.position(), 0u);
  EXPECT_FALSE(reader.ReadVector(100).ok());
  EXPECT_EQ(reader.position(), 0u);
  auto all = reader.ReadFixed(3);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Bytes(all->begin(), all->end()), bytes);
}

TEST(TlsReader, EnforcesTheCallerMaximum) {
  TlsWriter writer;
  writer.WriteOpaque(Bytes(10, 1));
  const Bytes bytes = std::move(writer).Take();
  {
    TlsReader reader(bytes, "field_x");
    auto result = reader.ReadOpaque(9);
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(result.error().IsValidation());
    EXPECT_EQ(reader.position(), 0u);
    auto vector = reader.ReadVector(9);
    ASSERT_FALSE(vector.ok());
    EXPECT_TRUE(vector.error().IsValidation());
  }
  {
    TlsReader reader(bytes);
    auto result = reader.ReadOpaque(10);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->size(), 10u);
    EXPECT_TRUE(reader.empty());
  }
  {
    // A declared length far beyond the input and the maximum fails before any
    // allocation or read.
    const Bytes huge = {0xBF, 0xFF, 0xFF, 0xFF};
    TlsReader reader(huge);
    EXPECT_FALSE(reader.ReadOpaque(1 << 20).ok());
    EXPECT_FALSE(reader.ReadOpaque(kMaxTlsVarint).ok());
  }
}

TEST(TlsReader, ErrorsNameTheFieldBeingRead) {
  const Bytes bytes = {0x00, 0x01, 0x05};
  TlsReader reader(bytes, "outer");
  EXPECT_TRUE(reader.Named("version").ReadU16().ok());
  auto opaque = reader.Named("group_id").ReadOpaque(64);
  ASSERT_FALSE(opaque.ok());
  EXPECT_EQ(opaque.error().context_json(),
            R"({"field":"group_id","reason":"truncated: needs 5 more bytes at offset 2, has 1"})");
  auto body = TlsReader(bytes).Named("body").ReadU64();
  ASSERT_FALSE(body.ok());
  EXPECT_NE(body.error().message().find("'body'"), std::string::npos);
}

TEST(TlsReader, ExpectEnd) {
  const Bytes bytes = {1, 2, 3};
  TlsReader reader(bytes);
  auto trailing = reader.ExpectEnd();
  ASSERT_FALSE(trailing.ok());
  EXPECT_TRUE(trailing.error().IsValidation());
  ASSERT_TRUE(reader.ReadU16().ok());
  EXPECT_FALSE(reader.ExpectEnd().ok());
  EXPECT_EQ(reader.remaining(), 1u);
  ASSERT_TRUE(reader.ReadU8().ok());
  EXPECT_TRUE(reader.ExpectEnd().ok());
  EXPECT_TRUE(TlsReader().ExpectEnd().ok());
  EXPECT_FALSE(TlsReader().ReadU8().ok());
}

TEST(TlsWriter, OpaqueRoundTripAcrossLengthBoundaries) {
  for (std::size_t size : {0, 1, 63, 64, 16383, 16384, 70000}) {
    SCOPED_TRACE(size);
    Bytes payload(size);
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i * 31);
    TlsWriter writer;
    writer.WriteOpaque(payload);
    EXPECT_EQ(writer.size(), TlsVarintSize(size) + size);
    TlsReader reader(writer.bytes());
    auto read = reader.ReadOpaque(size);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(Bytes(read->begin(), read->end()), payload);
    EXPECT_TRUE(reader.ExpectEnd().ok());
  }
}

TEST(TlsWriter, ForSecretsWritesTheSameBytesThroughEveryGrowth) {
  TlsWriter plain;
  TlsWriter wiping = TlsWriter::ForSecrets();
  for (std::size_t n = 0; n < 300; ++n) {
    const std::vector<std::uint8_t> chunk(n % 70, static_cast<std::uint8_t>(n));
    for (TlsWriter* w : {&plain, &wiping}) {
      w->WriteU8(static_cast<std::uint8_t>(n));
      w->WriteU64(n * 0x0101010101010101u);
      w->WriteOpaque(chunk);
    }
  }
  EXPECT_EQ(std::vector<std::uint8_t>(wiping.bytes().begin(), wiping.bytes().end()),
            std::vector<std::uint8_t>(plain.bytes().begin(), plain.bytes().end()));
  EXPECT_EQ(std::move(wiping).Take(), std::move(plain).Take());
}

TEST(TlsWriter, ScratchWipesLikeItsParent) {
  EXPECT_FALSE(TlsWriter().wipes());
  EXPECT_FALSE(TlsWriter().Scratch().wipes());
  EXPECT_TRUE(TlsWriter::ForSecrets().wipes());
  EXPECT_TRUE(TlsWriter::ForSecrets().Scratch().wipes());
  TlsWriter assigned;
  assigned = TlsWriter::ForSecrets();
  EXPECT_TRUE(assigned.wipes());
}

}  // namespace
}  // namespace xs::codec
