// Integration tests of the message kinds of `xs msg`: reply, react, read
// (read receipt) and info, and how `msg list` / `msg info` show replies,
// reactions, receipts and membership changes. The real `xs` against real
// daemons (env = local) in temp homes; two signets on one node talk to each
// other for both directions. Every test ends with the secret scan.
#include <string>
#include <vector>

#include "cli_fixture.h"

namespace xs::cli::testing {
namespace {

const std::string kThumbsUp = "\U0001F44D";
const std::string kThumbsUpMedium = "\U0001F44D\U0001F3FD";
const std::string kFamily = "\U0001F469\u200D\U0001F469\u200D\U0001F467";
const std::string kKeycapOne = "1\uFE0F\u20E3";
const std::string kFlag = "\U0001F1EB\U0001F1F7";

class MsgKindsTest : public CliTest {
 protected:
  // The listed messages (gate off, or an approval still fresh).
  static Json ListOn(XsEnv& env, const std::string& chat) {
    return OkOn(env, {"msg", "list", "--from", chat, "--dangerously-allow-message-read"});
  }
  static Json ById(const Json& messages, const std::string& key, const std::string& value) {
    for (const auto& m : messages) {
      if (m.value(key, "") == value) return m;
    }
    ADD_FAILURE() << "no message with " << key << " = " << value << " in " << messages.dump();
    return Json::object();
  }
};

// One signet, the owner gate on: every kind's success path, how each shows
// in `msg list` and `msg info`, references by msg_ id, short id and network
// id, references the chat does not store, and every error path.
TEST_F(MsgKindsTest, ReplyReactReadAndInfoWithEveryErrorPath) {
  for (const char* command : {"reply", "react", "read", "info"}) {
    RunResult help = Xs({"msg", command, "--help"});
    EXPECT_EQ(help.code, 0) << help.Describe();
    EXPECT_TRUE(Contains(help.out, std::string("Usage:\n  xs msg ") + command)) << help.out;
  }
  const fs::path pass = env_->root() / "owner-pass";
  passphrase_ = "owner passphrase for message kinds 3";
  Secret("passphrase", *passphrase_);
  WriteFile(pass, *passphrase_ + "\n");
  RunResult started = env_->InitAndStart({"--passphrase-file", pass.string()});
  ASSERT_EQ(started.code, 0) << started.Describe();

  Json peer = Ok({"inbox", "create", "--label", "peer"});
  const std::string peer_network = peer.value("networkInboxId", "");
  Json created = Ok({"chat", "create", "--name", "kinds", "--members", peer_network});
  const std::string chat = created.value("id", "");
  ASSERT_EQ(chat.rfind("conv_", 0), 0u) << created.dump();
  const std::string our_inbox = created.value("networkInboxId", "");

  Json text = Ok({"msg", "send", "please look at this", "--to", "kinds"});
  const std::string m = text.value("id", "");
  const std::string m_hex = text.value("networkId", "");
  ASSERT_EQ(m_hex.size(), 64u) << text.dump();

  // Replies, by msg_ id, network id (any case) and short id.
  Json reply = Ok({"msg", "reply", "on it", "--chat", "kinds", "--to", m});
  EXPECT_EQ(reply.value("id", "").rfind("msg_", 0), 0u) << reply.dump();
  EXPECT_EQ(reply.value("chatId", ""), chat);
  EXPECT_EQ(reply.value("contentType", ""), "xmtp.org/reply:1.0");
  EXPECT_EQ(reply.value("referenceId", ""), m);
  EXPECT_EQ(reply.value("reference", ""), m_hex);
  EXPECT_TRUE(reply.value("referenceStored", false));
  std::string upper = m_hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(
      Ok({"msg", "reply", "by network id", "--chat", chat, "--to", upper}).value("referenceId", ""),
      m);
  EXPECT_EQ(Ok({"msg", "reply", "by short id", "--chat", chat, "--to", m.substr(0, 4 + 12)})
                .value("referenceId", ""),
            m);
  RunResult human = Xs({"msg", "reply", "human", "--chat", "kinds", "--to", m});
  EXPECT_EQ(human.code, 0) << human.Describe();
  EXPECT_TRUE(Contains(human.out, "Replied to " + m + " with message msg_")) << human.out;

  // Reactions: one emoji of every shape; --remove takes one back.
  for (const std::string& e : {kThumbsUp, kThumbsUpMedium, kFamily, kKeycapOne, kFlag}) {
    Json r = Ok({"msg", "react", e, "--chat", "kinds", "--to", m});
    EXPECT_EQ(r.value("contentType", ""), "xmtp.org/reaction:2.0") << e;
    EXPECT_EQ(r.value("emoji", ""), e);
    EXPECT_EQ(r.value("action", ""), "added");
    EXPECT_EQ(r.value("referenceId", ""), m);
  }
  Json removed = Ok({"msg", "react", kThumbsUp, "--chat", "kinds", "--to", m_hex, "--remove"});
  EXPECT_EQ(removed.value("action", ""), "removed");
  RunResult reacted = Xs({"msg", "react", kThumbsUp, "--chat", "kinds", "--to", m});
  EXPECT_TRUE(Contains(reacted.out, "Reacted " + kThumbsUp + " to " + m)) << reacted.Describe();

  // A read receipt.
  Json receipt = Ok({"msg", "read", "--chat", "kinds"});
  EXPECT_EQ(receipt.value("contentType", ""), "xmtp.org/readReceipt:1.0");
  EXPECT_EQ(receipt.value("senderInboxId", ""), our_inbox);

  // A reference the chat does not store (decisions.md #19): sent as given,
  // and it gets a msg_ id; `msg info` on it is not_found.
  const std::string absent(64, 'c');
  Json dangling =
      Ok({"msg", "reply", "to a message from before", "--chat", "kinds", "--to", absent});
  EXPECT_EQ(dangling.value("reference", ""), absent);
  EXPECT_FALSE(dangling.value("referenceStored", true));
  const std::string absent_id = dangling.value("referenceId", "");
  EXPECT_EQ(absent_id.rfind("msg_", 0), 0u) << dangling.dump();
  RunResult not_stored = Xs({"msg", "react", kThumbsUp, "--chat", "kinds", "--to", absent_id});
  EXPECT_EQ(not_stored.code, 0) << not_stored.Describe();
  EXPECT_TRUE(Contains(not_stored.out, "(not stored in this chat)")) << not_stored.out;
  // A message of another chat is not stored in this one either.
  Json elsewhere = Ok({"chat", "create", "--name", "elsewhere"});
  Json there = Ok({"msg", "send", "over there", "--to", "elsewhere"});
  EXPECT_FALSE(Ok({"msg", "reply", "cross", "--chat", "kinds", "--to", there.value("id", "")})
                   .value("referenceStored", true));

  // Content needs read elevation; bad references fail before it is asked.
  RunResult plain = Fails({"msg", "info", m, "--chat", "kinds"}, kPermission);
  EXPECT_TRUE(Contains(plain.err, "--dangerously-allow-message-read")) << plain.err;
  RunResult unapproved =
      Fails({"msg", "info", m, "--chat", "kinds", "--dangerously-allow-message-read"}, kPermission);
  EXPECT_TRUE(Contains(unapproved.err, "passphrase")) << unapproved.err;
  Fails({"msg", "info", absent_id, "--chat", "kinds", "--dangerously-allow-message-read"},
        kNotFound);
  Fails({"msg", "info", "msg_0000000000000000", "--chat", "kinds"}, kNotFound);
  Fails({"msg", "info", "not-a-message", "--chat", "kinds"}, kValidation);
  Fails({"msg", "info", m, "--chat", "conv_0000000000000000"}, kNotFound);
  Fails({"msg", "info", m, "--chat", "kinds", "--as", "peer"}, kValidation);
  Json info = Ok({"msg", "info", m, "--chat", "kinds", "--dangerously-allow-message-read",
                  "--passphrase-file", pass.string()});
  EXPECT_EQ(info.value("id", ""), m);
  EXPECT_EQ(info.value("text", ""), "please look at this");
  EXPECT_EQ(info.value("summary", ""), "please look at this");
  // Within 60 s the approval is reused: by short id and network id too.
  Json reply_info = Ok(
      {"msg", "info", reply.value("id", ""), "--chat", chat, "--dangerously-allow-message-read"});
  EXPECT_EQ(reply_info["reply"].value("referenceId", ""), m) << reply_info.dump();
  EXPECT_EQ(reply_info["reply"].value("reference", ""), m_hex);
  EXPECT_EQ(reply_info["reply"].value("referenceInboxId", ""), our_inbox);
  EXPECT_EQ(reply_info["reply"].value("text", ""), "on it");
  EXPECT_EQ(reply_info.value("summary", ""), "reply to " + m + ": on it");
  EXPECT_EQ(Ok({"msg", "info", reply.value("networkId", ""), "--chat", chat,
                "--dangerously-allow-message-read"})
                .value("id", ""),
            reply.value("id", ""));
  RunResult info_human = Xs(
      {"msg", "info", removed.value("id", ""), "--chat", chat, "--dangerously-allow-message-read"});
  EXPECT_EQ(info_human.code, 0) << info_human.Describe();
  EXPECT_TRUE(Contains(info_human.out, "reaction.action")) << info_human.out;
  EXPECT_TRUE(Contains(info_human.out, "removed reaction " + kThumbsUp + " from " + m))
      << info_human.out;

  // `msg list` shows every kind, JSON and table.
  Json listed = ListOn(*env_, chat);
  Json r = ById(listed, "id", reply.value("id", ""));
  EXPECT_EQ(r.value("contentType", ""), "xmtp.org/reply:1.0");
  EXPECT_EQ(r["reply"].value("referenceId", ""), m) << r.dump();
  EXPECT_EQ(r.value("text", ""), "on it");
  Json family = ById(listed, "summary", "reacted " + kFamily + " to " + m);
  EXPECT_EQ(family["reaction"].value("emoji", ""), kFamily) << family.dump();
  EXPECT_EQ(family["reaction"].value("action", ""), "added");
  EXPECT_EQ(family["reaction"].value("referenceId", ""), m);
  EXPECT_EQ(family["reaction"].value("referenceInboxId", ""), our_inbox);
  Json undo = ById(listed, "id", removed.value("id", ""));
  EXPECT_EQ(undo["reaction"].value("action", ""), "removed") << undo.dump();
  Json rr = ById(listed, "id", receipt.value("id", ""));
  EXPECT_TRUE(rr.value("readReceipt", false)) << rr.dump();
  EXPECT_EQ(rr.value("summary", ""), "read receipt");
  Json d = ById(listed, "id", dangling.value("id", ""));
  EXPECT_EQ(d["reply"].value("referenceId", ""), absent_id) << d.dump();
  EXPECT_FALSE(d["reply"].contains("referenceInboxId")) << d.dump();
  // The commit that added the peer reads as a membership change.
  bool added = false;
  for (const auto& msg : listed) {
    if (msg.value("kind", "") != "membership_change") continue;
    const Json& g = msg["groupUpdated"];
    for (const auto& inbox : g.value("addedInboxes", Json::array())) {
      added |= inbox == peer_network;
    }
    EXPECT_TRUE(Contains(msg.value("summary", ""), "added")) << msg.dump();
  }
  EXPECT_TRUE(added) << listed.dump();
  RunResult table =
      Xs({"msg", "list", "--from", "kinds", "--dangerously-allow-message-read", "--limit", "100"});
  EXPECT_EQ(table.code, 0) << table.Describe();
  const std::string medium = "reacted " + kThumbsUpMedium + " to " + m;
  const std::string unreacted = "removed reaction " + kThumbsUp + " from " + m;
  for (const std::string& line :
       {std::string("CONTENT"), "reply to " + m + ": on it", medium, unreacted,
        std::string("read receipt"), " added " + peer_network.substr(0, 8)}) {
    EXPECT_TRUE(Contains(table.out, line)) << line << "\n" << table.out;
  }

  // Members added, removed and metadata changed read as membership changes.
  const std::string third = Ok({"inbox", "create", "--label", "third"}).value("networkInboxId", "");
  Ok({"chat", "member", "add", "kinds", third});
  Ok({"chat", "member", "rm", "kinds", third});
  Ok({"chat", "update", "kinds", "--description", "about kinds"});
  Json changes = ListOn(*env_, chat);
  const std::string us = our_inbox.substr(0, 8);
  ById(changes, "summary", us + " added " + third.substr(0, 8));
  ById(changes, "summary", us + " removed " + third.substr(0, 8));
  Json described = ById(changes, "summary", us + " set description to \"about kinds\"");
  EXPECT_EQ(described.value("kind", ""), "membership_change") << described.dump();
  EXPECT_EQ(described["groupUpdated"]["metadataChanges"][0].value("newValue", ""), "about kinds");

  // Bad input: validation (1) before anything is looked up, not_found (2).
  Fails({"msg", "reply", "", "--chat", "kinds", "--to", m}, kValidation);
  Fails({"msg", "reply", std::string(64 * 1024 + 1, 'x'), "--chat", "kinds", "--to", m},
        kValidation);
  Fails({"msg", "reply", "x", "--chat", "kinds", "--to", "nonsense"}, kValidation);
  Fails({"msg", "reply", "x", "--chat", "kinds", "--to", std::string(63, 'a')}, kValidation);
  Fails({"msg", "reply", "x", "--chat", "kinds", "--to", "msg_zz"}, kValidation);
  Fails({"msg", "reply", "x", "--chat", "kinds", "--to", "msg_0000000000000000"}, kNotFound);
  Fails({"msg", "reply", "x", "--chat", "kinds", "--to", "msg_00000000"}, kNotFound);
  Fails({"msg", "reply", "x", "--chat", "conv_0000000000000000", "--to", m}, kNotFound);
  Fails({"msg", "reply", "x", "--chat", "kinds", "--to", m, "--as", "peer"}, kValidation);
  Fails({"msg", "reply", "x", "--chat", "kinds"}, kValidation);  // --to is required
  for (const std::string& bad :
       {std::string(), std::string("a"), std::string(":)"), kThumbsUp + kThumbsUp, kThumbsUp + " ",
        std::string("\U0001F1EB"), kThumbsUp + "\u200D", std::string(70, 'x')}) {
    RunResult v = Fails({"msg", "react", bad, "--chat", "kinds", "--to", m}, kValidation);
    EXPECT_TRUE(Contains(v.err, "emoji")) << v.err;
  }
  // The emoji is checked before the chat is looked up.
  Fails({"msg", "react", "a", "--chat", "conv_0000000000000000", "--to", m}, kValidation);
  Fails({"msg", "react", kThumbsUp, "--chat", "conv_0000000000000000", "--to", m}, kNotFound);
  Fails({"msg", "react", kThumbsUp, "--chat", "kinds", "--to", "msg_0000000000000000"}, kNotFound);
  Fails({"msg", "react", kThumbsUp, "--chat", "kinds", "--to", m, "--as", "peer"}, kValidation);
  Fails({"msg", "read", "--chat", "conv_0000000000000000"}, kNotFound);
  Fails({"msg", "read", "--chat", "kinds", "--as", "peer"}, kValidation);
  Fails({"msg", "read", "--chat", "kinds", "--as", "nobody"}, kNotFound);
  Fails({"msg", "read"}, kValidation);  // --chat is required
  Fails({"msg", "list", "--from", "kinds", "--as", "peer"}, kValidation);

  // Messages and references survive a restart.
  EXPECT_EQ(env_->StopDaemon().code, 0);
  ASSERT_EQ(env_->StartDaemon().code, 0);
  Json after =
      OkOn(*env_, {"msg", "info", reply.value("id", ""), "--chat", "kinds",
                   "--dangerously-allow-message-read", "--passphrase-file", pass.string()});
  EXPECT_EQ(after["reply"].value("referenceId", ""), m) << after.dump();
  Ok({"msg", "react", kThumbsUp, "--chat", "kinds", "--to", m});
}

// Two signets on one node, both with the gate off: every kind both ways.
TEST_F(MsgKindsTest, EveryKindReachesTheOtherSignetBothWays) {
  ASSERT_EQ(env_->InitAndStart({"trusted-local"}).code, 0);
  Json mine = Ok({"inbox", "create", "--label", "me"});
  ASSERT_NO_FATAL_FAILURE(StartOther({"trusted-local"}));
  Json theirs = OkOn(*other_, {"chat", "create", "--name", "both-ways", "--members",
                               mine.value("networkInboxId", "")});
  const std::string group = theirs.value("networkGroupId", "");
  Json their_text = OkOn(*other_, {"msg", "send", "their text", "--to", "both-ways"});

  // We reply to, react to and acknowledge their text, by its network id.
  Ok({"chat", "sync"});
  const std::string t_hex = their_text.value("networkId", "");
  Json ours = Ok({"msg", "send", "our text", "--to", group});
  Json our_reply = Ok({"msg", "reply", "our reply", "--chat", group, "--to", t_hex});
  EXPECT_TRUE(our_reply.value("referenceStored", false)) << our_reply.dump();
  Json our_reaction = Ok({"msg", "react", kThumbsUp, "--chat", group, "--to", t_hex});
  Ok({"msg", "read", "--chat", group});

  // They see each kind with the right reference.
  OkOn(*other_, {"chat", "sync", "both-ways"});
  Json seen = ListOn(*other_, "both-ways");
  const std::string t_id = their_text.value("id", "");
  Json their_view = ById(seen, "networkId", our_reply.value("networkId", ""));
  EXPECT_EQ(their_view["reply"].value("referenceId", ""), t_id) << their_view.dump();
  EXPECT_EQ(their_view["reply"].value("referenceInboxId", ""), theirs.value("networkInboxId", ""));
  EXPECT_EQ(their_view.value("senderInboxId", ""), mine.value("networkInboxId", ""));
  Json their_reaction = ById(seen, "networkId", our_reaction.value("networkId", ""));
  EXPECT_EQ(their_reaction.value("summary", ""), "reacted " + kThumbsUp + " to " + t_id);
  bool receipt = false;
  for (const auto& m : seen) {
    receipt |= m.value("readReceipt", false) &&
               m.value("senderInboxId", "") == mine.value("networkInboxId", "");
  }
  EXPECT_TRUE(receipt) << seen.dump();
  // Their commit that added our inbox reads as a membership change.
  bool added = false;
  for (const auto& m : seen) {
    if (!m.contains("groupUpdated")) continue;
    EXPECT_EQ(m.value("kind", ""), "membership_change") << m.dump();
    for (const auto& inbox : m["groupUpdated"].value("addedInboxes", Json::array())) {
      added |= inbox == mine.value("networkInboxId", "");
    }
  }
  EXPECT_TRUE(added) << seen.dump();

  // And back: their reply, reaction and receipt on our text.
  const std::string o_hex = ours.value("networkId", "");
  Json back_reply =
      OkOn(*other_, {"msg", "reply", "their reply", "--chat", "both-ways", "--to", o_hex});
  Json back_reaction =
      OkOn(*other_, {"msg", "react", kFamily, "--chat", "both-ways", "--to", o_hex});
  Json back_removed =
      OkOn(*other_, {"msg", "react", kFamily, "--chat", "both-ways", "--to", o_hex, "--remove"});
  Json back_receipt = OkOn(*other_, {"msg", "read", "--chat", "both-ways"});
  Ok({"chat", "sync", group});
  Json listed = ListOn(*env_, group);
  const std::string o_id = ours.value("id", "");
  EXPECT_EQ(ById(listed, "networkId", back_reply.value("networkId", "")).value("summary", ""),
            "reply to " + o_id + ": their reply");
  Json r = ById(listed, "networkId", back_reaction.value("networkId", ""));
  EXPECT_EQ(r["reaction"].value("emoji", ""), kFamily) << r.dump();
  EXPECT_EQ(r["reaction"].value("referenceInboxId", ""), mine.value("networkInboxId", ""));
  EXPECT_EQ(ById(listed, "networkId", back_removed.value("networkId", ""))["reaction"].value(
                "action", ""),
            "removed");
  EXPECT_TRUE(
      ById(listed, "networkId", back_receipt.value("networkId", "")).value("readReceipt", false));
}

}  // namespace
}  // namespace xs::cli::testing
