// The OpenClaw read-only bridge: the checkpoint file (atomic, 0600, strict
// on read), the envelope, the backoff, and RunBridge against the real
// WsServer over the fake agent surface: delivery, resume without duplicates
// or gaps, dedupe, reconnect after a drop, the close codes that stop it, the
// credential check, the loud failure when replay cannot be satisfied, and
// stopping.
#include "adapters/openclaw/bridge.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "adapters/openclaw/bridge_checkpoint.h"
#include "transport/ws/testing/fake_agent_surface.h"
#include "transport/ws/ws_server.h"

namespace xs::adapters::openclaw {
namespace {

namespace fs = std::filesystem;
using transport::ws::testing::FakeAgentSurface;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Polls `done` (no timing claim: the bound only keeps a broken build from hanging).
template <typename F>
bool Eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/xs-bridge-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ---------------------------------------------------------------- checkpoint

TEST(BridgeCheckpointTest, AbsentIsAFreshStartAndAWriteReadsBack) {
  TempDir dir;
  const std::string checkpoints = dir.path() + "/adapters/openclaw/checkpoints";
  auto absent = ReadCheckpoint(checkpoints, "cred_a");
  ASSERT_TRUE(absent.ok()) << absent.error().ToString();
  EXPECT_FALSE(absent->has_value());

  ASSERT_TRUE(WriteCheckpoint(checkpoints, {"cred_a", 42, "2026-12-01T00:00:00.000Z"}).ok());
  auto back = ReadCheckpoint(checkpoints, "cred_a");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ((*back)->last_seq, 42u);
  EXPECT_EQ((*back)->updated_at, "2026-12-01T00:00:00.000Z");

  const std::string path = CheckpointPath(checkpoints, "cred_a");
  EXPECT_EQ(path, checkpoints + "/cred_a.json");
  nlohmann::json j = nlohmann::json::parse(ReadAll(path));
  EXPECT_EQ(j["credentialId"], "cred_a");
  EXPECT_EQ(j["lastSeq"], 42);      // openclaw-adapter.md
  EXPECT_EQ(j["lastSeenSeq"], 42);  // openclaw.md
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(checkpoints.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST(BridgeCheckpointTest, EitherSpecsFieldNameIsRead) {
  TempDir dir;
  WriteAll(dir.path() + "/cred_a.json", R"({"credentialId":"cred_a","lastSeenSeq":7})");
  auto seen = ReadCheckpoint(dir.path(), "cred_a");
  ASSERT_TRUE(seen.ok()) << seen.error().ToString();
  EXPECT_EQ((*seen)->last_seq, 7u);
  WriteAll(dir.path() + "/cred_a.json", R"({"credentialId":"cred_a","lastSeq":0,"updatedAt":"x"})");
  auto zero = ReadCheckpoint(dir.path(), "cred_a");
  ASSERT_TRUE(zero.ok()) << zero.error().ToString();
  EXPECT_EQ((*zero)->last_seq, 0u);
}

TEST(BridgeCheckpointTest, ABadCheckpointIsAnErrorNamingTheFileNeverAReset) {
  TempDir dir;
  const std::string path = dir.path() + "/cred_a.json";
  for (const std::string& bad : std::vector<std::string>{
           "", "not json", "[]", R"({"lastSeq":1})", R"({"credentialId":"cred_b","lastSeq":1})",
           R"({"credentialId":"cred_a"})", R"({"credentialId":"cred_a","lastSeq":-1})",
           R"({"credentialId":"cred_a","lastSeq":"3"})",
           R"({"credentialId":"cred_a","lastSeq":1.5})",
           R"({"credentialId":"cred_a","lastSeq":3,"lastSeenSeq":4})",
           R"({"credentialId":"cred_a","lastSeq":1,"pad":")" +
               std::string(kMaxCheckpointBytes, 'x') + "\"}"}) {
    WriteAll(path, bad);
    auto read = ReadCheckpoint(dir.path(), "cred_a");
    ASSERT_FALSE(read.ok()) << bad;
    EXPECT_TRUE(read.error().IsValidation()) << bad;
    EXPECT_NE(read.error().message().find(path), std::string::npos) << read.error().message();
  }
}

TEST(BridgeCheckpointTest, CredentialIdsThatAreNotFileNamesAreRefused) {
  for (const char* bad : {"", "../cred_a", "cred/a", "cred a", "cred_a.json", "cr\xc3\xa9"}) {
    Status s = ValidateCredentialId(bad, "--credential");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_TRUE(s.error().IsValidation());
  }
  EXPECT_FALSE(ValidateCredentialId(std::string(kMaxCredentialIdBytes + 1, 'a'), "x").ok());
  EXPECT_TRUE(ValidateCredentialId("cred_1a2b3c4d5e6f7a8b", "x").ok());
}

// ---------------------------------------------------------------- envelope, backoff

TEST(BridgeEnvelopeTest, CarriesTheSpecFieldsAndTheDedupeKey) {
  Json event = {{"type", "message.visible"}, {"sentAt", "2026-12-01T10:00:00.000Z"}};
  Json e = MakeEnvelope({.credential_id = "cred_a",
                         .operator_id = "op_1",
                         .seq = 9,
                         .received_at = "2026-12-01T10:00:01.000Z",
                         .checkpoint_path = "/d/cred_a.json"},
                        event);
  EXPECT_EQ(e["adapter"], "openclaw");
  EXPECT_EQ(e["deliveryMode"], "local");
  EXPECT_EQ(e["credentialId"], "cred_a");
  EXPECT_EQ(e["operatorId"], "op_1");
  EXPECT_EQ(e["seq"], 9);
  EXPECT_EQ(e["dedupeKey"], "cred_a:9");
  EXPECT_EQ(e["receivedAt"], "2026-12-01T10:00:01.000Z");
  EXPECT_EQ(e["occurredAt"], "2026-12-01T10:00:00.000Z");
  EXPECT_EQ(e["checkpointPath"], "/d/cred_a.json");
  EXPECT_EQ(e["event"], event);
  EXPECT_EQ(e.size(), 10u);
}

TEST(BridgeEnvelopeTest, OccurredAtComesFromTheEventWhenItSays) {
  EXPECT_EQ(OccurredAt({{"type", "heartbeat"}, {"timestamp", "t1"}}), "t1");
  EXPECT_EQ(OccurredAt({{"type", "signet.recovery.complete"}, {"caughtUpThrough", "t2"}}), "t2");
  EXPECT_EQ(OccurredAt({{"type", "agent.revoked"}, {"revocation", {{"revokedAt", "t3"}}}}), "t3");
  EXPECT_EQ(OccurredAt({{"type", "seal.stamped"},
                        {"seal", {{"chain", {{"current", {{"issuedAt", "t4"}}}}}}}}),
            "t4");
  EXPECT_TRUE(OccurredAt({{"type", "scopes.updated"}}).is_null());
  EXPECT_TRUE(OccurredAt({{"type", "x"}, {"revocation", "not an object"}}).is_null());
  EXPECT_TRUE(OccurredAt({{"type", "x"}, {"sentAt", 5}}).is_null());
}

TEST(BridgeBackoffTest, DoublesFromTheBaseUpToTheCapWithJitterInTheUpperHalf) {
  ReconnectPolicy p{.enabled = true,
                    .max_attempts = 0,
                    .base_delay_ms = 500,
                    .max_delay_ms = 4000,
                    .jitter = false};
  EXPECT_EQ(BackoffDelayMs(p, 1, 0.3), 500);
  EXPECT_EQ(BackoffDelayMs(p, 2, 0.3), 1000);
  EXPECT_EQ(BackoffDelayMs(p, 3, 0.3), 2000);
  EXPECT_EQ(BackoffDelayMs(p, 4, 0.3), 4000);
  EXPECT_EQ(BackoffDelayMs(p, 5, 0.3), 4000);
  EXPECT_EQ(BackoffDelayMs(p, 1000, 0.3), 4000);  // no overflow
  p.jitter = true;
  EXPECT_EQ(BackoffDelayMs(p, 3, 0.0), 1000);
  EXPECT_EQ(BackoffDelayMs(p, 3, 0.5), 1500);
  EXPECT_LE(BackoffDelayMs(p, 3, 0.999999), 2000);
  EXPECT_GE(BackoffDelayMs(p, 3, 0.999999), 1999);
  EXPECT_EQ(BackoffDelayMs(p, 100, 0.0), 2000);
}

// ---------------------------------------------------------------- RunBridge

class BridgeRunTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(1000); }

  void StartServer(std::size_t replay) {
    server_.reset();
    surface_ = std::make_unique<FakeAgentSurface>(replay);
    surface_->AddCredential("tok-a", "cred_a");
    surface_->AddCredential("tok-b", "cred_b");
    transport::ws::WsServerOptions options;
    options.port = 0;
    server_ = std::make_unique<transport::ws::WsServer>(*surface_, options);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().ToString();
    port_ = *port;
  }

  BridgeConfig Config(std::optional<std::uint64_t> max_events) const {
    BridgeConfig c;
    c.credential_id = "cred_a";
    c.token = "tok-a";
    c.ws_url = "ws://127.0.0.1:" + std::to_string(port_) + "/v1/agent";
    c.checkpoints_dir = dir_.path() + "/checkpoints";
    c.reconnect.base_delay_ms = 1;
    c.reconnect.max_delay_ms = 20;
    c.max_events = max_events;
    return c;
  }

  BridgeIo Io() {
    BridgeIo io;
    io.emit = [this](const std::string& line) -> Status {
      std::lock_guard lock(mu_);
      if (fail_emit_) return Error::Internal("stdout closed");
      lines_.push_back(line);
      return OkStatus();
    };
    io.log = [this](const std::string& message) {
      std::lock_guard lock(mu_);
      logs_.push_back(message);
    };
    io.stop = &stop_;
    return io;
  }

  void Emit(int n) {
    for (int i = 0; i < n; ++i) {
      surface_->Emit("cred_a", {{"type", "message.visible"}, {"n", ++emitted_}});
    }
  }

  std::vector<Json> Envelopes() {
    std::lock_guard lock(mu_);
    std::vector<Json> out;
    for (const auto& line : lines_) out.push_back(Json::parse(line));
    return out;
  }
  std::size_t LineCount() {
    std::lock_guard lock(mu_);
    return lines_.size();
  }
  std::vector<std::uint64_t> Seqs() {
    std::vector<std::uint64_t> out;
    for (const auto& e : Envelopes()) out.push_back(e["seq"].get<std::uint64_t>());
    return out;
  }
  // The bridge's connection is attached (the fake replays nothing on a fresh
  // attach: what is emitted before that only reaches a resume).
  bool Attached(std::size_t sinks = 1) {
    return Eventually([&] { return surface_->sink_count("cred_a") == sinks; });
  }
  // A checkpoint at 0: the next run resumes and gets every buffered event.
  void ResumeFromZero() {
    ASSERT_TRUE(WriteCheckpoint(dir_.path() + "/checkpoints", {"cred_a", 0, "t"}).ok());
  }
  std::optional<std::uint64_t> Checkpointed() {
    auto c = ReadCheckpoint(dir_.path() + "/checkpoints", "cred_a");
    if (!c.ok() || !c->has_value()) return std::nullopt;
    return (*c)->last_seq;
  }

  TempDir dir_;
  std::unique_ptr<FakeAgentSurface> surface_;
  std::unique_ptr<transport::ws::WsServer> server_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::string> lines_;
  std::vector<std::string> logs_;
  bool fail_emit_ = false;
  int emitted_ = 0;
};

std::vector<std::uint64_t> Range(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = from; s <= to; ++s) out.push_back(s);
  return out;
}

TEST_F(BridgeRunTest, EventsBecomeEnvelopesAndTheCheckpointFollows) {
  std::optional<Result<BridgeSummary>> result;
  std::thread bridge([&] { result = RunBridge(Config(3), Io()); });  // a fresh start
  ASSERT_TRUE(Attached());
  Emit(3);
  bridge.join();
  ASSERT_TRUE(result->ok()) << result->error().ToString();
  const BridgeSummary* done = &**result;
  EXPECT_EQ(done->emitted, 3u);
  EXPECT_FALSE(done->stopped);
  std::vector<Json> envelopes = Envelopes();
  ASSERT_EQ(envelopes.size(), 3u);
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    const Json& e = envelopes[i];
    EXPECT_EQ(e["seq"], i + 1);
    EXPECT_EQ(e["dedupeKey"], "cred_a:" + std::to_string(i + 1));
    EXPECT_EQ(e["operatorId"], "op_cred_a");
    EXPECT_EQ(e["deliveryMode"], "local");
    EXPECT_EQ(e["checkpointPath"], dir_.path() + "/checkpoints/cred_a.json");
    EXPECT_EQ(e["event"]["n"], i + 1);
    EXPECT_TRUE(e["receivedAt"].is_string());
  }
  EXPECT_EQ(Checkpointed(), 3u);
}

TEST_F(BridgeRunTest, ARestartResumesWithNoDuplicatesAndNoGaps) {
  std::optional<Result<BridgeSummary>> first;
  std::thread bridge([&] { first = RunBridge(Config(2), Io()); });
  ASSERT_TRUE(Attached());
  Emit(4);  // the bridge stops after 2: 3 and 4 wait in the replay buffer
  bridge.join();
  ASSERT_TRUE(first->ok()) << first->error().ToString();
  EXPECT_EQ(Checkpointed(), 2u);
  Emit(3);  // 5..7 while the bridge is down
  auto second = RunBridge(Config(5), Io());
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(Seqs(), Range(1, 7));
  EXPECT_EQ(Checkpointed(), 7u);
  EXPECT_EQ(second->duplicates, 0u);
}

TEST_F(BridgeRunTest, FramesAtOrBelowTheCheckpointAreSkipped) {
  Emit(2);
  ASSERT_TRUE(WriteCheckpoint(dir_.path() + "/checkpoints", {"cred_a", 2, "t"}).ok());
  std::optional<Result<BridgeSummary>> result;
  std::thread bridge([&] { result = RunBridge(Config(1), Io()); });
  ASSERT_TRUE(Eventually([&] { return surface_->sink_count("cred_a") == 1; }));
  // A frame the bridge already handed over (as after a reconnect race).
  surface_->DeliverRaw(
      "cred_a",
      std::make_shared<const std::string>(R"({"seq":2,"event":{"type":"message.visible","n":2}})"),
      2);
  Emit(1);  // seq 3
  bridge.join();
  ASSERT_TRUE(result->ok()) << result->error().ToString();
  EXPECT_EQ((*result)->duplicates, 2u);
  EXPECT_EQ(Seqs(), std::vector<std::uint64_t>{3});
  EXPECT_EQ(Checkpointed(), 3u);
}

TEST_F(BridgeRunTest, ADroppedConnectionReconnectsAndResumes) {
  std::optional<Result<BridgeSummary>> result;
  std::thread bridge([&] { result = RunBridge(Config(6), Io()); });
  ASSERT_TRUE(Attached());
  Emit(3);
  ASSERT_TRUE(Eventually([&] { return LineCount() == 3; }));
  surface_->CloseSinks("cred_a", signet::agent::kCloseDeadConnection, "dead connection");
  Emit(2);  // buffered while the bridge reconnects
  ASSERT_TRUE(Eventually([&] { return LineCount() == 5; }));
  surface_->CloseSinks("cred_a", signet::agent::kCloseGoingAway, "signet shutdown");
  Emit(1);
  bridge.join();
  ASSERT_TRUE(result->ok()) << result->error().ToString();
  EXPECT_EQ((*result)->connections, 3);
  EXPECT_EQ(Seqs(), Range(1, 6));
  EXPECT_EQ(Checkpointed(), 6u);
}

TEST_F(BridgeRunTest, RevokedExpiredAndReauthorizationStopWithoutReconnecting) {
  for (int code : {signet::agent::kCloseCredentialRevoked, signet::agent::kCloseCredentialExpired,
                   signet::agent::kClosePolicyChange}) {
    std::optional<Result<BridgeSummary>> result;
    std::thread bridge([&] { result = RunBridge(Config(std::nullopt), Io()); });
    ASSERT_TRUE(Eventually([&] { return surface_->sink_count("cred_a") == 1; }));
    surface_->CloseSinks("cred_a", code, "credential not active");
    bridge.join();  // the credential is still active in the fake: a reconnect would never end
    ASSERT_FALSE(result->ok()) << code;
    EXPECT_TRUE(result->error().IsAuth()) << result->error().ToString();
    EXPECT_NE(result->error().message().find("close " + std::to_string(code)), std::string::npos)
        << result->error().message();
    EXPECT_NE(result->error().message().find("cred_a"), std::string::npos);
    ASSERT_TRUE(Eventually([&] { return surface_->sink_count("cred_a") == 0; }));
  }
}

TEST_F(BridgeRunTest, ARefusedTokenStopsAndTheTokenIsNeverInTheError) {
  BridgeConfig config = Config(std::nullopt);
  config.token = "tok-unknown-secret";
  auto result = RunBridge(config, Io());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().IsAuth());
  EXPECT_NE(result.error().message().find("4001"), std::string::npos) << result.error().message();
  EXPECT_EQ(result.error().ToString().find("tok-unknown-secret"), std::string::npos);
  for (const auto& line : logs_) EXPECT_EQ(line.find("tok-unknown-secret"), std::string::npos);
}

TEST_F(BridgeRunTest, ATokenOfAnotherCredentialAborts) {
  Emit(2);
  BridgeConfig config = Config(std::nullopt);
  config.token = "tok-b";  // authenticates cred_b
  auto result = RunBridge(config, Io());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().IsAuth());
  EXPECT_NE(result.error().message().find("cred_b"), std::string::npos);
  EXPECT_NE(result.error().message().find("cred_a"), std::string::npos);
  EXPECT_EQ(LineCount(), 0u);
  EXPECT_FALSE(Checkpointed().has_value());
}

TEST_F(BridgeRunTest, AResumeTheReplayBufferCannotSatisfyFailsLoudly) {
  StartServer(2);
  ResumeFromZero();
  Emit(1);
  ASSERT_TRUE(RunBridge(Config(1), Io()).ok());
  const std::string path = dir_.path() + "/checkpoints/cred_a.json";
  const std::string before = ReadAll(path);
  Emit(4);  // seqs 2..5; the buffer keeps 4 and 5: 2 and 3 are lost
  auto result = RunBridge(Config(std::nullopt), Io());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().IsNotFound()) << result.error().ToString();
  EXPECT_EQ(result.error().kind(), kRecoveryRequiredKind);
  EXPECT_EQ(result.error().message().rfind("recovery required", 0), 0u) << result.error().message();
  Json context = Json::parse(result.error().context_json());
  EXPECT_EQ(context["reason"], "recovery_required");
  EXPECT_EQ(context["lastSeq"], 1);
  EXPECT_EQ(context["eventType"], "signet.recovery.complete");
  EXPECT_EQ(context["checkpointPath"], path);
  EXPECT_EQ(ReadAll(path), before);  // untouched
  EXPECT_EQ(LineCount(), 1u);        // only the first run's envelope
}

TEST_F(BridgeRunTest, AGapOrASequenceResetInTheLiveStreamFailsLoudly) {
  for (const std::string frame :
       {R"({"seq":9,"event":{"type":"message.visible"}})",
        R"({"seq":1,"event":{"type":"signet.recovery.complete","caughtUpThrough":"t"}})"}) {
    ASSERT_TRUE(WriteCheckpoint(dir_.path() + "/checkpoints", {"cred_a", 5, "t"}).ok());
    std::optional<Result<BridgeSummary>> result;
    std::thread bridge([&] { result = RunBridge(Config(std::nullopt), Io()); });
    ASSERT_TRUE(Eventually([&] { return surface_->sink_count("cred_a") == 1; }));
    surface_->DeliverRaw("cred_a", std::make_shared<const std::string>(frame), 1);
    bridge.join();
    ASSERT_FALSE(result->ok()) << frame;
    EXPECT_EQ(result->error().kind(), kRecoveryRequiredKind) << result->error().ToString();
    EXPECT_EQ(Checkpointed(), 5u);
    ASSERT_TRUE(Eventually([&] { return surface_->sink_count("cred_a") == 0; }));
  }
}

TEST_F(BridgeRunTest, ARecoveryOnAFreshStartIsJustAnEvent) {
  std::optional<Result<BridgeSummary>> result;
  std::thread bridge([&] { result = RunBridge(Config(1), Io()); });
  ASSERT_TRUE(Attached());
  // What the signet sends a fresh attach whose buffer already dropped events.
  surface_->DeliverRaw(
      "cred_a",
      std::make_shared<const std::string>(
          R"({"seq":7,"event":{"type":"signet.recovery.complete","caughtUpThrough":"t"}})"),
      1);
  bridge.join();
  ASSERT_TRUE(result->ok()) << result->error().ToString();
  EXPECT_EQ(Checkpointed(), 7u);
  ASSERT_EQ(LineCount(), 1u);
  EXPECT_EQ(Envelopes()[0]["event"]["type"], "signet.recovery.complete");
  EXPECT_EQ(Envelopes()[0]["occurredAt"], "t");
}

TEST_F(BridgeRunTest, NoSignetMeansANetworkErrorAfterTheAttempts) {
  BridgeConfig config = Config(std::nullopt);
  server_.reset();
  config.reconnect.max_attempts = 2;
  auto result = RunBridge(config, Io());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().IsNetwork());
  EXPECT_NE(result.error().message().find("after 3 failed attempts"), std::string::npos)
      << result.error().message();
  EXPECT_EQ(logs_.size(), 2u);  // "reconnecting in …" twice

  config.reconnect.enabled = false;
  auto once = RunBridge(config, Io());
  ASSERT_FALSE(once.ok());
  EXPECT_NE(once.error().message().find("reconnecting is off"), std::string::npos);
}

TEST_F(BridgeRunTest, StopEndsCleanlyWhetherConnectedOrWaiting) {
  std::optional<Result<BridgeSummary>> result;
  std::thread bridge([&] { result = RunBridge(Config(std::nullopt), Io()); });
  ASSERT_TRUE(Attached());
  Emit(1);
  ASSERT_TRUE(Eventually([&] { return LineCount() == 1; }));
  stop_ = true;
  bridge.join();
  ASSERT_TRUE(result->ok()) << result->error().ToString();
  EXPECT_TRUE((*result)->stopped);
  EXPECT_EQ(Checkpointed(), 1u);

  // Waiting to reconnect to a signet that is gone.
  stop_ = false;
  server_.reset();
  BridgeConfig config = Config(std::nullopt);
  config.reconnect.base_delay_ms = 60000;
  config.reconnect.max_delay_ms = 60000;
  std::thread waiting([&] { result = RunBridge(config, Io()); });
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard lock(mu_);
    return !logs_.empty() && logs_.back().find("reconnecting in") != std::string::npos;
  }));
  stop_ = true;
  waiting.join();
  ASSERT_TRUE(result->ok()) << result->error().ToString();
  EXPECT_TRUE((*result)->stopped);
}

TEST_F(BridgeRunTest, AnEnvelopeTheHarnessDidNotTakeLeavesTheCheckpoint) {
  ResumeFromZero();
  Emit(2);
  ASSERT_TRUE(RunBridge(Config(1), Io()).ok());
  fail_emit_ = true;
  auto result = RunBridge(Config(std::nullopt), Io());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("stdout closed"), std::string::npos);
  EXPECT_EQ(Checkpointed(), 1u);
}

TEST_F(BridgeRunTest, HeartbeatRequestsKeepTheConnectionAlive) {
  std::atomic<int> heartbeats{0};
  surface_->SetHandler([&](const std::string& credential, const Json& request) -> Result<Json> {
    if (request.value("type", "") == "heartbeat" &&
        request.value("credentialId", "") == credential) {
      ++heartbeats;
    }
    return Json(nullptr);
  });
  BridgeConfig config = Config(std::nullopt);
  config.heartbeat_interval_ms = 60000;  // only the answer to the server's heartbeat
  std::optional<Result<BridgeSummary>> result;
  std::thread bridge([&] { result = RunBridge(config, Io()); });
  ASSERT_TRUE(Attached());
  surface_->Emit("cred_a", {{"type", "heartbeat"}, {"credentialId", "cred_a"}});
  ASSERT_TRUE(Eventually([&] { return heartbeats.load() == 1; }));
  stop_ = true;
  bridge.join();

  stop_ = false;
  config.heartbeat_interval_ms = 1;  // the timer
  std::thread timed([&] { result = RunBridge(config, Io()); });
  ASSERT_TRUE(Eventually([&] { return heartbeats.load() >= 4; }));
  stop_ = true;
  timed.join();
  ASSERT_TRUE(result->ok()) << result->error().ToString();
}

}  // namespace
}  // namespace xs::adapters::openclaw
