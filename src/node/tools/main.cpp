// xmtp-node: a local XMTP v3 node for development and tests.
//
//   xmtp-node [--host 127.0.0.1] [--port 5556] (--data-dir DIR | --in-memory)
//             [--tls-cert FILE --tls-key FILE]
//
// Prints exactly one line to stdout once it serves ("xmtp-node listening on
// <host>:<port>"); everything else goes to stderr. SIGTERM/SIGINT stop it
// cleanly.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "node/node.h"

namespace {

constexpr const char* kUsage =
    "usage: xmtp-node [--host HOST] [--port PORT] (--data-dir DIR | --in-memory)\n"
    "                 [--tls-cert FILE --tls-key FILE]\n"
    "  --host HOST      address to listen on (default 127.0.0.1)\n"
    "  --port PORT      TCP port, 0 picks a free one (default 5556)\n"
    "  --data-dir DIR   keep the database in DIR (created if missing)\n"
    "  --in-memory      keep everything in memory (lost on exit)\n"
    "  --tls-cert FILE  serve TLS with this PEM certificate chain (default: h2c)\n"
    "  --tls-key FILE   the PEM private key of --tls-cert (mode 0600)\n";

bool ParsePort(std::string_view text, int* out) {
  if (text.empty() || text.size() > 5) return false;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > 65535) return false;
  *out = v;
  return true;
}

// Returns 0 to run, or an exit code.
int ParseArgs(int argc, char** argv, xs::node::NodeOptions* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return -1;
    }
    if (arg == "--in-memory") {
      options->in_memory = true;
    } else if (arg == "--host" && has_value) {
      options->host = argv[++i];
    } else if (arg == "--port" && has_value) {
      if (!ParsePort(argv[++i], &options->port)) {
        std::fprintf(stderr, "xmtp-node: invalid port %s\n", argv[i]);
        return 2;
      }
    } else if (arg == "--data-dir" && has_value) {
      options->data_dir = argv[++i];
    } else if (arg == "--tls-cert" && has_value) {
      options->tls_cert_file = argv[++i];
    } else if (arg == "--tls-key" && has_value) {
      options->tls_key_file = argv[++i];
    } else {
      std::fprintf(stderr, "xmtp-node: unknown or incomplete argument %s\n%s", argv[i], kUsage);
      return 2;
    }
  }
  if (options->in_memory == !options->data_dir.empty()) {
    std::fprintf(stderr, "xmtp-node: give exactly one of --data-dir DIR and --in-memory\n%s",
                 kUsage);
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  xs::node::NodeOptions options;
  if (int rc = ParseArgs(argc, argv, &options); rc != 0) return rc < 0 ? 0 : rc;

  // Block the stop signals before gRPC starts its threads so that only
  // sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto node = xs::node::Node::Start(options);
  if (!node.ok()) {
    std::fprintf(stderr, "xmtp-node: %s\n", node.error().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr,
               "xmtp-node: serving xmtp.mls.api.v1.MlsApi and xmtp.identity.api.v1.IdentityApi "
               "(gRPC, %s) on %s\n",
               (*node)->tls() ? "TLS" : "h2c", (*node)->address().c_str());
  if ((*node)->database_path().empty()) {
    std::fprintf(stderr, "xmtp-node: data in memory only (lost on exit)\n");
  } else {
    std::fprintf(stderr,
                 "xmtp-node: data in %s (SQLite WAL, synchronous=NORMAL: acknowledged writes "
                 "survive a crash or kill of this process)\n",
                 (*node)->database_path().c_str());
  }
  std::printf("xmtp-node listening on %s\n", (*node)->address().c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "xmtp-node: %s received, shutting down\n",
               sig == SIGTERM ? "SIGTERM" : "SIGINT");
  (*node)->Shutdown();
  std::fprintf(stderr, "xmtp-node: stopped\n");
  return 0;
}
