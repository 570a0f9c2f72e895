#include "xmtp/api/testing/test_pki.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "base/unique_fd.h"

namespace xs::xmtp::api::testing {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

constexpr long kValiditySeconds = 24 * 3600;

Error Failed(std::string_view what) { return Error::Internal("test PKI: " + std::string(what)); }

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// A certificate for `key` named `common_name`, signed by `issuer_key`
// (self-signed when `issuer` is null).
Result<Cert> MakeCert(EVP_PKEY* key, std::string_view common_name, long serial, X509* issuer,
                      EVP_PKEY* issuer_key) {
  Cert cert(X509_new());
  if (!cert) return Failed("X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn(common_name);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  const bool ca = issuer == nullptr;
  bool ok = AddExtension(cert.get(), signer, NID_basic_constraints,
                         ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
            AddExtension(cert.get(), signer, NID_key_usage,
                         ca ? "critical,keyCertSign,cRLSign"
                            : "critical,digitalSignature,keyEncipherment") &&
            AddExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (!ca) {
    ok =
        ok && AddExtension(cert.get(), signer, NID_authority_key_identifier, "keyid:always") &&
        AddExtension(cert.get(), signer, NID_ext_key_usage, "serverAuth") &&
        AddExtension(cert.get(), signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  }
  if (!ok) return Failed("certificate extensions");
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) return Failed("X509_sign");
  return cert;
}

Result<std::string> BioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  if (n <= 0 || data == nullptr) return Failed("PEM encoding");
  return std::string(data, static_cast<std::size_t>(n));
}

Result<std::string> CertPem(X509* cert) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return Failed("PEM_write_bio_X509");
  return BioText(bio.get());
}

Result<std::string> KeyPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Failed("PEM_write_bio_PrivateKey");
  }
  return BioText(bio.get());
}

Status WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return Failed("cannot create " + path);
  if (::fchmod(fd.get(), mode) != 0 ||
      ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return Failed("cannot write " + path);
  }
  return OkStatus();
}

}  // namespace

Result<TestPki> TestPki::Make(std::string_view ca_name) {
  Key ca_key(EVP_EC_gen("P-256"));
  Key server_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key) return Failed("EVP_EC_gen");
  XS_TRY(Cert ca, MakeCert(ca_key.get(), ca_name, 1, nullptr, ca_key.get()));
  XS_TRY(Cert server, MakeCert(server_key.get(), "localhost", 2, ca.get(), ca_key.get()));
  TestPki pki;
  XS_TRY(pki.ca_pem, CertPem(ca.get()));
  XS_TRY(std::string leaf, CertPem(server.get()));
  pki.cert_chain_pem = leaf + pki.ca_pem;
  XS_TRY(pki.key_pem, KeyPem(server_key.get()));
  return pki;
}

Result<TestPkiFiles> TestPki::WriteTo(const std::string& dir) const {
  TestPkiFiles files{dir + "/ca.pem", dir + "/server.pem", dir + "/server.key"};
  XS_RETURN_IF_ERROR(WriteFile(files.ca_file, ca_pem, 0644));
  XS_RETURN_IF_ERROR(WriteFile(files.cert_file, cert_chain_pem, 0644));
  XS_RETURN_IF_ERROR(WriteFile(files.key_file, key_pem, 0600));
  return files;
}

}  // namespace xs::xmtp::api::testing
