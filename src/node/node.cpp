#include "node/node.h"

#include <chrono>
#include <filesystem>
#include <system_error>

#include "node/broker.h"
#include "node/handlers.h"
#include "node/limits.h"
#include "node/services.h"
#include "node/store.h"
#include "node/tls_credentials.h"

namespace xs::node {

struct Node::Impl {
  std::unique_ptr<Store> store;
  Broker<GroupMessage> groups;
  Broker<WelcomeMessage> welcomes;
  std::unique_ptr<Handlers> handlers;
  std::unique_ptr<MlsService> mls;
  std::unique_ptr<IdentityService> identity;
  std::unique_ptr<grpc::Server> server;
  bool stopped = false;
};

namespace {

Result<std::string> PrepareDatabasePath(const NodeOptions& options) {
  if (options.in_memory) return std::string();
  if (options.data_dir.empty()) {
    return Error::Validation("data_dir", "give a data directory or choose in-memory storage");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    return Error::Internal("cannot create data directory " + options.data_dir + ": " +
                           ec.message());
  }
  return (std::filesystem::path(options.data_dir) / kDatabaseFileName).string();
}

void ConfigureServer(grpc::ServerBuilder& builder) {
  // gRPC sets SO_REUSEPORT by default, which would let a second node share
  // the port silently; a port in use must be an error.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(kMaxGrpcMessageBytes);
  builder.SetMaxSendMessageSize(kMaxGrpcMessageBytes);
  // tonic clients (libxmtp) send HTTP/2 keepalive pings on idle
  // connections; the default policy would answer them with GOAWAY
  // "too_many_pings" and drop every open stream.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
}

// Plaintext h2c, or TLS when the options name a certificate and a key.
Result<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(const NodeOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return Error::Validation("tls", "give both a TLS certificate file and a key file, or neither");
  }
  return TlsServerCredentials(options.tls_cert_file, options.tls_key_file);
}

// "host:port", with an IPv6 literal in brackets ("[::1]:5556").
std::string JoinHostPort(const std::string& host, int port) {
  const bool bare_ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return (bare_ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

Result<std::unique_ptr<Node>> Node::Start(const NodeOptions& options) {
  if (options.port < 0 || options.port > 65535) {
    return Error::Validation("port", "must be 0..65535");
  }
  XS_TRY(std::shared_ptr<grpc::ServerCredentials> credentials, ServerCredentials(options));
  std::unique_ptr<Node> node(new Node());
  node->impl_ = std::make_unique<Impl>();
  Impl& impl = *node->impl_;
  XS_TRY(node->database_path_, PrepareDatabasePath(options));
  XS_TRY(impl.store, Store::Open(node->database_path_, options.clock));
  impl.handlers = std::make_unique<Handlers>(impl.store.get(), &impl.groups, &impl.welcomes);
  impl.mls = std::make_unique<MlsService>(impl.handlers.get(), &impl.groups, &impl.welcomes);
  impl.identity = std::make_unique<IdentityService>(impl.handlers.get());

  grpc::ServerBuilder builder;
  ConfigureServer(builder);
  int selected = 0;
  if (options.host.empty()) return Error::Validation("host", "empty");
  const std::string listen = JoinHostPort(options.host, options.port);
  builder.AddListeningPort(listen, credentials, &selected);
  builder.RegisterService(impl.mls.get());
  builder.RegisterService(impl.identity.get());
  impl.server = builder.BuildAndStart();
  const bool tls = !options.tls_cert_file.empty();
  if (!impl.server || selected == 0) {
    return Error::Network(listen, tls ? "could not listen (address in use or not available, or "
                                        "the TLS certificate and key are invalid or do not match)"
                                      : "could not listen (address in use or not available)");
  }
  node->host_ = options.host;
  node->tls_ = tls;
  node->port_ = selected;
  return node;
}

std::string Node::address() const { return JoinHostPort(host_, port_); }

std::size_t Node::open_streams() const {
  if (!impl_) return 0;
  return impl_->groups.subscriber_count() + impl_->welcomes.subscriber_count();
}

void Node::Shutdown() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  // Streams never end on their own: end them first, then let in-flight
  // unary calls finish within the grace period.
  impl_->groups.CloseAll();
  impl_->welcomes.CloseAll();
  if (impl_->server) {  // absent when Start failed
    impl_->server->Shutdown(std::chrono::system_clock::now() +
                            std::chrono::milliseconds(kShutdownGraceMillis));
    impl_->server->Wait();
    impl_->server.reset();
  }
  impl_->store.reset();
}

Node::~Node() { Shutdown(); }

}  // namespace xs::node
