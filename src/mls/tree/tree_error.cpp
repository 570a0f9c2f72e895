#include "mls/tree/tree_error.h"

#include "mls/error_kind.h"

namespace xs::mls {
namespace {

constexpr ErrorKindInfo<TreeError> kKindInfos[] = {
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
};

constexpr ErrorKinds<TreeError> kKinds("mls.tree.", kKindInfos);

}  // namespace

std::string_view TreeErrorName(TreeError kind) { return kKinds.Name(kind); }

Error MakeTreeError(TreeError kind, std::string_view detail) { return kKinds.Make(kind, detail); }

std::optional<TreeError> TreeErrorOf(const Error& error) { return kKinds.Of(error); }

}  // namespace xs::mls
