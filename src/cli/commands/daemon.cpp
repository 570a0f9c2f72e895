// xs daemon start [--daemon] | stop [--timeout ms] | status, and xs status.
// These run locally: start runs the daemon in this process (or forks it to
// the background), stop signals it through its pid file / admin socket.
#include "daemon/daemon.h"
#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "cli/daemon_link.h"
#include "signet/keys/admin_key.h"

#include <sys/stat.h>

#include <chrono>

namespace xs::cli {

namespace {

constexpr std::int64_t kDefaultStopTimeoutMs = 10000;

Result<daemon::DaemonOptions> OptionsFor(Invocation& inv) {
  XS_TRY(signet::Config * config, inv.config());
  struct stat st {};
  if (::stat(signet::AdminKey::PathFor(config->DataDir()).c_str(), &st) != 0) {
    return Error::Auth("the signet is not initialized in " + config->DataDir() +
                       "; run `xs init` first")
        .WithContext(Dump({{"hint", "run `xs init` first"}}, -1));
  }
  daemon::DaemonOptions options;
  options.config = *config;
  if (config->keys.vault_key_policy != "open") {
    XS_TRY(options.passphrase, inv.OwnerPassphraseOrPrompt("Vault passphrase: "));
    if (!options.passphrase) {
      return Error::Validation("--passphrase-file",
                               "the vault is passphrase-sealed: pass --passphrase-file or set " +
                                   std::string(kOwnerPassphraseFileEnv));
    }
  }
  return options;
}

Json At(const Json& j, const char* pointer) {
  Json::json_pointer ptr(pointer);
  return j.contains(ptr) ? j.at(ptr) : Json();
}

std::string Listener(const Json& section, bool enabled = true) {
  if (!enabled) return "disabled";
  if (!section.is_object()) return "-";
  std::string text =
      HumanValue(section.value("host", Json())) + ":" + HumanValue(section.value("port", Json()));
  return text + (section.value("listening", false) ? "" : " (not listening)");
}

// The facts a person checks first; --json has everything.
void PrintStatus(std::ostream& out, const Json& s) {
  Json creds = At(s, "/counts/credentials");
  if (!creds.is_object()) creds = Json::object();
  PrintFields(
      out,
      {{"state", HumanValue(At(s, "/state")) + " (pid " + HumanValue(At(s, "/pid")) + ", up " +
                     HumanValue(At(s, "/uptimeSeconds")) + " s)"},
       {"version", At(s, "/version")},
       {"env", HumanValue(At(s, "/env")) + " (" + HumanValue(At(s, "/identityMode")) + ")"},
       {"network",
        HumanValue(At(s, "/networkState")) + "  " + HumanValue(At(s, "/network/url")) +
            (At(s, "/network/error").is_string() ? "  (" + HumanValue(At(s, "/network/error")) + ")"
                                                 : "")},
       {"connected inboxes", At(s, "/connectedInboxIds")},
       {"admin socket", At(s, "/socketPath")},
       {"mcp socket", At(s, "/mcp/socketPath")},
       {"signet id", At(s, "/signetId")},
       {"ws", Listener(At(s, "/ws"))},
       {"http", Listener(At(s, "/http"), At(s, "/http/enabled") == Json(true))},
       {"data dir", At(s, "/dataDir")},
       {"config", At(s, "/configPath")},
       {"audit log", At(s, "/auditLogPath")},
       {"log", At(s, "/logPath")},
       {"operators", At(s, "/counts/operators")},
       {"policies", At(s, "/counts/policies")},
       {"inboxes", At(s, "/counts/inboxes")},
       {"credentials", HumanValue(creds.value("active", Json(0))) + " active, " +
                           HumanValue(creds.value("pending", Json(0))) + " pending, " +
                           HumanValue(creds.value("expired", Json(0))) + " expired, " +
                           HumanValue(creds.value("revoked", Json(0))) + " revoked"}});
}

Status Start(Invocation& inv) {
  XS_TRY(daemon::DaemonOptions options, OptionsFor(inv));
  if (!inv.args().Bool("daemon")) {
    options.foreground = true;
    XS_RETURN_IF_ERROR(daemon::RunDaemon(options));
    inv.Emit({{"stopped", true}}, [](std::ostream& out) { out << "Daemon stopped\n"; });
    return OkStatus();
  }
  options.foreground = false;
  XS_TRY(int pid, daemon::StartDaemonInBackground(options));
  XS_TRY(Json status, daemon::DaemonStatus(options.config));
  Json result = {{"status", "running"}, {"pid", pid}, {"ws", status.value("ws", Json())}};
  if (status.contains("wsPort")) result["wsPort"] = status["wsPort"];
  if (status.contains("httpPort")) result["httpPort"] = status["httpPort"];
  inv.Emit(result, [&](std::ostream& out) {
    out << "Daemon running\n";
    PrintStatus(out, status);
  });
  return OkStatus();
}

Status Stop(Invocation& inv) {
  XS_TRY(signet::Config * config, inv.config());
  const auto timeout =
      std::chrono::milliseconds(inv.args().Int("timeout").value_or(kDefaultStopTimeoutMs));
  XS_RETURN_IF_ERROR(daemon::StopDaemon(*config, timeout));
  inv.Emit({{"stopped", true}}, [](std::ostream& out) { out << "Daemon stopped\n"; });
  return OkStatus();
}

Status ShowStatus(Invocation& inv) {
  XS_TRY(signet::Config * config, inv.config());
  XS_TRY(Json status, daemon::DaemonStatus(*config));
  inv.Emit(status, [&](std::ostream& out) { PrintStatus(out, status); });
  return OkStatus();
}

}  // namespace

Command DaemonCommand() {
  Command start{"start", "Start the daemon (foreground unless --daemon)"};
  start.flags = {
      {"daemon", FlagKind::kBool, "", "fork to the background and return once it is ready"},
      PassphraseFileFlag("vault passphrase (passphrase-sealed vaults)")};
  start.run = Start;
  start.examples = {"xs daemon start --daemon"};

  Command stop{"stop", "Stop the daemon"};
  stop.flags = {{"timeout", FlagKind::kPositiveInt, "<ms>",
                 "wait this long before giving up (default 10000)"}};
  stop.run = Stop;

  Command status{"status", "Show the daemon's status"};
  status.run = ShowStatus;

  Command group{"daemon", "Run and control the signet daemon"};
  group.children = {start, stop, status};
  return group;
}

Command StatusCommand() {
  Command status{"status", "Show the daemon's status (same as `xs daemon status`)"};
  status.run = ShowStatus;
  return status;
}

}  // namespace xs::cli
