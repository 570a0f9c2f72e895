// Mapping of gRPC call outcomes onto the xs::Error taxonomy.
//
//   INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS -> Validation
//   NOT_FOUND -> NotFound; PERMISSION_DENIED -> Permission; UNAUTHENTICATED -> Auth
//   DEADLINE_EXCEEDED -> Timeout; CANCELLED -> Cancelled
//   everything else (UNAVAILABLE, INTERNAL, UNKNOWN, ...) -> Network (retryable)
//
// A failed TLS handshake reaches us only as UNAVAILABLE with gRPC's text; it
// becomes a Network error whose message names the endpoint and says "TLS
// handshake with <endpoint> failed" (and why, when the certificate was not
// trusted or does not name the host), not a bare "unavailable".
#pragma once

#include <string_view>

#include <grpcpp/support/status.h>

#include "base/result.h"

namespace xs::xmtp::api {

// Whether gRPC's status text describes a failed TLS handshake.
bool IsTlsFailure(std::string_view grpc_message);

// `method` is the RPC name, `endpoint` the URL; both go into the error.
Status FromGrpcStatus(const grpc::Status& status, std::string_view method,
                      std::string_view endpoint);

}  // namespace xs::xmtp::api
