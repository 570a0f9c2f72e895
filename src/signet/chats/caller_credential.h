// The calling credential of a credential caller (CallContext::Caller::
// kCredential), for the actions of the chats and of the layers above them
// (seals): declared apart from credential_access.h, which needs the native
// client's headers. Defined in credential_access.cpp.
//
//   XS_TRY(Credential c, CallerCredential(s, ctx.credential_id));
//   XS_RETURN_IF_ERROR(RequireActive(c, "cannot read seals"));
//
// Thread contract: under the runtime lock, like every action.
#pragma once

#include <string>
#include <string_view>

#include "signet/core/runtime_state.h"
#include "signet/credentials/credential.h"

namespace xs::signet {

// The calling credential, looked up fresh (expiry applied). An unknown id
// is an auth error: the caller's authentication no longer holds.
Result<Credential> CallerCredential(RuntimeState& s, const std::string& credential_id);
// Ok when active; else "Credential is <status> -- <doing>": an auth error
// (expired: CredentialExpiredError 1310; revoked and pending: AuthError
// with context {credentialId, status}).
Status RequireActive(const Credential& c, std::string_view doing);

}  // namespace xs::signet
