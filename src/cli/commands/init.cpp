// xs init [preset]: creates the key hierarchy (root, admin, vault keys) in the
// data dir with Runtime::Init and writes config.toml if there is none. Runs
// locally and offline: it opens the runtime with no XMTP network (nothing is
// registered until the daemon runs) and says so in its output. The daemon
// must not be running on the same data dir.
#include <sodium.h>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "signet/core/runtime.h"

namespace xs::cli {

namespace {

void Wipe(std::optional<std::string>& s) {
  if (s && !s->empty()) sodium_memzero(s->data(), s->size());
  s.reset();
}

// With a config file already present its settings are what the daemon will
// read, so a preset or --env that disagrees with it would leave a vault the
// daemon cannot open as configured: refuse instead of guessing.
Status CheckAgainstFile(const signet::Config& wanted, const signet::Config& file,
                        const std::string& path) {
  if (wanted.SameSettings(file)) return OkStatus();
  return Error::Validation("preset", "the config file " + file.config_path +
                                         " already exists with other settings; edit it, or "
                                         "remove it to let `xs init` write a new one")
      .WithContext(Dump({{"field", "preset"},
                         {"reason", "conflicts with the existing config file"},
                         {"hint", "see `" + path + " --help`"}},
                        -1));
}

Status Init(Invocation& inv) {
  XS_TRY(signet::Config * loaded, inv.config(/*allow_missing_file=*/true));
  signet::Config config = *loaded;
  const auto preset = inv.args().Positional(0);
  if (preset || !loaded->config_file_found) {
    XS_RETURN_IF_ERROR(
        config.ApplyPreset(preset.value_or(std::string(signet::kPresetRecommended))));
  }
  if (auto env = inv.args().Value("env")) config.signet.env = *env;
  XS_RETURN_IF_ERROR(config.Validate());
  if (loaded->config_file_found) {
    XS_RETURN_IF_ERROR(CheckAgainstFile(config, *loaded, inv.args().CommandPath()));
  }
  const auto label = inv.args().Value("label");
  if (label && !config.defaults.profile_name) {
    if (loaded->config_file_found) {
      inv.err() << "note: " << config.config_path
                << " exists; defaults.profileName was not written\n";
    } else {
      config.defaults.profile_name = *label;
    }
  }

  signet::RuntimeOptions options = config.ToRuntimeOptions();
  XS_TRY(std::optional<std::string> passphrase,
         options.vault_key_policy == signet::KeyPolicy::kOpen
             ? inv.OwnerPassphrase()
             : inv.OwnerPassphraseOrPrompt("New vault passphrase: "));
  if (options.vault_key_policy != signet::KeyPolicy::kOpen && !passphrase) {
    return Error::Validation("--passphrase-file",
                             "vault key policy '" + config.keys.vault_key_policy +
                                 "' needs a passphrase: pass --passphrase-file or set " +
                                 kOwnerPassphraseFileEnv);
  }
  if (options.vault_key_policy == signet::KeyPolicy::kOpen) {
    options.owner_passphrase = passphrase;
  } else {
    options.passphrase = passphrase;
  }
  Wipe(passphrase);
  auto runtime = signet::Runtime::Init(std::move(options));
  if (!runtime.ok()) return std::move(runtime).error();
  runtime->reset();
  XS_RETURN_IF_ERROR(signet::WriteConfigIfAbsent(config.config_path, config));

  const Json result = {{"initialized", true},
                       {"dataDir", config.DataDir()},
                       {"configPath", config.config_path},
                       {"env", config.signet.env},
                       {"preset", preset.value_or(loaded->config_file_found
                                                      ? "(from config file)"
                                                      : std::string(signet::kPresetRecommended))},
                       {"networkContacted", false}};
  inv.Emit(result, [&](std::ostream& out) {
    out << "Initialized the signet key hierarchy (root, admin, vault)\n";
    PrintFields(out, {{"data dir", result["dataDir"]},
                      {"config", result["configPath"]},
                      {"env", result["env"]},
                      {"preset", result["preset"]},
                      {"network", "not contacted (init is offline; `xs daemon start` connects to " +
                                      config.signet.env + ")"}});
    out << "Next: `xs daemon start --daemon`\n";
  });
  return OkStatus();
}

}  // namespace

Command InitCommand() {
  Command init{"init",
               "Create the key hierarchy and write the config file if absent",
               {{"preset", "recommended (default) | trusted-local | hardened", false}}};
  init.flags = {
      {"env", FlagKind::kString, "<env>", "XMTP network", false, {"local", "dev", "production"}},
      {"label", FlagKind::kString, "<name>", "seeds defaults.profileName when unset"},
      PassphraseFileFlag("vault passphrase (hardened) and owner passphrase for gates"),
  };
  init.run = Init;
  init.examples = {"xs init", "xs init hardened --passphrase-file ~/.signet-pass",
                   "xs init trusted-local --env local --label my-agent"};
  return init;
}

}  // namespace xs::cli
