// Integration tests of the `xs` binary: every test runs the real executable
// in its own temp home (HOME and XDG dirs), most against a real daemon
// started with `xs init --env local` + `xs daemon start --daemon` (local
// env: the daemon embeds the local XMTP node, nothing leaves the machine).
// Each test checks the success path, the bad-input paths and the exit code
// of each, and ends with the secret scan (CliTest::TearDown, cli_fixture.h).
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include "cli_fixture.h"

namespace xs::cli::testing {
namespace {

// ---------------------------------------------------------------- no daemon

TEST_F(CliTest, VersionAndTopLevelHelp) {
  RunResult v = Xs({"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_EQ(v.out, "dev (dev)\n");
  RunResult h = Xs({"--help"});
  EXPECT_EQ(h.code, 0);
  for (const char* group : {"init", "daemon", "status", "logs", "lookup", "key", "wallet", "inbox",
                            "operator", "policy", "cred", "chat", "msg"}) {
    EXPECT_TRUE(Contains(h.out, std::string("\n  ") + group + " ")) << group;
  }
}

TEST_F(CliTest, HelpOnEveryCommandAndGroup) {
  const std::vector<std::string> paths = {"",
                                          "init",
                                          "daemon",
                                          "daemon start",
                                          "daemon stop",
                                          "daemon status",
                                          "status",
                                          "logs",
                                          "logs export",
                                          "lookup",
                                          "key",
                                          "key init",
                                          "key rotate",
                                          "key list",
                                          "key info",
                                          "key export-public",
                                          "wallet",
                                          "wallet create",
                                          "wallet import",
                                          "wallet list",
                                          "wallet info",
                                          "wallet provider",
                                          "wallet provider set",
                                          "wallet provider list",
                                          "inbox",
                                          "inbox create",
                                          "inbox list",
                                          "inbox info",
                                          "inbox rm",
                                          "inbox link",
                                          "inbox unlink",
                                          "operator",
                                          "operator create",
                                          "operator list",
                                          "operator info",
                                          "operator rename",
                                          "operator rm",
                                          "policy",
                                          "policy create",
                                          "policy list",
                                          "policy info",
                                          "policy update",
                                          "policy rm",
                                          "cred",
                                          "cred issue",
                                          "cred list",
                                          "cred info",
                                          "cred revoke",
                                          "cred update",
                                          "chat",
                                          "chat create",
                                          "chat list",
                                          "chat info",
                                          "chat sync",
                                          "msg",
                                          "msg send",
                                          "msg list",
                                          "seal",
                                          "seal list",
                                          "seal info",
                                          "seal verify",
                                          "seal history"};
  for (const auto& path : paths) {
    std::vector<std::string> args;
    std::istringstream words(path);
    for (std::string w; words >> w;) args.push_back(w);
    for (const char* flag : {"--help", "-h"}) {
      auto with = args;
      with.emplace_back(flag);
      RunResult r = Xs(with);
      EXPECT_EQ(r.code, 0) << path << "\n" << r.Describe();
      EXPECT_TRUE(Contains(r.out, "Usage:\n  xs" + (path.empty() ? "" : " " + path)))
          << path << "\n"
          << r.out;
      EXPECT_TRUE(Contains(r.out, "--json")) << path;
    }
  }
}

TEST_F(CliTest, UsageErrorsExitOneWithHint) {
  RunResult r = Fails({"operator", "list", "--bogus"}, kValidation);
  EXPECT_TRUE(Contains(r.err, "hint: see `xs operator list --help`")) << r.err;
  Fails({"frobnicate"}, kValidation);
  Fails({"operator"}, kValidation);
  Fails({"operator", "create"}, kValidation);
  Fails({"operator", "create", "--label"}, kValidation);
  Fails({"operator", "create", "--label", "a", "--role", "superadmin"}, kValidation);
  Fails({"cred", "issue", "--op", "a", "--chat", "conv_1", "--ttl", "-5"}, kValidation);
  Fails({"cred", "issue", "--op", "a", "--chat", "conv_1", "--ttl", "0"}, kValidation);
  Fails({"logs", "--limit", "ten"}, kValidation);
  Fails({"operator", "info"}, kValidation);
  Fails({"operator", "info", "a", "b"}, kValidation);
  Fails({"init", "--env", "mainnet"}, kValidation);
}

TEST_F(CliTest, NotInitializedIsAuthErrorWithHint) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"operator", "list"}, {"cred", "list"}, {"logs"}, {"key", "list"}}) {
    RunResult r = Fails(args, kAuth);
    EXPECT_TRUE(Contains(r.err, "xs init")) << r.err;
  }
  RunResult start = Xs({"daemon", "start", "--daemon"});
  EXPECT_EQ(start.code, kAuth) << start.Describe();
}

TEST_F(CliTest, InitWritesConfigAndRefusesTwice) {
  RunResult bad = Xs({"init", "paranoid", "--env", "local"});
  EXPECT_EQ(bad.code, kValidation) << bad.Describe();
  EXPECT_FALSE(fs::exists(env_->data_dir() / "vault.db"));

  // init is offline by design, and says so: the node it would reach (the
  // local env's node address) sees no connection.
  Listener node;
  ASSERT_GT(node.port(), 0);
  env_->set_var("XMTP_SIGNET_LOCAL_NODE", "127.0.0.1:" + std::to_string(node.port()));
  Json init = Ok({"init", "--env", "local", "--label", "my-agent"});
  EXPECT_TRUE(fs::exists(env_->data_dir() / "vault.db"));
  EXPECT_FALSE(node.Contacted()) << "xs init connected to the network";
  EXPECT_EQ(init.value("dataDir", ""), env_->data_dir().string());
  EXPECT_EQ(init.value("configPath", ""), env_->config_file().string());
  EXPECT_EQ(init.value("networkContacted", true), false) << init.dump();
  struct stat st {};
  ASSERT_EQ(stat(env_->config_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string toml = ReadFile(env_->config_file());
  EXPECT_TRUE(Contains(toml, "my-agent")) << toml;
  EXPECT_TRUE(Contains(toml, "local")) << toml;

  RunResult again = Fails({"init", "--env", "local"}, kValidation);
  EXPECT_TRUE(Contains(again.err, "already initialized")) << again.err;
  // A preset that disagrees with the existing config file is refused.
  Fails({"init", "hardened"}, kValidation);
}

TEST_F(CliTest, DaemonDownIsNetworkErrorWithHint) {
  Ok({"init", "--env", "local"});
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"operator", "list"}, {"status"}, {"daemon", "status"}, {"lookup", "x"}}) {
    RunResult r = Fails(args, kNetwork);
    EXPECT_TRUE(Contains(r.err, "xs daemon start")) << r.err;
  }
}

// ---------------------------------------------------------------- lifecycle

TEST_F(CliTest, DaemonStartStatusStop) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Json status = Ok({"status"});
  const int pid = status.value("pid", 0);
  EXPECT_EQ(status.value("dataDir", ""), env_->data_dir().string()) << status.dump();
  EXPECT_EQ(status.value("socketPath", ""), (env_->runtime_dir() / "admin.sock").string());
  Json same = Ok({"daemon", "status"});
  EXPECT_EQ(same.value("pid", -1), pid);
  RunResult human = Xs({"status"});
  EXPECT_EQ(human.code, 0) << human.Describe();
  EXPECT_TRUE(Contains(human.out, "(pid " + std::to_string(pid) + ",")) << human.out;
  // A second daemon on the same data dir is refused.
  RunResult second = Xs({"daemon", "start", "--daemon"});
  EXPECT_NE(second.code, 0) << second.Describe();
}

TEST_F(CliTest, ForegroundDaemonStopsOnRequest) {
  Ok({"init", "--env", "local"});
  RunResult foreground;
  std::thread runner([&] { foreground = env_->Run({"daemon", "start"}); });
  EXPECT_TRUE(WaitUntil([&] {
    return env_->Run({"status", "--json"}).code == 0;
  })) << "the foreground daemon never served";
  Json stopped = Ok({"daemon", "stop", "--timeout", "5000"});
  EXPECT_TRUE(stopped.value("stopped", false)) << stopped.dump();
  runner.join();
  EXPECT_EQ(foreground.code, 0) << foreground.Describe();
  RunResult again = Fails({"daemon", "stop"}, kNetwork);
  EXPECT_TRUE(Contains(again.err, "xs daemon start")) << again.err;
  Fails({"status"}, kNetwork);
}

TEST_F(CliTest, ExplicitConfigFile) {
  const fs::path config = env_->root() / "alt.toml";
  const fs::path data = env_->root() / "alt-data";
  extra_data_dirs_.push_back(data);
  WriteFile(config, "[signet]\nenv = \"local\"\ndataDir = \"" + data.string() +
                        "\"\n[credentials]\ndefaultTtlSeconds = 120\n");
  Json init = Ok({"init", "--config", config.string()});
  EXPECT_EQ(init.value("dataDir", ""), data.string());
  EXPECT_TRUE(fs::exists(data / "vault.db"));
  EXPECT_FALSE(fs::exists(env_->config_file()));

  // Every daemon-backed command honours --config.
  Fails({"operator", "list"}, kAuth);  // the default data dir has no admin key
  RunResult start = Xs({"daemon", "start", "--daemon", "--config", config.string()});
  ASSERT_EQ(start.code, 0) << start.Describe();
  Json status = Ok({"status", "--config", config.string()});
  EXPECT_EQ(status.value("dataDir", ""), data.string());
  Ok({"operator", "create", "--label", "alice", "--config", config.string()});
  Json chat = Ok({"chat", "create", "--name", "alt", "--config", config.string()});
  Json issued = Issue({"--op", "alice", "--chat", chat.value("id", ""), "--allow", "send",
                       "--config", config.string()});
  EXPECT_EQ(issued["credential"].value("expiresAt", "").size(), 24u);
  Json stop = Ok({"daemon", "stop", "--config", config.string()});
  EXPECT_TRUE(stop.value("stopped", false));

  // A config file with an unknown key is a validation error naming it.
  const fs::path bad = env_->root() / "bad.toml";
  WriteFile(bad, "[ws]\nprot = 1\n");
  RunResult r = Fails({"status", "--config", bad.string()}, kValidation);
  EXPECT_TRUE(Contains(r.err, "ws.prot")) << r.err;
  Fails({"status", "--config", (env_->root() / "missing.toml").string()}, kNotFound);
}

// ---------------------------------------------------------------- operators

TEST_F(CliTest, OperatorLifecycle) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Json op = Ok({"operator", "create", "--label", "alice", "--scope", "shared", "--inference-mode",
                "cloud", "--inference-providers", "openai,anthropic"});
  const std::string id = op.value("id", "");
  ASSERT_TRUE(id.rfind("op_", 0) == 0) << op.dump();
  EXPECT_EQ(op["config"]["scopeMode"], "shared");
  EXPECT_EQ(op["config"]["operatorDisclosures"]["inferenceProviders"].size(), 2u);

  RunResult human = Xs({"operator", "create", "--label", "bob"});
  EXPECT_EQ(human.code, 0) << human.Describe();
  EXPECT_TRUE(Contains(human.out, "Created operator op_")) << human.out;

  Json list = Ok({"operator", "list"});
  ASSERT_TRUE(list.is_array());
  EXPECT_EQ(list.size(), 2u);
  RunResult table = Xs({"operator", "list"});
  EXPECT_TRUE(Contains(table.out, "LABEL")) << table.out;
  EXPECT_TRUE(Contains(table.out, "alice")) << table.out;

  EXPECT_EQ(Ok({"operator", "info", "alice"}).value("id", ""), id);
  EXPECT_EQ(Ok({"operator", "info", id.substr(0, 7)}).value("id", ""), id);  // short id
  Fails({"operator", "info", "nobody"}, kNotFound);

  Json renamed = Ok({"operator", "rename", "alice", "--label", "alicia"});
  EXPECT_EQ(renamed["config"]["label"], "alicia");
  Fails({"operator", "rename", "alicia"}, kValidation);

  Json plan = Ok({"operator", "rm", "alicia"});
  EXPECT_TRUE(plan.value("dryRun", false)) << plan.dump();
  RunResult human_plan = Xs({"operator", "rm", "alicia"});
  EXPECT_TRUE(Contains(human_plan.out, "Dry run")) << human_plan.out;
  EXPECT_TRUE(Contains(human_plan.out, "--force")) << human_plan.out;
  EXPECT_EQ(Ok({"operator", "info", id}).value("status", ""), "active");

  Json removed = Ok({"operator", "rm", "alicia", "--force"});
  EXPECT_TRUE(removed.value("removed", false)) << removed.dump();
  EXPECT_EQ(Ok({"operator", "list"}).size(), 1u);
}

TEST_F(CliTest, PolicyLifecycle) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Json p = Ok({"policy", "create", "--label", "chatty", "--allow", "send,reply", "--allow", "react",
               "--deny", "forward-to-provider"});
  const std::string id = p.value("id", "");
  ASSERT_TRUE(id.rfind("policy_", 0) == 0) << p.dump();
  EXPECT_EQ(p["config"]["allow"].size(), 3u);
  Fails({"policy", "create", "--label", "bad", "--allow", "teleport"}, kValidation);
  Fails({"policy", "create"}, kValidation);

  EXPECT_EQ(Ok({"policy", "list"}).size(), 1u);
  EXPECT_EQ(Ok({"policy", "info", "chatty"}).value("id", ""), id);
  Fails({"policy", "info", "policy_0000000000000000"}, kNotFound);

  Fails({"policy", "update", "chatty"}, kValidation);  // nothing to update
  Json updated = Ok({"policy", "update", "chatty", "--allow", "send", "--label", "quiet"});
  EXPECT_EQ(updated["config"]["allow"], Json::array({"send"}));
  EXPECT_EQ(updated["config"]["label"], "quiet");

  EXPECT_TRUE(Ok({"policy", "rm", "quiet"}).value("dryRun", false));
  EXPECT_EQ(Ok({"policy", "list"}).size(), 1u);
  EXPECT_TRUE(Ok({"policy", "rm", "quiet", "--force"}).value("removed", false));
  Fails({"policy", "info", id}, kNotFound);
}

// ---------------------------------------------------------------- credentials

TEST_F(CliTest, CredentialLifecycleShowsTokenOnce) {
  ASSERT_NO_FATAL_FAILURE(Start());
  CreateOperator("alice");
  Ok({"policy", "create", "--label", "base", "--allow", "send,reply,react,read-messages"});
  const std::string chat = NewChat();
  const std::string other_chat = NewChat();

  Json issued = Issue(
      {"--op", "alice", "--chat", chat, "--policy", "base", "--deny", "react", "--ttl", "600"});
  const std::string token = issued.value("token", "");
  EXPECT_EQ(token.size(), 43u) << issued.dump();
  const std::string cred = issued["credential"].value("id", "");
  ASSERT_TRUE(cred.rfind("cred_", 0) == 0);
  EXPECT_EQ(issued["credential"]["chatIds"], Json::array({chat}));

  // Human issue output: the token, once, with the warning.
  RunResult human = Xs({"cred", "issue", "--op", "alice", "--chat", other_chat, "--allow", "send"});
  ASSERT_EQ(human.code, 0) << human.Describe();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(human.out, m, std::regex("token  ([A-Za-z0-9_-]{43})")))
      << human.out;
  IssuedToken(m[1], human.index);
  EXPECT_TRUE(Contains(human.out, "shown only once"));

  Fails({"cred", "issue", "--op", "alice"}, kValidation);  // no chat
  // Chats resolve by id, short id or name: an unknown name is not found.
  Fails({"cred", "issue", "--op", "alice", "--chat", "not-a-chat"}, kNotFound);
  Fails({"cred", "issue", "--op", "nobody", "--chat", chat}, kNotFound);
  Fails({"cred", "issue", "--op", "alice", "--chat", chat, "--allow", "fly"}, kValidation);
  // A well-formed id of a chat the signet does not hold is refused.
  Fails({"cred", "issue", "--op", "alice", "--chat", "conv_00000000000000c1"}, kNotFound);

  Json list = Ok({"cred", "list"});
  EXPECT_EQ(list.size(), 2u);
  EXPECT_EQ(Ok({"cred", "list", "--op", "alice"}).size(), 2u);
  Json info = Ok({"cred", "info", cred});
  EXPECT_EQ(info.value("status", ""), "active");
  EXPECT_FALSE(info.contains("token"));
  RunResult info_human = Xs({"cred", "info", cred.substr(0, 9)});
  EXPECT_EQ(info_human.code, 0) << info_human.Describe();
  EXPECT_TRUE(Contains(info_human.out, "effective scopes")) << info_human.out;
  Fails({"cred", "info", "cred_ffffffffffffffff"}, kNotFound);

  // Narrowing applies in place; widening revokes (admin path).
  Fails({"cred", "update", cred}, kValidation);
  Json narrow =
      Ok({"cred", "update", cred, "--deny", "react,reply"});  // replaces the inline deny list
  EXPECT_TRUE(narrow.value("material", false)) << narrow.dump();
  EXPECT_FALSE(narrow.value("reauthorizationRequired", true));
  EXPECT_EQ(Ok({"cred", "info", cred}).value("status", ""), "active");

  Json plan = Ok({"cred", "revoke", cred});
  EXPECT_TRUE(plan.value("dryRun", false));
  EXPECT_EQ(Ok({"cred", "info", cred}).value("status", ""), "active");
  Json revoked = Ok({"cred", "revoke", cred, "--force"});
  EXPECT_TRUE(revoked.value("revoked", false)) << revoked.dump();
  EXPECT_EQ(Ok({"cred", "info", cred}).value("status", ""), "revoked");
  EXPECT_EQ(Ok({"cred", "list"}).size(), 1u);

  Json second = Ok({"cred", "list"})[0];
  Json widen = Ok({"cred", "update", second.value("id", ""), "--allow", "send,leave"});
  EXPECT_TRUE(widen.value("reauthorizationRequired", false)) << widen.dump();
}

// ---------------------------------------------------------------- inboxes

TEST_F(CliTest, InboxLifecycle) {
  ASSERT_NO_FATAL_FAILURE(Start());
  CreateOperator("alice");
  Json inbox = Ok({"inbox", "create", "--label", "support", "--op", "alice"});
  const std::string id = inbox.value("id", "");
  ASSERT_TRUE(id.rfind("inbox_", 0) == 0) << inbox.dump();
  const std::string address = inbox.value("address", "");
  EXPECT_TRUE(address.rfind("0x", 0) == 0);
  Ok({"inbox", "create"});
  Fails({"inbox", "create", "--op", "nobody"}, kNotFound);

  EXPECT_EQ(Ok({"inbox", "list"}).size(), 2u);
  RunResult only = Xs({"inbox", "info", "support", "--only", "address"});
  EXPECT_EQ(only.code, 0) << only.Describe();
  EXPECT_EQ(only.out, address + "\n");
  Json only_json = Ok({"inbox", "info", "support", "--only", "address"});
  EXPECT_EQ(only_json, Json(address));
  Fails({"inbox", "info", "support", "--only", "nonsense"}, kValidation);
  Json net = Ok({"inbox", "info", address, "--network"});
  EXPECT_TRUE(net.contains("networkStatus")) << net.dump();
  Fails({"inbox", "info", "inbox_0000000000000000"}, kNotFound);

  Json unlinked = Ok({"inbox", "unlink", "support"});
  EXPECT_FALSE(unlinked.contains("operatorId")) << unlinked.dump();
  Fails({"inbox", "link", "support"}, kValidation);  // --op required
  Json linked = Ok({"inbox", "link", "support", "--op", "alice"});
  EXPECT_TRUE(linked.value("operatorId", "").rfind("op_", 0) == 0) << linked.dump();

  EXPECT_TRUE(Ok({"inbox", "rm", "support"}).value("dryRun", false));
  EXPECT_EQ(Ok({"inbox", "list"}).size(), 2u);
  EXPECT_TRUE(Ok({"inbox", "rm", "support", "--force"}).value("removed", false));
  EXPECT_EQ(Ok({"inbox", "list"}).size(), 1u);
}

// ---------------------------------------------------------------- keys, wallets

TEST_F(CliTest, KeysAndWallets) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Json wallet = Ok({"wallet", "create", "--label", "treasury"});
  const std::string wallet_id = wallet.value("id", "");
  ASSERT_TRUE(wallet_id.rfind("wallet_", 0) == 0) << wallet.dump();
  EXPECT_FALSE(wallet.contains("privateKey"));
  Fails({"wallet", "create"}, kValidation);
  EXPECT_EQ(Ok({"wallet", "list"}).size(), 1u);
  EXPECT_EQ(Ok({"wallet", "info", "treasury"}).value("address", ""), wallet.value("address", "x"));
  Fails({"wallet", "info", "nothing"}, kNotFound);
  EXPECT_TRUE(Ok({"wallet", "provider", "list"}).value("deferred", false));

  // Import from a key file (never from argv); the key is a secret the logs
  // and outputs are scanned for.
  const std::string imported_key =
      "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  Secret("imported wallet key", imported_key);
  const std::string key_file = (env_->root() / "home").string() + "/imported.key";
  {
    std::ofstream f(key_file);
    f << "0x" << imported_key << "\n";
  }
  Json imported = Ok({"wallet", "import", "--label", "cold", "--key-file", key_file});
  EXPECT_EQ(imported.value("address", ""), "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23");
  EXPECT_FALSE(imported.contains("privateKey"));
  Fails({"wallet", "import", "--label", "x"}, kValidation);  // neither file
  Fails({"wallet", "import", "--label", "x", "--key-file", key_file, "--mnemonic-file", key_file},
        kValidation);
  Fails({"wallet", "import", "--label", "x", "--key-file",
         (env_->root() / "home").string() + "/missing"},
        kValidation);
  {
    std::ofstream f((env_->root() / "home").string() + "/bad.key");
    f << "not a key\n";
  }
  Fails({"wallet", "import", "--label", "x", "--key-file",
         (env_->root() / "home").string() + "/bad.key"},
        kValidation);
  EXPECT_EQ(Ok({"wallet", "list"}).size(), 2u);
  RunResult set = Xs({"wallet", "provider", "set", "ows", "--path", "/bin/true"});
  EXPECT_EQ(set.code, 0);
  EXPECT_TRUE(Contains(set.out, "deferred"));

  CreateOperator("alice");
  Json key = Ok({"key", "init", "--operator", "alice"});
  const std::string key_id = key.value("id", "");
  ASSERT_TRUE(key_id.rfind("key_", 0) == 0) << key.dump();
  EXPECT_EQ(Ok({"key", "init", "--operator", "alice"}).value("id", ""), key_id);  // idempotent
  Fails({"key", "init", "--operator", "nobody"}, kNotFound);
  Fails({"key", "init"}, kValidation);

  Json keys = Ok({"key", "list"});
  EXPECT_GE(keys.size(), 3u);  // root, admin, operational
  for (const auto& k : keys) {
    EXPECT_FALSE(k.contains("seed"));
    EXPECT_FALSE(k.contains("privateKey"));
  }
  EXPECT_EQ(Ok({"key", "info", key_id}).value("id", ""), key_id);
  Fails({"key", "info", "key_0000000000000000"}, kNotFound);
  Json pub = Ok({"key", "export-public", "alice"});
  EXPECT_EQ(pub.value("publicKey", "").size(), 64u) << pub.dump();
  Ok({"key", "export-public"});

  // Without an argument: the signet's seal signing key (decisions.md #28),
  // which the daemon made on start.
  Json seal_key = Ok({"key", "export-public"});
  EXPECT_EQ(seal_key.value("identityId", ""), "signet") << seal_key.dump();
  EXPECT_EQ(Ok({"key", "export-public", "signet"}), seal_key);

  // Every active operational key rotates: alice's and the seal key.
  Json rotated = Ok({"key", "rotate"});
  ASSERT_EQ(rotated["rotated"].size(), 2u) << rotated.dump();
  std::set<std::string> from;
  for (const Json& r : rotated["rotated"]) from.insert(r.value("from", ""));
  EXPECT_EQ(from, (std::set<std::string>{key_id, seal_key.value("keyId", "")}));
  EXPECT_NE(Ok({"key", "export-public"}).value("fingerprint", ""),
            seal_key.value("fingerprint", ""));
}

// ---------------------------------------------------------------- logs, lookup

TEST_F(CliTest, LogsAndLookup) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string op = CreateOperator("alice");
  Ok({"policy", "create", "--label", "p1", "--allow", "send"});

  Json logs = Ok({"logs", "--limit", "50"});
  ASSERT_TRUE(logs["entries"].is_array()) << logs.dump();
  bool saw_create = false;
  for (const auto& e : logs["entries"]) saw_create |= e.value("action", "") == "operator.create";
  EXPECT_TRUE(saw_create) << logs.dump();
  EXPECT_LE(Ok({"logs", "--limit", "1"})["entries"].size(), 1u);
  EXPECT_TRUE(Ok({"logs", "--since", "2999-01-01T00:00:00Z"})["entries"].empty());
  Fails({"logs", "--since", "yesterday"}, kValidation);
  RunResult human = Xs({"logs"});
  EXPECT_TRUE(Contains(human.out, "operator.create")) << human.out;

  RunResult exported = Xs({"logs", "export"});
  EXPECT_EQ(exported.code, 0);
  std::istringstream lines(exported.out);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    EXPECT_FALSE(Json::parse(line, nullptr, false).is_discarded()) << line;
  }
  EXPECT_GE(n, 2);
  EXPECT_GE(Ok({"logs", "export"})["entries"].size(), 2u);

  Json hit = Ok({"lookup", "alice"});
  EXPECT_EQ(hit.value("type", ""), "operator");
  EXPECT_EQ(hit.value("id", ""), op);
  EXPECT_EQ(Ok({"lookup", op.substr(0, 6)}).value("id", ""), op);
  EXPECT_EQ(Ok({"lookup", "p1"}).value("type", ""), "policy");
  Fails({"lookup", "nothing-here"}, kNotFound);
  Fails({"lookup"}, kValidation);
}

// ---------------------------------------------------------------- owner gates

TEST_F(CliTest, HardenedPresetGatesNeedTheOwnerPassphrase) {
  const fs::path pass = env_->root() / "owner-pass";
  const fs::path wrong = env_->root() / "wrong-pass";
  const std::string passphrase = "correct horse battery staple 42";
  WriteFile(pass, passphrase + "\n");
  WriteFile(wrong, "not the passphrase at all\n");
  Secret("passphrase", passphrase);
  Secret("wrong passphrase", "not the passphrase at all");
  passphrase_ = passphrase;

  // Hardened seals the vault with the passphrase: init and start need it.
  RunResult no_pass = Xs({"init", "hardened", "--env", "local"});
  EXPECT_EQ(no_pass.code, kValidation) << no_pass.Describe();
  ASSERT_NO_FATAL_FAILURE(Start({"hardened", "--passphrase-file", pass.string()},
                                {{"XMTP_SIGNET_OWNER_PASSPHRASE_FILE", pass.string()}}));

  // agentCreation gate: no passphrase -> permission; wrong -> permission.
  RunResult gated = Fails({"operator", "create", "--label", "alice"}, kPermission);
  EXPECT_TRUE(Contains(gated.err, "passphrase")) << gated.err;
  Fails({"operator", "create", "--label", "alice", "--passphrase-file", wrong.string()},
        kPermission);
  Fails({"operator", "create", "--label", "alice", "--passphrase-file", "/nonexistent"},
        kValidation);
  Json op = Ok({"operator", "create", "--label", "alice", "--passphrase-file", pass.string()});
  EXPECT_TRUE(op.value("id", "").rfind("op_", 0) == 0) << op.dump();
  RunResult via_env = Xs({"operator", "create", "--label", "bob", "--json"},
                         {{"XMTP_SIGNET_OWNER_PASSPHRASE_FILE", pass.string()}});
  EXPECT_EQ(via_env.code, 0) << via_env.Describe();

  // operationalKeyRotation gate.
  Ok({"key", "init", "--operator", "alice"});
  Fails({"key", "rotate"}, kPermission);
  Ok({"key", "rotate", "--passphrase-file", pass.string()});
}

// ---------------------------------------------------------------- chats and messages

TEST_F(CliTest, ChatCreateListInfoSendAndReadWithElevation) {
  const fs::path pass = env_->root() / "owner-pass";
  const std::string passphrase = "owner passphrase for reads 7";
  WriteFile(pass, passphrase + "\n");
  Secret("passphrase", passphrase);
  ASSERT_NO_FATAL_FAILURE(Start({"--passphrase-file", pass.string()}));

  Json peer = Ok({"inbox", "create", "--label", "peer"});
  const std::string peer_network = peer.value("networkInboxId", "");
  ASSERT_EQ(peer_network.size(), 64u) << peer.dump();

  // identityMode per-group (the default): a fresh inbox for the new chat.
  Json chat = Ok({"chat", "create", "--name", "support", "--members", peer_network});
  const std::string id = chat.value("id", "");
  ASSERT_TRUE(id.rfind("conv_", 0) == 0) << chat.dump();
  EXPECT_EQ(chat.value("type", ""), "group");
  EXPECT_EQ(chat.value("name", ""), "support");
  EXPECT_EQ(chat.value("memberCount", 0), 2) << chat.dump();
  EXPECT_NE(chat.value("inboxId", ""), peer.value("id", ""));
  const std::string group = chat.value("networkGroupId", "");
  EXPECT_FALSE(group.empty());
  EXPECT_EQ(Ok({"inbox", "list"}).size(), 2u);

  // Every inbox the daemon holds is connected.
  Json status = Ok({"status"});
  EXPECT_EQ(status["connectedInboxIds"].size(), 2u) << status.dump();
  EXPECT_EQ(status.value("networkState", ""), "embedded") << status.dump();

  // The peer inbox joins through its Welcome; the group stays one chat.
  Json list = Ok({"chat", "list"});
  ASSERT_EQ(list.size(), 1u) << list.dump();
  EXPECT_EQ(list[0].value("id", ""), id);
  // A list row counts the members; `chat info` lists them.
  EXPECT_EQ(list[0].value("memberCount", 0), 2) << list.dump();
  EXPECT_FALSE(list[0].contains("members")) << list.dump();
  EXPECT_EQ(Ok({"chat", "info", id})["members"].size(), 2u);
  for (const std::string& ref : {id, id.substr(0, 9), std::string("support"), group}) {
    EXPECT_EQ(Ok({"chat", "info", ref}).value("id", ""), id) << ref;
  }
  RunResult only = Xs({"chat", "info", "support", "--only", "memberCount"});
  EXPECT_EQ(only.code, 0) << only.Describe();
  EXPECT_EQ(only.out, "2\n");
  Fails({"chat", "info", "conv_0000000000000000"}, kNotFound);
  Fails({"chat", "info", "support", "--only", "nonsense"}, kValidation);

  Json sent = Ok({"msg", "send", "hello from the signet", "--to", "support"});
  const std::string msg = sent.value("id", "");
  EXPECT_TRUE(msg.rfind("msg_", 0) == 0) << sent.dump();
  EXPECT_EQ(sent.value("chatId", ""), id);
  Fails({"msg", "send", "", "--to", "support"}, kValidation);
  Fails({"msg", "send", std::string(64 * 1024 + 1, 'x'), "--to", "support"}, kValidation);
  Fails({"msg", "send", "hi", "--to", "conv_0000000000000000"}, kNotFound);
  Fails({"msg", "send", "hi", "--to", "support", "--as", "peer"}, kValidation);

  // Content needs read elevation: the flag, then the owner's approval.
  RunResult plain = Fails({"msg", "list", "--from", "support"}, kPermission);
  EXPECT_TRUE(Contains(plain.err, "--dangerously-allow-message-read")) << plain.err;
  RunResult unapproved =
      Fails({"msg", "list", "--from", "support", "--dangerously-allow-message-read"}, kPermission);
  EXPECT_TRUE(Contains(unapproved.err, "passphrase")) << unapproved.err;
  Fails({"msg", "list", "--from", "conv_0000000000000000", "--dangerously-allow-message-read"},
        kNotFound);
  Json messages = Ok({"msg", "list", "--from", "support", "--dangerously-allow-message-read",
                      "--passphrase-file", pass.string()});
  ASSERT_TRUE(messages.is_array()) << messages.dump();
  bool found = false;
  for (const auto& m : messages) {
    if (m.value("id", "") == msg) {
      found = true;
      EXPECT_EQ(m.value("text", ""), "hello from the signet");
      EXPECT_EQ(m.value("contentType", ""), "xmtp.org/text:1.0");
      EXPECT_TRUE(m.value("published", false));
    }
  }
  EXPECT_TRUE(found) << messages.dump();
  // Within 60 s the approval is reused without the passphrase.
  Json reused = Ok({"msg", "list", "--from", id, "--dangerously-allow-message-read"});
  EXPECT_EQ(reused.size(), messages.size());

  Json synced = Ok({"chat", "sync"});
  EXPECT_TRUE(synced.contains("newMessages")) << synced.dump();
  EXPECT_EQ(synced.value("chats", 0), 1);
  Json one = Ok({"chat", "sync", "support"});
  EXPECT_EQ(one.value("chatId", ""), id);
  Fails({"chat", "sync", "conv_0000000000000000"}, kNotFound);

  // Chats, mappings and messages survive a restart.
  EXPECT_EQ(env_->StopDaemon().code, 0);
  ASSERT_EQ(env_->StartDaemon().code, 0);
  EXPECT_EQ(Ok({"chat", "info", id.substr(0, 9)}).value("memberCount", 0), 2);
  Json after = Ok({"msg", "list", "--from", "support", "--dangerously-allow-message-read",
                   "--passphrase-file", pass.string()});
  EXPECT_EQ(after.size(), messages.size());
  EXPECT_EQ(after.back().value("id", ""), msg) << after.dump();
  EXPECT_EQ(Ok({"status"})["connectedInboxIds"].size(), 2u);
}

TEST_F(CliTest, ChatCreateBadMembersLeavesNothingBehind) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Fails({"chat", "create", "--name", "x", "--members", "not-an-inbox"}, kValidation);
  Fails({"chat", "create", "--name", "x", "--members", std::string(64, 'a')}, kNotFound);
  Fails(
      {"chat", "create", "--name", "x", "--members", "0x0000000000000000000000000000000000000001"},
      kNotFound);
  Fails({"chat", "create", "--name", std::string(101, 'n')}, kValidation);
  Fails({"chat", "create", "--name", "x", "--as", "nobody"}, kNotFound);
  Fails({"chat", "create"}, kValidation);  // --name is required
  EXPECT_EQ(Ok({"chat", "list"}).size(), 0u);
  EXPECT_EQ(Ok({"inbox", "list"}).size(), 0u);
}

TEST_F(CliTest, SharedIdentityModeUsesOneInboxAndTheGateOffNeedsOnlyTheFlag) {
  ASSERT_NO_FATAL_FAILURE(Start({"trusted-local"}));
  const std::string first = NewChat();
  const std::string second = NewChat();
  Json a = Ok({"chat", "info", first});
  Json b = Ok({"chat", "info", second});
  EXPECT_EQ(a.value("inboxId", ""), b.value("inboxId", "")) << a.dump() << b.dump();
  EXPECT_EQ(Ok({"inbox", "list"}).size(), 1u);
  // --as names the inbox; an operator's chats use the operator's inbox.
  Json other = Ok({"inbox", "create", "--label", "other"});
  Json as = Ok({"chat", "create", "--name", "as-other", "--as", "other"});
  EXPECT_EQ(as.value("inboxId", ""), other.value("id", ""));
  EXPECT_EQ(Ok({"chat", "list", "--as", "other"}).size(), 1u);
  CreateOperator("alice");
  Json op_chat = Ok({"chat", "create", "--name", "alice-chat", "--op", "alice"});
  EXPECT_EQ(Ok({"chat", "list", "--op", "alice"}).size(), 1u);
  Json op_chat2 = Ok({"chat", "create", "--name", "alice-chat-2", "--op", "alice"});
  EXPECT_EQ(op_chat.value("inboxId", ""), op_chat2.value("inboxId", ""));
  Fails({"chat", "create", "--name", "x", "--as", "other", "--op", "alice"}, kValidation);

  Ok({"msg", "send", "shared hello", "--to", first});
  Fails({"msg", "list", "--from", first}, kPermission);
  Json read = Ok({"msg", "list", "--from", first, "--dangerously-allow-message-read"});
  ASSERT_FALSE(read.empty());
  EXPECT_EQ(read.back().value("text", ""), "shared hello");
}

// Two signets on one node: a group the other side creates reaches us after
// `chat sync`, and its messages show in `msg list`.
TEST_F(CliTest, PeerCreatedChatAppearsAfterSyncWithItsMessages) {
  ASSERT_NO_FATAL_FAILURE(Start({"trusted-local"}));
  Json mine = Ok({"inbox", "create", "--label", "me"});

  XsEnv other(Binary());
  // The other signet uses our daemon's (embedded) node.
  Json status = Ok({"status"});
  std::string url = status["network"].value("url", "");
  ASSERT_EQ(url.rfind("http://", 0), 0u) << status.dump();
  other.set_var("XMTP_SIGNET_LOCAL_NODE", url.substr(7));
  ASSERT_EQ(other.InitAndStart({"trusted-local"}).code, 0);
  RunResult created = other.Run({"chat", "create", "--name", "from-afar", "--members",
                                 mine.value("networkInboxId", ""), "--json"});
  ASSERT_EQ(created.code, 0) << created.Describe();
  const std::string their_group = created.Json().value("networkGroupId", "");
  RunResult sent = other.Run({"msg", "send", "hello from afar", "--to", "from-afar", "--json"});
  ASSERT_EQ(sent.code, 0) << sent.Describe();
  other.StopDaemon();

  Json synced = Ok({"chat", "sync"});
  Json list = Ok({"chat", "list"});
  ASSERT_EQ(list.size(), 1u) << synced.dump() << list.dump();
  EXPECT_EQ(list[0].value("networkGroupId", ""), their_group);
  EXPECT_EQ(list[0].value("origin", ""), "joined");
  Json read = Ok({"msg", "list", "--from", their_group, "--dangerously-allow-message-read"});
  bool found = false;
  for (const auto& m : read) found |= m.value("text", "") == "hello from afar";
  EXPECT_TRUE(found) << read.dump();
  Ok({"msg", "send", "hello back", "--to", "from-afar"});
}

TEST_F(CliTest, DaemonStopsCleanlyOnSigtermWhileClientsStream) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string chat = NewChat();
  Ok({"msg", "send", "before the signal", "--to", chat});
  const int pid = Ok({"status"}).value("pid", 0);
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  EXPECT_TRUE(WaitUntil([&] { return ::kill(pid, 0) != 0; }, std::chrono::seconds(20)));
  const std::string log = ReadFile(env_->state_dir() / "signet.log");
  EXPECT_TRUE(Contains(log, "\"clients.started\"")) << log;
  EXPECT_TRUE(Contains(log, "\"daemon.stopped\"")) << log;
  EXPECT_TRUE(Contains(log, "SIGTERM")) << log;
  EXPECT_FALSE(fs::exists(env_->runtime_dir() / "signet.pid"));

  ASSERT_EQ(env_->StartDaemon().code, 0);
  Json status = Ok({"status"});
  ASSERT_EQ(status["clients"].size(), 1u) << status.dump();
  EXPECT_EQ(status["clients"][0].value("state", ""), "streaming") << status.dump();
  EXPECT_EQ(Ok({"chat", "info", chat}).value("memberCount", 0), 1);
}

}  // namespace
}  // namespace xs::cli::testing
