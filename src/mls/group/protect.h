// Framing for the group operations (RFC 9420 §6): our own content is signed
// with the current GroupContext and sent as a PrivateMessage (XMTP sends
// everything that way, profile §1.2); received messages are unprotected with
// the keys of their epoch, the sender checked against the tree of that
// epoch, and the signature verified.
//
// Shared by propose.cpp, commit.cpp, process.cpp and application.cpp; not
// meant for callers outside mls/group.
//
// Thread contract: mutate the GroupState passed in (secret-tree keys).
#pragma once

#include <span>

#include "base/result.h"
#include "mls/group/group_state.h"
#include "mls/messages/framed.h"

namespace xs::mls {

// FramedContent from our leaf in the current epoch.
FramedContent MakeOwnContent(const GroupState& state, ContentBody body,
                             std::span<const std::uint8_t> authenticated_data = {});

// The signature over `content` as a PrivateMessage (confirmation tag left
// empty; commits add it after the key schedule).
Result<FramedContentAuthData> SignOwnContent(const GroupState& state, const FramedContent& content);

// Encrypts with the current epoch's secret tree (handshake or application
// ratchet by content type).
Result<MlsMessage> ProtectOwnContent(GroupState& state, const FramedContent& content,
                                     const FramedContentAuthData& auth);

// ProposalRef (§5.2) of a proposal sent as `wire_format` with `auth`.
Bytes MakeProposalRef(const crypto::CipherSuite& suite, WireFormat wire_format,
                      const FramedContent& content, const FramedContentAuthData& auth);

struct VerifiedContent {
  WireFormat wire_format = WireFormat::kPrivateMessage;
  FramedContent content;
  FramedContentAuthData auth;
};

// A proposal or commit of the current epoch, from a PrivateMessage (or a
// PublicMessage when config.accept_public_messages): group and epoch must
// match, the sender must be a member other than us, the membership tag
// (public) and the signature must verify.
Result<VerifiedContent> UnprotectHandshake(GroupState& state, const MlsMessage& message);

// An application message of the current epoch or of a kept past epoch.
Result<VerifiedContent> UnprotectApplication(GroupState& state, const PrivateMessage& message);

}  // namespace xs::mls
