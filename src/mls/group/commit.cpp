#include "mls/group/commit.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include "mls/group/epoch_transition.h"
#include "mls/group/group_error.h"
#include "mls/group/proposal_list.h"
#include "mls/group/protect.h"
#include "mls/group/welcome.h"
#include "mls/key_schedule.h"
#include "mls/messages/extensions.h"
#include "mls/messages/serialize.h"
#include "mls/tree/treekem.h"

namespace xs::mls {
namespace {

constexpr char kWelcomeLabel[] = "Welcome";

// What the inline proposals and the cached ones ask for, to pick a valid
// subset of the cache (§12.2: prefer a Remove over Updates of the same leaf,
// the most recent Update otherwise).
struct ProposalClaims {
  std::set<std::uint32_t> removed;                     // every leaf some Remove targets
  std::map<std::uint32_t, std::size_t> latest_update;  // sender -> cache index
  std::optional<std::size_t> latest_gce;               // cache index, unless inline has one
  bool inline_gce = false;
  std::set<std::uint32_t> removes_taken;  // leaves already removed by the list
  std::set<Bytes> added_keys;             // signature keys already added by the list
};

ProposalClaims CollectClaims(const GroupState& state,
                             const std::vector<Proposal>& inline_proposals) {
  ProposalClaims claims;
  for (const Proposal& proposal : inline_proposals) {
    if (const auto* remove = std::get_if<RemoveProposal>(&proposal)) {
      claims.removed.insert(remove->removed);
      claims.removes_taken.insert(remove->removed);
    } else if (const auto* add = std::get_if<AddProposal>(&proposal)) {
      claims.added_keys.insert(add->key_package.leaf_node.signature_key);
    } else if (std::holds_alternative<GroupContextExtensionsProposal>(proposal)) {
      claims.inline_gce = true;
    }
  }
  for (std::size_t i = 0; i < state.proposals.size(); ++i) {
    const CachedProposal& cached = state.proposals[i];
    if (const auto* remove = std::get_if<RemoveProposal>(&cached.proposal)) {
      claims.removed.insert(remove->removed);
    } else if (std::holds_alternative<UpdateProposal>(cached.proposal)) {
      claims.latest_update[cached.sender] = i;
    } else if (std::holds_alternative<GroupContextExtensionsProposal>(cached.proposal) &&
               !claims.inline_gce) {
      claims.latest_gce = i;
    }
  }
  return claims;
}

// The proposals received this epoch that we commit by reference: never our
// own Update or a Remove of us (§12.2), one Remove per leaf, an Update only
// when it is its sender's latest and the sender stays, one Add per
// signature key and only of non-members (or members being removed), the
// latest GroupContextExtensions.
std::vector<ProposalOrRef> PendingReferences(const GroupState& state,
                                             const std::vector<Proposal>& inline_proposals) {
  const std::uint32_t self = state.own_leaf().value;
  ProposalClaims claims = CollectClaims(state, inline_proposals);
  std::vector<ProposalOrRef> refs;
  for (std::size_t i = 0; i < state.proposals.size(); ++i) {
    const CachedProposal& cached = state.proposals[i];
    bool keep = true;
    if (const auto* remove = std::get_if<RemoveProposal>(&cached.proposal)) {
      keep = remove->removed != self && claims.removes_taken.insert(remove->removed).second;
    } else if (std::holds_alternative<UpdateProposal>(cached.proposal)) {
      keep = cached.sender != self && claims.removed.count(cached.sender) == 0 &&
             claims.latest_update[cached.sender] == i;
    } else if (const auto* add = std::get_if<AddProposal>(&cached.proposal)) {
      const Bytes& key = add->key_package.leaf_node.signature_key;
      const auto member = state.tree().FindLeafBySignatureKey(key);
      keep = (!member || claims.removed.count(member->value) != 0) &&
             claims.added_keys.insert(key).second;
    } else if (std::holds_alternative<GroupContextExtensionsProposal>(cached.proposal)) {
      keep = claims.latest_gce == i;
    }
    if (keep) refs.emplace_back(ProposalRef{cached.ref});
  }
  return refs;
}

struct PathResult {
  std::optional<UpdatePath> path;
  crypto::Secret commit_secret;
  Bytes tree_hash;
  std::optional<CreatedUpdatePath> created;
};

Result<PathResult> MakePath(const GroupState& state, const CommitOptions& options,
                            AppliedProposals& applied, TreePrivateKeys& keys) {
  PathResult out;
  if (!options.force_path && !applied.path_required) {
    out.commit_secret = ZeroSecret(state.suite());
    out.tree_hash = applied.tree.TreeHash();
    return out;
  }
  const LeafNode* current = state.tree().leaf(state.own_leaf());
  if (current == nullptr) return MakeGroupError(GroupError::kInactive);
  UpdatePathRequest request;
  request.committer = state.own_leaf();
  request.leaf = *current;
  if (options.leaf) {
    request.leaf.credential = options.leaf->credential;
    request.leaf.capabilities = options.leaf->capabilities;
    request.leaf.extensions = options.leaf->extensions;
  }
  request.provisional_context = state.context();
  request.provisional_context.epoch = state.epoch() + 1;
  request.provisional_context.extensions = applied.extensions;
  request.excluded_leaves = applied.added;
  XS_TRY(CreatedUpdatePath created,
         CreateUpdatePath(applied.tree, keys, request, state.signature_private_key));
  out.path = created.path;
  out.commit_secret = std::move(created.commit_secret);
  out.tree_hash = created.tree_hash;
  out.created = std::move(created);
  return out;
}

Result<Welcome> MakeWelcome(const GroupState& state, const AppliedProposals& applied,
                            const EpochTransition& transition, const PathResult& path,
                            const GroupInfo& group_info) {
  const crypto::CipherSuite& suite = state.suite();
  XS_TRY(WelcomeKey welcome_key, DeriveWelcomeKey(suite, transition.secrets.welcome_secret));
  Welcome welcome;
  welcome.cipher_suite = suite.id();
  XS_TRY(welcome.encrypted_group_info,
         suite.Seal(welcome_key.key.bytes(), welcome_key.nonce.bytes(), {}, Serialize(group_info)));
  for (std::size_t i = 0; i < applied.added.size(); ++i) {
    const KeyPackage& key_package = applied.added_packages[i];
    GroupSecrets secrets;
    const auto joiner = transition.secrets.joiner_secret.bytes();
    secrets.joiner_secret.assign(joiner.begin(), joiner.end());
    if (path.created) {
      if (auto path_secret = path.created->PathSecretFor(applied.added[i])) {
        secrets.path_secret = Bytes(path_secret->bytes().begin(), path_secret->bytes().end());
      }
    }
    secrets.psks = applied.psks;
    Bytes plaintext = Serialize(secrets);
    auto sealed = suite.EncryptWithLabel(key_package.init_key, kWelcomeLabel,
                                         welcome.encrypted_group_info, plaintext);
    crypto::Wipe(plaintext);
    crypto::Wipe(secrets.joiner_secret);
    if (secrets.path_secret) crypto::Wipe(*secrets.path_secret);
    if (!sealed.ok()) return std::move(sealed).error();
    welcome.secrets.push_back(EncryptedGroupSecrets{
        MakeKeyPackageRef(suite, key_package),
        HpkeCiphertext{std::move(sealed->kem_output), std::move(sealed->ciphertext)}});
  }
  return welcome;
}

}  // namespace

Result<CommitOutput> CreateCommit(GroupState& state, const CommitOptions& options) {
  if (!state.active()) return MakeGroupError(GroupError::kInactive);
  Commit commit;
  if (options.include_pending_proposals) {
    commit.proposals = PendingReferences(state, options.proposals);
  }
  for (const Proposal& proposal : options.proposals) commit.proposals.emplace_back(proposal);

  const std::uint32_t self = state.own_leaf().value;
  XS_TRY(std::vector<ResolvedProposal> resolved, ResolveProposals(state, commit, self));
  XS_TRY(AppliedProposals applied,
         ValidateAndApplyProposals(state, resolved, self, NowSeconds(state)));

  TreePrivateKeys keys = state.private_keys.Clone();
  XS_TRY(PathResult path, MakePath(state, options, applied, keys));
  keys.Prune(applied.tree);
  commit.path = path.path;

  const FramedContent content = MakeOwnContent(state, commit);
  XS_TRY(FramedContentAuthData auth, SignOwnContent(state, content));
  XS_TRY(crypto::Secret psk_secret, ComputePskSecret(state, applied.psks));
  XS_TRY(EpochTransition transition,
         AdvanceEpoch(state, applied, path.tree_hash, path.commit_secret, psk_secret,
                      WireFormat::kPrivateMessage, content, auth.signature));
  auth.confirmation_tag = transition.confirmation_tag;

  GroupInfo group_info;
  group_info.group_context = transition.context;
  group_info.extensions = {MakeRatchetTreeExtension(applied.tree.ToWire())};
  group_info.confirmation_tag = transition.confirmation_tag;
  group_info.signer = self;
  XS_RETURN_IF_ERROR(SignGroupInfo(state.suite(), group_info, state.signature_private_key.bytes()));

  std::optional<MlsMessage> welcome;
  if (!applied.added.empty()) {
    XS_TRY(Welcome built, MakeWelcome(state, applied, transition, path, group_info));
    welcome = MlsMessage{kProtocolVersionMls10, std::move(built)};
  }
  XS_TRY(MlsMessage message, ProtectOwnContent(state, content, auth));

  StagedCommit staged;
  staged.from_epoch = state.epoch();
  staged.group_id = state.group_id();
  staged.summary = CommitSummary{self,
                                 applied.updated,
                                 applied.removed,
                                 applied.added,
                                 applied.extensions_changed,
                                 commit.path.has_value()};
  staged.next = std::make_unique<GroupState>(
      BuildNextState(state, std::move(applied.tree), std::move(keys), std::move(transition)));
  return CommitOutput{std::move(message), std::move(welcome), std::move(group_info),
                      std::move(staged)};
}

}  // namespace xs::mls
