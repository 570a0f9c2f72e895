// Credential sends run without the runtime lock while the chat's client
// sends (ActionSpec::locks_itself): sends from several threads into
// different chats all succeed and are all in their chats, and two senders
// into one chat each keep their order. A real runtime, real native clients,
// an in-memory node. And the msg_ ids of sent messages: one per message
// however many threads map it, derived from the network id, so a mapping
// lost to a power cut comes back with the same id.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "codec/hex.h"
#include "node/node.h"
#include "signet/chats/chats.h"
#include "signet/chats/chats_internal.h"
#include "signet/testing/temp_dir.h"

namespace xs::signet {
namespace {

constexpr int kPerSender = 12;

class CredentialSendConcurrencyTest : public ::testing::Test {
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
    options.network = host_;
    options.gates.admin_read_elevation = false;
    auto rt = Runtime::Init(options);
    ASSERT_TRUE(rt.ok()) << rt.error().ToString();
    rt_ = std::move(*rt);
    auto key = rt_->ClientStoreKey();
    ASSERT_TRUE(key.ok()) << key.error().ToString();
    chats_ = std::make_unique<Chats>(*rt_, *host_);
    ASSERT_TRUE(chats_->Install().ok());
    Status started = host_->Start(dir_.path() + "/clients.db3", *key, Chats::Inboxes(*rt_));
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    admin_.admin_key_fingerprint = rt_->admin_fingerprint();
    admin_.dangerously_allow_message_read = true;
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
  std::string Issue(const std::string& chat) {
    Json op = Admin("operator.create",
                    {{"label", "agent" + std::to_string(++operators_)}, {"scopeMode", "shared"}});
    Json issued =
        Admin("credential.issue",
              {{"operatorId", op.value("id", "")}, {"chatIds", {chat}}, {"allow", {"send"}}});
    return issued["credential"].value("id", "");
  }
  // Sends `prefix`0 .. `prefix`N-1 as the credential, one after the other;
  // the error of the first failure, or "" when every send answered a
  // message id.
  std::string SendAll(const std::string& credential_id, const std::string& chat,
                      const std::string& prefix) {
    CallContext ctx;
    ctx.caller = CallContext::Caller::kCredential;
    ctx.credential_id = credential_id;
    for (int k = 0; k < kPerSender; ++k) {
      auto r = rt_->Call("message.send",
                         {{"chatId", chat}, {"content", prefix + std::to_string(k)}}, ctx);
      if (!r.ok()) return r.error().ToString();
      if (!(*r)["messageId"].is_string()) return "no messageId in " + r->dump();
    }
    return "";
  }
  // The chat's texts, oldest first, after a sync from the network.
  std::vector<std::string> Texts(const std::string& chat) {
    Admin("chat.sync", {{"chatId", chat}});
    std::vector<std::string> out;
    for (const auto& m : Admin("message.list", {{"chatId", chat}, {"limit", 1000}})) {
      if (m.contains("text")) out.push_back(m["text"]);
    }
    return out;
  }
  // The texts of `texts` that start with `prefix`, in their order.
  static std::vector<std::string> Only(const std::vector<std::string>& texts,
                                       const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& t : texts) {
      if (t.rfind(prefix, 0) == 0) out.push_back(t);
    }
    return out;
  }
  static std::vector<std::string> Expected(const std::string& prefix) {
    std::vector<std::string> out;
    for (int k = 0; k < kPerSender; ++k) out.push_back(prefix + std::to_string(k));
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<node::Node> node_;
  std::shared_ptr<ClientHost> host_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<Chats> chats_;
  CallContext admin_;
  int operators_ = 0;
};

TEST_F(CredentialSendConcurrencyTest, SendsIntoDifferentChatsAllArrive) {
  // Per-group identity mode: each chat has its own inbox and client.
  std::string one = Admin("chat.create", {{"name", "one"}}).value("id", "");
  std::string two = Admin("chat.create", {{"name", "two"}}).value("id", "");
  ASSERT_FALSE(one.empty());
  ASSERT_FALSE(two.empty());
  std::string a = Issue(one);
  std::string b = Issue(two);
  std::string error_a;
  std::string error_b;
  std::thread ta([&] { error_a = SendAll(a, one, "a"); });
  std::thread tb([&] { error_b = SendAll(b, two, "b"); });
  ta.join();
  tb.join();
  EXPECT_EQ(error_a, "");
  EXPECT_EQ(error_b, "");
  EXPECT_EQ(Only(Texts(one), "a"), Expected("a"));
  EXPECT_EQ(Only(Texts(two), "b"), Expected("b"));
  EXPECT_TRUE(Only(Texts(one), "b").empty());
}

TEST_F(CredentialSendConcurrencyTest, TwoSendersIntoOneChatKeepTheirOrder) {
  std::string chat = Admin("chat.create", {{"name", "shared"}}).value("id", "");
  ASSERT_FALSE(chat.empty());
  std::string a = Issue(chat);
  std::string b = Issue(chat);
  std::string error_a;
  std::string error_b;
  std::thread ta([&] { error_a = SendAll(a, chat, "x"); });
  std::thread tb([&] { error_b = SendAll(b, chat, "y"); });
  ta.join();
  tb.join();
  EXPECT_EQ(error_a, "");
  EXPECT_EQ(error_b, "");
  std::vector<std::string> texts = Texts(chat);
  EXPECT_EQ(Only(texts, "x"), Expected("x"));
  EXPECT_EQ(Only(texts, "y"), Expected("y"));
}

// Threads that see the same message (a send's answer, the stream's read
// back, each watching harness) map it under the runtime lock as the product
// does: one msg_ id, the one the send answered. With the mapping gone (as
// after a power cut) it maps to that id again, and message.info finds the
// message by it.
TEST_F(CredentialSendConcurrencyTest, OneMessageHasOneMsgIdAfterItsMappingIsLost) {
  std::string chat = Admin("chat.create", {{"name", "ids"}}).value("id", "");
  ASSERT_FALSE(chat.empty());
  Json sent = Admin("message.send", {{"chatId", chat}, {"text", "hello"}});
  const std::string id = sent.value("id", "");
  const std::string hex = sent.value("networkId", "");
  ASSERT_FALSE(id.empty());
  auto network_id = codec::HexDecode(hex);
  ASSERT_TRUE(network_id.ok());
  Chats::Impl& impl = chats_->impl();
  auto map_all = [&]() {
    std::vector<std::string> ids(8);
    std::vector<std::thread> threads;
    for (auto& out : ids) {
      threads.emplace_back([&]() {
        (void)rt_->WithState([&](RuntimeState&) -> Status {
          XS_TRY(out, impl.MessageId(*network_id));
          return OkStatus();
        });
      });
    }
    for (auto& t : threads) t.join();
    return ids;
  };
  for (const auto& mapped : map_all()) EXPECT_EQ(mapped, id);

  Status removed =
      rt_->WithState([&](RuntimeState& s) { return s.store->RemoveIdMapping(kMessageMap, hex); });
  ASSERT_TRUE(removed.ok()) << removed.error().ToString();
  Json info = Admin("message.info", {{"chatId", chat}, {"messageId", id}});
  EXPECT_EQ(info.value("networkId", ""), hex) << info.dump();
  EXPECT_EQ(info.value("id", ""), id);

  ASSERT_TRUE(
      rt_->WithState([&](RuntimeState& s) { return s.store->RemoveIdMapping(kMessageMap, hex); })
          .ok());
  for (const auto& mapped : map_all()) EXPECT_EQ(mapped, id);
}

}  // namespace
}  // namespace xs::signet
