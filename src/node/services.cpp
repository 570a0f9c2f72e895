#include "node/services.h"

#include "node/stream_reactor.h"

namespace xs::node {
namespace {

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* ctx, grpc::Status status) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(std::move(status));
  return reactor;
}

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* ctx, const Status& status) {
  return Done(ctx, ToGrpcStatus(status));
}

grpc::ServerUnaryReactor* Unimplemented(grpc::CallbackServerContext* ctx, const char* what) {
  return Done(ctx, grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                std::string(what) + " is not implemented by this node"));
}

// A stream whose request was refused: finish at once.
template <typename Msg>
class RejectedStream final : public grpc::ServerWriteReactor<Msg> {
 public:
  explicit RejectedStream(grpc::Status status) { this->Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const Error& e = status.error();
  switch (e.category()) {
    case Category::kValidation:
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, e.message());
    case Category::kNotFound:
      return grpc::Status(grpc::StatusCode::NOT_FOUND, e.message());
    default:
      return grpc::Status(grpc::StatusCode::INTERNAL, e.message());
  }
}

using Ctx = grpc::CallbackServerContext;
using Empty = google::protobuf::Empty;

grpc::ServerUnaryReactor* MlsService::SendGroupMessages(
    Ctx* ctx, const mls_api::SendGroupMessagesRequest* req, Empty*) {
  return Done(ctx, h_->SendGroupMessages(*req));
}

grpc::ServerUnaryReactor* MlsService::SendWelcomeMessages(
    Ctx* ctx, const mls_api::SendWelcomeMessagesRequest* req, Empty*) {
  return Done(ctx, h_->SendWelcomeMessages(*req));
}

grpc::ServerUnaryReactor* MlsService::RegisterInstallation(
    Ctx* ctx, const mls_api::RegisterInstallationRequest*, mls_api::RegisterInstallationResponse*) {
  return Unimplemented(ctx, "RegisterInstallation (use UploadKeyPackage)");
}

grpc::ServerUnaryReactor* MlsService::UploadKeyPackage(Ctx* ctx,
                                                       const mls_api::UploadKeyPackageRequest* req,
                                                       Empty*) {
  return Done(ctx, h_->UploadKeyPackage(*req));
}

grpc::ServerUnaryReactor* MlsService::FetchKeyPackages(Ctx* ctx,
                                                       const mls_api::FetchKeyPackagesRequest* req,
                                                       mls_api::FetchKeyPackagesResponse* resp) {
  return Done(ctx, h_->FetchKeyPackages(*req, resp));
}

grpc::ServerUnaryReactor* MlsService::RevokeInstallation(Ctx* ctx,
                                                         const mls_api::RevokeInstallationRequest*,
                                                         Empty*) {
  return Unimplemented(ctx, "RevokeInstallation");
}

grpc::ServerUnaryReactor* MlsService::GetIdentityUpdates(Ctx* ctx,
                                                         const mls_api::GetIdentityUpdatesRequest*,
                                                         mls_api::GetIdentityUpdatesResponse*) {
  return Unimplemented(ctx, "MlsApi.GetIdentityUpdates (use IdentityApi)");
}

grpc::ServerUnaryReactor* MlsService::QueryGroupMessages(
    Ctx* ctx, const mls_api::QueryGroupMessagesRequest* req,
    mls_api::QueryGroupMessagesResponse* resp) {
  return Done(ctx, h_->QueryGroupMessages(*req, resp));
}

grpc::ServerUnaryReactor* MlsService::QueryWelcomeMessages(
    Ctx* ctx, const mls_api::QueryWelcomeMessagesRequest* req,
    mls_api::QueryWelcomeMessagesResponse* resp) {
  return Done(ctx, h_->QueryWelcomeMessages(*req, resp));
}

grpc::ServerWriteReactor<GroupMessage>* MlsService::SubscribeGroupMessages(
    Ctx* ctx, const mls_api::SubscribeGroupMessagesRequest* req) {
  auto filters = h_->GroupStreamFilters(*req);
  if (!filters.ok()) return new RejectedStream<GroupMessage>(ToGrpcStatus(filters.error()));
  Store* store = h_->store();
  auto fetch = [store](const std::string& topic, std::uint64_t after, std::uint32_t limit) {
    return store->QueryGroupMessages(topic, {Direction::kAscending, after, limit});
  };
  return new StreamReactor<GroupMessage>(ctx, groups_, std::move(filters).value(), fetch,
                                         &GroupMessageId);
}

grpc::ServerWriteReactor<WelcomeMessage>* MlsService::SubscribeWelcomeMessages(
    Ctx* ctx, const mls_api::SubscribeWelcomeMessagesRequest* req) {
  auto filters = h_->WelcomeStreamFilters(*req);
  if (!filters.ok()) return new RejectedStream<WelcomeMessage>(ToGrpcStatus(filters.error()));
  Store* store = h_->store();
  auto fetch = [store](const std::string& topic, std::uint64_t after, std::uint32_t limit) {
    return store->QueryWelcomes(topic, {Direction::kAscending, after, limit});
  };
  return new StreamReactor<WelcomeMessage>(ctx, welcomes_, std::move(filters).value(), fetch,
                                           &WelcomeMessageId);
}

grpc::ServerUnaryReactor* MlsService::BatchPublishCommitLog(
    Ctx* ctx, const mls_api::BatchPublishCommitLogRequest* req, Empty*) {
  return Done(ctx, h_->BatchPublishCommitLog(*req));
}

grpc::ServerUnaryReactor* MlsService::BatchQueryCommitLog(
    Ctx* ctx, const mls_api::BatchQueryCommitLogRequest* req,
    mls_api::BatchQueryCommitLogResponse* resp) {
  return Done(ctx, h_->BatchQueryCommitLog(*req, resp));
}

grpc::ServerUnaryReactor* MlsService::GetNewestGroupMessage(
    Ctx* ctx, const mls_api::GetNewestGroupMessageRequest* req,
    mls_api::GetNewestGroupMessageResponse* resp) {
  return Done(ctx, h_->GetNewestGroupMessage(*req, resp));
}

grpc::ServerUnaryReactor* IdentityService::PublishIdentityUpdate(
    Ctx* ctx, const identity_api::PublishIdentityUpdateRequest* req,
    identity_api::PublishIdentityUpdateResponse*) {
  return Done(ctx, h_->PublishIdentityUpdate(*req));
}

grpc::ServerUnaryReactor* IdentityService::GetIdentityUpdates(
    Ctx* ctx, const identity_api::GetIdentityUpdatesRequest* req,
    identity_api::GetIdentityUpdatesResponse* resp) {
  return Done(ctx, h_->GetIdentityUpdates(*req, resp));
}

grpc::ServerUnaryReactor* IdentityService::GetInboxIds(Ctx* ctx,
                                                       const identity_api::GetInboxIdsRequest* req,
                                                       identity_api::GetInboxIdsResponse* resp) {
  return Done(ctx, h_->GetInboxIds(*req, resp));
}

grpc::ServerUnaryReactor* IdentityService::VerifySmartContractWalletSignatures(
    Ctx* ctx, const identity_api::VerifySmartContractWalletSignaturesRequest* req,
    identity_api::VerifySmartContractWalletSignaturesResponse* resp) {
  return Done(ctx, h_->VerifySmartContractWalletSignatures(*req, resp));
}

}  // namespace xs::node
