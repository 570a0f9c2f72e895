// The adapter process's connection to the daemon: the admin socket,
// authenticated with a fresh admin JWT from <dataDir>/admin.key, as every
// `xs` command connects (cli/daemon_link.h is above this library).
//
//   no admin key          -> auth (exit 9) "No admin key found. Run 'xs init' first."
//   nothing listening     -> network (exit 6) "no admin socket at …; start it with
//                            `xs daemon start`" (context: endpoint, hint)
//   a rejected token      -> the daemon's auth error
//
// Setup and inspection call the daemon through an AdminCall, so tests can
// hand them a fake.
//
// Thread contract: one owning thread.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string_view>

#include "base/result.h"
#include "signet/config/config.h"
#include "transport/admin/admin_client.h"

namespace xs::adapters::openclaw {

// One admin JSON-RPC call: the answer's `data`, or the error of its category.
using AdminCall =
    std::function<Result<nlohmann::json>(std::string_view method, const nlohmann::json& params)>;

inline constexpr const char* kNoAdminKeyMessage = "No admin key found. Run 'xs init' first.";

Result<transport::AdminClient> ConnectAdmin(const signet::Config& config);

// An AdminCall over `client` (which must outlive it).
AdminCall CallsOn(transport::AdminClient& client);

}  // namespace xs::adapters::openclaw
