// The local XMTP node: MlsApi and IdentityApi over gRPC backed by a SQLite
// store; plaintext HTTP/2 (h2c) by default, TLS when given a certificate and
// key (tls_credentials.h). Embeddable: the xmtp-node binary is a thin main()
// around it, and the signet daemon or tests can run one in-process.
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

#include <cstddef>
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
  // TLS: PEM files of the certificate chain and of its private key (mode
  // 0600). Both or neither; neither serves plaintext h2c.
  std::string tls_cert_file;
  std::string tls_key_file;
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
  // Whether the node serves TLS (https://) rather than h2c (http://).
  bool tls() const { return tls_; }
  // "https://host:port" or "http://host:port".
  std::string url() const { return (tls_ ? "https://" : "http://") + address(); }
  // The database path, or "" when in memory.
  const std::string& database_path() const { return database_path_; }

  // Subscriptions (group and welcome streams) the node holds open now; a
  // stream counts until gRPC has finished it.
  std::size_t open_streams() const;

  // Idempotent.
  void Shutdown();

 private:
  struct Impl;
  Node() = default;
  std::unique_ptr<Impl> impl_;
  std::string host_;
  int port_ = 0;
  bool tls_ = false;
  std::string database_path_;
};

}  // namespace xs::node
