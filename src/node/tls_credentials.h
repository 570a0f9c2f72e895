// TLS server credentials for the node, from PEM files named on the command
// line: the certificate chain (leaf first) and its private key. The key file
// must be a regular file not readable by group or others (mode 0600 or
// stricter); its bytes are held in a crypto::Secret, wiped once gRPC has
// copied them, and never appear in an error message (only the file name).
//
//   XS_TRY(auto creds, TlsServerCredentials(cert_file, key_file));
//   builder.AddListeningPort(address, creds, &port);
//
// Thread contract: pure function (reads two files).
#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "base/result.h"

namespace xs::node {

Result<std::shared_ptr<grpc::ServerCredentials>> TlsServerCredentials(const std::string& cert_file,
                                                                      const std::string& key_file);

}  // namespace xs::node
