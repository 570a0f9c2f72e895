// NodeUrlForEnv: the XMTP node an environment name selects (the daemon's
// `signet.env`): local → http://127.0.0.1:5556 (h2c), dev →
// https://grpc.dev.xmtp.network:443, production →
// https://grpc.production.xmtp.network:443 (TLS, the system roots). Any other
// name is a validation error.
//
// Thread contract: a pure function.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace xs::signet {

Result<std::string> NodeUrlForEnv(std::string_view env);

}  // namespace xs::signet
