// Stateful fuzzing of the secret tree's receive window (RFC 9420 §9, window
// 5 / 1000): the input is a leaf count and a sequence of Next / Get calls.
// Every outcome is checked against a simple model of the window (which
// generations are still available, reused, too old or too far ahead), and
// every key handed out must equal the key a plain in-order ratchet derives
// for that leaf, ratchet and generation. Some operations first store and
// restore the tree (Encode / Decode), which must change nothing. Any
// mismatch aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "mls/secret_tree.h"

namespace {

using namespace xs;       // NOLINT
using namespace xs::mls;  // NOLINT

constexpr std::size_t kMaxOperations = 48;
constexpr std::uint32_t kSmallGenerations = 24;
constexpr std::uint32_t kLargeGenerations = 2 * kMaximumForwardDistance + 64;

const crypto::CipherSuite& Suite() {
  static const crypto::CipherSuite suite = *crypto::CipherSuite::Create(3);
  return suite;
}

const crypto::Secret& EncryptionSecret() {
  static const crypto::Secret secret = crypto::Secret(32);
  return secret;
}

using Slot = std::tuple<std::uint32_t, int, std::uint32_t>;  // leaf, ratchet, generation

// In-order derivation of every key, for comparison.
class Reference {
 public:
  explicit Reference(std::uint32_t leaves) : tree_(Suite(), EncryptionSecret().Clone(), leaves) {}
  std::vector<std::uint8_t> KeyOf(std::uint32_t leaf, RatchetType type, std::uint32_t generation) {
    const Slot slot{leaf, static_cast<int>(type), generation};
    auto& next = next_[{leaf, static_cast<int>(type)}];
    while (next <= generation) {
      auto key = tree_.Next(leaf, type);
      if (!key.ok()) std::abort();
      keys_[{leaf, static_cast<int>(type), next}].assign(key->key.bytes().begin(),
                                                         key->key.bytes().end());
      ++next;
    }
    return keys_.at(slot);
  }

 private:
  SecretTree tree_;
  std::map<std::pair<std::uint32_t, int>, std::uint32_t> next_;
  std::map<Slot, std::vector<std::uint8_t>> keys_;
};

// What the window should answer; nullopt = success.
struct RatchetModel {
  std::uint32_t next = 0;  // next generation not yet reached
  std::set<std::uint32_t> handed_out;

  std::optional<SecretTreeError> Expect(std::uint32_t generation) const {
    if (generation >= next) {
      if (generation - next > kMaximumForwardDistance) {
        return SecretTreeError::kGenerationTooFarAhead;
      }
      return std::nullopt;
    }
    const std::uint32_t newest = next - 1;
    if (newest - generation > kOutOfOrderTolerance) return SecretTreeError::kGenerationTooOld;
    if (handed_out.count(generation) != 0) return SecretTreeError::kGenerationReused;
    return std::nullopt;
  }
  void Hand(std::uint32_t generation) {
    handed_out.insert(generation);
    if (generation >= next) next = generation + 1;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint32_t leaves = (data[0] % 8) + 1;  // 1..8 (3, 5, 6, 7 are rounded up)
  const std::uint32_t tree_leaves = FullLeafCount(leaves);
  SecretTree tree(Suite(), EncryptionSecret().Clone(), leaves);
  Reference reference(tree_leaves);
  std::map<std::pair<std::uint32_t, int>, RatchetModel> models;

  std::size_t operations = 0;
  for (std::size_t at = 1; at + 4 <= size && operations < kMaxOperations; at += 4, ++operations) {
    const std::uint32_t leaf = data[at] % (tree_leaves + 2);  // sometimes out of range
    const std::uint8_t op = data[at + 1];
    const RatchetType type = (op & 1) ? RatchetType::kHandshake : RatchetType::kApplication;
    const bool is_next = (op & 2) != 0;
    const std::uint32_t raw = (std::uint32_t{data[at + 2]} << 8) | data[at + 3];
    std::uint32_t generation = (op & 4) ? raw % kLargeGenerations : raw % kSmallGenerations;

    if (op & 8) {
      codec::TlsWriter w;
      tree.Encode(w);
      const std::vector<std::uint8_t> stored = std::move(w).Take();
      codec::TlsReader r(stored);
      auto restored = SecretTree::Decode(Suite(), r);
      if (!restored.ok() || !r.ExpectEnd().ok()) std::abort();
      tree = std::move(restored).value();
    }
    RatchetModel& model = models[{leaf, static_cast<int>(type)}];
    std::optional<SecretTreeError> expected;
    if (leaf >= tree_leaves) {
      expected = SecretTreeError::kLeafOutOfRange;
    } else if (is_next) {
      generation = model.next;
    } else {
      expected = model.Expect(generation);
    }
    auto got = is_next ? tree.Next(leaf, type) : tree.Get(leaf, type, generation);
    if (expected) {
      if (got.ok() || SecretTreeErrorOf(got.error()) != expected) std::abort();
      continue;
    }
    if (!got.ok() || got->generation != generation) std::abort();
    if (!got->key.Equals(reference.KeyOf(leaf, type, generation))) std::abort();
    model.Hand(generation);
  }
  return 0;
}
