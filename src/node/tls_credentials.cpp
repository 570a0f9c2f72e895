#include "node/tls_credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "base/unique_fd.h"
#include "crypto/secret.h"
#include "node/limits.h"

namespace xs::node {
namespace {

constexpr std::string_view kCertificateMarker = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kPrivateKeyMarker = "PRIVATE KEY-----";

// The whole file at `path` (a regular file of at most kMaxTlsPemFileBytes).
// `field` names the option in errors; `private_file` also requires that
// group and others have no access.
Result<crypto::Secret> ReadPemFile(const std::string& path, std::string_view field,
                                   bool private_file) {
  if (path.empty()) return Error::Validation(field, "empty file name");
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return Error::Validation(field, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Error::Validation(field, path + " is not a regular file");
  }
  if (private_file && (st.st_mode & 077) != 0) {
    return Error::Validation(field, path + " is accessible by group or others; chmod 600 it");
  }
  if (st.st_size <= 0 || static_cast<std::size_t>(st.st_size) > kMaxTlsPemFileBytes) {
    return Error::Validation(field, path + " is empty or larger than 1 MiB");
  }
  crypto::Secret bytes(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.mutable_bytes().data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error::Validation(field, "cannot read " + path);
    done += static_cast<std::size_t>(n);
  }
  return bytes;
}

std::string_view View(const crypto::Secret& s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

void WipeString(std::string& s) {
  crypto::Wipe({reinterpret_cast<std::uint8_t*>(s.data()), s.size()});
}

}  // namespace

Result<std::shared_ptr<grpc::ServerCredentials>> TlsServerCredentials(const std::string& cert_file,
                                                                      const std::string& key_file) {
  XS_TRY(crypto::Secret chain, ReadPemFile(cert_file, "tls_cert_file", false));
  XS_TRY(crypto::Secret key, ReadPemFile(key_file, "tls_key_file", true));
  if (View(chain).find(kCertificateMarker) == std::string_view::npos) {
    return Error::Validation("tls_cert_file", cert_file + " holds no PEM certificate");
  }
  if (View(key).find(kPrivateKeyMarker) == std::string_view::npos) {
    return Error::Validation("tls_key_file", key_file + " holds no PEM private key");
  }
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({std::string(View(key)), std::string(View(chain))});
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::SslServerCredentials(options);
  // gRPC keeps its own copy; wipe ours.
  for (auto& pair : options.pem_key_cert_pairs) WipeString(pair.private_key);
  if (!creds) return Error::Validation("tls_key_file", "gRPC refused the certificate and key");
  return creds;
}

}  // namespace xs::node
