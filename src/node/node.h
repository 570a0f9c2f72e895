// The local XMTP node: MlsApi and IdentityApi over gRPC (h2c) backed by a
// SQLite store. Embeddable: the xmtp-node binary is a thin main() around it,
// and the signet daemon or tests can run one in-process.
//
//   XS_TRY(auto node, Node::Start({.port = 0, .in_memory = true}));
//   ... node->port() ...
//   node->Shutdown();
//
// Thread contract: Start/Shutdown/Wait from one owning thread; the node serves
// requests on gRPC's threads. Shutdown ends open streams (UNAVAILABLE), waits
// up to kShutdownGraceMillis for in-flight calls, then closes the database.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/result.h"

namespace xs::node {

struct NodeOptions {
  std::string host = "127.0.0.1";
  int port = 5556;  // 0 picks a free port
  // Directory of the database (created if missing); ignored when in_memory.
  std::string data_dir;
  bool in_memory = false;
  // Stamps stored messages and identity updates (null = the system clock).
  const Clock* clock = nullptr;
};

// File name of the database inside the data directory.
inline constexpr const char* kDatabaseFileName = "xmtp-node.sqlite3";

class Node {
 public:
  static Result<std::unique_ptr<Node>> Start(const NodeOptions& options);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  int port() const { return port_; }
  const std::string& host() const { return host_; }
  // "host:port", for clients.
  std::string address() const;
  // The database path, or "" when in memory.
  const std::string& database_path() const { return database_path_; }

  // Idempotent.
  void Shutdown();

 private:
  struct Impl;
  Node() = default;
  std::unique_ptr<Impl> impl_;
  std::string host_;
  int port_ = 0;
  std::string database_path_;
};

}  // namespace xs::node
