// A third party verifies seals from the chat alone (decisions.md #28,
// docs/seals.md): the real `xs` and daemon (env = local, trusted-local
// preset) issue a credential for a chat; a member of that chat (an inbox of
// a second signet on the same node, reading through its own client) reads
// the published xmtp.org/agentSeal:1.0 message, and the seal
// is checked with nothing but that message's bytes, its sender and the
// signer's public key as `xs key export-public` prints it: the signature
// over the canonical bytes of chain.current, keyId = fingerprint of
// publicKey, the chain, the sender. A scope change chains a second seal
// whose previous is the first; an admin read discloses adminAccess in a
// third; after a restart the chain is still listed and the start withdraws
// the (not persisted) elevation in a fourth; a revoke publishes a signed
// revocation.
// A tampered body fails. Ends with the secret scan.
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "codec/base64.h"
#include "signet/seals/seal.h"
#include "signet/util/util.h"

namespace xs::cli::testing {
namespace {

namespace seals = xs::signet::seals;

class SealChatVerifyTest : public CliTest {
 protected:
  // The agent payloads the peer's view of the chat holds, oldest first; null
  // while the peer cannot reach the node (env_'s daemon embeds it, so it is
  // away while that daemon restarts).
  Json PeerPayloads(const std::string& peer_chat) {
    RunResult listed = other_->Run({"msg", "list", "--from", peer_chat, "--limit", "500",
                                    "--dangerously-allow-message-read", "--json"});
    const Json messages = listed.Json();
    if (listed.code != 0 || !messages.is_array()) return nullptr;
    Json out = Json::array();
    for (const Json& m : messages) {
      if (m.contains("agentPayload")) out.push_back(m);
    }
    return out;
  }

  // Polls until the peer's chat holds `count` agent payloads.
  Json WaitPayloads(const std::string& peer_chat, std::size_t count) {
    Json got;
    EXPECT_TRUE(WaitUntil(
        [&] {
          (void)other_->Run({"chat", "sync", peer_chat, "--json"});
          got = PeerPayloads(peer_chat);
          return got.is_array() && got.size() >= count;
        },
        std::chrono::seconds(30)))
        << "the peer saw " << got.dump();
    return got;
  }
};

// Everything a verifier in the chat checks, from the message alone.
void ExpectVerifiedSeal(const Json& message, const std::string& sender, const Json& exported,
                        seals::SealEnvelope* out) {
  ASSERT_EQ(message.value("contentType", ""), seals::kSealContentType);
  EXPECT_EQ(message.value("senderInboxId", ""), sender) << "sent by the signet's member";
  auto env = seals::ParseSealMessage(message.value("agentPayload", ""));
  ASSERT_TRUE(env.ok()) << env.error().ToString();
  EXPECT_TRUE(seals::VerifySealSignature(*env).ok());
  EXPECT_TRUE(seals::CheckChain(env->chain).ok());
  // The key the seal carries is the one the signet exports.
  EXPECT_EQ(env->public_key, exported.value("publicKeyBase64", ""));
  EXPECT_EQ(env->key_id, exported.value("fingerprint", ""));
  auto raw = codec::Base64Decode(env->public_key);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(signet::Sha256Fingerprint(*raw), env->key_id);
  *out = *std::move(env);
}

TEST_F(SealChatVerifyTest, AMemberVerifiesSealsFromThePublishedMessages) {
  ASSERT_NO_FATAL_FAILURE(Start({"trusted-local"}));
  ASSERT_NO_FATAL_FAILURE(StartOther({"trusted-local"}));
  const std::string peer_network =
      OkOn(*other_, {"inbox", "create", "--label", "peer"}).value("networkInboxId", "");
  Json chat = Ok({"chat", "create", "--name", "sealed", "--members", peer_network});
  const std::string chat_id = chat.value("id", "");
  const std::string signet_member = chat.value("networkInboxId", "");
  const std::string group = chat.value("networkGroupId", "");
  CreateOperator("bot");
  Json issued =
      Issue({"--op", "bot", "--chat", chat_id, "--allow", "send,reply", "--deny", "react"});
  const std::string cred = issued["credential"].value("id", "");
  const Json exported = Ok({"key", "export-public"});
  EXPECT_EQ(exported.value("identityId", ""), "signet");

  // The peer's own view of the group (a chat of its own once it joined).
  std::string peer_chat;
  ASSERT_TRUE(WaitUntil(
      [&] {
        for (const Json& c : OkOn(*other_, {"chat", "list"})) {
          if (c.value("networkGroupId", "") == group) peer_chat = c.value("id", "");
        }
        return !peer_chat.empty();
      },
      std::chrono::seconds(30)));
  ASSERT_NE(peer_chat, chat_id);

  Json first_seen = WaitPayloads(peer_chat, 1);
  ASSERT_GE(first_seen.size(), 1u);
  seals::SealEnvelope first;
  ASSERT_NO_FATAL_FAILURE(ExpectVerifiedSeal(first_seen[0], signet_member, exported, &first));
  EXPECT_EQ(first.chain.current.credential_id, cred);
  EXPECT_EQ(first.chain.current.chat_id, chat_id);
  EXPECT_EQ(first.chain.current.permissions.allow, (std::vector<std::string>{"send", "reply"}));
  EXPECT_FALSE(first.chain.previous);
  // The daemon's own listing and verdict agree with what the peer read.
  Json listed = Ok({"seal", "list", "--chat", chat_id});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["chain"]["current"].value("sealId", ""), first.seal_id());
  EXPECT_EQ(Ok({"seal", "verify", first.seal_id()}).value("verdict", ""), "verified");

  // Tampering with the published bytes breaks the signature.
  Json tampered = Json::parse(first_seen[0].value("agentPayload", ""));
  tampered["chain"]["current"]["permissions"]["allow"].push_back("react");
  auto forged = seals::ParseSealMessage(tampered.dump());
  ASSERT_TRUE(forged.ok());
  EXPECT_FALSE(seals::VerifySealSignature(*forged).ok());

  // A narrowing update chains a second seal onto the first.
  Ok({"cred", "update", cred, "--allow", "send"});
  Json second_seen = WaitPayloads(peer_chat, 2);
  ASSERT_GE(second_seen.size(), 2u);
  seals::SealEnvelope second;
  ASSERT_NO_FATAL_FAILURE(ExpectVerifiedSeal(second_seen[1], signet_member, exported, &second));
  ASSERT_TRUE(second.chain.previous);
  EXPECT_EQ(second.chain.previous->seal_id, first.seal_id());
  EXPECT_EQ(second.chain.delta.removed, std::vector<std::string>{"reply"});
  Json history = Ok({"seal", "history", cred, "--chat", chat_id});
  ASSERT_EQ(history["seals"].size(), 2u);
  EXPECT_EQ(history["seals"][0]["chain"]["current"].value("sealId", ""), second.seal_id());

  // An admin read of the chat (read elevation) is disclosed: the head is
  // republished with adminAccess {operatorId: "owner", expiresAt}.
  Ok({"msg", "list", "--from", chat_id, "--dangerously-allow-message-read"});
  Json elevated_seen = WaitPayloads(peer_chat, 3);
  ASSERT_GE(elevated_seen.size(), 3u);
  seals::SealEnvelope elevated;
  ASSERT_NO_FATAL_FAILURE(ExpectVerifiedSeal(elevated_seen[2], signet_member, exported, &elevated));
  ASSERT_TRUE(elevated.chain.current.admin_access);
  EXPECT_EQ(elevated.chain.current.admin_access->operator_id, "owner");
  EXPECT_EQ(elevated.chain.previous->seal_id, second.seal_id());
  EXPECT_TRUE(elevated.chain.delta.empty());

  // A restart: the chain survives (list, history); elevations do not, so
  // the daemon's start finds the active credential's head disclosing an
  // access that no longer exists and chains a seal without it.
  RunResult stopped = env_->StopDaemon();
  ASSERT_EQ(stopped.code, 0) << stopped.Describe();
  RunResult restarted = env_->StartDaemon();
  ASSERT_EQ(restarted.code, 0) << restarted.Describe();
  Json after_restart = WaitPayloads(peer_chat, 4);
  ASSERT_GE(after_restart.size(), 4u);
  seals::SealEnvelope withdrawn;
  ASSERT_NO_FATAL_FAILURE(
      ExpectVerifiedSeal(after_restart[3], signet_member, exported, &withdrawn));
  EXPECT_FALSE(withdrawn.chain.current.admin_access);
  EXPECT_EQ(withdrawn.chain.previous->seal_id, elevated.seal_id());
  EXPECT_EQ(Ok({"seal", "history", cred, "--chat", chat_id})["seals"].size(), 4u);

  // Revoking publishes a signed revocation naming the head.
  Ok({"cred", "revoke", cred, "--force"});
  Json last_seen = WaitPayloads(peer_chat, 5);
  ASSERT_GE(last_seen.size(), 5u);
  const Json& rev_message = last_seen[4];
  EXPECT_EQ(rev_message.value("contentType", ""), seals::kRevocationContentType);
  EXPECT_EQ(rev_message.value("senderInboxId", ""), signet_member);
  auto rev = seals::ParseRevocationMessage(rev_message.value("agentPayload", ""));
  ASSERT_TRUE(rev.ok()) << rev.error().ToString();
  EXPECT_TRUE(seals::VerifyRevocationSignature(*rev).ok());
  EXPECT_EQ(rev->public_key, exported.value("publicKeyBase64", ""));
  EXPECT_EQ(rev->revocation.previous_seal_id, withdrawn.seal_id());
  EXPECT_EQ(rev->revocation.reason, "owner-initiated");
  EXPECT_TRUE(Ok({"seal", "list", "--chat", chat_id}).empty());
  Json ended = Ok({"seal", "history", cred, "--chat", chat_id});
  EXPECT_TRUE(ended.value("revoked", false));
  EXPECT_EQ(ended["revocation"], Json::parse(rev_message.value("agentPayload", "")));
}

}  // namespace
}  // namespace xs::cli::testing
