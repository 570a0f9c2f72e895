// Drives TlsReader with a fuzzer-chosen program. Input layout:
//   byte 0          n = number of operation bytes (at most the rest of the input)
//   bytes 1..n      operations, one byte each: low 3 bits pick the read, the
//                   high bits give a size or maximum where one is needed
//   the rest        the data being read
// Invariants (a violation aborts): a failed read leaves the cursor where it
// was; a successful read advances it by exactly the bytes consumed, and
// re-encoding what was read with TlsWriter reproduces those bytes (so only
// minimal varints are ever accepted); returned spans lie inside the data;
// ExpectEnd agrees with remaining().
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "codec/tls_reader.h"
#include "codec/tls_writer.h"

namespace {

using xs::codec::TlsReader;
using xs::codec::TlsWriter;
using Span = std::span<const std::uint8_t>;

constexpr int kMaxDepth = 8;

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckSameBytes(Span a, Span b) {
  Check(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) Check(a[i] == b[i]);
}

void CheckInside(Span part, Span whole) {
  if (part.empty()) return;
  Check(part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// The bytes the reader consumed since `start`.
Span Consumed(Span data, std::size_t start, const TlsReader& reader) {
  return data.subspan(start, reader.position() - start);
}

template <typename T>
void CheckFailureKeepsCursor(const xs::Result<T>& result, std::size_t start,
                             const TlsReader& reader) {
  if (!result.ok()) Check(reader.position() == start);
}

void Run(Span ops, Span data, TlsReader& reader, int depth);

void RunOne(std::uint8_t op, Span ops, Span data, TlsReader& reader, int depth) {
  const std::size_t start = reader.position();
  const std::size_t argument = op >> 3;
  TlsWriter writer;
  switch (op & 7) {
    case 0: {
      auto value = reader.ReadU8();
      CheckFailureKeepsCursor(value, start, reader);
      if (value.ok()) writer.WriteU8(*value);
      break;
    }
    case 1: {
      auto value = reader.ReadU16();
      CheckFailureKeepsCursor(value, start, reader);
      if (value.ok()) writer.WriteU16(*value);
      break;
    }
    case 2: {
      auto value = reader.ReadU32();
      CheckFailureKeepsCursor(value, start, reader);
      if (value.ok()) writer.WriteU32(*value);
      break;
    }
    case 3: {
      auto value = reader.ReadU64();
      CheckFailureKeepsCursor(value, start, reader);
      if (value.ok()) writer.WriteU64(*value);
      break;
    }
    case 4: {
      auto value = reader.ReadVarint();
      CheckFailureKeepsCursor(value, start, reader);
      if (value.ok()) {
        Check(*value <= xs::codec::kMaxTlsVarint);
        writer.WriteVarint(*value);
      }
      break;
    }
    case 5: {
      auto bytes = reader.ReadFixed(argument);
      CheckFailureKeepsCursor(bytes, start, reader);
      if (bytes.ok()) {
        Check(bytes->size() == argument);
        CheckInside(*bytes, data);
        writer.WriteFixed(*bytes);
      }
      break;
    }
    case 6: {
      // Maximum 0..31 from the high bits, or unbounded when they are all set.
      const std::size_t max = argument == 31 ? xs::codec::kMaxTlsVarint : argument;
      auto bytes = reader.ReadOpaque(max);
      CheckFailureKeepsCursor(bytes, start, reader);
      if (bytes.ok()) {
        Check(bytes->size() <= max);
        CheckInside(*bytes, data);
        writer.WriteOpaque(*bytes);
      }
      break;
    }
    default: {
      const std::size_t max = argument == 31 ? xs::codec::kMaxTlsVarint : argument * 8;
      auto inner = reader.ReadVector(max);
      CheckFailureKeepsCursor(inner, start, reader);
      if (!inner.ok()) return;
      Check(inner->remaining() <= max && inner->position() == 0);
      Check(inner->ExpectEnd().ok() == inner->empty());
      const Span body = data.subspan(reader.position() - inner->remaining(), inner->remaining());
      writer.WriteOpaque(body);
      CheckSameBytes(writer.bytes(), Consumed(data, start, reader));
      // The nested reader runs the rest of the program over the body.
      if (depth < kMaxDepth) Run(ops, body, *inner, depth + 1);
      return;
    }
  }
  if (reader.position() != start)
    CheckSameBytes(writer.bytes(), Consumed(data, start, reader));
  else
    Check(writer.size() == 0);
}

void Run(Span ops, Span data, TlsReader& reader, int depth) {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if ((ops[i] & 7) == 7) {
      // A vector hands the rest of the program to its body, so every
      // operation runs at most once.
      RunOne(ops[i], ops.subspan(i + 1), data, reader, depth);
      break;
    }
    RunOne(ops[i], {}, data, reader, depth);
  }
  Check(reader.position() + reader.remaining() == data.size());
  Check(reader.ExpectEnd().ok() == reader.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size == 0) return 0;
  const Span input(bytes, size);
  const std::size_t op_count = std::min<std::size_t>(input[0], size - 1);
  const Span ops = input.subspan(1, op_count);
  const Span data = input.subspan(1 + op_count);
  TlsReader reader(data, "fuzz");
  Run(ops, data, reader, 0);
  return 0;
}
