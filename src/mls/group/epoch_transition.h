// The part of creating and processing a commit that both sides share
// (RFC 9420 §12.4.1 / §12.4.2 after the tree is final): the PSK secret
// (§8.4), the confirmed transcript hash, the new GroupContext, the key
// schedule, the confirmation tag and the interim transcript hash (§8.2), and
// the new epoch's GroupState. Internal to mls/group.
//
// Thread contract: pure functions over the caller's state.
#pragma once

#include <vector>

#include "base/result.h"
#include "mls/group/group_state.h"
#include "mls/group/proposal_list.h"
#include "mls/messages/framed.h"

namespace xs::mls {

struct EpochTransition {
  GroupContext context;  // the new epoch's, with the new confirmed hash
  EpochSecrets secrets;
  Bytes confirmation_tag;  // computed with the new confirmation_key
  Bytes interim_transcript_hash;
};

// §8.4 psk_secret of `psks` (zero for none). External PSKs come from
// state.external_psks, resumption PSKs of this group from the current epoch
// or state.resumption_psks (kPskNotAvailable otherwise).
Result<crypto::Secret> ComputePskSecret(const GroupState& state,
                                        const std::vector<PreSharedKeyId>& psks);

// From the commit `content` (signed, as sent in `wire_format`) and the tree
// hash after the proposals and the path.
Result<EpochTransition> AdvanceEpoch(const GroupState& state, const AppliedProposals& applied,
                                     std::span<const std::uint8_t> tree_hash,
                                     const crypto::Secret& commit_secret,
                                     const crypto::Secret& psk_secret, WireFormat wire_format,
                                     const FramedContent& content,
                                     std::span<const std::uint8_t> signature);

// The new epoch's state: the tree and keys after the commit, the
// transition's context and secrets, the current config and identity.
GroupState BuildNextState(const GroupState& current, PublicTree tree, TreePrivateKeys keys,
                          EpochTransition transition);

}  // namespace xs::mls
