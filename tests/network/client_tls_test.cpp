// Our XMTP client (xmtp/client) over TLS, as it runs against dev and
// production: the local node serves TLS with a CA and certificate made at
// test time (xmtp/api/testing); the client, given that CA, runs the group
// scenario (register, create, send, welcome, sync, messages, stream); given
// another CA or the system roots, the client API reports a Network error
// naming the node. The JSON-lines driver (xs-client-peer --tls-ca) likewise.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "crypto/secret.h"
#include "node/node.h"
#include "signet/testing/temp_dir.h"
#include "xmtp/api/api_client.h"
#include "xmtp/api/testing/test_pki.h"
#include "xmtp/client/client.h"
#include "xmtp/content/codecs.h"
#include "xmtp/identity/signer.h"
#include "xmtp/store/store.h"

namespace xs {
namespace {

using xmtp::api::ApiClient;
using xmtp::api::ApiOptions;
using xmtp::api::testing::TestPki;
using xmtp::api::testing::TestPkiFiles;
using xmtp::client::Client;
using xmtp::client::ClientContext;
using xmtp::client::Message;
using json = nlohmann::json;

// One ApiClient, store and ClientContext: what a process of ours shares.
struct Session {
  std::unique_ptr<ApiClient> api;
  std::unique_ptr<xmtp::store::Store> store;
  std::unique_ptr<ClientContext> ctx;
};

Session Connect(const std::string& url, const std::string& ca_pem) {
  Session s;
  ApiOptions options;
  options.tls_ca_pem = ca_pem;
  auto api = ApiClient::Connect(url, options);
  EXPECT_TRUE(api.ok()) << api.error().ToString();
  if (!api.ok()) return s;
  s.api = std::move(*api);
  s.store =
      xmtp::store::Store::Open(":memory:", crypto::Secret::Random(32), *SystemClock::Get()).value();
  s.ctx = std::make_unique<ClientContext>(*s.api, *s.store, *SystemClock::Get());
  return s;
}

std::unique_ptr<Client> Register(ClientContext& ctx) {
  auto client = Client::Register(ctx, xmtp::identity::WalletKey::Generate().value());
  EXPECT_TRUE(client.ok()) << client.error().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

std::vector<std::string> Texts(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) {
    if (auto text = xmtp::content::DecodeText(m.content); text.ok()) out.push_back(*text);
  }
  return out;
}

// What a stream delivers, for a bounded wait.
struct Delivered {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> texts;
  bool WaitFor(const std::string& text) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(30),
                       [&] { return std::find(texts.begin(), texts.end(), text) != texts.end(); });
  }
};

// A Network error of the TLS handshake with `url`, carrying the url as its
// endpoint.
void ExpectTlsNetworkError(const Error& error, const std::string& url) {
  EXPECT_TRUE(error.IsNetwork()) << error.ToString();
  EXPECT_NE(error.message().find("TLS handshake with " + url + " failed"), std::string::npos)
      << error.ToString();
  EXPECT_NE(error.message().find("server certificate not trusted"), std::string::npos)
      << error.ToString();
  EXPECT_NE(error.context_json().find("\"endpoint\":\"" + url + "\""), std::string::npos)
      << error.context_json();
}

// xs-client-peer as a child process: JSON requests on its stdin, one
// response line each on its stdout.
class PeerProcess {
 public:
  // `env`: variables set in the child only.
  explicit PeerProcess(std::vector<std::string> args,
                       std::vector<std::pair<std::string, std::string>> env = {}) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], STDIN_FILENO);
      dup2(out[1], STDOUT_FILENO);
      for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
      for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
      std::string binary = XS_CLIENT_PEER_BINARY;
      std::vector<char*> argv{binary.data()};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdin_ = fdopen(in[1], "w");
    stdout_ = fdopen(out[0], "r");
  }
  ~PeerProcess() {
    if (stdin_) std::fclose(stdin_);
    if (stdout_) std::fclose(stdout_);
    if (pid_ > 0 && status_ < 0) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  // The response to `request`, or a discarded value when the peer said
  // nothing (it exited).
  json Call(const json& request) {
    if (!stdin_ || !stdout_) return json(json::value_t::discarded);
    std::fputs((request.dump() + "\n").c_str(), stdin_);
    std::fflush(stdin_);
    std::string line;
    char buf[4096];
    while (std::fgets(buf, sizeof(buf), stdout_)) {
      line += buf;
      if (line.back() == '\n') break;
    }
    return json::parse(line, nullptr, /*allow_exceptions=*/false);
  }

  // Closes stdin and returns the exit code (-1 unless it exited).
  int Finish() {
    if (stdin_) std::fclose(stdin_);
    stdin_ = nullptr;
    Wait();
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  }

 private:
  void Wait() {
    int status = 0;
    if (waitpid(pid_, &status, 0) == pid_) status_ = status;
  }

  pid_t pid_ = -1;
  int status_ = -1;
  FILE* stdin_ = nullptr;
  FILE* stdout_ = nullptr;
};

class ClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = TestPki::Make("xs client TLS test CA").value();
    files_ = pki_.WriteTo(dir_.path()).value();
    node::NodeOptions options;
    options.port = 0;
    options.in_memory = true;
    options.tls_cert_file = files_.cert_file;
    options.tls_key_file = files_.key_file;
    auto started = node::Node::Start(options);
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    node_ = std::move(*started);
    ASSERT_TRUE(node_->tls());
    ASSERT_EQ(node_->url().rfind("https://", 0), 0u) << node_->url();
  }

  signet::testing::TempDir dir_;
  TestPki pki_;
  TestPkiFiles files_;
  std::unique_ptr<node::Node> node_;
};

TEST_F(ClientTlsTest, ClientTrustingTheNodesCaRunsTheGroupScenario) {
  // Two processes' worth of state: alice and bob share nothing but the node.
  Session a = Connect(node_->url(), pki_.ca_pem);
  Session b = Connect(node_->url(), pki_.ca_pem);
  ASSERT_TRUE(a.ctx && b.ctx);
  auto alice = Register(*a.ctx);
  auto bob = Register(*b.ctx);
  ASSERT_TRUE(alice && bob);

  Delivered delivered;
  auto stream = bob->StreamAll([&](const Message& m) {
    auto text = xmtp::content::DecodeText(m.content);
    if (!text.ok()) return;
    std::lock_guard lock(delivered.mu);
    delivered.texts.push_back(*text);
    delivered.cv.notify_all();
  });

  auto group = alice->CreateGroup({bob->inbox_id()});
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  auto sent = alice->Send(*group, xmtp::content::EncodeText("over TLS"));
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();

  auto joined = bob->SyncWelcomes();
  ASSERT_TRUE(joined.ok()) << joined.error().ToString();
  ASSERT_TRUE(bob->Group(*group).ok());  // joined here or by the stream already
  auto synced = bob->SyncGroup(*group);
  ASSERT_TRUE(synced.ok()) << synced.error().ToString();
  auto messages = bob->Messages(*group);
  ASSERT_TRUE(messages.ok()) << messages.error().ToString();
  std::vector<Message> list = std::move(messages).value();
  EXPECT_EQ(Texts(list), std::vector<std::string>{"over TLS"});
  EXPECT_TRUE(delivered.WaitFor("over TLS"));

  auto reply = bob->Send(*group, xmtp::content::EncodeText("TLS back"));
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  EXPECT_TRUE(delivered.WaitFor("TLS back"));  // our own message, on our stream
  ASSERT_TRUE(alice->SyncGroup(*group).ok());
  auto alice_messages = alice->Messages(*group);
  ASSERT_TRUE(alice_messages.ok());
  std::vector<Message> alice_list = std::move(alice_messages).value();
  EXPECT_EQ(Texts(alice_list), (std::vector<std::string>{"over TLS", "TLS back"}));
  stream->Stop();
}

TEST_F(ClientTlsTest, RegisterWithAnotherCaIsANetworkErrorNamingTheNode) {
  auto other = TestPki::Make("another CA").value();
  Session s = Connect(node_->url(), other.ca_pem);
  ASSERT_TRUE(s.ctx);
  auto client = Client::Register(*s.ctx, xmtp::identity::WalletKey::Generate().value());
  ASSERT_FALSE(client.ok());
  ExpectTlsNetworkError(client.error(), node_->url());
}

TEST_F(ClientTlsTest, RegisterWithTheSystemRootsIsANetworkErrorNamingTheNode) {
  Session s = Connect(node_->url(), "");  // what --env dev|production use
  ASSERT_TRUE(s.ctx);
  auto client = Client::Register(*s.ctx, xmtp::identity::WalletKey::Generate().value());
  ASSERT_FALSE(client.ok());
  ExpectTlsNetworkError(client.error(), node_->url());
}

TEST_F(ClientTlsTest, ClientPeerWithTlsCaReachesTheNode) {
  PeerProcess peer({"--url", node_->url(), "--tls-ca", files_.ca_file});
  json alice = peer.Call({{"id", 1}, {"op", "create"}, {"client", "alice"}});
  ASSERT_TRUE(alice.contains("result")) << alice.dump();
  json bob = peer.Call({{"id", 2}, {"op", "create"}, {"client", "bob"}});
  ASSERT_TRUE(bob.contains("result")) << bob.dump();
  json group = peer.Call({{"id", 3},
                          {"op", "createGroup"},
                          {"client", "alice"},
                          {"members", {bob["result"]["inboxId"]}}});
  ASSERT_TRUE(group.contains("result")) << group.dump();
  const std::string group_id = group["result"]["groupId"];
  json sent = peer.Call(
      {{"id", 4}, {"op", "send"}, {"client", "alice"}, {"groupId", group_id}, {"text", "hi"}});
  ASSERT_TRUE(sent.contains("result")) << sent.dump();
  json joined = peer.Call({{"id", 5}, {"op", "sync"}, {"client", "bob"}});
  ASSERT_TRUE(joined.contains("result")) << joined.dump();
  EXPECT_EQ(joined["result"]["joined"], json::array({group_id}));
  json messages =
      peer.Call({{"id", 6}, {"op", "messages"}, {"client", "bob"}, {"groupId", group_id}});
  ASSERT_TRUE(messages.contains("result")) << messages.dump();
  ASSERT_EQ(messages["result"]["messages"].size(), 1u) << messages.dump();
  EXPECT_EQ(messages["result"]["messages"][0]["text"], "hi");
  EXPECT_EQ(peer.Finish(), 0);
}

TEST_F(ClientTlsTest, ClientPeerWithoutTheCaGetsANetworkError) {
  auto other = TestPki::Make("another CA").value();
  signet::testing::TempDir other_dir;
  auto other_files = other.WriteTo(other_dir.path()).value();
  for (const std::vector<std::string>& ca_args :
       {std::vector<std::string>{"--tls-ca", other_files.ca_file}, std::vector<std::string>{}}) {
    std::vector<std::string> args = {"--url", node_->url()};
    args.insert(args.end(), ca_args.begin(), ca_args.end());
    PeerProcess peer(args);
    json reply = peer.Call({{"id", 1}, {"op", "create"}, {"client", "alice"}});
    ASSERT_TRUE(reply.contains("error")) << reply.dump();
    EXPECT_EQ(reply["error"]["category"], "network") << reply.dump();
    const std::string message = reply["error"]["message"];
    EXPECT_NE(message.find("TLS handshake with " + node_->url() + " failed"), std::string::npos)
        << message;
    EXPECT_EQ(peer.Finish(), 0);
  }
}

// Without --tls-ca the client verifies against gRPC's default roots, as for
// dev and production: on Debian the system bundle
// /etc/ssl/certs/ca-certificates.crt, which GRPC_DEFAULT_SSL_ROOTS_FILE_PATH
// replaces. Default roots holding only the test CA trust the node; the
// system's do not (ClientPeerWithoutTheCaGetsANetworkError).
TEST_F(ClientTlsTest, ClientPeerWithoutTlsCaUsesTheDefaultRoots) {
  PeerProcess peer({"--url", node_->url()}, {{"GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", files_.ca_file}});
  json reply = peer.Call({{"id", 1}, {"op", "create"}, {"client", "alice"}});
  EXPECT_TRUE(reply.contains("result")) << reply.dump();
  EXPECT_EQ(peer.Finish(), 0);
}

TEST_F(ClientTlsTest, ClientPeerRefusesAnUnusableTlsCa) {
  // A missing file, a file without a certificate, and a CA for a plaintext URL.
  const std::string not_pem = dir_.path() + "/not.pem";
  std::FILE* f = std::fopen(not_pem.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("not a certificate\n", f);
  std::fclose(f);
  const std::string plain = "http://" + node_->address();
  for (const auto& [url, file] : std::vector<std::pair<std::string, std::string>>{
           {node_->url(), dir_.path() + "/missing.pem"},
           {node_->url(), not_pem},
           {plain, files_.ca_file}}) {
    PeerProcess peer({"--url", url, "--tls-ca", file});
    EXPECT_NE(peer.Finish(), 0) << url << " " << file;
  }
}

}  // namespace
}  // namespace xs
