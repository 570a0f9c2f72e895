// `xs agent bridge openclaw` against a real daemon's WebSocket (the real
// `xs` binary for everything; events are the credential's own: issuing it
// is seq 1 `credential.issued` (then its first `seal.stamped`), each
// material `xs cred update` a `scopes.updated` (and a new `seal.stamped`),
// so the tests count on at least one event per update, never on exactly):
//   - events become NDJSON envelopes and the checkpoint (0600) follows;
//   - a second run resumes with no duplicates and no gaps;
//   - when the replay buffer (ws.replayBufferSize) lost events the bridge
//     fails loudly (exit 2, "recovery required"), the checkpoint untouched;
//   - revoking the credential stops a running bridge (exit 9, no reconnect);
//   - SIGTERM ends it with exit 0; a missing token, another credential's
//     token and an unknown harness are refused.
// Every output and file is scanned for the tokens (CliTest::TearDown).
#include <signal.h>
#include <sys/stat.h>

#include <functional>
#include <thread>

#include "cli_fixture.h"

namespace xs::cli::testing {
namespace {

constexpr const char* kTokenEnv = "XMTP_SIGNET_CREDENTIAL_TOKEN";
constexpr int kRecoveryRequired = kNotFound;  // exit 2

class OpenClawBridgeTest : public CliTest {
 protected:
  struct Cred {
    std::string id;
    std::string token;
    std::string operator_id;
  };

  // An operator, a chat and a credential on it.
  Cred NewCred(const std::string& label = "bot") {
    CreateOperator(label);
    if (chat_.empty()) chat_ = NewChat();
    Json issued = Issue({"--op", label, "--chat", chat_, "--allow", "send,read-messages"});
    const Json& c = issued["credential"];
    return {c.value("id", ""), issued.value("token", ""), c.value("operatorId", "")};
  }

  // `n` material updates of the credential: at least one event each.
  void Updates(const Cred& c, int n) {
    for (int i = 0; i < n; ++i) {
      confirm_on_ = !confirm_on_;
      Ok({"cred", "update", c.id, "--confirm", confirm_on_ ? "react" : ""});
    }
  }

  RunResult Bridge(const Cred& c, const std::vector<std::string>& extra,
                   const std::string& token = "") {
    std::vector<std::string> args = {"agent", "bridge", "openclaw", "--credential", c.id};
    args.insert(args.end(), extra.begin(), extra.end());
    return Xs(args, {{kTokenEnv, token.empty() ? c.token : token}});
  }

  fs::path CheckpointOf(const Cred& c) const {
    return env_->data_dir() / "adapters" / "openclaw" / "checkpoints" / (c.id + ".json");
  }
  std::optional<std::uint64_t> Checkpointed(const fs::path& path) const {
    Json j = Json::parse(ReadFile(path), nullptr, false);
    if (!j.is_object() || !j.contains("lastSeq")) return std::nullopt;
    return j["lastSeq"].get<std::uint64_t>();
  }

  static std::vector<Json> Envelopes(const std::string& out) {
    std::vector<Json> lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      Json j = Json::parse(line, nullptr, false);
      EXPECT_TRUE(j.is_object()) << "not one JSON object per line: " << line;
      lines.push_back(std::move(j));
    }
    return lines;
  }
  static std::vector<std::uint64_t> Seqs(const std::vector<Json>& envelopes) {
    std::vector<std::uint64_t> seqs;
    for (const auto& e : envelopes) seqs.push_back(e.value("seq", std::uint64_t{0}));
    return seqs;
  }

  std::string chat_;
  bool confirm_on_ = false;
};

// Joins a thread at scope exit, so a failed assertion never leaves it joinable.
class Joined {
 public:
  explicit Joined(std::function<void()> run) : thread_(std::move(run)) {}
  ~Joined() { Join(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

// The pid of the running `xs agent bridge` whose command line holds `needle`.
int FindBridge(const std::string& needle) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadFile(entry.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (Contains(cmdline, "agent bridge openclaw") && Contains(cmdline, needle)) {
      return std::stoi(name);
    }
  }
  return 0;
}

TEST_F(OpenClawBridgeTest, DeliversResumesWithoutDuplicatesOrGapsAndFailsLoudlyOnAGap) {
  ASSERT_NO_FATAL_FAILURE(Start({}, {{"XMTP_SIGNET_WS_REPLAY_BUFFER_SIZE", "16"}}));
  const Cred cred = NewCred();
  Updates(cred, 2);  // with credential.issued: at least 3 events

  // The url comes from the daemon's status, the checkpoints dir from the data dir.
  RunResult first = Bridge(cred, {"--max-events", "3"});
  ASSERT_EQ(first.code, 0) << first.Describe();
  std::vector<Json> envelopes = Envelopes(first.out);
  ASSERT_EQ(Seqs(envelopes), (std::vector<std::uint64_t>{1, 2, 3})) << first.out;
  const fs::path checkpoint = CheckpointOf(cred);
  EXPECT_EQ(envelopes[0]["event"]["type"], "credential.issued");
  EXPECT_EQ(envelopes[0]["event"]["credentialId"], cred.id);
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    const Json& e = envelopes[i];
    EXPECT_EQ(e["adapter"], "openclaw");
    EXPECT_EQ(e["deliveryMode"], "local");
    EXPECT_EQ(e["credentialId"], cred.id);
    EXPECT_EQ(e["operatorId"], cred.operator_id);
    EXPECT_EQ(e["dedupeKey"], cred.id + ":" + std::to_string(i + 1));
    EXPECT_EQ(e["checkpointPath"], checkpoint.string());
    EXPECT_TRUE(e["receivedAt"].is_string());
    EXPECT_TRUE(e.contains("occurredAt"));
    const std::string type = e["event"].value("type", "");
    EXPECT_TRUE(type == "credential.issued" || type == "seal.stamped" || type == "scopes.updated")
        << e.dump();
    if (type == "seal.stamped") {  // occurredAt is the seal's issuedAt
      EXPECT_EQ(e["occurredAt"], e["event"]["seal"]["chain"]["current"]["issuedAt"]);
    }
  }
  EXPECT_EQ(Checkpointed(checkpoint), 3u);
  struct stat st {};
  ASSERT_EQ(::stat(checkpoint.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Json saved = Json::parse(ReadFile(checkpoint));
  EXPECT_EQ(saved["credentialId"], cred.id);
  EXPECT_EQ(saved["lastSeenSeq"], 3);
  EXPECT_TRUE(Contains(first.err, "fresh start")) << first.err;

  // More while the bridge is down; the next run starts right after 3.
  Updates(cred, 3);
  RunResult second = Bridge(cred, {"--max-events", "3"});
  ASSERT_EQ(second.code, 0) << second.Describe();
  EXPECT_EQ(Seqs(Envelopes(second.out)), (std::vector<std::uint64_t>{4, 5, 6})) << second.out;
  EXPECT_EQ(Checkpointed(checkpoint), 6u);
  EXPECT_TRUE(Contains(second.err, "resuming after seq 3")) << second.err;

  // At least 20 more: the buffer of 16 no longer holds seq 7.
  Updates(cred, 20);
  const std::string before = ReadFile(checkpoint);
  RunResult gap = Bridge(cred, {"--no-reconnect"});
  EXPECT_EQ(gap.code, kRecoveryRequired) << gap.Describe();
  EXPECT_TRUE(gap.out.empty()) << gap.out;
  EXPECT_TRUE(Contains(gap.err, "recovery required")) << gap.err;
  EXPECT_TRUE(Contains(gap.err, "signet.recovery.complete")) << gap.err;
  EXPECT_EQ(ReadFile(checkpoint), before);

  // --json: the error envelope says what kind of failure it was.
  RunResult gap_json = Bridge(cred, {"--no-reconnect", "--json"});
  EXPECT_EQ(gap_json.code, kRecoveryRequired) << gap_json.Describe();
  EXPECT_TRUE(Contains(gap_json.err, "recovery_required")) << gap_json.err;
  EXPECT_EQ(ReadFile(checkpoint), before);
}

TEST_F(OpenClawBridgeTest, RevokingTheCredentialStopsARunningBridge) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const Cred cred = NewCred();
  RunResult running;
  Joined bridge([&] { running = Bridge(cred, {}); });
  // Connected once credential.issued went through.
  const bool connected =
      WaitUntil([&] { return Checkpointed(CheckpointOf(cred)) >= 1u; }, std::chrono::seconds(30));
  Ok({"cred", "revoke", cred.id, "--force"});
  bridge.Join();  // a bridge that reconnected would run until Spawn's timeout kills it
  EXPECT_TRUE(connected) << running.Describe();
  EXPECT_EQ(running.code, kAuth) << running.Describe();
  EXPECT_TRUE(Contains(running.err, "revoked")) << running.err;
  EXPECT_TRUE(Contains(running.err, "4004")) << running.err;
  EXPECT_FALSE(Contains(running.err, "reconnecting")) << running.err;
}

TEST_F(OpenClawBridgeTest, SigtermEndsCleanlyWithExplicitUrlAndCheckpoints) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const Cred cred = NewCred();
  const int port = Ok({"status"}).value("wsPort", 0);
  ASSERT_GT(port, 0);
  const fs::path dir = env_->root() / "bridge-checkpoints";
  RunResult running;
  Joined bridge([&] {
    running = Bridge(cred, {"--ws-url", "ws://127.0.0.1:" + std::to_string(port) + "/v1/agent",
                            "--checkpoints", dir.string()});
  });
  const fs::path checkpoint = dir / (cred.id + ".json");
  std::uint64_t seen = 0;
  EXPECT_TRUE(WaitUntil(
      [&] {
        seen = Checkpointed(checkpoint).value_or(0);
        return seen >= 1;
      },
      std::chrono::seconds(30)));
  Updates(cred, 1);  // live, on the open connection
  EXPECT_TRUE(WaitUntil([&] { return Checkpointed(checkpoint).value_or(0) > seen; },
                        std::chrono::seconds(30)));
  const int pid = FindBridge(dir.string());
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  bridge.Join();
  EXPECT_EQ(running.code, 0) << running.Describe();
  const std::vector<std::uint64_t> seqs = Seqs(Envelopes(running.out));
  EXPECT_EQ(seqs, [&] {
    std::vector<std::uint64_t> expected;
    for (std::uint64_t s = 1; s <= Checkpointed(checkpoint).value_or(0); ++s) expected.push_back(s);
    return expected;
  }());
  EXPECT_GT(seqs.size(), static_cast<std::size_t>(seen));
  EXPECT_TRUE(Contains(running.err, "stopped")) << running.err;
  EXPECT_FALSE(fs::exists(CheckpointOf(cred)));  // the default dir was not used
}

TEST_F(OpenClawBridgeTest, RefusesAMissingTokenAnotherCredentialsTokenAndOtherHarnesses) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const Cred a = NewCred("alpha");
  const Cred b = NewCred("beta");

  RunResult no_token = Xs({"agent", "bridge", "openclaw", "--credential", a.id});
  EXPECT_EQ(no_token.code, kAuth) << no_token.Describe();
  EXPECT_TRUE(Contains(no_token.err, kTokenEnv)) << no_token.err;

  RunResult wrong = Bridge(b, {"--no-reconnect"}, a.token);
  EXPECT_EQ(wrong.code, kAuth) << wrong.Describe();
  EXPECT_TRUE(wrong.out.empty()) << wrong.out;
  EXPECT_TRUE(Contains(wrong.err, a.id) && Contains(wrong.err, b.id)) << wrong.err;
  EXPECT_FALSE(fs::exists(CheckpointOf(b)));

  RunResult bad_token = Bridge(a, {"--no-reconnect"}, "xs_not_a_token");
  EXPECT_EQ(bad_token.code, kAuth) << bad_token.Describe();
  EXPECT_TRUE(Contains(bad_token.err, "4001")) << bad_token.err;

  RunResult harness = Xs({"agent", "bridge", "claude", "--credential", a.id}, {{kTokenEnv, "x"}});
  EXPECT_EQ(harness.code, kValidation) << harness.Describe();
  RunResult path =
      Xs({"agent", "bridge", "openclaw", "--credential", "../etc/passwd"}, {{kTokenEnv, "x"}});
  EXPECT_EQ(path.code, kValidation) << path.Describe();

  RunResult help = Xs({"agent", "--help"});
  ASSERT_EQ(help.code, 0) << help.Describe();
  EXPECT_TRUE(Contains(help.out, "bridge")) << help.out;
}

}  // namespace
}  // namespace xs::cli::testing
