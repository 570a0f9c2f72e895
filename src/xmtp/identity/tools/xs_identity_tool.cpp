// xs-identity-tool: registers an XMTP inbox on a node with our own identity
// code, the way the SDK's Client.create does (protocol.md §2): one update
// with CreateInbox + AddAssociation(installation), published, then read back.
//
//   xs-identity-tool register --url http://127.0.0.1:5556
//       [--wallet-key-hex HEX] [--nonce N] [--print-wallet-key]
//
// Prints one JSON line: {"inboxId","address","installationKey","sequenceId"}
// (+ "walletKey" and "installationSeed" only with --print-wallet-key).
// Exit codes follow the error taxonomy (validation 1, network 6, ...).
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "codec/hex.h"
#include "xmtp/api/api_client.h"
#include "xmtp/identity/association_state.h"
#include "xmtp/identity/inbox_id.h"
#include "xmtp/identity/signer.h"
#include "xmtp/identity/update_builder.h"

namespace {

using xs::Error;
using xs::Result;
namespace id = xs::xmtp::identity;

struct Options {
  std::string url;
  std::string wallet_key_hex;
  std::uint64_t nonce = id::kDefaultInboxNonce;
  bool print_wallet_key = false;
};

constexpr char kUsage[] =
    "usage: xs-identity-tool register --url http(s)://host:port [--wallet-key-hex HEX]\n"
    "                                 [--nonce N] [--print-wallet-key]\n";

Result<Options> ParseArgs(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) != "register") {
    return Error::Validation("command", "expected 'register'");
  }
  Options opts;
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string_view name) -> Result<std::string> {
      if (i + 1 >= argc) return Error::Validation(name, "missing value");
      return std::string(argv[++i]);
    };
    if (arg == "--url") {
      XS_TRY(opts.url, value("--url"));
    } else if (arg == "--wallet-key-hex") {
      XS_TRY(opts.wallet_key_hex, value("--wallet-key-hex"));
    } else if (arg == "--nonce") {
      XS_TRY(std::string n, value("--nonce"));
      char* end = nullptr;
      opts.nonce = std::strtoull(n.c_str(), &end, 10);
      if (n.empty() || end == nullptr || *end != '\0') {
        return Error::Validation("--nonce", "must be a decimal integer");
      }
    } else if (arg == "--print-wallet-key") {
      opts.print_wallet_key = true;
    } else {
      return Error::Validation(arg, "unknown option");
    }
  }
  if (opts.url.empty()) return Error::Validation("--url", "required");
  return opts;
}

Result<nlohmann::json> Register(const Options& opts) {
  XS_TRY(id::WalletKey wallet, opts.wallet_key_hex.empty()
                                   ? id::WalletKey::Generate()
                                   : id::WalletKey::FromPrivateKeyHex(opts.wallet_key_hex));
  XS_TRY(id::InstallationKey installation, id::InstallationKey::Generate());
  XS_TRY(auto update,
         id::BuildRegistrationUpdate(wallet, installation, opts.nonce,
                                     static_cast<std::uint64_t>(xs::SystemClock::Get()->NowNs())));
  // Check locally first: a node rejecting it would be a less precise error.
  XS_TRY(id::AssociationState local, id::ApplyUpdate(std::nullopt, update));

  XS_TRY(auto client, xs::xmtp::api::ApiClient::Connect(opts.url));
  XS_RETURN_IF_ERROR(client->PublishIdentityUpdate(update));
  XS_TRY(auto logs, client->GetIdentityUpdates(local.inbox_id(), 0));
  if (logs.empty()) return Error::NotFound("published update not returned by GetIdentityUpdates");
  std::vector<::xmtp::identity::associations::IdentityUpdate> updates;
  for (const auto& log : logs) updates.push_back(log.update());
  XS_TRY(id::AssociationState remote, id::ComputeState(updates));
  if (!remote.HasInstallation(installation.public_key())) {
    return Error::Validation("identity_updates", "installation missing from the node's state");
  }

  nlohmann::json out = {
      {"inboxId", local.inbox_id()},
      {"address", wallet.address()},
      {"installationKey", xs::codec::HexEncode(installation.public_key())},
      {"sequenceId", logs.back().sequence_id()},
  };
  if (opts.print_wallet_key) {
    out["walletKey"] = wallet.ExportPrivateKeyHex();
    out["installationSeed"] = xs::codec::HexEncode(installation.seed().bytes());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  auto opts = ParseArgs(argc, argv);
  if (!opts.ok()) {
    std::cerr << opts.error().message() << "\n" << kUsage;
    return xs::ExitCode(opts.error().category());
  }
  auto result = Register(*opts);
  if (!result.ok()) {
    std::cerr << "xs-identity-tool: " << result.error().ToString() << "\n";
    return xs::ExitCode(result.error().category());
  }
  std::cout << result->dump() << std::endl;
  return 0;
}
