// Test-only: a throwaway PKI made at test time with OpenSSL, for TLS tests
// against a local node. A self-signed CA (EC P-256) and a server certificate
// it signs for localhost, 127.0.0.1 and ::1; nothing is checked in.
//
//   XS_TRY(TestPki pki, TestPki::Make("test CA"));
//   XS_TRY(TestPkiFiles files, pki.WriteTo(dir));   // key file mode 0600
//   node options: tls_cert_file = files.cert_file, tls_key_file = files.key_file
//   client: ApiOptions::tls_ca_pem = pki.ca_pem
//
// Thread contract: plain values; Make() may run on any thread.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace xs::xmtp::api::testing {

struct TestPkiFiles {
  std::string ca_file;    // the CA certificate (PEM)
  std::string cert_file;  // the server certificate chain (PEM, leaf then CA)
  std::string key_file;   // the server private key (PEM, mode 0600)
};

struct TestPki {
  std::string ca_pem;
  std::string cert_chain_pem;
  std::string key_pem;  // test key material; never a product secret

  // `ca_name` is the CA's common name (two PKIs with different names and
  // fresh keys do not trust each other).
  static Result<TestPki> Make(std::string_view ca_name);
  // Writes ca.pem, server.pem and server.key into the existing `dir`.
  Result<TestPkiFiles> WriteTo(const std::string& dir) const;
};

}  // namespace xs::xmtp::api::testing
