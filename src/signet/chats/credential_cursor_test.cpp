// message.list cursors (after / before) for a credential, against a real
// runtime, native clients and an in-memory node: paging forward and back
// leaves no gaps and repeats nothing, pages fill past messages the
// credential does not see (which stay hidden, also as cursors), and a cursor
// that is unknown or of another chat is not_found.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "node/node.h"
#include "signet/chats/chats.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

class CredentialCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node::NodeOptions node_options;
    node_options.in_memory = true;
    node_options.port = 0;  // a free port: tests run side by side
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
    options.network = host_;
    options.gates.admin_read_elevation = false;
    auto rt = Runtime::Init(options);
    ASSERT_TRUE(rt.ok()) << rt.error().ToString();
    rt_ = std::move(*rt);
    auto key = rt_->ClientStoreKey();
    ASSERT_TRUE(key.ok()) << key.error().ToString();
    chats_ = std::make_unique<Chats>(*rt_, *host_);
    ASSERT_TRUE(chats_->Install().ok());
    ASSERT_TRUE(host_->Start(dir_.path() + "/clients.db3", *key, Chats::Inboxes(*rt_)).ok());
    admin_.admin_key_fingerprint = rt_->admin_fingerprint();
    admin_.dangerously_allow_message_read = true;
    chat_ = Admin("chat.create", {{"name", "paged"}}).value("id", "");
    other_chat_ = Admin("chat.create", {{"name", "elsewhere"}}).value("id", "");
    ASSERT_FALSE(chat_.empty());
  }
  void TearDown() override {
    if (host_) host_->Stop();
    chats_.reset();
    rt_.reset();
  }

  Json Admin(const std::string& method, const Json& params) {
    auto r = rt_->Call(method, params, admin_);
    EXPECT_TRUE(r.ok()) << method << ": " << r.error().ToString();
    return r.ok() ? *r : Json::object();
  }
  Result<Json> As(const std::string& cred, const Json& params) {
    CallContext ctx;
    ctx.caller = CallContext::Caller::kCredential;
    ctx.credential_id = cred;
    return rt_->Call("message.list", params, ctx);
  }
  // message.list as `cred`: the texts (reactions as "+emoji").
  std::vector<std::string> Texts(const std::string& cred, Json params) {
    params["chatId"] = chat_;
    auto r = As(cred, params);
    EXPECT_TRUE(r.ok()) << params.dump() << ": " << r.error().ToString();
    std::vector<std::string> out;
    if (!r.ok()) return out;
    for (const auto& row : *r) {
      out.push_back(row.contains("reaction") ? "+" + row["reaction"].value("emoji", "")
                                             : row.value("text", "?"));
    }
    return out;
  }
  bool NotFound(const std::string& cred, Json params) {
    auto r = As(cred, params);
    EXPECT_FALSE(r.ok()) << params.dump();
    if (r.ok()) return false;
    EXPECT_TRUE(r.error().IsNotFound()) << params.dump() << ": " << r.error().ToString();
    return r.error().IsNotFound();
  }
  std::string Issue(const std::vector<std::string>& allow, Json extra = Json::object()) {
    Json op = Admin("operator.create", {{"label", "reader" + std::to_string(++operators_)}});
    Json params = {{"operatorId", op.value("id", "")}, {"chatIds", {chat_}}, {"allow", allow}};
    params.update(extra);
    return Admin("credential.issue", params)["credential"].value("id", "");
  }
  // Texts t<first>..t<last> sent by the owner; their msg_ ids.
  std::vector<std::string> SendTexts(int first, int last) {
    std::vector<std::string> ids;
    for (int i = first; i <= last; ++i) {
      ids.push_back(Admin("message.send", {{"chatId", chat_}, {"text", "t" + std::to_string(i)}})
                        .value("id", ""));
    }
    return ids;
  }
  static std::vector<std::string> T(int first, int last) {
    std::vector<std::string> out;
    for (int i = first; i <= last; ++i) out.push_back("t" + std::to_string(i));
    return out;
  }
  // The millisecond after now: later sends are not older than a credential
  // issued before them.
  static void NextMillisecond() {
    const std::int64_t now = SystemClock::Get()->NowMs();
    while (SystemClock::Get()->NowMs() <= now)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  testing::TempDir dir_;
  std::unique_ptr<node::Node> node_;
  std::shared_ptr<ClientHost> host_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<Chats> chats_;
  CallContext admin_;
  std::string chat_, other_chat_;
  int operators_ = 0;
};

TEST_F(CredentialCursorTest, MessageListAndInfoDeclareTheirParams) {
  Json list = InputSchema(*rt_->registry().Find("message.list"));
  EXPECT_EQ(list["required"], Json::array({"chatId"}));
  for (const char* name : {"chatId", "limit", "after", "before", "as"}) {
    EXPECT_FALSE(list["properties"][name].value("description", "").empty()) << name;
  }
  EXPECT_EQ(list["properties"]["after"]["type"], "string");
  EXPECT_EQ(list["properties"]["limit"]["type"], "integer");
  Json info = InputSchema(*rt_->registry().Find("message.info"));
  EXPECT_EQ(info["required"], Json::array({"chatId", "messageId"}));
}

TEST_F(CredentialCursorTest, PagesForwardAndBackWithoutGapsOrRepeats) {
  std::string reader = Issue({"read-messages"});
  NextMillisecond();
  const std::vector<std::string> ids = SendTexts(0, 6);
  EXPECT_EQ(Texts(reader, Json::object()), T(0, 6));
  EXPECT_EQ(Texts(reader, {{"limit", 3}}), T(4, 6));  // the newest, oldest first

  // Forward by 3 from before the first: t0 t1 t2 | t3 t4 t5 | t6 | nothing.
  Json first = *As(reader, {{"chatId", chat_}, {"limit", 1}, {"before", ids[1]}});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].value("text", ""), "t0");
  std::vector<std::string> forward{"t0"};
  std::string cursor = first[0].value("id", "");
  std::vector<std::size_t> sizes;
  for (int guard = 0; guard < 10; ++guard) {
    Json page = *As(reader, {{"chatId", chat_}, {"limit", 3}, {"after", cursor}});
    sizes.push_back(page.size());
    if (page.empty()) break;
    for (const auto& row : page) forward.push_back(row.value("text", ""));
    cursor = page.back().value("id", "");
  }
  EXPECT_EQ(forward, T(0, 6));
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 3, 0}));

  // Back by 3 from the newest: t3 t4 t5 | t0 t1 t2 | nothing.
  EXPECT_EQ(Texts(reader, {{"limit", 3}, {"before", ids[6]}}), T(3, 5));
  EXPECT_EQ(Texts(reader, {{"limit", 3}, {"before", ids[3]}}), T(0, 2));
  EXPECT_TRUE(Texts(reader, {{"limit", 3}, {"before", ids[0]}}).empty());
  // A network id names the same message; rows are unchanged in form.
  Json rows = *As(reader, {{"chatId", chat_}, {"limit", 2}, {"after", ids[4]}});
  ASSERT_EQ(rows.size(), 2u);
  std::string network_id =
      (*As(reader, {{"chatId", chat_}, {"limit", 3}}))[0].value("networkId", "");  // t4
  EXPECT_EQ(*As(reader, {{"chatId", chat_}, {"limit", 2}, {"after", network_id}}), rows);
  EXPECT_EQ(rows[0].value("visibility", ""), "visible");
  EXPECT_EQ(rows[0].value("chatId", ""), chat_);

  // The admin pages the same way (with read elevation).
  Json admin_page = Admin("message.list", {{"chatId", chat_}, {"limit", 2}, {"after", ids[1]}});
  ASSERT_EQ(admin_page.size(), 2u);
  EXPECT_EQ(admin_page[0].value("text", ""), "t2");
  EXPECT_EQ(admin_page[1].value("text", ""), "t3");
  EXPECT_EQ(Admin("message.list", {{"chatId", chat_}, {"limit", 1}, {"before", ids[1]}})[0].value(
                "text", ""),
            "t0");
}

TEST_F(CredentialCursorTest, HiddenMessagesStayHiddenAndPagesFillPastThem) {
  const std::vector<std::string> old = SendTexts(0, 1);  // before the credentials: historical
  NextMillisecond();
  std::string texts_only = Issue({"read-messages"}, {{"contentTypes", {"xmtp.org/text:1.0"}}});
  std::string historian = Issue({"read-messages", "read-history"});
  NextMillisecond();
  const std::vector<std::string> ids = SendTexts(2, 3);
  std::vector<std::string> reactions;
  for (const char* emoji : {"👍", "🎉", "👀", "🔥", "✅"}) {
    reactions.push_back(
        Admin("message.react", {{"chatId", chat_}, {"messageId", ids[0]}, {"emoji", emoji}})
            .value("id", ""));
  }
  const std::vector<std::string> late = SendTexts(4, 4);

  // Five reactions between t3 and t4: the page still holds two texts.
  EXPECT_EQ(Texts(texts_only, {{"limit", 2}}), T(3, 4));
  EXPECT_EQ(Texts(texts_only, {{"limit", 1}, {"after", ids[1]}}), T(4, 4));
  EXPECT_EQ(Texts(texts_only, {{"limit", 5}, {"before", late[0]}}), T(2, 3));
  EXPECT_EQ(Texts(texts_only, Json::object()), T(2, 4));
  // What it does not see is no cursor: a reaction, a historical message.
  EXPECT_TRUE(NotFound(texts_only, {{"chatId", chat_}, {"after", reactions[2]}}));
  EXPECT_TRUE(NotFound(texts_only, {{"chatId", chat_}, {"before", old[1]}}));

  // read-history: the older ones too, marked historical.
  std::vector<std::string> all = Texts(historian, {{"limit", 100}});
  const std::vector<std::string> tail = {"t0", "t1", "t2", "t3", "+👍",
                                         "+🎉", "+👀", "+🔥", "+✅", "t4"};
  ASSERT_GE(all.size(), tail.size());
  EXPECT_EQ(
      std::vector<std::string>(all.end() - static_cast<std::ptrdiff_t>(tail.size()), all.end()),
      tail);
  EXPECT_EQ(Texts(historian, {{"limit", 2}, {"before", ids[0]}}), T(0, 1));
  Json older = *As(historian, {{"chatId", chat_}, {"limit", 2}, {"before", ids[0]}});
  EXPECT_EQ(older[0].value("visibility", ""), "historical");
  EXPECT_EQ(Texts(historian, {{"limit", 6}, {"after", ids[0]}}),
            (std::vector<std::string>{"t3", "+👍", "+🎉", "+👀", "+🔥", "+✅"}));
}

TEST_F(CredentialCursorTest, UnknownAndForeignCursorsAreNotFound) {
  std::string reader = Issue({"read-messages"});
  NextMillisecond();
  SendTexts(0, 2);
  const std::string foreign =
      Admin("message.send", {{"chatId", other_chat_}, {"text", "elsewhere"}}).value("id", "");
  const std::string foreign_network =
      Admin("message.list", {{"chatId", other_chat_}, {"limit", 1}})[0].value("networkId", "");
  ASSERT_FALSE(foreign_network.empty());
  for (const std::string& cursor :
       {std::string("msg_ffffffffffffffff"), std::string(64, 'a'), foreign, foreign_network}) {
    EXPECT_TRUE(NotFound(reader, {{"chatId", chat_}, {"after", cursor}})) << cursor;
    EXPECT_TRUE(NotFound(reader, {{"chatId", chat_}, {"before", cursor}})) << cursor;
  }
  // The admin's unknown cursor is not_found as well.
  auto admin = rt_->Call("message.list", {{"chatId", chat_}, {"after", foreign}}, admin_);
  EXPECT_TRUE(admin.error().IsNotFound()) << admin.error().ToString();
  // Bad forms are validation errors: both cursors, a short id, a number.
  for (const Json& bad :
       {Json{{"chatId", chat_}, {"after", foreign}, {"before", foreign}},
        Json{{"chatId", chat_}, {"after", "msg_ab"}}, Json{{"chatId", chat_}, {"after", "nope"}},
        Json{{"chatId", chat_}, {"before", 7}}}) {
    auto r = As(reader, bad);
    ASSERT_FALSE(r.ok()) << bad.dump();
    EXPECT_TRUE(r.error().IsValidation()) << bad.dump() << ": " << r.error().ToString();
  }
  // A cursor never opens a chat the credential does not read.
  std::string blind = Issue({"send"});
  EXPECT_TRUE(NotFound(blind, {{"chatId", other_chat_}, {"after", foreign}}));
}

}  // namespace
}  // namespace xs::signet
