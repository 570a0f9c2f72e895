// `xs consent`, `xs search` and `xs inbox info --network` against a real
// daemon and its embedded node (cli_fixture.h): the success paths, every
// bad-input path with its exit code, read elevation for message search, no
// plaintext of searched messages on disk, and the secret scan at the end.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_fixture.h"

namespace xs::cli::testing {
namespace {

constexpr int kPermission = 4;

// Every file under `dir` that holds `needle` byte for byte. A directory that
// cannot be walked fails the test (it would otherwise hold "nothing").
std::vector<std::string> FilesContaining(const fs::path& dir, const std::string& needle) {
  std::vector<std::string> out;
  std::error_code ec;
  std::size_t files = 0;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    ++files;
    if (Contains(ReadFile(it->path()), needle)) out.push_back(it->path().string());
  }
  EXPECT_FALSE(ec) << dir << ": " << ec.message();
  EXPECT_GT(files, 0u) << "no file under " << dir;
  return out;
}

// The per-inbox states of a consent answer, by managed inbox id.
std::map<std::string, std::string> States(const Json& answer) {
  std::map<std::string, std::string> out;
  for (const auto& row : answer["inboxes"]) out[row.value("inboxId", "")] = row.value("state", "");
  return out;
}

std::vector<std::string> Types(const Json& search) {
  std::vector<std::string> out;
  for (const auto& r : search["results"]) out.push_back(r.value("type", ""));
  return out;
}

class ConsentSearchTest : public CliTest {};

// ---------------------------------------------------------------- consent

TEST_F(ConsentSearchTest, InboxConsentActsForEveryInboxOrTheOneNamed) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string stranger(64, 'e');
  // No managed inbox yet: nobody to act as.
  RunResult none = Fails({"consent", "check", stranger}, kNotFound);
  EXPECT_TRUE(Contains(none.err, "xs inbox create")) << none.err;

  Json a = Ok({"inbox", "create", "--label", "a"});
  Json b = Ok({"inbox", "create", "--label", "b"});
  const std::string a_id = a.value("id", ""), b_id = b.value("id", "");

  Json unknown = Ok({"consent", "check", stranger});
  EXPECT_EQ(unknown.value("state", ""), "unknown") << unknown.dump();
  EXPECT_EQ(unknown.value("entityType", ""), "inbox_id");
  EXPECT_EQ(unknown.value("entity", ""), stranger);
  EXPECT_EQ(States(unknown),
            (std::map<std::string, std::string>{{a_id, "unknown"}, {b_id, "unknown"}}));

  // --as: that inbox alone.
  Json allowed = Ok({"consent", "allow", stranger, "--as", "a"});
  EXPECT_EQ(allowed.value("state", ""), "allowed");
  EXPECT_EQ(States(allowed), (std::map<std::string, std::string>{{a_id, "allowed"}}));
  Json mixed = Ok({"consent", "check", stranger});
  EXPECT_EQ(mixed.value("state", ""), "mixed") << mixed.dump();
  EXPECT_EQ(States(mixed),
            (std::map<std::string, std::string>{{a_id, "allowed"}, {b_id, "unknown"}}));
  EXPECT_EQ(
      Ok({"consent", "check", stranger, "--as", b.value("networkInboxId", "")}).value("state", ""),
      "unknown");

  // No --as: every managed inbox.
  Json denied = Ok({"consent", "deny", stranger});
  EXPECT_EQ(States(denied),
            (std::map<std::string, std::string>{{a_id, "denied"}, {b_id, "denied"}}));
  EXPECT_EQ(Ok({"consent", "check", stranger}).value("state", ""), "denied");
  RunResult human = Xs({"consent", "check", stranger});
  EXPECT_EQ(human.code, 0) << human.Describe();
  EXPECT_TRUE(Contains(human.out, "inbox_id " + stranger + ": denied")) << human.out;
  EXPECT_TRUE(Contains(human.out, a_id)) << human.out;

  // The entity as an address or a managed inbox names its network inbox.
  Ok({"consent", "allow", "b", "--as", "a"});
  Json by_address = Ok({"consent", "check", b.value("address", ""), "--as", "a"});
  EXPECT_EQ(by_address.value("entity", ""), b.value("networkInboxId", ""));
  EXPECT_EQ(by_address.value("state", ""), "allowed");

  // Bad input.
  Fails({"consent", "check", "not-an-inbox"}, kValidation);
  Fails({"consent", "check", ""}, kValidation);
  Fails({"consent", "check", std::string(64, 'E')}, kValidation);  // not lowercase
  Fails({"consent", "check", stranger, "--type", "address"}, kValidation);
  Fails({"consent", "allow"}, kValidation);  // no entity
  RunResult chat_as_inbox = Fails({"consent", "check", "conv_0123456789abcdef"}, kValidation);
  EXPECT_TRUE(Contains(chat_as_inbox.err, "--type group_id")) << chat_as_inbox.err;
  Fails({"consent", "check", stranger, "--as", "nobody"}, kNotFound);
  Fails({"consent", "check", "0x0000000000000000000000000000000000000001"}, kNotFound);
  // Nothing changed by the failures.
  EXPECT_EQ(Ok({"consent", "check", stranger}).value("state", ""), "denied");
}

TEST_F(ConsentSearchTest, GroupConsentFollowsTheChatAndTheClientsRules) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Json peer = Ok({"inbox", "create", "--label", "peer"});
  Json chat =
      Ok({"chat", "create", "--name", "support", "--members", peer.value("networkInboxId", "")});
  const std::string id = chat.value("id", ""), group = chat.value("networkGroupId", "");
  const std::string holder = chat.value("inboxId", "");
  Ok({"chat", "sync"});  // the peer inbox applies its Welcome

  // The chat's own inbox acts; a group it created is allowed.
  for (const std::string& ref : {id, id.substr(0, 9), std::string("support"), group}) {
    Json c = Ok({"consent", "check", ref, "--type", "group_id"});
    EXPECT_EQ(c.value("chatId", ""), id) << ref;
    EXPECT_EQ(c.value("entity", ""), group) << ref;
    EXPECT_EQ(States(c), (std::map<std::string, std::string>{{holder, "allowed"}})) << c.dump();
  }
  // The peer inbox was welcomed into it: unknown until it says otherwise.
  EXPECT_EQ(Ok({"consent", "check", id, "--type", "group_id", "--as", "peer"}).value("state", ""),
            "unknown");

  Json denied = Ok({"consent", "deny", "support", "--type", "group_id"});
  EXPECT_EQ(denied.value("state", ""), "denied");
  EXPECT_EQ(Ok({"consent", "check", id, "--type", "group_id"}).value("state", ""), "denied");
  // Sending in a denied conversation allows it (libxmtp's rule, kept by the client).
  Ok({"msg", "send", "still here", "--to", "support"});
  EXPECT_EQ(Ok({"consent", "check", id, "--type", "group_id"}).value("state", ""), "allowed");

  // A network group id that is no chat of ours (its Welcome may come later).
  const std::string future(32, 'd');
  Json ahead = Ok({"consent", "allow", future, "--type", "group_id", "--as", "peer"});
  EXPECT_FALSE(ahead.contains("chatId"));
  EXPECT_EQ(ahead.value("state", ""), "allowed");
  Json all = Ok({"consent", "check", future, "--type", "group_id"});
  EXPECT_EQ(all["inboxes"].size(), 2u) << all.dump();
  EXPECT_EQ(all.value("state", ""), "mixed");

  Fails({"consent", "check", "conv_0000000000000000", "--type", "group_id"}, kNotFound);
  Fails({"consent", "check", "no such chat!", "--type", "group_id"}, kValidation);
  Fails({"consent", "check", std::string(32, 'D'), "--type", "group_id"}, kValidation);
  Fails({"consent", "allow", id, "--type", "group_id", "--as", "nobody"}, kNotFound);
}

// ---------------------------------------------------------------- search

TEST_F(ConsentSearchTest, SearchFindsResourcesAndWithElevationMessages) {
  const fs::path pass = env_->root() / "owner-pass";
  const std::string passphrase = "owner passphrase for search 3";
  WriteFile(pass, passphrase + "\n");
  Secret("passphrase", passphrase);
  ASSERT_NO_FATAL_FAILURE(Start({"--passphrase-file", pass.string()}));

  CreateOperator("alice-deployer");
  Ok({"policy", "create", "--label", "release-notes", "--allow", "send"});
  const std::string room = Ok({"chat", "create", "--name", "Deploy Room"}).value("id", "");
  const std::string random = Ok({"chat", "create", "--name", "Random"}).value("id", "");
  Issue({"--op", "alice-deployer", "--chat", room, "--allow", "send"});
  // Words no file of the signet holds in plaintext (the client store seals
  // message content; search keeps no index).
  const std::string friday = "we deploy zebrafish on Friday";
  const std::string staging = "redeployed the zebrafish staging box";
  Ok({"msg", "send", friday, "--to", room});
  Ok({"msg", "send", staging, "--to", random});
  Ok({"msg", "send", "lunch?", "--to", random});

  // Resources need nothing more; messages are skipped, and it says so.
  Json plain = Ok({"search", "deploy"});
  EXPECT_FALSE(plain.value("messagesSearched", true));
  std::vector<std::string> types = Types(plain);
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types, (std::vector<std::string>{"conversation", "credential", "operator"}))
      << plain.dump();
  EXPECT_EQ(plain["results"][0].value("type", ""), "conversation");  // a whole word first
  RunResult human = Xs({"search", "deploy"});
  EXPECT_EQ(human.code, 0) << human.Describe();
  EXPECT_TRUE(Contains(human.out, "--dangerously-allow-message-read")) << human.out;
  EXPECT_TRUE(Contains(human.out, room)) << human.out;

  EXPECT_EQ(Types(Ok({"search", "DEPLOY", "--type", "operator"})),
            std::vector<std::string>{"operator"});
  Json phrase = Ok({"search", "deploy room", "--type", "conversation"});
  ASSERT_EQ(phrase["results"].size(), 1u) << phrase.dump();
  EXPECT_EQ(phrase["results"][0].value("chatId", ""), room);
  Json policy = Ok({"search", "notes", "--type", "policy"});
  ASSERT_EQ(policy["results"].size(), 1u) << policy.dump();
  EXPECT_EQ(policy["results"][0].value("name", ""), "release-notes");
  EXPECT_TRUE(Ok({"search", "nothing-like-this"})["results"].empty());
  // --chat narrows to that chat's conversation and credentials.
  EXPECT_TRUE(Ok({"search", "deploy", "--chat", random})["results"].empty());
  EXPECT_EQ(Ok({"search", "alice", "--chat", room})["results"].size(), 1u);

  // Message content: the flag, then the owner's approval, as `msg list`.
  RunResult no_flag = Fails({"search", "zebrafish", "--type", "messages"}, kPermission);
  EXPECT_TRUE(Contains(no_flag.err, "--dangerously-allow-message-read")) << no_flag.err;
  RunResult no_owner =
      Fails({"search", "zebrafish", "--type", "messages", "--dangerously-allow-message-read"},
            kPermission);
  EXPECT_TRUE(Contains(no_owner.err, "passphrase")) << no_owner.err;
  Json found = Ok({"search", "DEPLOY", "--type", "messages", "--dangerously-allow-message-read",
                   "--passphrase-file", pass.string()});
  EXPECT_TRUE(found.value("messagesSearched", false));
  ASSERT_EQ(found["results"].size(), 2u) << found.dump();
  const Json& best = found["results"][0];  // "deploy" a word beats "redeployed"
  EXPECT_EQ(best.value("text", ""), friday);
  EXPECT_EQ(best.value("chatId", ""), room);
  EXPECT_EQ(best.value("id", "").rfind("msg_", 0), 0u) << best.dump();
  EXPECT_EQ(found["results"][1].value("text", ""), staging);
  const std::string log = ReadFile(env_->state_dir() / "audit.jsonl");
  EXPECT_TRUE(Contains(log, "admin.read-elevation.approved")) << log;

  // Within 60 s the approval is reused; narrowing and limits.
  Json both_words =
      Ok({"search", "zebrafish friday", "--type", "messages", "--dangerously-allow-message-read"});
  ASSERT_EQ(both_words["results"].size(), 1u) << both_words.dump();
  EXPECT_EQ(both_words["results"][0].value("text", ""), friday);
  Json in_random = Ok({"search", "zebrafish", "--chat", "Random", "--type", "messages",
                       "--dangerously-allow-message-read"});
  ASSERT_EQ(in_random["results"].size(), 1u) << in_random.dump();
  EXPECT_EQ(in_random["results"][0].value("text", ""), staging);
  Json one = Ok({"search", "deploy", "--limit", "1", "--type", "messages",
                 "--dangerously-allow-message-read"});
  ASSERT_EQ(one["results"].size(), 1u);
  EXPECT_EQ(one["results"][0].value("text", ""), friday);
  // Without --type and with the flag: resources and messages together.
  Json everything = Ok({"search", "deploy", "--dangerously-allow-message-read"});
  EXPECT_TRUE(everything.value("messagesSearched", false));
  EXPECT_EQ(everything["results"].size(), 5u) << everything.dump();

  // No plaintext of the messages anywhere on disk.
  for (const fs::path& dir : {env_->data_dir(), env_->state_dir(), env_->runtime_dir()}) {
    EXPECT_EQ(FilesContaining(dir, "zebrafish"), std::vector<std::string>{}) << dir;
  }

  // Bad input.
  Fails({"search", ""}, kValidation);
  Fails({"search", "   "}, kValidation);
  Fails({"search", std::string(257, 'q')}, kValidation);
  Fails({"search", "deploy", "--type", "everything"}, kValidation);
  Fails({"search", "deploy", "--limit", "0"}, kValidation);
  Fails({"search", "deploy", "--limit", "1001", "--type", "conversation"}, kValidation);
  Fails({"search", "deploy", "--chat", "conv_0000000000000000"}, kNotFound);
  Fails({"search", "deploy", "--as", "nobody"}, kNotFound);
  Fails({"search", "deploy", "--chat", room, "--type", "operator"}, kValidation);
  Fails({"search"}, kValidation);
}

// ---------------------------------------------------------------- inbox info --network

TEST_F(ConsentSearchTest, InboxInfoNetworkShowsInstallationsAndKeyPackages) {
  // The node lives in another signet's daemon, so that it can go away.
  XsEnv other(Binary());
  ASSERT_EQ(other.InitAndStart().code, 0);
  RunResult status = other.Run({"status", "--json"});
  const std::string url = status.Json()["network"].value("url", "");
  ASSERT_EQ(url.rfind("http://", 0), 0u) << status.Describe();
  env_->set_var("XMTP_SIGNET_LOCAL_NODE", url.substr(7));
  ASSERT_NO_FATAL_FAILURE(Start());

  Json inbox = Ok({"inbox", "create", "--label", "net"});
  Json info = Ok({"inbox", "info", "net", "--network"});
  const Json& net = info["networkStatus"];
  EXPECT_TRUE(net.value("registered", false)) << info.dump();
  EXPECT_GT(net.value("sequenceId", 0), 0) << info.dump();
  EXPECT_EQ(net["addresses"], Json::array({inbox.value("address", "")})) << info.dump();
  ASSERT_EQ(net["installations"].size(), 1u) << info.dump();
  const Json& installation = net["installations"][0];
  EXPECT_EQ(installation.value("id", ""), inbox.value("installationId", ""));
  EXPECT_TRUE(installation.value("thisSignet", false));
  EXPECT_EQ(installation["keyPackage"].value("state", ""), "valid") << info.dump();
  EXPECT_TRUE(installation["keyPackage"].value("lastResort", false));
  EXPECT_FALSE(installation["keyPackage"].value("notAfter", "").empty());
  // Without --network nothing is asked.
  EXPECT_FALSE(Ok({"inbox", "info", "net"}).contains("networkStatus"));
  RunResult human = Xs({"inbox", "info", "net", "--network"});
  EXPECT_EQ(human.code, 0) << human.Describe();
  EXPECT_TRUE(Contains(human.out, "Installations on the network")) << human.out;
  EXPECT_TRUE(Contains(human.out, inbox.value("installationId", ""))) << human.out;
  RunResult field = Xs({"inbox", "info", "net", "--network", "--only", "networkStatus.registered"});
  EXPECT_EQ(field.out, "true\n") << field.Describe();
  Fails({"inbox", "info", "nobody", "--network"}, kNotFound);

  // The node goes away: a network error naming the endpoint.
  ASSERT_EQ(other.StopDaemon().code, 0);
  RunResult down = Fails({"inbox", "info", "net", "--network"}, kNetwork);
  EXPECT_TRUE(Contains(down.err, url.substr(7))) << down.err;
  // The record itself is local.
  EXPECT_EQ(Ok({"inbox", "info", "net"}).value("id", ""), inbox.value("id", ""));
}

TEST_F(ConsentSearchTest, HelpDescribesTheCommands) {
  for (const auto& path : std::vector<std::vector<std::string>>{{"consent", "--help"},
                                                                {"consent", "check", "--help"},
                                                                {"consent", "allow", "--help"},
                                                                {"consent", "deny", "--help"},
                                                                {"search", "--help"}}) {
    RunResult r = Xs(path);
    EXPECT_EQ(r.code, 0) << r.Describe();
    EXPECT_TRUE(Contains(r.out, "Usage:")) << r.out;
  }
  EXPECT_TRUE(Contains(Xs({"consent", "check", "--help"}).out, "--type"));
  EXPECT_TRUE(Contains(Xs({"search", "--help"}).out, "--dangerously-allow-message-read"));
  EXPECT_TRUE(Contains(Xs({"--help"}).out, "\n  consent "));
  EXPECT_TRUE(Contains(Xs({"--help"}).out, "\n  search "));
}

}  // namespace
}  // namespace xs::cli::testing
