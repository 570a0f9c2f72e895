// The env = local network: use the XMTP node that answers at the local
// address, or embed one in this process (xs::node::Node) so that
// `xs init --env local && xs daemon start` works with no other service.
//
// Thread contract: LocalNetwork is owned by the daemon thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/result.h"

namespace xs::node {
class Node;
}

namespace xs::daemon {

struct HostPort {
  std::string host;
  int port = 0;
};
// "127.0.0.1:5556", "[::1]:5556", "localhost:5556".
Result<HostPort> ParseHostPort(std::string_view text);

// Whether something accepts TCP connections at host:port within `timeout`.
bool TcpPortAnswers(const HostPort& address, std::chrono::milliseconds timeout);

class LocalNetwork {
 public:
  // Uses a node already answering at `address`, else starts an embedded one
  // there with its database in `node_data_dir`.
  static Result<LocalNetwork> Attach(const std::string& address, const std::string& node_data_dir);
  LocalNetwork(LocalNetwork&&) noexcept;
  LocalNetwork& operator=(LocalNetwork&&) noexcept;
  ~LocalNetwork();

  // http://host:port for the gRPC client.
  std::string url() const;
  const std::string& address() const { return address_; }
  bool embedded() const { return node_ != nullptr; }
  // The embedded node's database, or "".
  std::string database_path() const;
  // Stops the embedded node (no-op otherwise). Idempotent.
  void Shutdown();

 private:
  LocalNetwork() = default;
  std::string address_;
  std::unique_ptr<node::Node> node_;
};

}  // namespace xs::daemon
