// xs agent bridge openclaw --credential <cred_id> [--ws-url ws://…] [--checkpoints DIR]
//
// The OpenClaw read-only bridge (adapters/openclaw/bridge.h) as a
// long-running command: NDJSON envelopes on stdout, progress on stderr, the
// credential token from $XMTP_SIGNET_CREDENTIAL_TOKEN (never printed).
// SIGINT/SIGTERM end it cleanly (exit 0). `bridge` is a child of the `agent`
// group: AttachAgentBridge adds it there (and creates the group when no
// other command did).
#include <signal.h>

#include <atomic>
#include <fstream>

#include "adapters/openclaw/bridge.h"
#include "adapters/openclaw/bridge_checkpoint.h"
#include "cli/commands/agent_bridge.h"
#include "cli/commands/common.h"
#include "transport/ws/ws_client.h"

namespace xs::cli {

namespace {

namespace oc = adapters::openclaw;

constexpr const char* kHarness = "openclaw";
constexpr std::size_t kMaxAdapterTomlBytes = 64 * 1024;

std::atomic<bool> g_stop{false};

extern "C" void OnBridgeSignal(int) { g_stop = true; }

// SIGINT/SIGTERM ask the bridge to stop; SIGPIPE is ignored so a closed
// stdout is an error the bridge reports (and the checkpoint stays put).
class BridgeSignals {
 public:
  BridgeSignals() {
    g_stop = false;
    struct sigaction action {};
    action.sa_handler = OnBridgeSignal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, &old_pipe_);
  }
  ~BridgeSignals() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    ::sigaction(SIGPIPE, &old_pipe_, nullptr);
  }
  BridgeSignals(const BridgeSignals&) = delete;
  BridgeSignals& operator=(const BridgeSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  struct sigaction old_pipe_ {};
};

std::string AdapterDir(const signet::Config& config) {
  return config.DataDir() + "/adapters/" + kHarness;
}

// A host a client can dial for a listener bound to `host`.
std::string DialHost(const std::string& host) {
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::" || host == "[::]") return "::1";
  return host;
}

std::string Url(const std::string& host, std::int64_t port) {
  transport::ws::WsUrl url{DialHost(host), static_cast<std::uint16_t>(port), "/v1/agent"};
  return url.ToString();
}

// `key = value` inside `[transport.ws]` of the adapter.toml `xs agent setup
// openclaw` writes; nullopt when absent. Only the two keys the bridge needs
// (host, a string; port, an integer) are read.
std::optional<std::string> UrlFromAdapterToml(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string line;
  bool in_table = false;
  std::string host = "127.0.0.1";
  std::int64_t port = 0;
  std::size_t read = 0;
  auto trim = [](std::string s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return std::string();
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
  };
  while (std::getline(in, line) && (read += line.size()) < kMaxAdapterTomlBytes) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    if (line.front() == '[') {
      in_table = line == "[transport.ws]";
      continue;
    }
    if (!in_table) continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = trim(line.substr(0, eq));
    const std::string value = trim(line.substr(eq + 1));
    if (key == "host" && value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      host = value.substr(1, value.size() - 2);
    } else if (key == "port") {
      auto parsed = ParsePositiveInt(value);
      if (parsed && *parsed <= 65535) port = *parsed;
    }
  }
  if (port == 0) return std::nullopt;
  return Url(host, port);
}

// --ws-url, else the running daemon's WebSocket (status wsPort), else the
// adapter.toml setup wrote (so the bridge can start before the daemon and
// wait for it), else the daemon's error.
Result<std::string> ResolveWsUrl(Invocation& inv, const signet::Config& config) {
  if (auto url = inv.args().Value("ws-url")) return *url;
  Result<Json> status = inv.Call("daemon.status");
  if (status.ok()) {
    const Json port = status->value("wsPort", Json());
    if (port.is_number_integer() && port.get<std::int64_t>() > 0) {
      const Json ws = status->value("ws", Json::object());
      return Url(ws.is_object() ? ws.value("host", "") : "", port.get<std::int64_t>());
    }
  }
  const std::string toml = AdapterDir(config) + "/adapter.toml";
  if (auto url = UrlFromAdapterToml(toml)) return *url;
  if (!status.ok()) return status.error();
  return Error::Validation("--ws-url", "the signet's WebSocket is not listening (ws is off) and " +
                                           toml + " names no [transport.ws] port; pass --ws-url");
}

Status RunBridgeCommand(Invocation& inv) {
  const std::string harness = Arg(inv, 0);
  if (harness != kHarness) {
    return Error::Validation(
        "harness", "only the built-in 'openclaw' harness has a bridge, not '" + harness + "'");
  }
  const std::string credential = inv.args().Value("credential").value_or("");
  XS_RETURN_IF_ERROR(oc::ValidateCredentialId(credential, "--credential"));
  auto token = signet::EnvValue(inv.env(), oc::kCredentialTokenEnv);
  if (!token || token->empty()) {
    return Error::Auth(std::string("no credential token: set ") + oc::kCredentialTokenEnv +
                       " to the token `xs cred issue` printed for " + credential)
        .WithContext(Dump({{"hint", std::string("export ") + oc::kCredentialTokenEnv + "=…"}}, -1));
  }
  XS_TRY(signet::Config * config, inv.config());
  oc::BridgeConfig bridge;
  bridge.credential_id = credential;
  bridge.token = *token;
  bridge.checkpoints_dir =
      inv.args().Value("checkpoints").value_or(AdapterDir(*config) + "/checkpoints");
  XS_TRY(bridge.ws_url, ResolveWsUrl(inv, *config));
  XS_RETURN_IF_ERROR(transport::ws::ParseWsUrl(bridge.ws_url, "--ws-url"));
  if (auto n = inv.args().Int("max-events")) bridge.max_events = static_cast<std::uint64_t>(*n);
  if (auto n = inv.args().Int("max-attempts")) bridge.reconnect.max_attempts = static_cast<int>(*n);
  if (auto n = inv.args().Int("base-delay-ms")) bridge.reconnect.base_delay_ms = *n;
  if (auto n = inv.args().Int("max-delay-ms")) bridge.reconnect.max_delay_ms = *n;
  if (auto n = inv.args().Int("heartbeat-ms")) bridge.heartbeat_interval_ms = *n;
  bridge.reconnect.enabled = !inv.args().Bool("no-reconnect");

  std::ostream& out = inv.out();
  std::ostream& err = inv.err();
  oc::BridgeIo io;
  io.emit = [&out](const std::string& line) -> Status {
    out << line << '\n';
    out.flush();
    if (!out) return Error::Internal("cannot write to stdout (the harness went away)");
    return OkStatus();
  };
  io.log = [&err](const std::string& message) { err << "bridge: " << message << std::endl; };
  io.stop = &g_stop;
  BridgeSignals signals;
  XS_TRY(oc::BridgeSummary summary, oc::RunBridge(bridge, io));
  err << "bridge: " << (summary.stopped ? "stopped" : "done") << " (" << summary.emitted
      << " envelope(s)"
      << (summary.last_seq ? ", checkpoint at seq " + std::to_string(*summary.last_seq) : "") << ")"
      << std::endl;
  return OkStatus();
}

Command BridgeCommand() {
  Command bridge{"bridge",
                 "Run the read-only bridge: a credential's events as NDJSON envelopes on stdout",
                 {{"harness", "the harness (only 'openclaw')"}}};
  bridge.flags = {
      {"credential", FlagKind::kString, "<cred_id>",
       "the credential whose events to bridge (token in $XMTP_SIGNET_CREDENTIAL_TOKEN)", true},
      {"ws-url", FlagKind::kString, "<url>",
       "the signet's WebSocket (default: the running daemon's, else adapter.toml's)"},
      {"checkpoints", FlagKind::kString, "<dir>",
       "checkpoint directory (default <dataDir>/adapters/openclaw/checkpoints)"},
      {"max-events", FlagKind::kPositiveInt, "<n>", "exit 0 after emitting n envelopes"},
      {"max-attempts", FlagKind::kPositiveInt, "<n>",
       "consecutive failed reconnect attempts before giving up (default 10)"},
      {"base-delay-ms", FlagKind::kPositiveInt, "<ms>", "first reconnect delay (default 500)"},
      {"max-delay-ms", FlagKind::kPositiveInt, "<ms>", "longest reconnect delay (default 30000)"},
      {"heartbeat-ms", FlagKind::kPositiveInt, "<ms>",
       "interval of the heartbeat requests that keep the connection alive (default 15000)"},
      {"no-reconnect", FlagKind::kBool, "", "stop at the first lost connection"}};
  bridge.run = RunBridgeCommand;
  bridge.examples = {
      "XMTP_SIGNET_CREDENTIAL_TOKEN=… xs agent bridge openclaw --credential cred_1a2b3c4d5e6f7a8b",
      "xs agent bridge openclaw --credential cred_1a2b3c4d5e6f7a8b --ws-url "
      "ws://127.0.0.1:8393/v1/agent --max-events 10"};
  return bridge;
}

}  // namespace

Command AgentBridgeCommand() { return BridgeCommand(); }

void AttachAgentBridge(Command& root) {
  for (auto& child : root.children) {
    if (child.name == "agent") {
      if (child.FindChild("bridge") == nullptr) child.children.push_back(BridgeCommand());
      return;
    }
  }
  Command agent{"agent", "Connect agent harnesses (OpenClaw) to the signet"};
  agent.children.push_back(BridgeCommand());
  root.children.push_back(std::move(agent));
}

}  // namespace xs::cli
