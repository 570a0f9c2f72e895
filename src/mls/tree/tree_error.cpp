#include "mls/tree/tree_error.h"

#include <array>
#include <string>

namespace xs::mls {
namespace {

struct KindInfo {
  TreeError kind;
  std::string_view name;
  std::string_view reason;
};

constexpr std::array<KindInfo, 18> kKinds = {{
    {TreeError::kMalformedTree, "malformed_tree", "ratchet tree is malformed"},
    {TreeError::kLeafOutOfRange, "leaf_out_of_range", "leaf index is outside the tree"},
    {TreeError::kBlankLeaf, "blank_leaf", "leaf is blank"},
    {TreeError::kTreeFull, "tree_full", "tree cannot grow beyond its maximum width"},
    {TreeError::kTreeHashMismatch, "tree_hash_mismatch", "tree hash does not match"},
    {TreeError::kParentHashMismatch, "parent_hash_mismatch", "parent hash is not valid"},
    {TreeError::kLeafSignatureInvalid, "leaf_signature_invalid", "leaf node signature is invalid"},
    {TreeError::kLeafSourceInvalid, "leaf_source_invalid", "leaf node source is not allowed here"},
    {TreeError::kLeafLifetimeInvalid, "leaf_lifetime_invalid",
     "leaf node lifetime is not valid now"},
    {TreeError::kUnsupportedExtension, "unsupported_extension",
     "leaf node extension is not in its capabilities"},
    {TreeError::kUnsupportedCredential, "unsupported_credential",
     "credential type is not supported by every member"},
    {TreeError::kDuplicateSignatureKey, "duplicate_signature_key",
     "signature key is used by another leaf"},
    {TreeError::kDuplicateEncryptionKey, "duplicate_encryption_key",
     "encryption key appears in another node"},
    {TreeError::kUnmergedLeavesInvalid, "unmerged_leaves_invalid",
     "unmerged leaves are inconsistent"},
    {TreeError::kPathLengthMismatch, "path_length_mismatch",
     "update path does not fit the filtered direct path"},
    {TreeError::kPathKeyMismatch, "path_key_mismatch",
     "derived public key differs from the update path"},
    {TreeError::kPathDecryptionFailed, "path_decryption_failed", "path secret cannot be decrypted"},
    {TreeError::kPrivateKeyMismatch, "private_key_mismatch",
     "private key does not match the tree's public key"},
}};

constexpr std::string_view kFieldPrefix = "mls.tree.";

std::string FieldOf(TreeError kind) {
  std::string field(kFieldPrefix);
  field += TreeErrorName(kind);
  return field;
}

}  // namespace

std::string_view TreeErrorName(TreeError kind) {
  for (const KindInfo& info : kKinds) {
    if (info.kind == kind) return info.name;
  }
  return "unknown";
}

Error MakeTreeError(TreeError kind, std::string_view detail) {
  for (const KindInfo& info : kKinds) {
    if (info.kind == kind) {
      return Error::Validation(FieldOf(kind), detail.empty() ? info.reason : detail);
    }
  }
  return Error::Validation(kFieldPrefix, detail);
}

std::optional<TreeError> TreeErrorOf(const Error& error) {
  if (!error.IsValidation()) return std::nullopt;
  for (const KindInfo& info : kKinds) {
    // Error::Validation spells its message "Validation failed on '<field>': <reason>".
    const std::string prefix = "Validation failed on '" + FieldOf(info.kind) + "'";
    if (error.message().compare(0, prefix.size(), prefix) == 0) return info.kind;
  }
  return std::nullopt;
}

}  // namespace xs::mls
