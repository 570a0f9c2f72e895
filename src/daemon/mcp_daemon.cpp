#include "daemon/mcp_daemon.h"

#include <filesystem>
#include <utility>

namespace xs::daemon {

namespace {

transport::mcp::McpHttpRequest ToMcpRequest(const transport::HttpRequest& request) {
  transport::mcp::McpHttpRequest out;
  out.method = request.method;
  out.authorization = request.authorization;
  out.accept = std::string(request.Header("accept"));
  out.origin = std::string(request.Header("origin"));
  out.session_id = std::string(request.Header("mcp-session-id"));
  out.protocol_version = std::string(request.Header("mcp-protocol-version"));
  out.body = request.body;
  return out;
}

}  // namespace

std::string McpSocketPath(const signet::Config& config) {
  return (std::filesystem::path(config.SocketPath()).parent_path() /
          transport::mcp::kMcpSocketFileName)
      .string();
}

Result<std::unique_ptr<McpDaemon>> McpDaemon::Start(const signet::ActionRegistry& registry,
                                                    signet::agent::AgentSurface& surface,
                                                    const signet::Config& config,
                                                    std::string signet_id,
                                                    std::string server_version) {
  std::unique_ptr<McpDaemon> mcp(new McpDaemon());
  mcp->server_ = std::make_unique<transport::mcp::McpServer>(transport::mcp::McpBackend{
      .registry = &registry, .surface = &surface, .server_version = std::move(server_version)});
  transport::mcp::McpSocketServerOptions options;
  options.socket_path = McpSocketPath(config);
  options.signet_id = std::move(signet_id);
  mcp->sockets_ =
      std::make_unique<transport::mcp::McpSocketServer>(mcp->server_.get(), std::move(options));
  mcp->http_ = std::make_unique<transport::mcp::McpHttpEndpoint>(mcp->server_.get());
  XS_RETURN_IF_ERROR(mcp->sockets_->Start());
  return mcp;
}

McpDaemon::~McpDaemon() { Stop(); }

void McpDaemon::AddHttpRoutes(transport::HttpApi& api) {
  transport::mcp::McpHttpEndpoint* endpoint = http_.get();
  api.AddRoute(transport::mcp::kMcpHttpPath,
               [endpoint](const transport::HttpRequest& request) -> transport::HttpResponse {
                 transport::mcp::McpHttpResponse response = endpoint->Handle(ToMcpRequest(request));
                 return {response.status, std::move(response.content_type),
                         std::move(response.body), std::move(response.headers),
                         std::move(response.stream)};
               });
}

void McpDaemon::Stop() {
  if (sockets_) sockets_->Stop();
  if (http_) http_->CloseAll();
}

}  // namespace xs::daemon
