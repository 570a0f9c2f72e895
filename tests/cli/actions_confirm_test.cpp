// `xs cred issue|update --confirm` and `xs action list|confirm|deny` against
// a real daemon (cli_fixture.h). Holding an action takes a credential
// caller (WebSocket, HTTP, MCP): the hold, confirm, deny and expiry paths
// are tested in process in src/signet/chats/credential_actions_test.cpp;
// here the CLI's side: the flag, its validation, the record, the listing
// and the errors of confirm and deny, with their exit codes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_fixture.h"

namespace xs::cli::testing {
namespace {

class ActionsConfirmTest : public CliTest {};

TEST_F(ActionsConfirmTest, CredentialsCarryTheConfirmList) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string chat = NewChat();
  CreateOperator("agent");
  Json issued = Issue(
      {"--op", "agent", "--chat", chat, "--allow", "send,reply,react", "--confirm", "send,reply"});
  const Json& cred = issued["credential"];
  const std::string id = cred.value("id", "");
  EXPECT_EQ(cred["confirm"], Json({"reply", "send"})) << cred.dump();
  EXPECT_EQ(cred["config"]["confirm"], Json({"reply", "send"})) << cred.dump();

  RunResult info = Xs({"cred", "info", id});
  ASSERT_EQ(info.code, 0) << info.Describe();
  EXPECT_TRUE(Contains(info.out, "confirm")) << info.out;
  EXPECT_TRUE(Contains(info.out, "reply, send")) << info.out;

  // Only send-side scopes; unknown scopes too are validation errors.
  Fails({"cred", "issue", "--op", "agent", "--chat", chat, "--allow", "send", "--confirm",
         "read-messages"},
        kValidation);
  Fails({"cred", "issue", "--op", "agent", "--chat", chat, "--allow", "send", "--confirm", "nope"},
        kValidation);

  // A change of the list is material and applies in place; "" clears it.
  Json updated = Ok({"cred", "update", id, "--confirm", "react"});
  EXPECT_TRUE(updated.value("material", false)) << updated.dump();
  EXPECT_TRUE(updated.value("updated", false)) << updated.dump();
  EXPECT_EQ(updated["credential"]["confirm"], Json({"react"}));
  Json cleared = Ok({"cred", "update", id, "--confirm", ""});
  EXPECT_FALSE(cleared["credential"].contains("confirm")) << cleared.dump();
  Fails({"cred", "update", id, "--confirm", "invite"}, kValidation);
}

TEST_F(ActionsConfirmTest, ActionCommandsListConfirmAndDeny) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Json none = Ok({"action", "list"});
  EXPECT_EQ(none, Json::array());
  RunResult table = Xs({"action", "list"});
  ASSERT_EQ(table.code, 0) << table.Describe();

  // Nothing is pending: confirm and deny are not_found (exit 2).
  RunResult confirm = Fails({"action", "confirm", "action_00000000000000aa"}, kNotFound);
  EXPECT_TRUE(Contains(confirm.err, "action")) << confirm.err;
  Fails({"action", "deny", "action_00000000000000aa"}, kNotFound);
  Fails({"action", "list", "--cred", "cred_00000000000000aa"}, kNotFound);
  // The action id is required.
  RunResult usage = Xs({"action", "confirm"});
  EXPECT_EQ(usage.code, kValidation) << usage.Describe();

  RunResult help = Xs({"action", "--help"});
  ASSERT_EQ(help.code, 0) << help.Describe();
  for (const char* sub : {"list", "confirm", "deny"}) {
    EXPECT_TRUE(Contains(help.out, sub)) << help.out;
  }
}

}  // namespace
}  // namespace xs::cli::testing
