#include "xmtp/api/status.h"

#include <string>

namespace xs::xmtp::api {

Status FromGrpcStatus(const grpc::Status& status, std::string_view method,
                      std::string_view endpoint) {
  if (status.ok()) return OkStatus();
  const std::string what = std::string(method) + ": " + status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::ALREADY_EXISTS:
      return Error::Validation(method, status.error_message());
    case grpc::StatusCode::NOT_FOUND:
      return Error::NotFound(what);
    case grpc::StatusCode::PERMISSION_DENIED:
      return Error::Permission(what);
    case grpc::StatusCode::UNAUTHENTICATED:
      return Error::Auth(what);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Error::Timeout(what);
    case grpc::StatusCode::CANCELLED:
      return Error::Cancelled(what);
    default:
      break;
  }
  return Error::Network(endpoint, what + " (grpc status " +
                                      std::to_string(static_cast<int>(status.error_code())) + ")");
}

}  // namespace xs::xmtp::api
