// The OpenClaw read-only bridge (openclaw-adapter.md "The read-only bridge",
// openclaw.md "Bridge"): a WebSocket harness of the signet that hands every
// event of one credential to a local harness as NDJSON envelopes, exactly
// once per (credentialId, seq) across restarts, or fails loudly.
//
//   BridgeConfig config{.credential_id = "cred_…", .ws_url = "ws://127.0.0.1:8393/v1/agent",
//                       .token = token, .checkpoints_dir = dir};
//   XS_TRY(BridgeSummary done, RunBridge(config, {.emit = print_line, .log = to_stderr,
//                                                 .stop = &stop_flag}));
//
// One connection at a time: connect, send `auth` with the token and the
// checkpoint's seq as `lastSeenSeq` (null on a fresh start), require
// `authenticated` for the configured credential (else stop: the token is
// someone else's), then for each sequenced frame `{seq, event}`:
//   * seq <= the checkpoint: a duplicate, skipped;
//   * seq == checkpoint + 1 (or anything on a fresh start): emit the
//     envelope, and only after `emit` returned OK advance the checkpoint;
//   * anything else, or a `signet.recovery.complete` answering a resume
//     (its seq is never checkpoint + 1 then), means events were lost: stop
//     with RecoveryRequired, the checkpoint untouched.
// Heartbeat requests keep the connection alive (the server drops clients
// silent for missedHeartbeats intervals): one every heartbeat_interval_ms and
// one in answer to each server `heartbeat` event.
//
// Connection ends: close codes 4001 (auth failed), 4003 (expired), 4004
// (revoked), 4005 (reauthorization needed) stop with an auth error and no
// reconnect; 4009 (protocol error) stops with an internal error; anything
// else (1001 shutdown, 4008 backpressure, 4010 dead, a dropped socket, a
// refused connect) reconnects with exponential backoff and jitter, resuming
// from the checkpoint, until `reconnect.max_attempts` consecutive attempts
// failed (a network error then).
//
// Known limit: the signet's sequence numbers restart with the daemon and
// the protocol carries no epoch. A resume after a daemon restart is caught
// (recovery, or a seq that does not follow) unless the new daemon already
// sequenced more events than the checkpoint holds before the bridge came
// back; then the first checkpoint-many events of the new daemon are skipped
// as duplicates.
//
// Thread contract: RunBridge blocks its calling thread; `stop` may be set
// from any thread (or a signal handler) and is honoured within
// kBridgePollInterval.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/result.h"

namespace xs::adapters::openclaw {

using Json = nlohmann::json;

inline constexpr const char* kCredentialTokenEnv = "XMTP_SIGNET_CREDENTIAL_TOKEN";
// How often a blocked read looks at the stop flag and the heartbeat timer.
inline constexpr std::chrono::milliseconds kBridgePollInterval{200};

struct ReconnectPolicy {
  bool enabled = true;
  int max_attempts = 10;  // consecutive failed attempts before giving up; 0 = no limit
  std::int64_t base_delay_ms = 500;
  std::int64_t max_delay_ms = 30000;
  bool jitter = true;
};

struct BridgeConfig {
  std::string credential_id;
  std::string ws_url;  // ws://host:port/v1/agent
  std::string token;   // the credential's bearer token; never logged
  std::string checkpoints_dir;
  ReconnectPolicy reconnect;
  std::int64_t heartbeat_interval_ms = 15000;
  std::int64_t connect_timeout_ms = 5000;
  std::int64_t auth_timeout_ms = 10000;     // for the answer to the auth frame
  std::optional<std::uint64_t> max_events;  // stop after this many envelopes
};

struct BridgeIo {
  // One envelope as one line of JSON (no newline); must return only once
  // the line is written and flushed. An error stops the bridge before the
  // checkpoint moves.
  std::function<Status(const std::string& line)> emit;
  // Progress and diagnostics (connected, reconnecting, ...); may be empty.
  std::function<void(const std::string& message)> log;
  const std::atomic<bool>* stop = nullptr;
};

struct BridgeSummary {
  std::uint64_t emitted = 0;
  std::uint64_t duplicates = 0;
  std::optional<std::uint64_t> last_seq;
  int connections = 0;   // authenticated connections
  bool stopped = false;  // by `stop` (else max_events was reached)
};

// "Events were lost" (the recovery case above): a not_found error (exit 2 in
// the CLI: the events the checkpoint asks for are gone) of this kind, whose
// message starts with "recovery required" and whose context is
// {reason:"recovery_required", credentialId, lastSeq, receivedSeq,
// eventType, checkpointPath}.
inline constexpr const char* kRecoveryRequiredKind = "adapter.openclaw.recovery_required";

Result<BridgeSummary> RunBridge(const BridgeConfig& config, const BridgeIo& io);

// The wait before reconnect attempt `attempt` (1-based): base * 2^(attempt-1)
// capped at max; with jitter a value in [delay/2, delay] picked by
// `unit_random` in [0, 1).
std::int64_t BackoffDelayMs(const ReconnectPolicy& policy, int attempt, double unit_random);

// When the event happened, if it says: message `sentAt`, heartbeat
// `timestamp`, recovery `caughtUpThrough`, revocation `revokedAt`, seal
// `chain.current.issuedAt`; else null.
Json OccurredAt(const Json& event);

struct EnvelopeFields {
  std::string credential_id;
  std::string operator_id;
  std::uint64_t seq = 0;
  std::string received_at;
  std::string checkpoint_path;
};
// {adapter:"openclaw", deliveryMode:"local", credentialId, operatorId, seq,
//  dedupeKey:"<credentialId>:<seq>", receivedAt, occurredAt, checkpointPath, event}
Json MakeEnvelope(const EnvelopeFields& fields, const Json& event);

}  // namespace xs::adapters::openclaw
