#include "signet/network/grpc_network.h"

#include <optional>
#include <vector>

#include "codec/hex.h"
#include "xmtp/api/api_client.h"
#include "xmtp/identity/association_state.h"
#include "xmtp/identity/constants.h"
#include "xmtp/identity/inbox_id.h"
#include "xmtp/identity/signer.h"
#include "xmtp/identity/update_builder.h"

namespace xs::signet {
namespace id = xs::xmtp::identity;

Result<std::string> NodeUrlForEnv(std::string_view env) {
  if (env == "local") return std::string("http://127.0.0.1:5556");
  if (env == "dev") return std::string("https://grpc.dev.xmtp.network:443");
  if (env == "production") return std::string("https://grpc.production.xmtp.network:443");
  return Error::Validation("signet.env", "must be local, dev or production");
}

GrpcXmtpNetwork::GrpcXmtpNetwork(std::string url, std::string env_name, const Clock* clock,
                                 std::string tls_ca_pem)
    : url_(std::move(url)),
      env_name_(std::move(env_name)),
      clock_(clock != nullptr ? clock : SystemClock::Get()),
      tls_ca_pem_(std::move(tls_ca_pem)) {}

GrpcXmtpNetwork::~GrpcXmtpNetwork() = default;

Result<xmtp::api::ApiClient*> GrpcXmtpNetwork::Client() {
  std::lock_guard lock(mu_);
  if (!client_) {
    xmtp::api::ApiOptions options;
    options.tls_ca_pem = tls_ca_pem_;
    XS_TRY(client_, xmtp::api::ApiClient::Connect(url_, std::move(options)));
  }
  return client_.get();
}

namespace {

// The association state of `inbox_id` as the network knows it, or nullopt when
// the network has no update for it.
Result<std::optional<id::AssociationState>> FetchState(xmtp::api::ApiClient& client,
                                                       const std::string& inbox_id) {
  XS_TRY(auto logs, client.GetIdentityUpdates(inbox_id, 0));
  if (logs.empty()) return std::optional<id::AssociationState>();
  std::vector<::xmtp::identity::associations::IdentityUpdate> updates;
  updates.reserve(logs.size());
  for (const auto& log : logs) updates.push_back(log.update());
  XS_TRY(id::AssociationState state, id::ComputeState(updates));
  return std::optional<id::AssociationState>(std::move(state));
}

}  // namespace

Result<RegisteredInbox> GrpcXmtpNetwork::RegisterInbox(const RegistrationKeys& keys) {
  if (keys.wallet_private_key == nullptr || keys.installation_private_seed == nullptr) {
    return Error::Internal("registration keys are incomplete");
  }
  XS_TRY(id::WalletKey wallet, id::WalletKey::FromPrivateKey(keys.wallet_private_key->bytes()));
  XS_TRY(id::InstallationKey installation,
         id::InstallationKey::FromSeed(keys.installation_private_seed->bytes()));
  XS_TRY(xmtp::api::ApiClient * client, Client());

  // An address already holding an inbox keeps it: the installation is added
  // to that inbox instead of creating a second one.
  XS_TRY(std::optional<std::string> existing, client->GetInboxIdForAddress(wallet.address()));
  std::string inbox_id;
  if (existing) {
    inbox_id = *existing;
    XS_TRY(auto state, FetchState(*client, inbox_id));
    if (!state || !state->HasInstallation(installation.public_key())) {
      XS_TRY(auto update, id::UpdateBuilder(inbox_id, static_cast<std::uint64_t>(clock_->NowNs()))
                              .AddAssociation(installation.identity(), wallet.identity())
                              .Sign({&wallet, &installation}));
      XS_RETURN_IF_ERROR(client->PublishIdentityUpdate(update));
    }
  } else {
    XS_TRY(auto update, id::BuildRegistrationUpdate(wallet, installation, id::kDefaultInboxNonce,
                                                    static_cast<std::uint64_t>(clock_->NowNs())));
    inbox_id = update.inbox_id();
    XS_RETURN_IF_ERROR(client->PublishIdentityUpdate(update));
  }
  return RegisteredInbox{inbox_id, codec::HexEncode(installation.public_key())};
}

Result<bool> GrpcXmtpNetwork::InboxExists(const std::string& network_inbox_id) {
  if (!id::IsValidInboxId(network_inbox_id)) {
    return Error::Validation("inboxId", "an XMTP inbox id is 64 lowercase hex digits");
  }
  XS_TRY(xmtp::api::ApiClient * client, Client());
  XS_TRY(auto logs, client->GetIdentityUpdates(network_inbox_id, 0));
  return !logs.empty();
}

}  // namespace xs::signet
