#include "xmtp/api/status.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace xs::xmtp::api {
namespace {

bool ContainsNoCase(std::string_view text, std::string_view needle) {
  const auto* it =
      std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      });
  return it != text.end();
}

// gRPC (1.51 with OpenSSL 3) reports a failed TLS handshake only in the text
// of an UNAVAILABLE status, e.g. "Ssl handshake failed: SSL_ERROR_SSL:
// ...:certificate verify failed" or "Peer name h is not in peer certificate".
struct TlsFailure {
  std::string_view marker;
  std::string_view explanation;  // "" when the text says enough
};
constexpr std::array<TlsFailure, 5> kTlsFailures = {{
    {"certificate verify failed",
     " (server certificate not trusted: wrong CA, or not in the system roots)"},
    {"not in peer certificate", " (server certificate does not name this host)"},
    {"handshake failed", ""},
    {"ssl_error", ""},
    {"tsi_", ""},
}};

const TlsFailure* FindTlsFailure(std::string_view grpc_message) {
  for (const TlsFailure& f : kTlsFailures) {
    if (ContainsNoCase(grpc_message, f.marker)) return &f;
  }
  return nullptr;
}

}  // namespace

bool IsTlsFailure(std::string_view grpc_message) { return FindTlsFailure(grpc_message) != nullptr; }

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
  if (const TlsFailure* tls = FindTlsFailure(status.error_message())) {
    return Error::Network(
        endpoint, std::string(method) + ": TLS handshake with " + std::string(endpoint) +
                      " failed" + std::string(tls->explanation) + ": " + status.error_message());
  }
  return Error::Network(endpoint, what + " (grpc status " +
                                      std::to_string(static_cast<int>(status.error_code())) + ")");
}

}  // namespace xs::xmtp::api
