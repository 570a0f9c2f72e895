#include "daemon/daemon_status.h"

#include <mutex>

#include "base/clock.h"
#include "signet/util/util.h"

namespace xs::daemon {

namespace {}  // namespace

nlohmann::json BuildDaemonStatus(const DaemonFacts& facts, const signet::Config& config,
                                 signet::Runtime& runtime, const transport::AdminServer& server,
                                 const CredentialCounts& credential_counts, std::int64_t now_ms) {
  using nlohmann::json;
  json credentials = credential_counts.ToJson();
  const signet::Runtime::Counts counts = runtime.CountRecords();
  const std::size_t operators = counts.operators;
  const std::size_t policies = counts.policies;
  const std::size_t inboxes = counts.inboxes;
  const std::string& network_description = counts.network;
  json status = {
      {"state", "running"},
      {"pid", facts.pid},
      {"version", facts.version},
      {"startedAt", IsoTime(facts.started_ms)},
      {"uptimeSeconds", (now_ms - facts.started_ms) / 1000},
      {"onboardingScheme", config.onboarding.scheme},
      {"xmtpEnv", config.signet.env},
      {"env", config.signet.env},
      {"identityMode", config.signet.identity_mode},
      {"networkState", facts.network_state},
      {"network",
       {{"description", network_description},
        {"url", facts.network_url},
        {"embeddedNode", facts.embedded_node}}},
      {"connectedInboxIds", json::array()},
      {"dataDir", config.DataDir()},
      {"configPath", config.config_path},
      {"socketPath", server.socket_path()},
      {"pidFile", config.PidFilePath()},
      {"logPath", config.LogFilePath()},
      {"auditLogPath", config.AuditLogPath()},
      // The WebSocket and HTTP servers report their bound ports here once they
      // run inside the daemon; null = not listening.
      {"wsPort", nullptr},
      {"ws", {{"host", config.ws.host}, {"port", config.ws.port}, {"listening", false}}},
      {"http",
       {{"enabled", config.http.enabled},
        {"host", config.http.host},
        {"port", config.http.port},
        {"listening", false}}},
      {"connections", {{"admin", server.connection_count()}, {"ws", 0}}},
      {"requestsServed", server.requests_served()},
      {"counts",
       {{"operators", operators},
        {"policies", policies},
        {"inboxes", inboxes},
        {"credentials", credentials}}},
  };
  if (facts.embedded_node) status["network"]["nodeDatabase"] = facts.node_database;
  if (facts.ws_server != nullptr && facts.ws_server->port() != 0) {
    status["wsPort"] = facts.ws_server->port();
    status["ws"]["listening"] = true;
    status["connections"]["ws"] = facts.ws_server->connection_count();
  }
  return status;
}

}  // namespace xs::daemon
