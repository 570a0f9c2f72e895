// A network error in a chat or msg command: the real `xs` and its daemon
// attached (XMTP_SIGNET_LOCAL_NODE) to an xmtp-node process the test owns.
// With the node stopped, `xs msg send`, `xs chat create` and `xs chat sync`
// exit 6 (network) and name the node's endpoint, in text and in --json; a
// failed `chat create` leaves no chat. When the node is back the same
// commands succeed. Ends with the secret scan of every output and file, as
// the CLI tests do.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli_fixture.h"
#include "node/node_process.h"

namespace xs::cli::testing {
namespace {

class NetworkErrorsTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    node_dir_ = env_->root() / "node";
    fs::create_directories(node_dir_);
    StartNode("0");
    // The daemon attaches to our node instead of embedding one.
    env_->set_var("XMTP_SIGNET_LOCAL_NODE", address_);
  }

  void TearDown() override {
    CliTest::TearDown();  // stops the daemon and runs the secret scan
    node_.reset();
  }

  // Starts xmtp-node on `port` ("0": any) over the test's node dir.
  void StartNode(const std::string& port) {
    node_ = std::make_unique<node::testing::NodeProcess>(
        XMTP_NODE_BINARY,
        std::vector<std::string>{"--port", port, "--data-dir", node_dir_.string()});
    address_ = node_->WaitListening();
    ASSERT_FALSE(address_.empty()) << "xmtp-node did not start";
  }

  void StopNode() {
    node_->Signal(SIGTERM);
    node_->Wait();
  }

  // Expects exit 6 naming the node's endpoint: on stderr as text, and as
  // the error's category and context.endpoint with --json.
  void FailsWithNetworkError(std::vector<std::string> args) {
    const std::string url = "http://" + address_;
    RunResult text = env_->Run(args);
    EXPECT_EQ(text.code, kNetwork) << text.Describe();
    EXPECT_TRUE(text.out.empty()) << text.Describe();
    EXPECT_TRUE(Contains(text.err, "error: ")) << text.Describe();
    EXPECT_TRUE(Contains(text.err, url)) << "endpoint " << url << " not named: " << text.err;
    args.emplace_back("--json");
    RunResult json = env_->Run(args);
    EXPECT_EQ(json.code, kNetwork) << json.Describe();
    Json e = json.ErrJson();
    ASSERT_FALSE(e.is_discarded()) << json.err;
    EXPECT_FALSE(e.value("ok", true));
    EXPECT_EQ(e["error"].value("category", ""), "network") << e.dump();
    ASSERT_TRUE(e["error"]["context"].is_object()) << e.dump();
    EXPECT_EQ(e["error"]["context"].value("endpoint", ""), url) << e.dump();
  }

  std::unique_ptr<node::testing::NodeProcess> node_;
  fs::path node_dir_;
  std::string address_;  // host:port of the node
};

TEST_F(NetworkErrorsTest, ChatAndMsgCommandsExit6NamingTheEndpointWhileTheNodeIsDown) {
  RunResult started = env_->InitAndStart();
  ASSERT_EQ(started.code, 0) << started.Describe();
  Json peer = Ok({"inbox", "create", "--label", "peer"});
  const std::string peer_network = peer.value("networkInboxId", "");
  ASSERT_EQ(peer_network.size(), 64u) << peer.dump();
  Json chat = Ok({"chat", "create", "--name", "before", "--members", peer_network});
  const std::string chat_id = chat.value("id", "");
  ASSERT_EQ(chat_id.rfind("conv_", 0), 0u) << chat.dump();
  Ok({"msg", "send", "while the node is up", "--to", chat_id});
  const std::size_t inboxes = Ok({"inbox", "list"}).size();

  const std::string port = address_.substr(address_.rfind(':') + 1);
  StopNode();
  FailsWithNetworkError({"msg", "send", "while the node is down", "--to", chat_id});
  FailsWithNetworkError({"chat", "create", "--name", "during"});
  FailsWithNetworkError({"chat", "create", "--name", "during", "--members", peer_network});
  FailsWithNetworkError({"chat", "sync"});
  FailsWithNetworkError({"chat", "sync", chat_id});

  // Nothing half-applied: no chat, no inbox from the failed creates.
  Json chats = Ok({"chat", "list"});
  ASSERT_EQ(chats.size(), 1u) << chats.dump();
  EXPECT_EQ(chats[0].value("id", ""), chat_id);
  EXPECT_EQ(Ok({"inbox", "list"}).size(), inboxes);

  // The node back on the same port: once the daemon's channel reconnects
  // (gRPC's backoff, capped in xmtp/api), the same commands work again.
  ASSERT_NO_FATAL_FAILURE(StartNode(port));
  RunResult synced;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    synced = env_->Run({"chat", "sync", "--json"});
    if (synced.code != kNetwork) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(synced.code, 0) << synced.Describe();
  Ok({"msg", "send", "after the node is back", "--to", chat_id});
  Json created = Ok({"chat", "create", "--name", "after", "--members", peer_network});
  EXPECT_EQ(created.value("id", "").rfind("conv_", 0), 0u) << created.dump();
}

}  // namespace
}  // namespace xs::cli::testing
