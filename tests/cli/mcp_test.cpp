// `xs mcp` and POST /mcp against a real daemon (env = local): a credential
// issued with `xs cred issue` drives `xs mcp` as a child process over its
// stdin/stdout (initialize, tools/list, tools/call chat_list; stdout holds
// only JSON-RPC lines; EOF on stdin exits 0; the daemon stopping exits 6);
// refusals before serving (bad token 9, no token 1, another signet id 1);
// and the streamable HTTP endpoint of the same daemon (initialize with
// Mcp-Session-Id, tools/list on the session, 401/400/404 without the
// right credential or session). The secret scan of CliTest runs after each.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "cli_fixture.h"

namespace xs::cli::testing {
namespace {

constexpr int kLineTimeoutMs = 20000;

// `xs mcp` as a child with its three standard streams piped to the test.
class McpChild {
 public:
  McpChild(const XsEnv& env, const std::string& token) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    const fs::path& root = env.root();
    std::vector<std::string> vars = {"HOME=" + (root / "home").string(),
                                     "XDG_CONFIG_HOME=" + (root / "config").string(),
                                     "XDG_DATA_HOME=" + (root / "data").string(),
                                     "XDG_STATE_HOME=" + (root / "state").string(),
                                     "XDG_RUNTIME_DIR=" + (root / "run").string(),
                                     "TMPDIR=" + (root / "run").string(),
                                     "PATH=/usr/local/bin:/usr/bin:/bin",
                                     "XMTP_SIGNET_CREDENTIAL_TOKEN=" + token};
    std::vector<std::string> argv = {Binary(), "mcp"};
    std::vector<char*> args, envp;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    for (auto& v : vars) envp.push_back(v.data());
    envp.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    in_ = in[1];
    out_ = out[0];
    err_ = err[0];
  }
  ~McpChild() {
    CloseStdin();
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    for (int fd : {out_, err_}) {
      if (fd >= 0) close(fd);
    }
  }
  McpChild(const McpChild&) = delete;
  McpChild& operator=(const McpChild&) = delete;

  bool running() const { return pid_ > 0; }

  void Send(const Json& message) {
    std::string line = message.dump() + "\n";
    ASSERT_EQ(write(in_, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  }
  void CloseStdin() {
    if (in_ >= 0) close(in_);
    in_ = -1;
  }

  // The next stdout line as JSON (discarded on timeout or EOF).
  Json ReadMessage() {
    std::string line;
    if (!ReadLine(&line)) return Json::value_t::discarded;
    return Json::parse(line, nullptr, false);
  }

  Json Request(int id, const std::string& method, Json params = Json::object()) {
    Send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    return ReadMessage();
  }

  // Waits for the exit code, draining stdout and stderr.
  int Wait() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      Drain(out_, &out_text_);
      Drain(err_, &err_text_);
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        Drain(out_, &out_text_);
        Drain(err_, &err_text_);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      usleep(10000);
    }
    return -1;
  }
  // Everything read from stdout (lines returned by ReadMessage included).
  const std::string& out() const { return out_text_; }
  const std::string& err() {
    Drain(err_, &err_text_);
    return err_text_;
  }

 private:
  bool ReadLine(std::string* line) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kLineTimeoutMs);
    for (;;) {
      std::size_t newline = pending_.find('\n');
      if (newline != std::string::npos) {
        *line = pending_.substr(0, newline);
        pending_.erase(0, newline + 1);
        return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) return false;
      pending_.append(buf, static_cast<std::size_t>(n));
      out_text_.append(buf, static_cast<std::size_t>(n));
    }
  }
  static void Drain(int fd, std::string* sink) {
    if (fd < 0) return;
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 0) <= 0) return;
      char buf[4096];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) return;
      sink->append(buf, static_cast<std::size_t>(n));
    }
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  int in_ = -1, out_ = -1, err_ = -1;
  std::string pending_, out_text_, err_text_;
};

// One HTTP/1.1 request on a fresh connection (Connection: close).
struct HttpAnswer {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

HttpAnswer Http(int port, const std::string& method, const std::string& body,
                const std::map<std::string, std::string>& headers) {
  HttpAnswer answer;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return answer;
  }
  std::string request = method + " /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) {
    request.append(k).append(": ").append(v).append("\r\n");
  }
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)!send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string raw;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  std::size_t end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return answer;
  answer.status = std::atoi(raw.c_str() + 9);
  std::size_t pos = raw.find("\r\n") + 2;
  while (pos < end) {
    std::size_t eol = raw.find("\r\n", pos);
    std::string field = raw.substr(pos, eol - pos);
    std::size_t colon = field.find(':');
    std::string name = field.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t value = field.find_first_not_of(' ', colon + 1);
    answer.headers[name] = value == std::string::npos ? "" : field.substr(value);
    pos = eol + 2;
  }
  answer.body = raw.substr(end + 4);
  return answer;
}

Json InitializeParams() {
  return {{"protocolVersion", "2025-11-25"},
          {"capabilities", Json::object()},
          {"clientInfo", {{"name", "xs-mcp-test"}, {"version", "1"}}}};
}

class McpTest : public CliTest {
 protected:
  // A daemon with [http] on a free port, an operator, a chat and a
  // credential for it; the credential's token.
  std::string StartWithCredential() {
    env_->set_var("XMTP_SIGNET_HTTP_ENABLED", "true");
    env_->set_var("XMTP_SIGNET_HTTP_PORT", "0");
    Start();
    if (HasFatalFailure()) return "";
    CreateOperator("agent");
    chat_ = NewChat();
    Json issued = Issue(
        {"--op", "agent", "--chat", chat_, "--allow", "send,read-messages,list-conversations"});
    credential_ = issued["credential"].value("id", "");
    return issued.value("token", "");
  }
  std::string chat_;
  std::string credential_;
};

TEST_F(McpTest, XsMcpServesInitializeToolsListAndToolsCall) {
  const std::string token = StartWithCredential();
  ASSERT_FALSE(token.empty());
  Json status = Ok({"status"});
  EXPECT_EQ(status["connections"]["mcp"], 0) << status.dump();
  const std::string signet_id = status.value("signetId", "");
  EXPECT_EQ(signet_id.rfind("sha256:", 0), 0u) << status.dump();

  McpChild mcp(*env_, token);
  ASSERT_TRUE(mcp.running());
  Json init = mcp.Request(1, "initialize", InitializeParams());
  ASSERT_EQ(init["id"], 1) << init.dump() << "\nstderr: " << mcp.err();
  EXPECT_EQ(init["result"]["protocolVersion"], "2025-11-25") << init.dump();
  EXPECT_EQ(init["result"]["serverInfo"]["name"], "xmtp-signet") << init.dump();
  mcp.Send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});

  Json tools = mcp.Request(2, "tools/list");
  ASSERT_TRUE(tools["result"]["tools"].is_array()) << tools.dump();
  bool has_chat_list = false;
  for (const auto& tool : tools["result"]["tools"]) {
    if (tool["name"] == "chat_list") has_chat_list = true;
    EXPECT_TRUE(tool["inputSchema"].is_object()) << tool.dump();
  }
  EXPECT_TRUE(has_chat_list) << tools.dump();

  Json call = mcp.Request(3, "tools/call", {{"name", "chat_list"}, {"arguments", Json::object()}});
  ASSERT_EQ(call["id"], 3) << call.dump();
  EXPECT_EQ(call["result"]["isError"], false) << call.dump();
  EXPECT_NE(call.dump().find(chat_), std::string::npos) << "the credential's chat is not listed";

  // A bad line is answered and the process keeps serving.
  mcp.Send(Json("not an object"));
  Json bad = mcp.ReadMessage();
  EXPECT_TRUE(bad.contains("error")) << bad.dump();
  EXPECT_EQ(mcp.Request(4, "ping")["id"], 4);
  EXPECT_EQ(Ok({"status"})["connections"]["mcp"], 1);

  mcp.CloseStdin();
  EXPECT_EQ(mcp.Wait(), 0) << mcp.err();
  // stdout carried JSON-RPC lines only.
  std::istringstream lines(mcp.out());
  for (std::string line; std::getline(lines, line);) {
    Json message = Json::parse(line, nullptr, false);
    EXPECT_TRUE(message.is_object() && message["jsonrpc"] == "2.0") << line;
  }
  EXPECT_EQ(mcp.out().find(token), std::string::npos);
  EXPECT_EQ(mcp.err().find(token), std::string::npos);
  EXPECT_TRUE(WaitUntil([&] { return Ok({"status"})["connections"]["mcp"] == 0; }));
}

TEST_F(McpTest, XsMcpRefusesToStartWithoutAValidCredential) {
  const std::string token = StartWithCredential();
  ASSERT_FALSE(token.empty());
  RunResult bad = Xs({"mcp"}, {{"XMTP_SIGNET_CREDENTIAL_TOKEN", std::string(43, 'A')}});
  EXPECT_EQ(bad.code, kAuth) << bad.Describe();
  EXPECT_TRUE(bad.out.empty()) << bad.Describe();
  EXPECT_TRUE(Contains(bad.err, "error: ")) << bad.Describe();

  RunResult missing = Xs({"mcp"});
  EXPECT_EQ(missing.code, kValidation) << missing.Describe();
  EXPECT_TRUE(Contains(missing.err, "XMTP_SIGNET_CREDENTIAL_TOKEN")) << missing.Describe();
  EXPECT_TRUE(missing.out.empty());

  RunResult other_signet =
      Xs({"mcp"}, {{"XMTP_SIGNET_CREDENTIAL_TOKEN", token}, {"XMTP_SIGNET_ID", "sha256:0000"}});
  EXPECT_EQ(other_signet.code, kValidation) << other_signet.Describe();
  EXPECT_TRUE(Contains(other_signet.err, "XMTP_SIGNET_ID")) << other_signet.Describe();
  EXPECT_TRUE(other_signet.out.empty());

  // The right signet id and stdin at EOF (/dev/null): serves, then exits 0.
  const std::string signet_id = Ok({"status"}).value("signetId", "");
  RunResult fine =
      Xs({"mcp"}, {{"XMTP_SIGNET_CREDENTIAL_TOKEN", token}, {"XMTP_SIGNET_ID", signet_id}});
  EXPECT_EQ(fine.code, 0) << fine.Describe();
  EXPECT_TRUE(fine.out.empty()) << fine.Describe();

  // A revoked credential is refused too.
  Ok({"cred", "revoke", credential_, "--force"});
  RunResult revoked = Xs({"mcp"}, {{"XMTP_SIGNET_CREDENTIAL_TOKEN", token}});
  EXPECT_EQ(revoked.code, kAuth) << revoked.Describe();
  EXPECT_TRUE(revoked.out.empty()) << revoked.Describe();
}

TEST_F(McpTest, XsMcpExitsWithANetworkErrorWhenTheDaemonGoesAway) {
  const std::string token = StartWithCredential();
  ASSERT_FALSE(token.empty());
  McpChild mcp(*env_, token);
  Json init = mcp.Request(1, "initialize", InitializeParams());
  ASSERT_EQ(init["id"], 1) << init.dump() << mcp.err();
  RunResult stop = env_->StopDaemon();
  ASSERT_EQ(stop.code, 0) << stop.Describe();
  EXPECT_EQ(mcp.Wait(), kNetwork) << mcp.err();
  EXPECT_TRUE(Contains(mcp.err(), "closed the MCP connection")) << mcp.err();
  RunResult down = Xs({"mcp"}, {{"XMTP_SIGNET_CREDENTIAL_TOKEN", token}});
  EXPECT_EQ(down.code, kNetwork) << down.Describe();
  EXPECT_TRUE(Contains(down.err, "xs daemon start")) << down.Describe();
}

TEST_F(McpTest, StreamableHttpInitializeSessionAndToolsList) {
  const std::string token = StartWithCredential();
  ASSERT_FALSE(token.empty());
  Json status = Ok({"status"});
  ASSERT_TRUE(status["httpPort"].is_number_integer()) << status.dump();
  const int port = status["httpPort"];
  const std::map<std::string, std::string> base = {
      {"Authorization", "Bearer " + token},
      {"Accept", "application/json, text/event-stream"},
      {"Content-Type", "application/json"}};

  const std::string init_body =
      Json(
          {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", InitializeParams()}})
          .dump();
  HttpAnswer init = Http(port, "POST", init_body, base);
  ASSERT_EQ(init.status, 200) << init.body;
  EXPECT_EQ(init.headers["content-type"], "application/json");
  const std::string session = init.headers["mcp-session-id"];
  ASSERT_EQ(session.size(), 64u) << init.body;
  EXPECT_EQ(Json::parse(init.body)["result"]["serverInfo"]["name"], "xmtp-signet") << init.body;

  auto with_session = base;
  with_session["Mcp-Session-Id"] = session;
  with_session["MCP-Protocol-Version"] = "2025-11-25";
  HttpAnswer initialized =
      Http(port, "POST", Json({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}).dump(),
           with_session);
  EXPECT_EQ(initialized.status, 202) << initialized.body;

  const std::string list_body =
      Json({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}}).dump();
  HttpAnswer tools = Http(port, "POST", list_body, with_session);
  ASSERT_EQ(tools.status, 200) << tools.body;
  EXPECT_TRUE(Json::parse(tools.body)["result"]["tools"].is_array()) << tools.body;

  auto no_token = with_session;
  no_token.erase("Authorization");
  EXPECT_EQ(Http(port, "POST", list_body, no_token).status, 401);
  EXPECT_EQ(Http(port, "POST", list_body, base).status, 400);
  auto foreign_origin = with_session;
  foreign_origin["Origin"] = "http://evil.example";
  EXPECT_EQ(Http(port, "POST", list_body, foreign_origin).status, 403);
  EXPECT_EQ(Ok({"status"})["mcp"]["httpSessions"], 1);

  // GET opens the session's SSE stream (read until it shows it is open);
  // DELETE ends it, with the session.
  int stream_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(stream_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string get =
      "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
      "Authorization: Bearer " +
      token + "\r\nMcp-Session-Id: " + session + "\r\n\r\n";
  ASSERT_EQ(send(stream_fd, get.data(), get.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(get.size()));
  std::string streamed;
  auto read_some = [&] {
    pollfd p{stream_fd, POLLIN, 0};
    if (poll(&p, 1, kLineTimeoutMs) <= 0) return false;
    char buf[4096];
    ssize_t n = recv(stream_fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    streamed.append(buf, static_cast<std::size_t>(n));
    return true;
  };
  while (!Contains(streamed, ": stream open") && read_some()) {
  }
  EXPECT_EQ(streamed.rfind("HTTP/1.1 200", 0), 0u) << streamed;
  EXPECT_TRUE(Contains(streamed, "Content-Type: text/event-stream")) << streamed;
  EXPECT_TRUE(Contains(streamed, "Transfer-Encoding: chunked")) << streamed;
  EXPECT_EQ(Http(port, "DELETE", "", with_session).status, 204);
  while (read_some()) {
  }
  close(stream_fd);
  EXPECT_TRUE(Contains(streamed, "\r\n0\r\n\r\n")) << "no last chunk: " << streamed;
  EXPECT_EQ(Http(port, "POST", list_body, with_session).status, 404);
  EXPECT_EQ(Ok({"status"})["mcp"]["httpSessions"], 0);
}

}  // namespace
}  // namespace xs::cli::testing
