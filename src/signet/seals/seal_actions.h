// The seal.* actions (transport.md §3, cli.md `seal`):
//
//   seal.list    {chatId?, credentialId?}  current heads, newest first
//   seal.info    {sealId}                  a seal or revocation, with status
//   seal.history {credentialId, chatId}    the chain, newest to oldest
//   seal.verify  {sealId}                  local checks and a verdict
//
// Ids may be short (decisions.md #11); chats resolve like everywhere else.
//
// Also callable with a credential (decisions.md #22; docs/seals.md): it sees
// the seals and revocations of its own chats only, as any member of those
// chats sees them published there. A chat, seal or credential outside that
// is not_found (information opacity); short ids resolve among what it sees;
// seal.history is its own chains only (credentialId defaults to itself).
// The credential must be active.
//
// Thread contract: handlers run under the runtime lock (Runtime::Extend).
#pragma once

#include "signet/core/runtime_state.h"
#include "signet/seals/seal_manager.h"

namespace xs::signet::seals {

// The local verifier of seals.md §7: {sealId, verdict, trustTier, checks:
// [{name, result: pass|fail|skip, detail}]}. Source availability, build
// provenance and release signing need an outside verifier and are skipped;
// the verdict is `verified` when the seal signature, chain integrity and
// schema checks pass, `rejected` when one fails.
Json VerifyLocally(const SealEnvelope& envelope);

void RegisterSealActions(ActionRegistry& r, RuntimeState& s, SealManager& manager);

}  // namespace xs::signet::seals
