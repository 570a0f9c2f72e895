#include "cli/args.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <sstream>

#include "cli/app.h"
#include "cli/help.h"

namespace xs::cli {
namespace {

Command TestTree() {
  Command create{"create", "Create"};
  create.flags = {{"label", FlagKind::kString, "<name>", "label", true},
                  {"role", FlagKind::kString, "<role>", "role", false, {"operator", "admin"}},
                  {"allow", FlagKind::kList, "<scopes>", "allow"},
                  {"ttl", FlagKind::kPositiveInt, "<seconds>", "ttl"},
                  {"force", FlagKind::kBool, "", "force"}};
  create.run = [](Invocation&) { return OkStatus(); };
  Command info{"info", "Info", {{"id", "the id"}, {"extra", "optional", false}}};
  info.run = [](Invocation&) { return OkStatus(); };
  Command export_cmd{"export", "Export"};
  export_cmd.run = [](Invocation&) { return OkStatus(); };
  Command logs{"logs", "Logs"};
  logs.run = [](Invocation&) { return OkStatus(); };
  logs.children = {export_cmd};
  Command group{"operator", "Operators"};
  group.children = {create, info};
  Command root{"xs", "root"};
  root.children = {group, logs};
  return root;
}

Result<ParsedArgs> Parse(std::vector<std::string> argv) {
  static const Command root = TestTree();
  return ParseArgs(root, argv);
}

std::string HintOf(const Error& e) {
  auto ctx = nlohmann::json::parse(e.context_json());
  return ctx.value("hint", "");
}

TEST(ArgsTest, WalksSubcommandsAndReadsFlags) {
  auto p = Parse({"operator", "create", "--label", "alice", "--role=admin", "--allow",
                  "send, reply", "--allow=react", "--ttl", "60", "--force", "--json"});
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->CommandPath(), "xs operator create");
  EXPECT_EQ(*p->Value("label"), "alice");
  EXPECT_EQ(*p->Value("role"), "admin");
  EXPECT_EQ(p->List("allow"), (std::vector<std::string>{"send", "reply", "react"}));
  EXPECT_EQ(*p->Int("ttl"), 60);
  EXPECT_TRUE(p->Bool("force"));
  EXPECT_TRUE(p->json());
}

TEST(ArgsTest, BoolFlagTakesExplicitValue) {
  auto p = Parse({"operator", "create", "--label", "a", "--force=false"});
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->Bool("force"));
  auto bad = Parse({"operator", "create", "--label", "a", "--force=yes"});
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().IsValidation());
}

TEST(ArgsTest, PositionalsAndDoubleDash) {
  auto p = Parse({"operator", "info", "--", "--weird"});
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(*p->Positional(0), "--weird");
  auto two = Parse({"operator", "info", "a", "b"});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two->Positional(1), "b");
}

TEST(ArgsTest, GroupWithHandlerStillDescends) {
  auto p = Parse({"logs", "export"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->CommandPath(), "xs logs export");
  auto own = Parse({"logs"});
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->CommandPath(), "xs logs");
}

struct BadCase {
  std::vector<std::string> argv;
  std::string fragment;
};

TEST(ArgsTest, UsageMistakesAreValidationErrorsWithHint) {
  const std::vector<BadCase> cases = {
      {{"operator", "create", "--label", "a", "--nope"}, "unknown flag"},
      {{"operator", "create", "--label"}, "needs a value"},
      {{"operator", "create", "--label", "--force"}, "needs a value"},
      {{"operator", "create", "--label", "a", "--ttl", "0"}, "positive integer"},
      {{"operator", "create", "--label", "a", "--ttl", "12x"}, "positive integer"},
      {{"operator", "create", "--label", "a", "--role", "superadmin"}, "unsupported value"},
      {{"operator", "create"}, "required flag missing"},
      {{"operator", "create", "--label", "a", "--label", "b"}, "more than once"},
      {{"operator", "info"}, "required argument missing"},
      {{"operator", "info", "a", "b", "c"}, "unexpected argument"},
      {{"operator", "frobnicate"}, "unknown command"},
      {{"operator"}, "needs a subcommand"},
      {{"operator", "create", "-x", "--label", "a"}, "unknown flag"},
  };
  for (const auto& c : cases) {
    auto p = Parse(c.argv);
    ASSERT_FALSE(p.ok()) << c.fragment;
    EXPECT_TRUE(p.error().IsValidation()) << c.fragment;
    EXPECT_NE(p.error().message().find(c.fragment), std::string::npos)
        << p.error().message() << " / " << c.fragment;
    EXPECT_NE(HintOf(p.error()).find("--help"), std::string::npos);
  }
}

TEST(ArgsTest, HelpWinsOverFlagMistakesButNotUnknownCommands) {
  auto p = Parse({"operator", "create", "--help"});
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->help());
  auto h = Parse({"operator", "create", "-h", "--bogus"});
  ASSERT_TRUE(h.ok());
  auto u = Parse({"operator", "nope", "--help"});
  ASSERT_FALSE(u.ok());
}

TEST(ArgsTest, SplitListAndPositiveInt) {
  EXPECT_EQ(SplitList(" a, b,,c ,"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(SplitList("").empty());
  EXPECT_EQ(ParsePositiveInt("42"), 42);
  EXPECT_FALSE(ParsePositiveInt("-1"));
  EXPECT_FALSE(ParsePositiveInt("+1"));
  EXPECT_FALSE(ParsePositiveInt("99999999999999999999"));
}

int RunXs(std::vector<std::string> argv, std::string* out, std::string* err) {
  std::ostringstream o, e;
  signet::EnvMap env = {{"HOME", "/nonexistent-home"}, {"XDG_CONFIG_HOME", "/nonexistent-xdg"}};
  int code = RunCli(argv, env, o, e);
  *out = o.str();
  *err = e.str();
  return code;
}

TEST(AppTest, VersionPrintsDev) {
  std::string out, err;
  EXPECT_EQ(RunXs({"--version"}, &out, &err), 0);
  EXPECT_EQ(out, "dev (dev)\n");
}

// Every node of the real tree answers --help with its usage and every flag.
TEST(AppTest, EveryCommandHasHelpListingItsFlags) {
  std::function<void(const Command&, std::vector<std::string>)> visit =
      [&](const Command& c, std::vector<std::string> path) {
        std::vector<std::string> argv = path;
        argv.emplace_back("--help");
        std::string out, err;
        EXPECT_EQ(RunXs(argv, &out, &err), 0) << err;
        EXPECT_NE(out.find("Usage:"), std::string::npos);
        for (const auto& f : c.flags) {
          EXPECT_NE(out.find("--" + f.name), std::string::npos) << f.name;
        }
        for (const auto& g : GlobalFlags()) EXPECT_NE(out.find("--" + g.name), std::string::npos);
        for (const auto& child : c.children) {
          auto next = path;
          next.push_back(child.name);
          visit(child, next);
        }
      };
  visit(RootCommand(), {});
}

TEST(AppTest, UnknownFlagExitsOneWithHint) {
  std::string out, err;
  EXPECT_EQ(RunXs({"operator", "list", "--bogus"}, &out, &err), 1);
  EXPECT_TRUE(out.empty());
  EXPECT_NE(err.find("error: --bogus: unknown flag"), std::string::npos) << err;
  EXPECT_NE(err.find("hint: see `xs operator list --help`"), std::string::npos) << err;
}

TEST(AppTest, JsonErrorsAreAnEnvelopeOnStderr) {
  std::string out, err;
  EXPECT_EQ(RunXs({"cred", "issue", "--json"}, &out, &err), 1);
  auto j = nlohmann::json::parse(err);
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_EQ(j["error"]["category"], "validation");
  EXPECT_EQ(j["error"]["_tag"], "ValidationError");
}

TEST(AppTest, MissingConfigFileIsNotFound) {
  std::string out, err;
  EXPECT_EQ(RunXs({"status", "--config", "/nonexistent/config.toml"}, &out, &err), 2) << err;
}

TEST(AppTest, WalletProviderIsDeferred) {
  std::string out, err;
  EXPECT_EQ(RunXs({"wallet", "provider", "list", "--json"}, &out, &err), 0);
  EXPECT_TRUE(nlohmann::json::parse(out)["deferred"].get<bool>());
}

}  // namespace
}  // namespace xs::cli
