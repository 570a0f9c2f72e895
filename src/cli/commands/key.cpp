// xs key init|rotate|list|info|export-public and xs wallet
// create|import|list|info|provider (cli.md "key", "wallet"). Only public
// material is ever printed.
#include <sodium.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

const std::vector<Column> kKeyColumns = {{"ID", "/id"},
                                         {"KIND", "/kind"},
                                         {"IDENTITY", "/identityId"},
                                         {"ALGORITHM", "/algorithm"},
                                         {"STATUS", "/status"},
                                         {"FINGERPRINT", "/fingerprint"}};

const std::vector<Column> kWalletColumns = {
    {"ID", "/id"}, {"LABEL", "/label"}, {"ADDRESS", "/address"}, {"CREATED", "/createdAt"}};

Status KeyInit(Invocation& inv) {
  Json params = {{"operatorId", *inv.args().Value("operator")}};
  CopyString(inv, "wallet", "walletId", &params);
  XS_TRY(Json rec, inv.Call("keys.init", params));
  inv.Emit(rec, [&](std::ostream& out) {
    PrintTitled(out, "Operational key " + rec.value("id", "") + " ready", rec);
  });
  return OkStatus();
}

Status KeyRotate(Invocation& inv) {
  XS_TRY(Json result, inv.CallGated("keys.rotate", Json::object()));
  inv.Emit(result, [&](std::ostream& out) {
    const Json rotated = result.value("rotated", Json::array());
    if (rotated.empty()) out << "No operational keys to rotate\n";
    for (const auto& r : rotated) {
      out << "Rotated " << HumanValue(r.value("from", Json())) << " -> "
          << HumanValue(r.value("to", Json())) << "\n";
    }
  });
  return OkStatus();
}

Status ExportPublic(Invocation& inv) {
  Json params = Json::object();
  if (auto id = inv.args().Positional(0)) params["identityId"] = *id;
  return ShowRecord(inv, "keys.export-public", params);
}

// Reads a secret from a file (or standard input for "-"), trimmed of
// surrounding whitespace. Secrets never travel as argv: other users can read
// a process's arguments.
Result<std::string> ReadSecretFile(const std::string& flag, const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::Validation(flag, "cannot read " + path);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  std::string trimmed = first == std::string::npos ? "" : text.substr(first, last - first + 1);
  sodium_memzero(text.data(), text.size());
  if (trimmed.empty()) return Error::Validation(flag, path + " is empty");
  return trimmed;
}

Status WalletImport(Invocation& inv) {
  const auto key_file = inv.args().Value("key-file");
  const auto mnemonic_file = inv.args().Value("mnemonic-file");
  if (key_file.has_value() == mnemonic_file.has_value()) {
    return Error::Validation("--key-file", "give exactly one of --key-file or --mnemonic-file");
  }
  Json params = {{"label", *inv.args().Value("label")}};
  CopyString(inv, "path", "path", &params);
  std::string secret;
  if (key_file) {
    XS_TRY(secret, ReadSecretFile("--key-file", *key_file));
    params["privateKey"] = secret;
  } else {
    XS_TRY(secret, ReadSecretFile("--mnemonic-file", *mnemonic_file));
    params["mnemonic"] = secret;
  }
  sodium_memzero(secret.data(), secret.size());
  auto rec = inv.Call("wallet.import", params);
  for (const char* field : {"privateKey", "mnemonic"}) {
    if (auto it = params.find(field); it != params.end()) {
      auto& text = it->get_ref<std::string&>();
      sodium_memzero(text.data(), text.size());
    }
  }
  if (!rec.ok()) return rec.error();
  inv.Emit(*rec, [&](std::ostream& out) {
    PrintTitled(out, "Imported wallet " + rec->value("id", ""), *rec);
  });
  return OkStatus();
}

Status Deferred(Invocation& inv, const std::string& what) {
  const std::string message = "`xs wallet provider " + what +
                              "` is deferred: external wallet providers are not supported yet";
  inv.Emit({{"deferred", true}, {"message", message}},
           [&](std::ostream& out) { out << message << "\n"; });
  return OkStatus();
}

}  // namespace

Command KeyCommand() {
  Command init{"init", "Create an operator's operational key (and wallet if it has none)"};
  init.flags = {{"operator", FlagKind::kString, "<id|label>", "operator", true},
                {"wallet", FlagKind::kString, "<id>", "wallet to bind"}};
  init.run = KeyInit;
  init.examples = {"xs key init --operator alice"};

  Command rotate{"rotate", "Rotate every active operational key"};
  rotate.flags = {PassphraseFileFlag()};
  rotate.run = KeyRotate;

  Command list{"list", "List keys (public material only)"};
  list.run = [](Invocation& inv) {
    return ShowTable(inv, "keys.list", Json::object(), kKeyColumns);
  };

  Command info{"info",
               "Show a key",
               {{"key-id|identity-id", "key id, or an identity (operator/inbox) id or label"}}};
  info.run = [](Invocation& inv) { return ShowRecord(inv, "keys.info", {{"keyId", Arg(inv, 0)}}); };

  Command export_public{"export-public",
                        "Print an identity's public key",
                        {{"identityId", "identity id (default: the first identity)", false}}};
  export_public.run = ExportPublic;

  Command group{"key", "Manage the key hierarchy"};
  group.children = {init, rotate, list, info, export_public};
  return group;
}

Command WalletCommand() {
  Command create{"create", "Create a wallet (secp256k1 key in the vault)"};
  create.flags = {{"label", FlagKind::kString, "<name>", "wallet label", true}};
  create.run = [](Invocation& inv) -> Status {
    XS_TRY(Json rec, inv.Call("wallet.create", {{"label", *inv.args().Value("label")}}));
    inv.Emit(rec, [&](std::ostream& out) {
      PrintTitled(out, "Created wallet " + rec.value("id", ""), rec);
    });
    return OkStatus();
  };

  Command import{"import", "Import a wallet from a private key or BIP-39 mnemonic file"};
  import.flags = {
      {"label", FlagKind::kString, "<name>", "wallet label", true},
      {"key-file", FlagKind::kString, "<path|->", "file holding the 64-hex-digit private key"},
      {"mnemonic-file", FlagKind::kString, "<path|->", "file holding a BIP-39 mnemonic"},
      { "path",
        FlagKind::kString,
        "<bip32 path>",
        "derivation path (default m/44'/60'/0'/0/0)" }};
  import.run = WalletImport;
  import.examples = {"xs wallet import --label treasury --key-file ./treasury.key"};

  Command list{"list", "List wallets"};
  list.run = [](Invocation& inv) {
    return ShowTable(inv, "wallet.list", Json::object(), kWalletColumns);
  };

  Command info{"info", "Show a wallet", {IdArgument("wallet")}};
  info.run = [](Invocation& inv) {
    return ShowRecord(inv, "wallet.info", {{"walletId", Arg(inv, 0)}});
  };

  Command provider_set{
      "set", "Register an external wallet provider (deferred)", {{"name", "provider name"}}};
  provider_set.flags = {{"path", FlagKind::kString, "<p>", "provider executable", true}};
  provider_set.run = [](Invocation& inv) { return Deferred(inv, "set"); };

  Command provider_list{"list", "List external wallet providers (deferred)"};
  provider_list.run = [](Invocation& inv) { return Deferred(inv, "list"); };

  Command provider{"provider", "External wallet providers (deferred)"};
  provider.children = {provider_set, provider_list};

  Command group{"wallet", "Manage wallets"};
  group.children = {create, import, list, info, provider};
  return group;
}

}  // namespace xs::cli
