#include "adapters/openclaw/bridge.h"

#include <algorithm>
#include <memory>
#include <random>
#include <thread>

#include "adapters/openclaw/bridge_checkpoint.h"
#include "base/clock.h"
#include "signet/agent/agent_surface.h"
#include "transport/ws/ws_client.h"

namespace xs::adapters::openclaw {

namespace {

using transport::ws::WsClient;
using SteadyClock = std::chrono::steady_clock;
namespace agent = signet::agent;

constexpr const char* kRecoveryEvent = "signet.recovery.complete";
constexpr const char* kHeartbeatEvent = "heartbeat";
constexpr int kMaxBackoffShift = 30;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

// How a connection ended, when the bridge goes on.
enum class Next { kDone, kReconnect };

class BridgeRun {
 public:
  BridgeRun(const BridgeConfig& config, const BridgeIo& io)
      : config_(config),
        io_(io),
        checkpoint_path_(CheckpointPath(config.checkpoints_dir, config.credential_id)) {}

  Result<BridgeSummary> Run() {
    XS_RETURN_IF_ERROR(ValidateCredentialId(config_.credential_id, "credentialId"));
    XS_TRY(url_, transport::ws::ParseWsUrl(config_.ws_url, "wsUrl"));
    if (config_.token.empty()) return Error::Auth("no credential token");
    XS_TRY(std::optional<BridgeCheckpoint> checkpoint,
           ReadCheckpoint(config_.checkpoints_dir, config_.credential_id));
    if (checkpoint) summary_.last_seq = checkpoint->last_seq;
    std::mt19937_64 rng{std::random_device{}()};
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    int failures = 0;
    for (;;) {
      if (Stopping()) return Stopped();
      bool authenticated = false;
      XS_TRY(Next next, Session(&authenticated));
      if (next == Next::kDone) return summary_;
      if (authenticated) failures = 0;
      ++failures;
      const ReconnectPolicy& policy = config_.reconnect;
      if (!policy.enabled || (policy.max_attempts > 0 && failures > policy.max_attempts)) {
        return GiveUp(failures);
      }
      const std::int64_t delay = BackoffDelayMs(policy, failures, unit(rng));
      Log("reconnecting in " + std::to_string(delay) + " ms (attempt " + std::to_string(failures) +
          (policy.max_attempts > 0 ? " of " + std::to_string(policy.max_attempts) : "") +
          "): " + last_error_);
      if (!Sleep(delay)) return Stopped();
    }
  }

 private:
  bool Stopping() const { return io_.stop != nullptr && io_.stop->load(); }
  void Log(const std::string& message) const {
    if (io_.log) io_.log(message);
  }
  Result<BridgeSummary> Stopped() {
    summary_.stopped = true;
    return summary_;
  }
  Error GiveUp(int failures) const {
    const std::string endpoint = url_.host + ":" + std::to_string(url_.port);
    std::string why = config_.reconnect.enabled
                          ? "gave up after " + std::to_string(failures) + " failed attempts"
                          : "reconnecting is off";
    return Error::Network(endpoint, "the bridge lost the signet at " + url_.ToString() + " (" +
                                        why + "): " + last_error_);
  }

  // Sleeps `ms`, waking early when asked to stop; false when stopping.
  bool Sleep(std::int64_t ms) const {
    const auto deadline = SteadyClock::now() + std::chrono::milliseconds(ms);
    while (SteadyClock::now() < deadline) {
      if (Stopping()) return false;
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
      std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(50)));
    }
    return !Stopping();
  }

  // A retryable end of a connection.
  Result<Next> Retry(std::string why) {
    last_error_ = std::move(why);
    return Next::kReconnect;
  }

  Result<Next> Session(bool* authenticated) {
    transport::ws::WsClientOptions options;
    options.connect_timeout = std::chrono::milliseconds(config_.connect_timeout_ms);
    Result<std::unique_ptr<WsClient>> connected = WsClient::Connect(url_, options);
    if (!connected.ok()) return Retry(connected.error().message());
    WsClient& ws = **connected;
    const Json auth = {{"type", "auth"},
                       {"token", config_.token},
                       {"lastSeenSeq", summary_.last_seq ? Json(*summary_.last_seq) : Json()}};
    if (Status sent = ws.Send(auth.dump()); !sent.ok()) return Retry(sent.error().message());
    XS_TRY(std::optional<Next> refused, AwaitAuthenticated(ws));
    if (refused) return *refused;
    *authenticated = true;
    ++summary_.connections;
    next_heartbeat_ms_ = SteadyMs() + config_.heartbeat_interval_ms;
    for (;;) {
      if (Stopping()) {
        ws.Close(agent::kCloseNormal);
        summary_.stopped = true;
        return Next::kDone;
      }
      if (SteadyMs() >= next_heartbeat_ms_) {
        if (Status sent = SendHeartbeat(ws); !sent.ok()) return Retry(sent.error().message());
      }
      Result<std::optional<std::string>> text = ws.Read(kBridgePollInterval);
      if (!text.ok()) return Ended(ws, text.error());
      if (!*text) continue;
      XS_TRY(bool done, OnFrame(ws, **text));
      if (done) {
        ws.Close(agent::kCloseNormal);
        return Next::kDone;
      }
    }
  }

  // Reads the answer to the auth frame. nullopt when authenticated as the
  // configured credential; a Next when the connection ended retryably.
  Result<std::optional<Next>> AwaitAuthenticated(WsClient& ws) {
    const std::int64_t deadline = SteadyMs() + config_.auth_timeout_ms;
    for (;;) {
      if (Stopping()) {
        ws.Close(agent::kCloseNormal);
        summary_.stopped = true;
        return std::optional<Next>(Next::kDone);
      }
      if (SteadyMs() >= deadline) {
        ws.Close(agent::kCloseNormal);
        XS_TRY(Next next, Retry("no answer to the auth frame within " +
                                std::to_string(config_.auth_timeout_ms) + " ms"));
        return std::optional<Next>(next);
      }
      Result<std::optional<std::string>> text = ws.Read(kBridgePollInterval);
      if (!text.ok()) {
        XS_TRY(Next next, Ended(ws, text.error()));
        return std::optional<Next>(next);
      }
      if (!*text) continue;
      Json frame = Json::parse(**text, nullptr, false);
      if (!frame.is_object())
        return Error::Internal("the signet answered the auth frame with " +
                               std::string("something that is not JSON"));
      const std::string type = frame.value("type", "");
      if (type == "auth_error") {
        const int code = frame.value("code", 0);
        // The close that follows says the same; decide on the frame's code.
        XS_TRY(Next next, OnCloseCode(code, frame.value("message", "")));
        ws.Close(agent::kCloseNormal);
        return std::optional<Next>(next);
      }
      if (type != "authenticated") {
        return Error::Internal("the signet answered the auth frame with a '" + type + "' frame");
      }
      const Json& credential = frame.contains("credential") ? frame["credential"] : Json();
      const std::string who =
          credential.is_object() ? credential.value("credentialId", "") : std::string();
      if (who != config_.credential_id) {
        ws.Close(agent::kCloseNormal);
        return Error::Auth("the token authenticates credential '" + who + "', not '" +
                           config_.credential_id + "' (--credential); pass the token issued for " +
                           config_.credential_id)
            .WithContext(Json{{"expected", config_.credential_id}, {"actual", who}}.dump());
      }
      operator_id_ = credential.value("operatorId", "");
      const Json resumed = frame.value("resumedFromSeq", Json());
      Log("connected to " + url_.ToString() + " as " + config_.credential_id +
          (summary_.last_seq ? " (resuming after seq " + std::to_string(*summary_.last_seq) + ")"
                             : " (fresh start)") +
          (resumed.is_number() ? ", replay from seq " + Dump(resumed) : ""));
      return std::optional<Next>();
    }
  }

  // The connection ended while reading.
  Result<Next> Ended(const WsClient& ws, const Error& error) {
    if (ws.close_code()) return OnCloseCode(*ws.close_code(), ws.close_reason());
    return Retry(error.message());
  }

  // What a close code (or an auth_error's code) means for the bridge.
  Result<Next> OnCloseCode(int code, const std::string& reason) {
    const std::string said =
        " (close " + std::to_string(code) + (reason.empty() ? "" : ": " + reason) + ")";
    const std::string& id = config_.credential_id;
    switch (code) {
      case agent::kCloseAuthFailed:
        return Error::Auth("the signet refused the token for " + id + said +
                           "; check XMTP_SIGNET_CREDENTIAL_TOKEN and that the credential is "
                           "active (`xs cred info " +
                           id + "`)");
      case agent::kCloseCredentialExpired:
        return Error::Auth("credential " + id + " expired" + said +
                           "; issue a new one with `xs cred issue`");
      case agent::kCloseCredentialRevoked:
        return Error::Auth("credential " + id + " was revoked" + said +
                           "; issue a new one with `xs cred issue`");
      case agent::kClosePolicyChange:
        return Error::Auth("credential " + id + " is no longer active" + said +
                           "; it needs reauthorization");
      case agent::kCloseProtocolError:
        return Error::Internal("the signet closed the connection for a protocol error" + said);
      default:
        return Retry("the signet closed the connection" + said);
    }
  }

  Status SendHeartbeat(WsClient& ws) {
    next_heartbeat_ms_ = SteadyMs() + config_.heartbeat_interval_ms;
    const Json request = {{"type", "heartbeat"},
                          {"requestId", "bridge-heartbeat-" + std::to_string(++heartbeats_)},
                          {"credentialId", config_.credential_id}};
    return ws.Send(request.dump());
  }

  // One frame after authentication. True when the bridge is done
  // (max_events reached).
  Result<bool> OnFrame(WsClient& ws, const std::string& text) {
    Json frame = Json::parse(text, nullptr, false);
    if (!frame.is_object()) return Error::Internal("the signet sent a frame that is not JSON");
    if (frame.contains("seq")) return OnSequenced(ws, frame);
    if (frame.contains("requestId")) {  // the answer to a heartbeat
      if (!frame.value("ok", false)) {
        const Json& error = frame.contains("error") ? frame["error"] : Json();
        Log("heartbeat refused: " +
            (error.is_object() ? error.value("message", "") : std::string("no reason given")));
      }
      return false;
    }
    if (frame.value("type", "") == "backpressure") {
      Log("the signet reports backpressure (" + Dump(frame.value("buffered", Json())) + " of " +
          Dump(frame.value("limit", Json())) + " frames buffered)");
    }
    return false;
  }

  Result<bool> OnSequenced(WsClient& ws, const Json& frame) {
    const Json& seq_json = frame["seq"];
    if (!seq_json.is_number_unsigned() || seq_json.get<std::uint64_t>() == 0 ||
        !frame.contains("event") || !frame["event"].is_object() ||
        !frame["event"].contains("type") || !frame["event"]["type"].is_string()) {
      return Error::Internal("the signet sent a malformed sequenced frame");
    }
    const std::uint64_t seq = seq_json.get<std::uint64_t>();
    const Json& event = frame["event"];
    const std::string type = event["type"].get<std::string>();
    if (summary_.last_seq) {
      const std::uint64_t last = *summary_.last_seq;
      const bool follows = seq == last + 1;
      if (!follows && (type == kRecoveryEvent || seq > last)) return RecoveryRequired(seq, type);
      if (seq <= last) {
        ++summary_.duplicates;
        return false;
      }
    }
    Json envelope = MakeEnvelope({.credential_id = config_.credential_id,
                                  .operator_id = operator_id_,
                                  .seq = seq,
                                  .received_at = IsoTime(SystemClock::Get()->NowMs()),
                                  .checkpoint_path = checkpoint_path_},
                                 event);
    XS_RETURN_IF_ERROR(io_.emit(Dump(envelope)));
    XS_RETURN_IF_ERROR(
        WriteCheckpoint(config_.checkpoints_dir,
                        {config_.credential_id, seq, envelope["receivedAt"].get<std::string>()}));
    summary_.last_seq = seq;
    ++summary_.emitted;
    if (type == kHeartbeatEvent) {
      if (Status sent = SendHeartbeat(ws); !sent.ok()) Log("heartbeat: " + sent.error().message());
    }
    return config_.max_events && summary_.emitted >= *config_.max_events;
  }

  Error RecoveryRequired(std::uint64_t seq, const std::string& type) const {
    const std::uint64_t last = *summary_.last_seq;
    std::string what = type == kRecoveryEvent
                           ? "the signet answered the resume after seq " + std::to_string(last) +
                                 " with " + kRecoveryEvent + " (seq " + std::to_string(seq) +
                                 "): it no longer holds the events the bridge has not delivered"
                           : "expected seq " + std::to_string(last + 1) + ", got " +
                                 std::to_string(seq) + ": the events between were lost";
    return Error::NotFound("recovery required for credential " + config_.credential_id + ": " +
                           what + ". The checkpoint " + checkpoint_path_ + " was left at seq " +
                           std::to_string(last) +
                           ". Recover the missed events another way (e.g. `xs msg list`), then "
                           "remove the checkpoint to continue from what the signet holds now.")
        .WithContext(Json{{"reason", "recovery_required"},
                          {"credentialId", config_.credential_id},
                          {"lastSeq", last},
                          {"receivedSeq", seq},
                          {"eventType", type},
                          {"checkpointPath", checkpoint_path_}}
                         .dump())
        .WithKind(kRecoveryRequiredKind);
  }

  const BridgeConfig& config_;
  const BridgeIo& io_;
  const std::string checkpoint_path_;
  transport::ws::WsUrl url_;
  BridgeSummary summary_;
  std::string operator_id_;
  std::string last_error_;
  std::int64_t next_heartbeat_ms_ = 0;
  std::uint64_t heartbeats_ = 0;
};

}  // namespace

Result<BridgeSummary> RunBridge(const BridgeConfig& config, const BridgeIo& io) {
  if (!io.emit) return Error::Internal("the bridge has nowhere to emit envelopes");
  return BridgeRun(config, io).Run();
}

std::int64_t BackoffDelayMs(const ReconnectPolicy& policy, int attempt, double unit_random) {
  const std::int64_t base = std::max<std::int64_t>(policy.base_delay_ms, 1);
  const std::int64_t cap = std::max(policy.max_delay_ms, base);
  const int shift = std::clamp(attempt - 1, 0, kMaxBackoffShift);
  std::int64_t delay = cap;
  if ((cap >> shift) >= base) delay = base << shift;  // no overflow: base << shift <= cap
  if (!policy.jitter) return delay;
  const double unit = std::clamp(unit_random, 0.0, 1.0);
  const auto half = delay / 2;
  return half + static_cast<std::int64_t>(static_cast<double>(delay - half) * unit);
}

Json OccurredAt(const Json& event) {
  if (!event.is_object()) return nullptr;
  for (const char* pointer : {"/sentAt", "/timestamp", "/caughtUpThrough", "/revocation/revokedAt",
                              "/seal/chain/current/issuedAt"}) {
    const Json::json_pointer at(pointer);
    if (event.contains(at) && event.at(at).is_string()) return event.at(at);
  }
  return nullptr;
}

Json MakeEnvelope(const EnvelopeFields& fields, const Json& event) {
  return {{"adapter", "openclaw"},
          {"deliveryMode", "local"},
          {"credentialId", fields.credential_id},
          {"operatorId", fields.operator_id},
          {"seq", fields.seq},
          {"dedupeKey", fields.credential_id + ":" + std::to_string(fields.seq)},
          {"receivedAt", fields.received_at},
          {"occurredAt", OccurredAt(event)},
          {"checkpointPath", fields.checkpoint_path},
          {"event", event}};
}

}  // namespace xs::adapters::openclaw
