// xs-ws-test-server: the WebSocket transport over the fake agent surface, for
// bench/ws (xs-ws-load) and manual tests. Never shipped.
//
//   xs-ws-test-server [--port 0] [--credentials 64] [--chats 4]
//                     [--io-threads 2] [--workers 8] [--heartbeat-ms 30000]
//
// Credential i has token "token-<i>", id "cred_<i>" and chat "conv_<i % chats>".
// Prints "port=<bound port> pid=<pid>" and runs until SIGINT/SIGTERM.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "transport/ws/testing/fake_agent_surface.h"
#include "transport/ws/ws_server.h"

int main(int argc, char** argv) {
  xs::transport::ws::WsServerOptions options;
  options.port = 0;
  int credentials = 64;
  int chats = 4;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    long value = std::strtol(argv[i + 1], nullptr, 10);
    if (flag == "--port") {
      options.port = static_cast<std::uint16_t>(value);
    } else if (flag == "--credentials") {
      credentials = static_cast<int>(value);
    } else if (flag == "--chats") {
      chats = static_cast<int>(value);
    } else if (flag == "--io-threads") {
      options.io_threads = static_cast<int>(value);
    } else if (flag == "--workers") {
      options.worker_threads = static_cast<int>(value);
    } else if (flag == "--heartbeat-ms") {
      options.heartbeat_interval_ms = value;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts

  xs::transport::ws::testing::FakeAgentSurface surface;
  for (int i = 0; i < credentials; ++i) {
    surface.AddCredential("token-" + std::to_string(i), "cred_" + std::to_string(i),
                          {"conv_" + std::to_string(i % chats)});
  }
  xs::transport::ws::WsServer server(surface, options);
  auto port = server.Start();
  if (!port.ok()) {
    std::fprintf(stderr, "%s\n", port.error().ToString().c_str());
    return 1;
  }
  std::printf("port=%u pid=%d\n", static_cast<unsigned>(*port), static_cast<int>(getpid()));
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  server.Stop();
  return 0;
}
