#include "xmtp/api/api_client.h"

#include <grpcpp/grpcpp.h>

#include "xmtp/api/status.h"

namespace xs::xmtp::api {
namespace {

namespace idv1 = ::xmtp::identity::api::v1;
namespace mlsv1 = ::xmtp::mls::api::v1;

constexpr std::string_view kHttp = "http://";
constexpr std::string_view kHttps = "https://";
// "host:port" upper bound; URLs come from configuration, not the network.
constexpr std::size_t kMaxUrlLength = 2048;
constexpr std::string_view kCertificateMarker = "-----BEGIN CERTIFICATE-----";
// gRPC waits up to 120 s between reconnect attempts by default: a node back
// after an outage would stay unreachable that long (every call fails fast
// meanwhile). A channel tries again at least this often.
constexpr int kMaxReconnectBackoffMs = 2000;

Result<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(const Endpoint& ep,
                                                                     const ApiOptions& options) {
  if (!ep.tls) {
    if (!options.tls_ca_pem.empty()) {
      return Error::Validation("tls_ca_pem", "a CA is given but the URL is plaintext http://");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.tls_ca_pem.empty()) {
    if (options.tls_ca_pem.find(kCertificateMarker) == std::string::npos) {
      return Error::Validation("tls_ca_pem", "no PEM certificate");
    }
    ssl.pem_root_certs = options.tls_ca_pem;
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

Result<Endpoint> ParseUrl(std::string_view url) {
  if (url.size() > kMaxUrlLength) return Error::Validation("url", "URL is too long");
  Endpoint ep;
  std::string_view rest;
  if (url.substr(0, kHttps.size()) == kHttps) {
    ep.tls = true;
    rest = url.substr(kHttps.size());
  } else if (url.substr(0, kHttp.size()) == kHttp) {
    rest = url.substr(kHttp.size());
  } else {
    return Error::Validation("url", "URL must start with http:// or https://");
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.find('/') != std::string_view::npos) {
    return Error::Validation("url", "URL must be scheme://host[:port] without a path");
  }
  ep.target = std::string(rest);
  if (ep.target.find(':') == std::string::npos || ep.target.back() == ']') {
    ep.target += ep.tls ? ":443" : ":80";
  }
  return ep;
}

template <typename T>
Result<std::optional<T>> Subscription<T>::Next() {
  T msg;
  if (reader_->Read(&msg)) return std::optional<T>(std::move(msg));
  grpc::Status status = reader_->Finish();
  if (status.ok()) return std::optional<T>();
  return FromGrpcStatus(status, "stream", endpoint_).error();
}

template class Subscription<mlsv1::GroupMessage>;
template class Subscription<mlsv1::WelcomeMessage>;

ApiClient::ApiClient(std::string url, ApiOptions options, std::shared_ptr<grpc::Channel> channel)
    : url_(std::move(url)),
      options_(std::move(options)),
      channel_(std::move(channel)),
      identity_(idv1::IdentityApi::NewStub(channel_)),
      mls_(mlsv1::MlsApi::NewStub(channel_)) {}

Result<std::unique_ptr<ApiClient>> ApiClient::Connect(std::string_view url, ApiOptions options) {
  XS_TRY(Endpoint ep, ParseUrl(url));
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  XS_TRY(std::shared_ptr<grpc::ChannelCredentials> creds, ChannelCredentials(ep, options));
  if (!creds) return Error::Network(url, "could not create TLS credentials");
  auto channel = grpc::CreateCustomChannel(ep.target, creds, args);
  if (!channel) return Error::Network(url, "could not create gRPC channel");
  return std::unique_ptr<ApiClient>(new ApiClient(std::string(url), std::move(options), channel));
}

std::unique_ptr<ApiClient> ApiClient::FromChannel(std::shared_ptr<grpc::Channel> channel,
                                                  std::string url, ApiOptions options) {
  return std::unique_ptr<ApiClient>(
      new ApiClient(std::move(url), std::move(options), std::move(channel)));
}

std::unique_ptr<grpc::ClientContext> ApiClient::NewContext(bool with_deadline) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (with_deadline) ctx->set_deadline(std::chrono::system_clock::now() + options_.deadline);
  ctx->AddMetadata("x-app-version", options_.app_version);
  return ctx;
}

#define XS_UNARY(stub, method, req, resp_type)           \
  resp_type resp;                                        \
  auto ctx = NewContext(true);                           \
  grpc::Status st = stub->method(ctx.get(), req, &resp); \
  XS_RETURN_IF_ERROR(FromGrpcStatus(st, #method, url_))

Status ApiClient::PublishIdentityUpdate(
    const ::xmtp::identity::associations::IdentityUpdate& update) {
  idv1::PublishIdentityUpdateRequest req;
  *req.mutable_identity_update() = update;
  XS_UNARY(identity_, PublishIdentityUpdate, req, idv1::PublishIdentityUpdateResponse);
  return OkStatus();
}

Result<idv1::GetIdentityUpdatesResponse> ApiClient::GetIdentityUpdates(
    const idv1::GetIdentityUpdatesRequest& request) {
  XS_UNARY(identity_, GetIdentityUpdates, request, idv1::GetIdentityUpdatesResponse);
  if (resp.responses_size() != request.requests_size()) {
    return Error::Network(url_, "GetIdentityUpdates: response count does not match requests");
  }
  return resp;
}

Result<std::vector<idv1::GetIdentityUpdatesResponse::IdentityUpdateLog>>
ApiClient::GetIdentityUpdates(const std::string& inbox_id, std::uint64_t after_sequence_id) {
  idv1::GetIdentityUpdatesRequest req;
  auto* r = req.add_requests();
  r->set_inbox_id(inbox_id);
  r->set_sequence_id(after_sequence_id);
  XS_TRY(idv1::GetIdentityUpdatesResponse resp, GetIdentityUpdates(req));
  const auto& updates = resp.responses(0).updates();
  return std::vector<idv1::GetIdentityUpdatesResponse::IdentityUpdateLog>(updates.begin(),
                                                                          updates.end());
}

Result<idv1::GetInboxIdsResponse> ApiClient::GetInboxIds(const idv1::GetInboxIdsRequest& request) {
  XS_UNARY(identity_, GetInboxIds, request, idv1::GetInboxIdsResponse);
  if (resp.responses_size() != request.requests_size()) {
    return Error::Network(url_, "GetInboxIds: response count does not match requests");
  }
  return resp;
}

Result<std::optional<std::string>> ApiClient::GetInboxIdForAddress(const std::string& address) {
  idv1::GetInboxIdsRequest req;
  auto* r = req.add_requests();
  r->set_identifier(address);
  r->set_identifier_kind(::xmtp::identity::associations::IDENTIFIER_KIND_ETHEREUM);
  XS_TRY(idv1::GetInboxIdsResponse resp, GetInboxIds(req));
  if (!resp.responses(0).has_inbox_id()) return std::optional<std::string>();
  return std::optional<std::string>(resp.responses(0).inbox_id());
}

Status ApiClient::SendGroupMessages(const mlsv1::SendGroupMessagesRequest& request) {
  XS_UNARY(mls_, SendGroupMessages, request, google::protobuf::Empty);
  return OkStatus();
}

Status ApiClient::SendWelcomeMessages(const mlsv1::SendWelcomeMessagesRequest& request) {
  XS_UNARY(mls_, SendWelcomeMessages, request, google::protobuf::Empty);
  return OkStatus();
}

Status ApiClient::UploadKeyPackage(const mlsv1::UploadKeyPackageRequest& request) {
  XS_UNARY(mls_, UploadKeyPackage, request, google::protobuf::Empty);
  return OkStatus();
}

Result<mlsv1::FetchKeyPackagesResponse> ApiClient::FetchKeyPackages(
    const mlsv1::FetchKeyPackagesRequest& request) {
  XS_UNARY(mls_, FetchKeyPackages, request, mlsv1::FetchKeyPackagesResponse);
  return resp;
}

Result<mlsv1::QueryGroupMessagesResponse> ApiClient::QueryGroupMessages(
    const mlsv1::QueryGroupMessagesRequest& request) {
  XS_UNARY(mls_, QueryGroupMessages, request, mlsv1::QueryGroupMessagesResponse);
  return resp;
}

Result<mlsv1::QueryWelcomeMessagesResponse> ApiClient::QueryWelcomeMessages(
    const mlsv1::QueryWelcomeMessagesRequest& request) {
  XS_UNARY(mls_, QueryWelcomeMessages, request, mlsv1::QueryWelcomeMessagesResponse);
  return resp;
}

Result<mlsv1::GetNewestGroupMessageResponse> ApiClient::GetNewestGroupMessage(
    const mlsv1::GetNewestGroupMessageRequest& request) {
  XS_UNARY(mls_, GetNewestGroupMessage, request, mlsv1::GetNewestGroupMessageResponse);
  return resp;
}

#undef XS_UNARY

Result<std::unique_ptr<Subscription<mlsv1::GroupMessage>>> ApiClient::SubscribeGroupMessages(
    const mlsv1::SubscribeGroupMessagesRequest& request) {
  auto ctx = NewContext(false);
  auto reader = mls_->SubscribeGroupMessages(ctx.get(), request);
  if (!reader) return Error::Network(url_, "SubscribeGroupMessages: could not open stream");
  return std::make_unique<Subscription<mlsv1::GroupMessage>>(std::move(ctx), std::move(reader),
                                                             url_);
}

Result<std::unique_ptr<Subscription<mlsv1::WelcomeMessage>>> ApiClient::SubscribeWelcomeMessages(
    const mlsv1::SubscribeWelcomeMessagesRequest& request) {
  auto ctx = NewContext(false);
  auto reader = mls_->SubscribeWelcomeMessages(ctx.get(), request);
  if (!reader) return Error::Network(url_, "SubscribeWelcomeMessages: could not open stream");
  return std::make_unique<Subscription<mlsv1::WelcomeMessage>>(std::move(ctx), std::move(reader),
                                                               url_);
}

}  // namespace xs::xmtp::api
