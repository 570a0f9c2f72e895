// A small synchronous gRPC client for an XMTP v3 node: the IdentityApi
// (protocol.md §1.1) and the MlsApi (§1.2). Every call carries a deadline;
// gRPC statuses map onto xs::Error (see status.h).
//
//   XS_TRY(auto client, ApiClient::Connect("http://127.0.0.1:5556"));
//   XS_RETURN_IF_ERROR(client->PublishIdentityUpdate(update));
//
// URLs: "http://host:port" is plaintext HTTP/2 (h2c), "https://host:port"
// is TLS, verified against the system trust roots or, when ApiOptions names
// them, against the given CA certificates only. A failed TLS handshake is a
// Network error that says so (status.h).
//
// Thread contract: an ApiClient may be shared by threads; each call is
// independent. A Subscription is used by one thread, but Cancel() may be
// called from another.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "xmtp/identity/api/v1/identity.grpc.pb.h"
#include "xmtp/mls/api/v1/mls.grpc.pb.h"

namespace xs::xmtp::api {

// Per-call deadline unless ApiOptions says otherwise.
inline constexpr std::chrono::milliseconds kDefaultDeadline{30000};
// libxmtp's GRPC_PAYLOAD_LIMIT (protocol.md §0).
inline constexpr int kMaxMessageBytes = 25 * 1024 * 1024;

struct ApiOptions {
  std::chrono::milliseconds deadline = kDefaultDeadline;
  // Sent as x-app-version, as the SDK does.
  std::string app_version;
  // PEM CA certificates that https:// servers must chain to, instead of the
  // system roots (a test or private node). Empty: the system roots. Given
  // for an http:// URL it is a validation error.
  std::string tls_ca_pem;
};

// Parsed "http(s)://host:port".
struct Endpoint {
  std::string target;  // host:port for gRPC
  bool tls = false;
};
Result<Endpoint> ParseUrl(std::string_view url);

// A server stream (SubscribeGroupMessages / SubscribeWelcomeMessages).
template <typename T>
class Subscription {
 public:
  Subscription(std::unique_ptr<grpc::ClientContext> ctx,
               std::unique_ptr<grpc::ClientReader<T>> reader, std::string endpoint)
      : ctx_(std::move(ctx)), reader_(std::move(reader)), endpoint_(std::move(endpoint)) {}
  ~Subscription() {
    if (ctx_) ctx_->TryCancel();
  }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  // Blocks for the next message; nullopt when the stream ended cleanly.
  Result<std::optional<T>> Next();
  // Ends the stream from any thread; Next() then returns Cancelled.
  void Cancel() { ctx_->TryCancel(); }

 private:
  std::unique_ptr<grpc::ClientContext> ctx_;
  std::unique_ptr<grpc::ClientReader<T>> reader_;
  std::string endpoint_;
};

class ApiClient {
 public:
  static Result<std::unique_ptr<ApiClient>> Connect(std::string_view url, ApiOptions options = {});
  // Over a channel the caller made, e.g. grpc::Server::InProcessChannel() of
  // services in the same process (fuzzers and tests; no socket). `url` only
  // names the endpoint in errors.
  static std::unique_ptr<ApiClient> FromChannel(std::shared_ptr<grpc::Channel> channel,
                                                std::string url, ApiOptions options = {});

  const std::string& url() const { return url_; }

  // --- IdentityApi
  Status PublishIdentityUpdate(const ::xmtp::identity::associations::IdentityUpdate& update);
  Result<::xmtp::identity::api::v1::GetIdentityUpdatesResponse> GetIdentityUpdates(
      const ::xmtp::identity::api::v1::GetIdentityUpdatesRequest& request);
  // One inbox, updates with sequence_id > after_sequence_id.
  Result<std::vector<::xmtp::identity::api::v1::GetIdentityUpdatesResponse::IdentityUpdateLog>>
  GetIdentityUpdates(const std::string& inbox_id, std::uint64_t after_sequence_id);
  Result<::xmtp::identity::api::v1::GetInboxIdsResponse> GetInboxIds(
      const ::xmtp::identity::api::v1::GetInboxIdsRequest& request);
  // The inbox currently holding an Ethereum address, if any.
  Result<std::optional<std::string>> GetInboxIdForAddress(const std::string& address);

  // --- MlsApi
  Status SendGroupMessages(const ::xmtp::mls::api::v1::SendGroupMessagesRequest& request);
  Status SendWelcomeMessages(const ::xmtp::mls::api::v1::SendWelcomeMessagesRequest& request);
  Status UploadKeyPackage(const ::xmtp::mls::api::v1::UploadKeyPackageRequest& request);
  Result<::xmtp::mls::api::v1::FetchKeyPackagesResponse> FetchKeyPackages(
      const ::xmtp::mls::api::v1::FetchKeyPackagesRequest& request);
  Result<::xmtp::mls::api::v1::QueryGroupMessagesResponse> QueryGroupMessages(
      const ::xmtp::mls::api::v1::QueryGroupMessagesRequest& request);
  Result<::xmtp::mls::api::v1::QueryWelcomeMessagesResponse> QueryWelcomeMessages(
      const ::xmtp::mls::api::v1::QueryWelcomeMessagesRequest& request);
  Result<::xmtp::mls::api::v1::GetNewestGroupMessageResponse> GetNewestGroupMessage(
      const ::xmtp::mls::api::v1::GetNewestGroupMessageRequest& request);
  // Streams have no deadline; cancel them instead.
  Result<std::unique_ptr<Subscription<::xmtp::mls::api::v1::GroupMessage>>> SubscribeGroupMessages(
      const ::xmtp::mls::api::v1::SubscribeGroupMessagesRequest& request);
  Result<std::unique_ptr<Subscription<::xmtp::mls::api::v1::WelcomeMessage>>>
  SubscribeWelcomeMessages(const ::xmtp::mls::api::v1::SubscribeWelcomeMessagesRequest& request);

 private:
  ApiClient(std::string url, ApiOptions options, std::shared_ptr<grpc::Channel> channel);
  std::unique_ptr<grpc::ClientContext> NewContext(bool with_deadline) const;

  std::string url_;
  ApiOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<::xmtp::identity::api::v1::IdentityApi::Stub> identity_;
  std::unique_ptr<::xmtp::mls::api::v1::MlsApi::Stub> mls_;
};

}  // namespace xs::xmtp::api
