// The message, chat, search and action.* actions called with a credential
// (CallContext::Caller::kCredential) against a real runtime, real native
// clients and an in-memory node: every check of scopes.md "Checks" with its
// error category, code and context, the read rules, and the confirmation
// flow end to end.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "node/node.h"
#include "signet/chats/chats.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

// Wall-clock time plus an offset a test moves forward: the runtime sees
// time pass (credential and pending-action expiry) while message times stay
// the sender's real clock.
class OffsetClock final : public Clock {
 public:
  std::int64_t NowMs() const override { return SystemClock::Get()->NowMs() + offset_.load(); }
  void Advance(std::int64_t ms) { offset_ += ms; }

 private:
  std::atomic<std::int64_t> offset_{0};
};

Json ContextOf(const Error& e) {
  return e.context_json().empty() ? Json() : Json::parse(e.context_json());
}

bool IsNetworkMessageId(const Json& v) {
  return v.is_string() && v.get<std::string>().size() == 64 &&
         v.get<std::string>().find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The millisecond after now: what is sent from here on is not older than a
// credential issued from here on.
void NextMillisecond() {
  const std::int64_t now = SystemClock::Get()->NowMs();
  while (SystemClock::Get()->NowMs() <= now)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

class CredentialActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node::NodeOptions node_options;
    node_options.port = 0;
    node_options.in_memory = true;
    auto node = node::Node::Start(node_options);
    ASSERT_TRUE(node.ok()) << node.error().ToString();
    node_ = std::move(*node);
    ClientHost::Options host_options;
    host_options.url = "http://" + node_->address();
    host_options.env_name = "local";
    host_ = std::make_shared<ClientHost>(std::move(host_options));
    RuntimeOptions options;
    options.data_dir = dir_.path() + "/data";
    options.env = "local";
    options.clock = &clock_;
    options.network = host_;
    options.gates.admin_read_elevation = false;
    options.action_expiry_seconds = 60;
    auto rt = Runtime::Init(options);
    ASSERT_TRUE(rt.ok()) << rt.error().ToString();
    rt_ = std::move(*rt);
    auto key = rt_->ClientStoreKey();
    ASSERT_TRUE(key.ok()) << key.error().ToString();
    chats_ = std::make_unique<Chats>(*rt_, *host_);
    ASSERT_TRUE(chats_->Install().ok());
    Status started = host_->Start(dir_.path() + "/clients.db3", *key, Chats::Inboxes(*rt_));
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    rt_->state().emit_agent_event = [this](const std::string& id, const Json& event) {
      events_.emplace_back(id, event);
    };
    admin_.admin_key_fingerprint = rt_->admin_fingerprint();
    admin_.dangerously_allow_message_read = true;
    chat_ = Admin("chat.create", {{"name", "one"}}).value("id", "");
    other_chat_ = Admin("chat.create", {{"name", "two"}}).value("id", "");
    group_ = Admin("chat.info", {{"chatId", chat_}}).value("networkGroupId", "");
    op_ = Admin("operator.create", {{"label", "agent"}}).value("id", "");
    ASSERT_FALSE(chat_.empty());
    ASSERT_FALSE(group_.empty());
  }

  void TearDown() override {
    host_->Stop();
    chats_.reset();
    rt_.reset();
  }

  Json Admin(const std::string& method, const Json& params) {
    auto r = rt_->Call(method, params, admin_);
    EXPECT_TRUE(r.ok()) << method << ": " << r.error().ToString();
    return r.ok() ? *r : Json::object();
  }
  Result<Json> AsCred(const std::string& credential_id, const std::string& method,
                      const Json& params) {
    CallContext ctx;
    ctx.caller = CallContext::Caller::kCredential;
    ctx.credential_id = credential_id;
    return rt_->Call(method, params, ctx);
  }
  Json CredOk(const std::string& credential_id, const std::string& method, const Json& params) {
    auto r = AsCred(credential_id, method, params);
    EXPECT_TRUE(r.ok()) << method << ": " << r.error().ToString();
    return r.ok() ? *r : Json::object();
  }
  // A credential on chat_ (or `chats`) with `allow`; `extra` adds params.
  // Each under its own operator (shared scope mode), so the per-operator
  // limit evicts none of them.
  std::string Issue(const std::vector<std::string>& allow, Json extra = Json::object(),
                    std::vector<std::string> chats = {}) {
    Json op = Admin("operator.create",
                    {{"label", "agent" + std::to_string(++operators_)}, {"scopeMode", "shared"}});
    Json params = {{"operatorId", op.value("id", "")},
                   {"chatIds", chats.empty() ? std::vector<std::string>{chat_} : chats},
                   {"allow", allow}};
    params.update(extra);
    Json issued = Admin("credential.issue", params);
    return issued["credential"].value("id", "");
  }
  // The texts (and reaction emoji) of chat's messages as the admin reads them.
  std::vector<std::string> AdminTexts(const std::string& chat) {
    std::vector<std::string> out;
    for (const auto& m : Admin("message.list", {{"chatId", chat}})) {
      if (m.contains("text")) out.push_back(m["text"]);
      if (m.contains("reaction")) {
        out.push_back(m["reaction"].value("action", "") + " " + m["reaction"].value("emoji", ""));
      }
    }
    return out;
  }
  static bool Has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }
  std::vector<std::string> AuditActions() {
    std::vector<std::string> out;
    auto log = rt_->audit().Read(std::nullopt, 0);
    EXPECT_TRUE(log.ok());
    if (log.ok()) {
      for (const auto& line : *log) out.push_back(line.value("action", ""));
    }
    return out;
  }

  testing::TempDir dir_;
  OffsetClock clock_;
  std::unique_ptr<node::Node> node_;
  std::shared_ptr<ClientHost> host_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<Chats> chats_;
  CallContext admin_;
  std::vector<std::pair<std::string, Json>> events_;
  std::string chat_, other_chat_, group_, op_;
  int operators_ = 0;
};

// ---------------------------------------------------------------- sending

TEST_F(CredentialActionsTest, SendChecksTheChatThenTheScopeThenSends) {
  std::string cred = Issue({"send"});
  auto outside = AsCred(cred, "message.send", {{"chatId", other_chat_}, {"content", "hi"}});
  ASSERT_FALSE(outside.ok());
  EXPECT_TRUE(outside.error().IsPermission());
  EXPECT_EQ(outside.error().code(), 1200);
  EXPECT_EQ(outside.error().message(), "chat not in scoped conversations");
  EXPECT_EQ(ContextOf(outside.error()), Json({{"chatId", other_chat_}}));
  // A chat that does not exist at all answers the same.
  auto unknown = AsCred(cred, "message.send", {{"chatId", "conv_ffffffffffffffff"}, {"text", "x"}});
  EXPECT_EQ(unknown.error().message(), "chat not in scoped conversations");

  auto reply = AsCred(cred, "message.reply",
                      {{"chatId", chat_}, {"messageId", std::string(64, 'a')}, {"content", "re"}});
  ASSERT_FALSE(reply.ok());
  EXPECT_TRUE(reply.error().IsPermission());
  EXPECT_EQ(reply.error().message(), "Permission denied: reply");
  EXPECT_EQ(ContextOf(reply.error()), Json({{"scope", "reply"}}));
  auto receipt = AsCred(cred, "message.read", {{"chatId", chat_}});
  EXPECT_EQ(receipt.error().message(), "Permission denied: read-receipt");

  // Bad parameters are validation errors, before anything else.
  for (const Json& bad : {Json{{"chatId", chat_}, {"content", Json::object()}},
                          Json{{"chatId", chat_}, {"content", ""}},
                          Json{{"chatId", chat_}, {"contentType", "text"}, {"content", "x"}},
                          Json{{"chatId", chat_},
                               {"contentType", "xmtp.org/groupUpdated:1.0"},
                               {"content", Json::object()}},
                          Json{{"chatId", other_chat_}, {"content", 5}}}) {
    auto r = AsCred(cred, "message.send", bad);
    ASSERT_FALSE(r.ok()) << bad.dump();
    EXPECT_TRUE(r.error().IsValidation()) << bad.dump() << " " << r.error().ToString();
  }

  Json sent = CredOk(cred, "message.send", {{"chatId", chat_}, {"content", "hello agents"}});
  EXPECT_TRUE(IsNetworkMessageId(sent["messageId"])) << sent.dump();
  EXPECT_TRUE(sent.contains("provenance"));
  EXPECT_TRUE(sent["provenance"].is_null());
  EXPECT_EQ(sent.size(), 2u) << sent.dump();
  // By network group id, content as {text}, and the MCP form `text`.
  CredOk(cred, "message.send", {{"chatId", group_}, {"content", {{"text", "by group id"}}}});
  CredOk(cred, "message.send",
         {{"chatId", chat_}, {"contentType", "xmtp.org/text:1.0"}, {"text", "plain"}});
  auto texts = AdminTexts(chat_);
  EXPECT_TRUE(Has(texts, "hello agents"));
  EXPECT_TRUE(Has(texts, "by group id"));
  EXPECT_TRUE(Has(texts, "plain"));
}

TEST_F(CredentialActionsTest, SendReturnsTheSealBindingAsProvenance) {
  std::string cred = Issue({"send"});
  std::vector<std::string> seen;
  rt_->state().seal_provenance = [&](const Credential& c, const std::string& chat,
                                     const std::string& message) {
    seen = {c.id, chat, message};
    return Json{{"credentialId", c.id}, {"sealRef", "seal_1"}};
  };
  Json sent = CredOk(cred, "message.send", {{"chatId", group_}, {"content", "sealed"}});
  EXPECT_EQ(sent["provenance"], Json({{"credentialId", cred}, {"sealRef", "seal_1"}}));
  EXPECT_EQ(seen, (std::vector<std::string>{cred, chat_, sent.value("messageId", "")}));
}

TEST_F(CredentialActionsTest, RepliesReactionsAndReadReceiptsNeedTheirScopes) {
  std::string cred = Issue({"send", "reply", "react", "read-receipt"});
  Json first = CredOk(cred, "message.send", {{"chatId", chat_}, {"content", "first"}});
  const std::string id = first.value("messageId", "");
  Json reply = CredOk(cred, "message.reply",
                      {{"chatId", chat_}, {"messageId", id}, {"content", {{"text", "a reply"}}}});
  EXPECT_TRUE(IsNetworkMessageId(reply["messageId"]));
  // send_message with a reply body, and with a reaction body.
  Json reply_body = {{"reference", id},
                     {"content", {{"type", "xmtp.org/text:1.0"}, {"payload", "r2"}}}};
  CredOk(cred, "message.send",
         {{"chatId", chat_}, {"contentType", "xmtp.org/reply:1.0"}, {"content", reply_body}});
  CredOk(cred, "message.react", {{"chatId", chat_}, {"messageId", id}, {"emoji", "👍"}});
  CredOk(cred, "message.react",
         {{"chatId", chat_}, {"messageId", id}, {"emoji", "👍"}, {"remove", true}});
  CredOk(cred, "message.send",
         {{"chatId", chat_},
          {"contentType", "xmtp.org/reaction:1.0"},
          {"content", {{"reference", id}, {"action", "added"}, {"content", "🎉"}}}});
  CredOk(cred, "message.read", {{"chatId", chat_}});
  auto bad_emoji =
      AsCred(cred, "message.react", {{"chatId", chat_}, {"messageId", id}, {"emoji", "ok"}});
  EXPECT_TRUE(bad_emoji.error().IsValidation());

  auto texts = AdminTexts(chat_);
  EXPECT_TRUE(Has(texts, "a reply"));
  EXPECT_TRUE(Has(texts, "r2"));
  EXPECT_TRUE(Has(texts, "added 👍"));
  EXPECT_TRUE(Has(texts, "removed 👍"));
  EXPECT_TRUE(Has(texts, "added 🎉"));
  Json rows = Admin("message.list", {{"chatId", chat_}});
  EXPECT_EQ(rows.back().value("contentType", ""), "xmtp.org/readReceipt:1.0");
}

TEST_F(CredentialActionsTest, ContentTypesOutsideTheAllowlistAreRefused) {
  std::string cred = Issue({"send", "react"}, {{"contentTypes", {"xmtp.org/text:1.0"}}});
  Json sent = CredOk(cred, "message.send", {{"chatId", chat_}, {"content", "t"}});
  auto react = AsCred(cred, "message.react",
                      {{"chatId", chat_}, {"messageId", sent["messageId"]}, {"emoji", "👍"}});
  ASSERT_FALSE(react.ok());
  EXPECT_TRUE(react.error().IsPermission());
  EXPECT_EQ(react.error().message(),
            "Content type xmtp.org/reaction:1.0 is not allowed for this credential");
  EXPECT_EQ(ContextOf(react.error()), Json({{"contentType", "xmtp.org/reaction:1.0"}}));
  // Markdown is outside the baseline: never allowed.
  auto markdown =
      AsCred(cred, "message.send",
             {{"chatId", chat_}, {"contentType", "xmtp.org/markdown:1.0"}, {"content", "**b**"}});
  EXPECT_TRUE(markdown.error().IsPermission());
}

TEST_F(CredentialActionsTest, OnlyAnActiveCredentialSends) {
  auto unknown =
      AsCred("cred_00000000000000aa", "message.send", {{"chatId", chat_}, {"text", "x"}});
  EXPECT_TRUE(unknown.error().IsAuth());

  std::string revoked = Issue({"send"});
  Admin("credential.revoke", {{"credentialId", revoked}, {"force", true}});
  auto r = AsCred(revoked, "message.send", {{"chatId", chat_}, {"content", "x"}});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsAuth());
  EXPECT_EQ(r.error().code(), 1300);
  EXPECT_EQ(r.error().message(), "Credential is revoked -- cannot send");
  EXPECT_EQ(ContextOf(r.error()), Json({{"credentialId", revoked}, {"status", "revoked"}}));

  std::string pending = Issue({"send", "reply"});
  ASSERT_TRUE(rt_->UpdateScopesFromHarness(pending, {{"allow", {"send", "reply", "invite"}}}).ok());
  auto p = AsCred(pending, "message.send", {{"chatId", chat_}, {"content", "x"}});
  EXPECT_EQ(p.error().message(), "Credential is pending -- cannot send");
  EXPECT_EQ(p.error().code(), 1300);

  std::string expiring = Issue({"send", "react"}, {{"ttlSeconds", 10}});
  clock_.Advance(11 * 1000);
  auto e = AsCred(expiring, "message.send", {{"chatId", chat_}, {"content", "x"}});
  ASSERT_FALSE(e.ok());
  EXPECT_TRUE(e.error().IsAuth());
  EXPECT_EQ(e.error().code(), 1310);
  EXPECT_EQ(e.error().tag(), "CredentialExpiredError");
  EXPECT_EQ(e.error().message(), "Credential is expired -- cannot send");
  EXPECT_FALSE(Has(AdminTexts(chat_), "x"));
}

TEST_F(CredentialActionsTest, AdminSendsAreUnchanged) {
  Json sent = Admin("message.send", {{"chatId", chat_}, {"text", "from the owner"}});
  EXPECT_EQ(sent.value("id", "").rfind("msg_", 0), 0u);
  EXPECT_EQ(sent.value("chatId", ""), chat_);
  Json removed =
      Admin("message.react",
            {{"chatId", chat_}, {"messageId", sent["id"]}, {"emoji", "👍"}, {"remove", true}});
  EXPECT_EQ(removed.value("action", ""), "removed");
  // Without the elevation flag the admin still cannot read.
  CallContext plain;
  plain.admin_key_fingerprint = rt_->admin_fingerprint();
  EXPECT_TRUE(rt_->Call("message.list", {{"chatId", chat_}}, plain).error().IsPermission());
}

// ---------------------------------------------------------------- reading

TEST_F(CredentialActionsTest, ReadingFollowsScopeVisibilityHistoryAndAllowlist) {
  Admin("message.send", {{"chatId", chat_}, {"text", "before the agents"}});
  Admin("message.send", {{"chatId", other_chat_}, {"text", "elsewhere"}});
  NextMillisecond();
  std::string reader = Issue({"send", "react", "read-messages"});
  std::string historian = Issue({"read-messages", "read-history"});
  std::string texts_only =
      Issue({"read-messages", "list-conversations"}, {{"contentTypes", {"xmtp.org/text:1.0"}}});
  std::string blind = Issue({"send", "list-conversations"});
  Json after = CredOk(reader, "message.send", {{"chatId", chat_}, {"content", "after"}});
  CredOk(reader, "message.react",
         {{"chatId", chat_}, {"messageId", after["messageId"]}, {"emoji", "👍"}});

  Json rows = CredOk(reader, "message.list", {{"chatId", chat_}});
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0].value("text", ""), "after");
  EXPECT_EQ(rows[0].value("visibility", ""), "visible");
  EXPECT_EQ(rows[1].value("contentType", ""), "xmtp.org/reaction:1.0");

  Json history = CredOk(historian, "message.list", {{"chatId", group_}});
  std::vector<std::string> seen;
  for (const auto& row : history)
    seen.push_back(row.value("text", "") + "/" + row.value("visibility", ""));
  EXPECT_TRUE(Has(seen, "before the agents/historical")) << history.dump();
  EXPECT_TRUE(Has(seen, "after/visible")) << history.dump();

  Json only_text = CredOk(texts_only, "message.list", {{"chatId", chat_}});
  for (const auto& row : only_text) EXPECT_EQ(row.value("contentType", ""), "xmtp.org/text:1.0");

  // message.info: what the list shows, nothing else.
  Json info =
      CredOk(reader, "message.info", {{"chatId", chat_}, {"messageId", after["messageId"]}});
  EXPECT_EQ(info.value("text", ""), "after");
  std::string old_id;
  for (const auto& row : history) {
    if (row.value("visibility", "") == "historical") old_id = row.value("networkId", "");
  }
  ASSERT_FALSE(old_id.empty());
  auto hidden = AsCred(reader, "message.info", {{"chatId", chat_}, {"messageId", old_id}});
  EXPECT_TRUE(hidden.error().IsNotFound()) << hidden.error().ToString();
  EXPECT_TRUE(CredOk(historian, "message.info", {{"chatId", chat_}, {"messageId", old_id}})
                  .contains("text"));

  // Opacity: no read-messages, another chat, an unknown chat: not_found.
  for (const auto& [cred, chat] : std::vector<std::pair<std::string, std::string>>{
           {blind, chat_}, {reader, other_chat_}, {reader, "conv_ffffffffffffffff"}}) {
    auto list = AsCred(cred, "message.list", {{"chatId", chat}});
    ASSERT_FALSE(list.ok());
    EXPECT_TRUE(list.error().IsNotFound()) << list.error().ToString();
    auto one = AsCred(cred, "message.info", {{"chatId", chat}, {"messageId", after["messageId"]}});
    EXPECT_TRUE(one.error().IsNotFound()) << one.error().ToString();
  }
  Admin("credential.revoke", {{"credentialId", reader}, {"force", true}});
  EXPECT_TRUE(AsCred(reader, "message.list", {{"chatId", chat_}}).error().IsAuth());
}

TEST_F(CredentialActionsTest, ChatsListAndInfoShowOnlyTheCredentialsChats) {
  std::string lister = Issue({"list-conversations"});
  std::string members = Issue({"list-members"});
  std::string neither = Issue({"send"});
  Json rows = CredOk(lister, "chat.list", Json::object());
  ASSERT_EQ(rows.size(), 1u) << rows.dump();
  EXPECT_EQ(rows[0].value("id", ""), chat_);
  auto denied = AsCred(neither, "chat.list", Json::object());
  ASSERT_FALSE(denied.ok());
  EXPECT_TRUE(denied.error().IsPermission());
  EXPECT_EQ(denied.error().message(), "Permission denied: list-conversations");
  EXPECT_EQ(ContextOf(denied.error()), Json({{"scope", "list-conversations"}}));

  Json info = CredOk(neither, "chat.info", {{"chatId", group_}});
  EXPECT_EQ(info.value("id", ""), chat_);
  EXPECT_FALSE(info.contains("members"));
  EXPECT_TRUE(CredOk(members, "chat.info", {{"chatId", chat_}}).contains("members"));
  EXPECT_TRUE(AsCred(neither, "chat.info", {{"chatId", other_chat_}}).error().IsNotFound());
  // The admin's listing is unchanged.
  EXPECT_EQ(Admin("chat.list", Json::object()).size(), 2u);
}

TEST_F(CredentialActionsTest, SearchScansOnlyTheCredentialsChatsAndNeedsReadMessages) {
  Admin("message.send", {{"chatId", other_chat_}, {"text", "the walrus elsewhere"}});
  NextMillisecond();
  std::string reader = Issue({"send", "read-messages"});
  std::string blind = Issue({"send"});
  CredOk(reader, "message.send", {{"chatId", chat_}, {"content", "the walrus here"}});
  Json found = CredOk(reader, "search.messages", {{"query", "walrus"}});
  ASSERT_EQ(found.size(), 1u) << found.dump();
  EXPECT_EQ(found[0].value("chatId", ""), chat_);
  EXPECT_EQ(found[0].value("text", ""), "the walrus here");
  EXPECT_TRUE(CredOk(blind, "search.messages", {{"query", "walrus"}}).empty());
  auto outside = AsCred(reader, "search.messages", {{"query", "walrus"}, {"chatId", other_chat_}});
  EXPECT_TRUE(outside.error().IsNotFound());
  // search.resources stays admin-only.
  EXPECT_TRUE(AsCred(reader, "search.resources", {{"query", "walrus"}}).error().IsPermission());
  // The admin still needs elevation (and sees both chats with it).
  EXPECT_EQ(Admin("search.messages", {{"query", "walrus"}}).size(), 2u);
}

// ---------------------------------------------------------------- confirmation

TEST_F(CredentialActionsTest, ConfirmListIsValidatedAndPartOfTheIssuedConfig) {
  Json bad = {{"operatorId", op_}, {"chatIds", {chat_}}, {"allow", {"send"}}};
  for (const Json& confirm : {Json({"read-messages"}), Json({"nope"})}) {
    Json p = bad;
    p["confirm"] = confirm;
    auto r = rt_->Call("credential.issue", p, admin_);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().IsValidation()) << r.error().ToString();
  }
  std::string plain =
      Admin("credential.issue",
            {{"operatorId", op_}, {"chatIds", {chat_}}, {"allow", {"send"}}})["credential"]
          .value("id", "");
  Json issued = Admin("credential.issue", {{"operatorId", op_},
                                           {"chatIds", {chat_}},
                                           {"allow", {"send"}},
                                           {"confirm", "send,reply,send"}});
  EXPECT_FALSE(issued.value("reused", true));
  EXPECT_NE(issued["credential"].value("id", ""), plain);
  EXPECT_EQ(issued["credential"]["confirm"], Json({"reply", "send"}));
  Json updated =
      Admin("credential.updateScopes", {{"credentialId", plain}, {"confirm", {"react"}}});
  EXPECT_TRUE(updated.value("material", false));
  EXPECT_EQ(updated["credential"]["confirm"], Json({"react"}));
  auto wrong = rt_->Call("credential.updateScopes",
                         {{"credentialId", plain}, {"confirm", {"invite"}}}, admin_);
  EXPECT_TRUE(wrong.error().IsValidation());
}

TEST_F(CredentialActionsTest, HeldActionsWaitForConfirmationThenSend) {
  std::string cred = Issue({"send", "react"}, {{"confirm", {"send"}}});
  std::string other = Issue({"send"}, Json::object(), {chat_, other_chat_});

  Json held = CredOk(cred, "message.send", {{"chatId", group_}, {"content", "needs a yes"}});
  EXPECT_EQ(held.value("pending", false), true);
  const std::string action_id = held.value("actionId", "");
  EXPECT_EQ(action_id.rfind("action_", 0), 0u);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].first, cred);
  EXPECT_EQ(events_[0].second, Json({{"type", "action.confirmation_required"},
                                     {"actionId", action_id},
                                     {"actionType", "send_message"},
                                     {"preview",
                                      {{"groupId", chat_},
                                       {"contentType", "xmtp.org/text:1.0"},
                                       {"content", {{"text", "needs a yes"}}}}}}));
  EXPECT_FALSE(Has(AdminTexts(chat_), "needs a yes"));  // held, not sent

  Json listed = Admin("action.list", Json::object());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].value("actionId", ""), action_id);
  EXPECT_EQ(listed[0].value("credentialId", ""), cred);
  EXPECT_EQ(listed[0].value("chatId", ""), chat_);
  EXPECT_EQ(listed[0]["preview"]["content"]["text"], "needs a yes");
  EXPECT_EQ(Admin("action.list", {{"credentialId", other}}).size(), 0u);

  // Unknown: not_found; another credential's: permission; bad params: validation.
  auto unknown = AsCred(cred, "action.confirm",
                        {{"actionId", "action_00000000000000aa"}, {"confirmed", true}});
  EXPECT_TRUE(unknown.error().IsNotFound());
  auto foreign = AsCred(other, "action.confirm", {{"actionId", action_id}, {"confirmed", true}});
  EXPECT_TRUE(foreign.error().IsPermission());
  EXPECT_TRUE(AsCred(cred, "action.confirm", {{"actionId", action_id}}).error().IsValidation());
  EXPECT_TRUE(AsCred(cred, "action.list", Json::object()).error().IsPermission());  // admin only

  // A scope not in `confirm` is not held.
  Json reacted = CredOk(cred, "message.react",
                        {{"chatId", chat_}, {"messageId", std::string(64, 'b')}, {"emoji", "👀"}});
  EXPECT_TRUE(IsNetworkMessageId(reacted["messageId"]));

  Json sent = CredOk(cred, "action.confirm", {{"actionId", action_id}, {"confirmed", true}});
  EXPECT_TRUE(IsNetworkMessageId(sent["messageId"])) << sent.dump();
  EXPECT_TRUE(sent["provenance"].is_null());
  EXPECT_TRUE(Has(AdminTexts(chat_), "needs a yes"));
  EXPECT_TRUE(AsCred(cred, "action.confirm", {{"actionId", action_id}, {"confirmed", true}})
                  .error()
                  .IsNotFound());  // consumed

  // The owner denies one, and confirms another by its short id.
  std::string denied_id = CredOk(cred, "message.send", {{"chatId", chat_}, {"content", "no way"}})
                              .value("actionId", "");
  Json denied = Admin("action.confirm", {{"actionId", denied_id}, {"confirmed", false}});
  EXPECT_EQ(denied, Json({{"denied", true}, {"actionId", denied_id}}));
  std::string owner_id =
      CredOk(cred, "message.send", {{"chatId", chat_}, {"content", "owner says yes"}})
          .value("actionId", "");
  Json by_owner =
      Admin("action.confirm", {{"actionId", owner_id.substr(0, 14)}, {"confirmed", true}});
  EXPECT_TRUE(IsNetworkMessageId(by_owner["messageId"])) << by_owner.dump();
  auto texts = AdminTexts(chat_);
  EXPECT_FALSE(Has(texts, "no way"));
  EXPECT_TRUE(Has(texts, "owner says yes"));
  auto audit = AuditActions();
  EXPECT_TRUE(Has(audit, "pending-action.created"));
  EXPECT_TRUE(Has(audit, "pending-action.confirmed"));
  EXPECT_TRUE(Has(audit, "pending-action.denied"));
}

TEST_F(CredentialActionsTest, ConfirmingChecksThePermissionAgain) {
  std::string cred = Issue({"send", "react"}, {{"confirm", {"send"}}});
  std::string id =
      CredOk(cred, "message.send", {{"chatId", chat_}, {"content", "later"}}).value("actionId", "");
  // The owner narrows the credential in place: send is gone.
  Admin("credential.updateScopes", {{"credentialId", cred}, {"allow", {"react"}}});
  auto r = AsCred(cred, "action.confirm", {{"actionId", id}, {"confirmed", true}});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsPermission());
  EXPECT_EQ(r.error().message(), "Permission denied: send");
  EXPECT_FALSE(Has(AdminTexts(chat_), "later"));
}

TEST_F(CredentialActionsTest, ExpiredActionsAreDroppedAndAudited) {
  std::string cred = Issue({"send"}, {{"confirm", {"send"}}});
  std::string first = CredOk(cred, "message.send", {{"chatId", chat_}, {"content", "too late"}})
                          .value("actionId", "");
  clock_.Advance(61 * 1000);
  auto r = AsCred(cred, "action.confirm", {{"actionId", first}, {"confirmed", true}});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().IsPermission());
  EXPECT_NE(r.error().message().find("expired"), std::string::npos);
  EXPECT_TRUE(AsCred(cred, "action.confirm", {{"actionId", first}, {"confirmed", true}})
                  .error()
                  .IsNotFound());  // removed

  std::string second =
      CredOk(cred, "message.send", {{"chatId", chat_}, {"content", "swept"}}).value("actionId", "");
  clock_.Advance(61 * 1000);
  rt_->Sweep();
  EXPECT_TRUE(Admin("action.list", Json::object()).empty());
  std::vector<std::string> expired;
  auto log = rt_->audit().Read(std::nullopt, 0);
  ASSERT_TRUE(log.ok());
  for (const auto& line : *log) {
    if (line.value("action", "") == "pending-action.expired") {
      expired.push_back(line.value("actionId", ""));
    }
  }
  EXPECT_EQ(expired, (std::vector<std::string>{first, second}));
  auto texts = AdminTexts(chat_);
  EXPECT_FALSE(Has(texts, "too late"));
  EXPECT_FALSE(Has(texts, "swept"));
}

}  // namespace
}  // namespace xs::signet
