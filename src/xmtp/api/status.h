// Mapping of gRPC call outcomes onto the xs::Error taxonomy.
//
//   INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS -> Validation
//   NOT_FOUND -> NotFound; PERMISSION_DENIED -> Permission; UNAUTHENTICATED -> Auth
//   DEADLINE_EXCEEDED -> Timeout; CANCELLED -> Cancelled
//   everything else (UNAVAILABLE, INTERNAL, UNKNOWN, ...) -> Network (retryable)
#pragma once

#include <string_view>

#include <grpcpp/support/status.h>

#include "base/result.h"

namespace xs::xmtp::api {

// `method` is the RPC name, `endpoint` the URL; both go into the error.
Status FromGrpcStatus(const grpc::Status& status, std::string_view method,
                      std::string_view endpoint);

}  // namespace xs::xmtp::api
