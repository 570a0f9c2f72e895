// The text every signature of an identity update signs (protocol.md §3.4).
// It must match libxmtp byte for byte, or wallet signatures made by the SDK
// will not verify here and ours will not verify there:
//
//   XMTP : Authenticate to inbox\n\nInbox ID: <id>\nCurrent time: <RFC 3339>\n\n
//   <action lines joined by \n>\n\nFor more info: https://xmtp.org/signatures
//
// with no trailing newline.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "xmtp/identity/associations/association.pb.h"
#include "xmtp/identity/identifiers.h"

namespace xs::xmtp::identity {

// RFC 3339 UTC with seconds precision and 'Z' ("2026-11-23T22:32:36Z").
// The nanoseconds are read as a signed 64-bit count, as libxmtp does, so
// every input maps to a year between 1677 and 2262.
std::string FormatSignatureTimestamp(std::uint64_t unix_ns);

// The two lines describing one action.
std::string CreateInboxText(const MemberId& owner);
std::string AddAssociationText(const MemberId& new_member);
std::string RevokeAssociationText(const MemberId& revoked_member);
std::string ChangeRecoveryText(const MemberId& new_recovery);

// Assembles the full text from already rendered action descriptions.
std::string AssembleSignatureText(std::string_view inbox_id, std::uint64_t client_timestamp_ns,
                                  std::span<const std::string> action_texts);

// The signature text of an update (its signatures are ignored). Fails when an
// action is unset or names a malformed identifier.
Result<std::string> SignatureText(const ::xmtp::identity::associations::IdentityUpdate& update);

}  // namespace xs::xmtp::identity
