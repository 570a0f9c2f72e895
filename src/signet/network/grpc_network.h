// GrpcXmtpNetwork: the shipping XmtpNetwork. Registers inboxes on a real XMTP
// v3 node (the embedded local node, dev or production) by signing a
// CreateInbox + AddAssociation identity update with the wallet and
// installation keys (xmtp/identity) and publishing it over gRPC (xmtp/api).
//
// Thread contract: thread-safe; each call opens its own gRPC stub on a
// shared channel.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "signet/network/xmtp_network.h"

namespace xs::xmtp::api {
class ApiClient;
}

namespace xs::signet {

class GrpcXmtpNetwork final : public XmtpNetwork {
 public:
  // `url` is http://host:port (plaintext, local) or https://host:port (TLS).
  // The connection is made lazily, so a daemon can start before its node.
  // `clock` stamps identity updates (null = the system clock). `tls_ca_pem`:
  // PEM CA certificates an https:// node must chain to instead of the system
  // roots (tests, private nodes); empty for the real network.
  GrpcXmtpNetwork(std::string url, std::string env_name, const Clock* clock = nullptr,
                  std::string tls_ca_pem = {});
  ~GrpcXmtpNetwork() override;

  Result<RegisteredInbox> RegisterInbox(const RegistrationKeys& keys) override;
  Result<bool> InboxExists(const std::string& network_inbox_id) override;
  std::string Describe() const override { return env_name_ + " (" + url_ + ")"; }

 private:
  Result<xmtp::api::ApiClient*> Client();

  std::string url_;
  std::string env_name_;
  const Clock* clock_;
  std::string tls_ca_pem_;
  std::mutex mu_;
  std::unique_ptr<xmtp::api::ApiClient> client_;
};

// The node URL for an XMTP environment name: local → http://127.0.0.1:5556,
// dev → https://grpc.dev.xmtp.network:443, production →
// https://grpc.production.xmtp.network:443.
Result<std::string> NodeUrlForEnv(std::string_view env);

}  // namespace xs::signet
