// Integration tests of the chat administration commands of the real `xs`
// against a real daemon (local env: the embedded node): `chat update`,
// `chat member list|add|rm|promote|demote`, `chat leave` and `chat rm`.
// Each command's success path, its bad-input paths with their exit codes,
// dry runs that change nothing, and failures that leave nothing half done.
// Every test ends with the secret scan over every output and the data dirs.
#include <chrono>
#include <string>
#include <vector>

#include "cli_fixture.h"

namespace xs::cli::testing {
namespace {

// How long a change made on the network may take to reach this daemon.
constexpr std::chrono::seconds kSyncTimeout{20};

class ChatAdminTest : public CliTest {
 protected:
  std::string NetworkInbox(const std::string& label) {
    return Ok({"inbox", "create", "--label", label}).value("networkInboxId", "");
  }

  // A credential for `chats` (operator "alice", created on first use); its
  // token is in the secret scan. Returns the credential id.
  std::string IssueFor(const std::vector<std::string>& chats) {
    if (!operator_created_) {
      Ok({"operator", "create", "--label", "alice", "--scope", "shared"});
      operator_created_ = true;
    }
    std::vector<std::string> args = {"--op", "alice", "--allow", "send"};
    for (const auto& c : chats) args.insert(args.end(), {"--chat", c});
    return Issue(args)["credential"].value("id", "");
  }

  std::vector<std::string> ActiveCredentials() {
    std::vector<std::string> out;
    for (const auto& c : Ok({"cred", "list"})) out.push_back(c.value("id", ""));
    return out;
  }

  bool operator_created_ = false;
};

TEST_F(ChatAdminTest, UpdateChangesNameDescriptionAndImageInOneCommit) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Json chat = Ok({"chat", "create", "--name", "support"});
  const std::string id = chat.value("id", "");
  const int epoch = chat.value("epoch", 0);

  Json updated = Ok({"chat", "update", "support", "--name", "Helpdesk", "--description",
                     "Ask here — réponses en français", "--image", "https://example.com/a.png"});
  EXPECT_EQ(updated.value("name", ""), "Helpdesk");
  EXPECT_EQ(updated.value("description", ""), "Ask here — réponses en français");
  EXPECT_EQ(updated.value("imageUrl", ""), "https://example.com/a.png");
  EXPECT_EQ(updated.value("epoch", 0), epoch + 1) << "one commit for the three fields";
  // The new name resolves; the old one no longer does.
  EXPECT_EQ(Ok({"chat", "info", "Helpdesk"}).value("id", ""), id);
  Fails({"chat", "info", "support"}, kNotFound);
  // One field at a time; "" clears the image.
  EXPECT_EQ(Ok({"chat", "update", id, "--image", ""}).value("imageUrl", "x"), "");
  EXPECT_EQ(Ok({"chat", "update", id, "--image", "http://h/i"}).value("imageUrl", ""),
            "http://h/i");
  RunResult human = Xs({"chat", "update", id, "--description", "short"});
  EXPECT_EQ(human.code, 0) << human.Describe();
  EXPECT_TRUE(Contains(human.out, "Updated chat " + id)) << human.out;
  const Json before = Ok({"chat", "info", id});

  // Bad input is refused before anything is committed.
  RunResult none = Fails({"chat", "update", id}, kValidation);
  EXPECT_TRUE(Contains(none.err, "--name")) << none.err;
  Fails({"chat", "update", id, "--name", std::string(101, 'n')}, kValidation);
  Fails({"chat", "update", id, "--name", "bad \xff byte"}, kValidation);
  Fails({"chat", "update", id, "--description", "overlong \xc0\xaf slash"}, kValidation);
  Fails({"chat", "update", id, "--description", std::string(1001, 'd')}, kValidation);
  Fails({"chat", "update", id, "--image", "ftp://example.com/a.png"}, kValidation);
  Fails({"chat", "update", id, "--image", "https://"}, kValidation);
  Fails({"chat", "update", id, "--image", "https://example.com/a b.png"}, kValidation);
  Fails({"chat", "update", id, "--image", "https://e.com/" + std::string(2048, 'i')}, kValidation);
  Fails({"chat", "update", "conv_0000000000000000", "--name", "x"}, kNotFound);
  Json after = Ok({"chat", "info", id});
  EXPECT_EQ(after.value("epoch", 0), before.value("epoch", 0));
  EXPECT_EQ(after.value("name", ""), "Helpdesk");
  EXPECT_EQ(after.value("description", ""), "short");
  // The limits hold exactly at their size.
  EXPECT_EQ(Ok({"chat", "update", id, "--name", std::string(100, 'n')}).value("name", ""),
            std::string(100, 'n'));
}

TEST_F(ChatAdminTest, MembersAreListedAddedPromotedDemotedAndRemoved) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string peer = NetworkInbox("peer");
  const std::string third = NetworkInbox("third");
  Json chat = Ok({"chat", "create", "--name", "team", "--members", peer});
  const std::string self = chat.value("networkInboxId", "");

  Json members = Ok({"chat", "member", "list", "team"});
  ASSERT_EQ(members.size(), 2u) << members.dump();
  for (const auto& m : members) {
    const bool is_self = m.value("inboxId", "") == self;
    EXPECT_EQ(m.value("self", false), is_self);
    EXPECT_EQ(m.value("role", ""), is_self ? "super_admin" : "member") << m.dump();
    EXPECT_TRUE(m.contains("managedInboxId")) << m.dump();
  }
  RunResult table = Xs({"chat", "member", "list", "team"});
  EXPECT_TRUE(Contains(table.out, "super_admin")) << table.out;

  // add: by label (a managed inbox); again changes nothing.
  Json added = Ok({"chat", "member", "add", "team", "third"});
  EXPECT_TRUE(added.value("changed", false)) << added.dump();
  EXPECT_EQ(added.value("inboxId", ""), third);
  EXPECT_EQ(added.value("memberCount", 0), 3);
  const int epoch = Ok({"chat", "info", "team"}).value("epoch", 0);
  EXPECT_FALSE(Ok({"chat", "member", "add", "team", third}).value("changed", true));
  Fails({"chat", "member", "add", "team", "not-an-inbox"}, kValidation);
  Fails({"chat", "member", "add", "team", std::string(64, 'a')}, kNotFound);
  Fails({"chat", "member", "add", "conv_0000000000000000", third}, kNotFound);
  Fails({"chat", "member", "add", "team", third, "--as", "peer"}, kValidation);
  EXPECT_EQ(Ok({"chat", "info", "team"}).value("epoch", 0), epoch) << "a refusal committed";

  // promote / demote, admin and super admin.
  Json promoted = Ok({"chat", "member", "promote", "team", "third"});
  EXPECT_EQ(promoted.value("role", ""), "admin");
  EXPECT_FALSE(Ok({"chat", "member", "promote", "team", "third"}).value("changed", true));
  EXPECT_EQ(Ok({"chat", "member", "promote", "team", third, "--super"}).value("role", ""),
            "super_admin");
  Json info = Ok({"chat", "info", "team"});
  EXPECT_EQ(info["superAdmins"].size(), 2u) << info.dump();
  EXPECT_EQ(Ok({"chat", "member", "demote", "team", third}).value("changed", false), true);
  RunResult wrong = Fails({"chat", "member", "demote", "team", third}, kValidation);
  EXPECT_TRUE(Contains(wrong.err, "--super")) << wrong.err;
  EXPECT_EQ(Ok({"chat", "member", "demote", "team", third, "--super"}).value("role", ""), "member");
  EXPECT_FALSE(Ok({"chat", "member", "demote", "team", third}).value("changed", true));
  Fails({"chat", "member", "promote", "team", std::string(64, 'b')}, kNotFound);
  Fails({"chat", "member", "promote", "team", "0xnothex"}, kValidation);
  // The last super admin cannot give the role up.
  Fails({"chat", "member", "demote", "team", self, "--super"}, kPermission);

  // rm
  Json removed = Ok({"chat", "member", "rm", "team", "third"});
  EXPECT_EQ(removed.value("memberCount", 0), 2);
  EXPECT_EQ(removed.value("role", ""), "none");
  Fails({"chat", "member", "rm", "team", third}, kNotFound);
  Fails({"chat", "member", "rm", "team", self}, kValidation);
  Fails({"chat", "member", "rm", "team", "not-an-inbox"}, kValidation);
  RunResult line = Xs({"chat", "member", "add", "team", "third"});
  EXPECT_EQ(line.code, 0) << line.Describe();
  EXPECT_TRUE(Contains(line.out, "Added " + third)) << line.out;
  EXPECT_EQ(Ok({"chat", "member", "list", "team"}).size(), 3u);
}

// In a chat another signet created, ours is a plain member: the group's
// policies refuse admin changes (permission, nothing committed), and leaving
// works (the other side's super admin removes us).
TEST_F(ChatAdminTest, APlainMemberIsRefusedAdminChangesAndCanLeave) {
  ASSERT_NO_FATAL_FAILURE(Start({"trusted-local"}));
  const std::string mine = NetworkInbox("me");
  ASSERT_NO_FATAL_FAILURE(StartOther());
  XsEnv& other = *other_;
  RunResult bystander = other.Run({"inbox", "create", "--label", "bystander", "--json"});
  ASSERT_EQ(bystander.code, 0) << bystander.Describe();
  const std::string their_member = bystander.Json().value("networkInboxId", "");
  RunResult created = other.Run(
      {"chat", "create", "--name", "theirs", "--members", mine + "," + their_member, "--json"});
  ASSERT_EQ(created.code, 0) << created.Describe();
  const std::string group = created.Json().value("networkGroupId", "");

  Ok({"chat", "sync"});
  Json chat = Ok({"chat", "info", group});
  const std::string id = chat.value("id", "");
  ASSERT_FALSE(id.empty()) << chat.dump();
  const int epoch = chat.value("epoch", 0);
  RunResult denied = Fails({"chat", "member", "promote", id, their_member}, kPermission);
  EXPECT_TRUE(Contains(denied.err, "admin")) << denied.err;
  Fails({"chat", "member", "rm", id, their_member}, kPermission);
  EXPECT_EQ(Ok({"chat", "info", id}).value("epoch", 0), epoch) << "a refused change committed";
  // Members may rename (the default metadata policy).
  EXPECT_EQ(Ok({"chat", "update", id, "--name", "renamed by a member"}).value("name", ""),
            "renamed by a member");

  const std::string cred = IssueFor({id});
  Json plan = Ok({"chat", "leave", id});
  EXPECT_TRUE(plan.value("dryRun", false)) << plan.dump();
  EXPECT_EQ(ActiveCredentials(), std::vector<std::string>{cred});
  Json left = Ok({"chat", "leave", id, "--force"});
  EXPECT_TRUE(left.value("left", false)) << left.dump();
  EXPECT_EQ(left["revokedCredentials"], Json::array({cred}));
  EXPECT_TRUE(ActiveCredentials().empty());
  // The other signet's daemon (a super admin) removes us.
  EXPECT_TRUE(WaitUntil(
      [&] {
        Ok({"chat", "sync", id});
        return Ok({"chat", "info", id}).value("state", "") == "removed";
      },
      kSyncTimeout))
      << Ok({"chat", "info", id}).dump();
  RunResult again = Fails({"chat", "leave", id, "--force"}, kValidation);
  EXPECT_TRUE(Contains(again.err, "xs chat rm")) << again.err;
}

TEST_F(ChatAdminTest, LeaveIsADryRunUntilForcedAndTheOnlySuperAdminCannotLeave) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string peer = NetworkInbox("peer");
  Json chat = Ok({"chat", "create", "--name", "ours", "--members", peer});
  const std::string id = chat.value("id", "");
  const std::string other_chat = Ok({"chat", "create", "--name", "spare"}).value("id", "");
  const std::string only = IssueFor({id});
  const std::string both = IssueFor({id, other_chat});
  const std::string unrelated = IssueFor({other_chat});

  // The only super admin: a permission error that says how to fix it, in the
  // dry run and forced; nothing revoked.
  RunResult refused = Fails({"chat", "leave", "ours", "--force"}, kPermission);
  EXPECT_TRUE(Contains(refused.err, "only super admin")) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "member promote")) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "--super")) << refused.err;
  Fails({"chat", "leave", "ours"}, kPermission);
  EXPECT_EQ(ActiveCredentials().size(), 3u);

  // Following the advice works.
  Ok({"chat", "member", "promote", "ours", peer, "--super"});
  // The dry run names what would happen, and changes nothing.
  RunResult human = Xs({"chat", "leave", "ours"});
  EXPECT_EQ(human.code, 0) << human.Describe();
  EXPECT_TRUE(Contains(human.out, "Dry run")) << human.out;
  EXPECT_TRUE(Contains(human.out, "leave-chat")) << human.out;
  Json plan = Ok({"chat", "leave", "ours", "--purge"});
  ASSERT_TRUE(plan.value("dryRun", false)) << plan.dump();
  std::vector<std::string> kinds, revoked;
  for (const auto& a : plan["actions"]) {
    kinds.push_back(a.value("action", ""));
    if (a.value("action", "") == "revoke-credential")
      revoked.push_back(a.value("credentialId", ""));
  }
  EXPECT_EQ(kinds.front(), "leave-chat");
  EXPECT_EQ(kinds.back(), "remove-chat");
  EXPECT_EQ(revoked.size(), 2u) << plan.dump();
  EXPECT_EQ(ActiveCredentials().size(), 3u);
  Json same = Ok({"chat", "info", id});
  EXPECT_EQ(same["superAdmins"].size(), 2u) << same.dump();
  EXPECT_EQ(same.value("memberCount", 0), 2);

  // Forced: the credentials covering the chat go, the unrelated one stays,
  // the record stays until the removal lands.
  RunResult done = Xs({"chat", "leave", "ours", "--force"});
  EXPECT_EQ(done.code, 0) << done.Describe();
  EXPECT_TRUE(Contains(done.out, "Asked to leave chat " + id)) << done.out;
  EXPECT_EQ(ActiveCredentials(), std::vector<std::string>{unrelated});
  EXPECT_EQ(Ok({"cred", "info", only}).value("status", ""), "revoked");
  EXPECT_EQ(Ok({"cred", "info", both}).value("status", ""), "revoked");
  EXPECT_EQ(Ok({"chat", "info", id}).value("id", ""), id);
  // The peer (a super admin now, held by this daemon) removes us.
  EXPECT_TRUE(WaitUntil(
      [&] {
        Ok({"chat", "sync"});
        return Ok({"chat", "info", id}).value("state", "") == "removed";
      },
      kSyncTimeout));

  Fails({"chat", "leave", "conv_0000000000000000"}, kNotFound);
  Fails({"chat", "leave", "conv_0000000000000000", "--force"}, kNotFound);
}

TEST_F(ChatAdminTest, LeaveWithPurgeAlsoRemovesTheChatLocally) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string peer = NetworkInbox("peer");
  Json chat = Ok({"chat", "create", "--name", "brief", "--members", peer});
  const std::string id = chat.value("id", "");
  Ok({"chat", "member", "promote", id, peer, "--super"});
  Json left = Ok({"chat", "leave", id, "--purge", "--force"});
  EXPECT_TRUE(left.value("purged", false)) << left.dump();
  Fails({"chat", "info", id}, kNotFound);
  Fails({"chat", "info", chat.value("networkGroupId", "")}, kNotFound);
  Ok({"chat", "sync"});
  EXPECT_EQ(Ok({"chat", "list"}).size(), 0u);
}

TEST_F(ChatAdminTest, RmIsLocalCleanupOnlyAndADryRunUntilForced) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string peer = NetworkInbox("peer");
  Json chat = Ok({"chat", "create", "--name", "old", "--members", peer});
  const std::string id = chat.value("id", "");
  const std::string group = chat.value("networkGroupId", "");
  const std::string kept = Ok({"chat", "create", "--name", "kept"}).value("id", "");
  Ok({"msg", "send", "before the rm", "--to", id});
  const std::string cred = IssueFor({id});

  RunResult human = Xs({"chat", "rm", "old"});
  EXPECT_EQ(human.code, 0) << human.Describe();
  EXPECT_TRUE(Contains(human.out, "Dry run")) << human.out;
  EXPECT_TRUE(Contains(human.out, "membership is kept")) << human.out;
  Json plan = Ok({"chat", "rm", "old"});
  EXPECT_TRUE(plan.value("dryRun", false));
  EXPECT_EQ(Ok({"chat", "list"}).size(), 2u);
  EXPECT_EQ(ActiveCredentials(), std::vector<std::string>{cred});

  RunResult done = Xs({"chat", "rm", "old", "--force"});
  EXPECT_EQ(done.code, 0) << done.Describe();
  EXPECT_TRUE(Contains(done.out, "Removed chat " + id + " locally")) << done.out;
  EXPECT_TRUE(Contains(done.out, "not changed")) << done.out;
  Json list = Ok({"chat", "list"});
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0].value("id", ""), kept);
  EXPECT_TRUE(ActiveCredentials().empty());
  for (const std::string& ref : {id, group, std::string("old")}) {
    Fails({"chat", "info", ref}, kNotFound);
  }
  Fails({"chat", "rm", id, "--force"}, kNotFound);
  Fails({"cred", "issue", "--op", "alice", "--chat", id}, kNotFound);
  // The inbox is still in the group, yet the chat does not come back: not
  // after a sync, not after a restart.
  Ok({"chat", "sync"});
  EXPECT_EQ(Ok({"chat", "list"}).size(), 1u);
  EXPECT_EQ(env_->StopDaemon().code, 0);
  ASSERT_EQ(env_->StartDaemon().code, 0);
  Ok({"chat", "sync"});
  EXPECT_EQ(Ok({"chat", "list"}).size(), 1u);
  Fails({"chat", "info", group}, kNotFound);
}

TEST_F(ChatAdminTest, HelpDescribesEveryNewCommand) {
  for (const std::vector<std::string>& cmd : {std::vector<std::string>{"chat", "update"},
                                              {"chat", "member"},
                                              {"chat", "member", "list"},
                                              {"chat", "member", "add"},
                                              {"chat", "member", "rm"},
                                              {"chat", "member", "promote"},
                                              {"chat", "member", "demote"},
                                              {"chat", "leave"},
                                              {"chat", "rm"}}) {
    std::vector<std::string> args = cmd;
    args.emplace_back("--help");
    RunResult r = Xs(args);
    EXPECT_EQ(r.code, 0) << r.Describe();
    EXPECT_TRUE(Contains(r.out, "Usage:")) << r.out;
  }
  EXPECT_TRUE(Contains(Xs({"chat", "member", "promote", "--help"}).out, "--super"));
  EXPECT_TRUE(Contains(Xs({"chat", "leave", "--help"}).out, "--purge"));
}

}  // namespace
}  // namespace xs::cli::testing
