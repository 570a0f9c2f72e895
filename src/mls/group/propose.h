// Proposals sent by reference (RFC 9420 §12.1): Add, Remove, Update and
// GroupContextExtensions as PrivateMessages (profile §1.2), each remembered in
// our proposal cache under its ProposalRef so that a later commit (ours or
// another member's) can reference it.
//
// XMTP's legacy groups commit proposals inline (CommitOptions.proposals);
// these are for "proposals-enabled" groups and for tests.
//
// Thread contract: mutate the GroupState (secret tree, proposal cache).
#pragma once

#include <optional>
#include <vector>

#include "base/result.h"
#include "mls/group/group_state.h"
#include "mls/group/key_package.h"

namespace xs::mls {

struct ProposalOutput {
  MlsMessage message;  // send this
  Bytes ref;           // its ProposalRef
};

// §12.1.1; the KeyPackage is validated first (§10.1, group's required
// capabilities).
Result<ProposalOutput> ProposeAdd(GroupState& state, const KeyPackage& key_package);
// §12.1.3; the leaf must be occupied.
Result<ProposalOutput> ProposeRemove(GroupState& state, LeafIndex removed);
// §12.1.2: our leaf with a fresh encryption key (and, when given, a new
// credential / capabilities / extensions). Its private key is kept until the
// epoch ends.
Result<ProposalOutput> ProposeUpdate(GroupState& state,
                                     const std::optional<LeafNodeOptions>& leaf = std::nullopt);
// §12.1.7: the complete new extension list.
Result<ProposalOutput> ProposeGroupContextExtensions(GroupState& state,
                                                     std::vector<Extension> extensions);

}  // namespace xs::mls
