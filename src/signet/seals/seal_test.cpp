// Seals: the delta of seals.md §2, signatures over the canonical bytes of
// §3, the structural chain checks of §7, the schema, the binding of §4 and
// the reason mapping of decisions.md #2.
#include "signet/seals/seal.h"

#include <gtest/gtest.h>

#include "codec/base64.h"
#include "signet/seals/canonical_json.h"

namespace xs::signet::seals {
namespace {

ScopePair Pair(std::vector<std::string> allow, std::vector<std::string> deny) {
  return ScopePair{std::move(allow), std::move(deny)};
}

SealPayload Payload(std::string id = "seal_0123456789abcdef") {
  SealPayload p;
  p.seal_id = std::move(id);
  p.credential_id = "cred_0123456789abcdef";
  p.operator_id = "op_0123456789abcdef";
  p.chat_id = "conv_0123456789abcdef";
  p.scope_mode = "per-chat";
  p.permissions = Pair({"send", "reply"}, {"react"});
  p.issued_at = "2026-12-01T10:00:00.000Z";
  p.trust_tier = "unverified";
  return p;
}

TEST(SealDeltaTest, EachStepOfTheAlgorithm) {
  // 1: newly allowed, denied before -> changed deny->allow; otherwise added.
  SealDelta d = ComputeDelta(Pair({}, {"send"}), Pair({"send", "reply"}, {}));
  EXPECT_EQ(d.added, std::vector<std::string>{"reply"});
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0], (DeltaChange{"send", "deny", "allow"}));
  // 2: no longer allowed, denied now -> changed allow->deny; otherwise removed.
  d = ComputeDelta(Pair({"send", "reply"}, {}), Pair({}, {"send"}));
  EXPECT_EQ(d.removed, std::vector<std::string>{"reply"});
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0], (DeltaChange{"send", "allow", "deny"}));
  // 3 and 4: allowed on both sides, deny toggled.
  d = ComputeDelta(Pair({"send"}, {}), Pair({"send"}, {"send"}));
  EXPECT_TRUE(d.added.empty() && d.removed.empty());
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0], (DeltaChange{"send", "allow", "deny"}));
  d = ComputeDelta(Pair({"send"}, {"send"}), Pair({"send"}, {}));
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0], (DeltaChange{"send", "deny", "allow"}));
  // 5: newly denied, never allowed -> removed. 6: no longer denied, not allowed -> added.
  d = ComputeDelta(Pair({}, {}), Pair({}, {"react"}));
  EXPECT_EQ(d.removed, std::vector<std::string>{"react"});
  d = ComputeDelta(Pair({}, {"react"}), Pair({}, {}));
  EXPECT_EQ(d.added, std::vector<std::string>{"react"});
  // Unchanged pairs (in any order, with duplicates) have an empty delta.
  EXPECT_TRUE(
      ComputeDelta(Pair({"send", "reply", "send"}, {"react"}), Pair({"reply", "send"}, {"react"}))
          .empty());
}

TEST(SealDeltaTest, ComparisonIgnoresOrder) {
  SealDelta a{{"send", "reply"}, {"react"}, {{"a", "allow", "deny"}, {"b", "deny", "allow"}}};
  SealDelta b{{"reply", "send"}, {"react"}, {{"b", "deny", "allow"}, {"a", "allow", "deny"}}};
  EXPECT_TRUE(SameDelta(a, b));
  b.removed.clear();
  EXPECT_FALSE(SameDelta(a, b));
}

TEST(SealSignatureTest, SignsCanonicalBytesOfCurrentAndVerifies) {
  Ed25519Key key = Ed25519Key::Generate();
  SealChain chain{Payload(), std::nullopt, {}};
  auto env = SignSeal(chain, key);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->key_id, key.fingerprint());
  EXPECT_EQ(env->public_key, codec::Base64Encode(key.public_key()));
  EXPECT_TRUE(VerifySealSignature(*env).ok());
  // The signature is over canonical(chain.current), nothing else.
  auto bytes = CanonicalJson(chain.current.ToJson());
  ASSERT_TRUE(bytes.ok());
  auto sig = codec::Base64Decode(env->signature);
  ASSERT_TRUE(sig.ok() && sig->size() == 64);
  Signature64 raw{};
  std::copy(sig->begin(), sig->end(), raw.begin());
  EXPECT_TRUE(Ed25519Key::Verify(
      key.public_key(), {reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()},
      raw));
}

TEST(SealSignatureTest, TamperingIsCaught) {
  Ed25519Key key = Ed25519Key::Generate();
  auto env = SignSeal(SealChain{Payload(), std::nullopt, {}}, key);
  ASSERT_TRUE(env.ok());
  SealEnvelope widened = *env;
  widened.chain.current.permissions.allow.emplace_back("react");
  EXPECT_FALSE(VerifySealSignature(widened).ok());
  SealEnvelope other_key = *env;
  other_key.public_key = PublicKeyBase64(Ed25519Key::Generate());
  EXPECT_FALSE(VerifySealSignature(other_key).ok()) << "keyId no longer matches";
  other_key.key_id = Ed25519Key::Generate().fingerprint();
  EXPECT_FALSE(VerifySealSignature(other_key).ok());
  SealEnvelope bad_sig = *env;
  bad_sig.signature = "AAAA";
  auto r = VerifySealSignature(bad_sig);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().tag(), "SealError");
}

TEST(SealSchemaTest, RoundTripsThroughTheMessageBody) {
  Ed25519Key key = Ed25519Key::Generate();
  SealPayload prev = Payload("seal_00000000000000aa");
  SealPayload cur = Payload();
  cur.permissions = Pair({"send"}, {"react", "reply"});
  cur.admin_access = AdminAccess{"owner", "2026-12-01T10:01:00.000Z"};
  cur.operator_disclosures = Json{{"inferenceMode", "local"}, {"hostingMode", "self-hosted"}};
  cur.provenance_map = Json{{"inferenceMode", {{"source", "declared"}}}};
  SealChain chain{cur, prev, ComputeDelta(prev.permissions, cur.permissions)};
  auto env = SignSeal(chain, key);
  ASSERT_TRUE(env.ok());
  const std::string body = env->ToMessageJson().dump();
  auto back = ParseSealMessage(body);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->ToJson(), env->ToJson());
  EXPECT_TRUE(VerifySealSignature(*back).ok());
  EXPECT_TRUE(CheckChain(back->chain).ok());
  EXPECT_FALSE(ParseRevocationMessage(body).ok()) << "another content type";
}

TEST(SealSchemaTest, RefusesWhatTheSchemaDoesNot) {
  const Json good = Payload().ToJson();
  ASSERT_TRUE(SealPayload::FromJson(good).ok());
  auto refuses = [&](const std::function<void(Json&)>& edit, const char* what) {
    Json j = good;
    edit(j);
    EXPECT_FALSE(SealPayload::FromJson(j).ok()) << what;
  };
  refuses([](Json& j) { j["expiresAt"] = "2026-12-02T10:00:00.000Z"; }, "seals have no expiresAt");
  refuses([](Json& j) { j["sealId"] = "seal_XYZ"; }, "bad seal id");
  refuses([](Json& j) { j["chatId"] = "cred_0123456789abcdef"; }, "chat id of another type");
  refuses([](Json& j) { j["scopeMode"] = "solo"; }, "scopeMode enum");
  refuses([](Json& j) { j["permissions"]["allow"].push_back("fly"); }, "unknown scope");
  refuses([](Json& j) { j["bypassed"] = false; }, "bypassed is only the literal true");
  refuses([](Json& j) { j["issuedAt"] = "yesterday"; }, "issuedAt ISO");
  refuses([](Json& j) { j["trustTier"] = "gold"; }, "trust tier enum");
  refuses(
      [](Json& j) {
        j["adminAccess"] = {{"operatorId", "admin"}, {"expiresAt", "x"}};
      },
      "adminAccess");
  refuses(
      [](Json& j) {
        j["provenanceMap"] = {{"hostingMode", {{"source", "declared"}}}};
      },
      "a provenance key needs its value");
  refuses(
      [](Json& j) {
        j["provenanceMap"] = {{"label", {{"source", "declared"}}}};
      },
      "provenance keys are the disclosures and trustTier");
  refuses(
      [](Json& j) {
        j["operatorDisclosures"] = {{"inferenceMode", "telepathy"}};
      },
      "disclosure values");
}

TEST(SealChainTest, StructuralChecks) {
  SealPayload prev = Payload("seal_00000000000000aa");
  SealPayload cur = Payload();
  cur.permissions = Pair({"send"}, {});
  const SealDelta delta = ComputeDelta(prev.permissions, cur.permissions);
  EXPECT_TRUE(CheckChain({cur, prev, delta}).ok());
  EXPECT_FALSE(CheckChain({cur, prev, SealDelta{}}).ok()) << "stored delta must match";
  EXPECT_FALSE(CheckChain({cur, std::nullopt, delta}).ok()) << "first seal: empty delta";
  EXPECT_TRUE(CheckChain({cur, std::nullopt, {}}).ok());
  for (auto edit : {+[](SealPayload& p) { p.operator_id = "op_00000000000000ff"; },
                    +[](SealPayload& p) { p.credential_id = "cred_00000000000000ff"; },
                    +[](SealPayload& p) { p.chat_id = "conv_00000000000000ff"; },
                    +[](SealPayload& p) { p.issued_at = "2026-12-01T11:00:00.000Z"; }}) {
    SealPayload moved = prev;
    edit(moved);
    EXPECT_FALSE(CheckChain({cur, moved, delta}).ok());
  }
}

TEST(RevocationTest, SignsTheRevocationSealAndRoundTrips) {
  Ed25519Key key = Ed25519Key::Generate();
  RevocationSeal r{"seal_00000000000000bb",   "seal_0123456789abcdef", "op_0123456789abcdef",
                   "cred_0123456789abcdef",   "conv_0123456789abcdef", "owner-initiated",
                   "2026-12-01T10:00:00.000Z"};
  auto env = SignRevocation(r, key);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->signer_key_ref, key.fingerprint());
  auto back = ParseRevocationMessage(env->ToMessageJson().dump());
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->ToMessageJson(), env->ToMessageJson());
  EXPECT_TRUE(VerifyRevocationSignature(*back).ok());
  back->revocation.reason = "policy-violation";
  EXPECT_FALSE(VerifyRevocationSignature(*back).ok());
}

TEST(BindingTest, SignsMessageIdAndSealId) {
  Ed25519Key key = Ed25519Key::Generate();
  const std::string pub = PublicKeyBase64(key);
  auto b = BindMessage("ab12", "seal_0123456789abcdef", key);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->seal_ref, "seal_0123456789abcdef");
  EXPECT_TRUE(VerifyBinding("ab12", *b, pub).ok());
  EXPECT_FALSE(VerifyBinding("ab13", *b, pub).ok());
  MessageBinding other = *b;
  other.seal_ref = "seal_00000000000000aa";
  EXPECT_FALSE(VerifyBinding("ab12", other, pub).ok());
  // Exactly the bytes of seals.md §4.
  const std::string bytes = R"({"messageId":"ab12","sealId":"seal_0123456789abcdef"})";
  auto sig = codec::Base64Decode(b->seal_signature);
  ASSERT_TRUE(sig.ok() && sig->size() == 64);
  Signature64 raw{};
  std::copy(sig->begin(), sig->end(), raw.begin());
  EXPECT_TRUE(Ed25519Key::Verify(
      key.public_key(), {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, raw));
}

TEST(ReasonTest, CredentialReasonsMapToSealReasons) {
  EXPECT_EQ(SealReasonFor("owner-initiated"), "owner-initiated");
  EXPECT_EQ(SealReasonFor("credential-expired"), "credential-expired");
  EXPECT_EQ(SealReasonFor("heartbeat-timeout"), "heartbeat-timeout");
  EXPECT_EQ(SealReasonFor("policy-violation"), "policy-violation");
  EXPECT_EQ(SealReasonFor("reauthorization-required"), "admin-removed");
  EXPECT_EQ(SealReasonFor("something-else"), "owner-initiated");
}

}  // namespace
}  // namespace xs::signet::seals
