// gRPC callback-API services for MlsApi and IdentityApi: unary methods run
// their Handlers method inline and finish; the two subscribe methods create a
// StreamReactor. Methods libxmtp 1.9.1 never calls answer UNIMPLEMENTED.
//
// Thread contract: thread-safe (all state is in Handlers and the brokers).
#pragma once

#include <grpcpp/grpcpp.h>

#include "base/result.h"
#include "node/broker.h"
#include "node/handlers.h"
#include "xmtp/identity/api/v1/identity.grpc.pb.h"
#include "xmtp/mls/api/v1/mls.grpc.pb.h"

namespace xs::node {

// Validation -> INVALID_ARGUMENT, NotFound -> NOT_FOUND, the rest -> INTERNAL.
grpc::Status ToGrpcStatus(const Status& status);

class MlsService final : public mls_api::MlsApi::CallbackService {
 public:
  MlsService(Handlers* handlers, Broker<GroupMessage>* groups, Broker<WelcomeMessage>* welcomes)
      : h_(handlers), groups_(groups), welcomes_(welcomes) {}

  using Ctx = grpc::CallbackServerContext;
  using Empty = google::protobuf::Empty;
  grpc::ServerUnaryReactor* SendGroupMessages(Ctx* ctx, const mls_api::SendGroupMessagesRequest*,
                                              Empty*) override;
  grpc::ServerUnaryReactor* SendWelcomeMessages(Ctx* ctx,
                                                const mls_api::SendWelcomeMessagesRequest*,
                                                Empty*) override;
  grpc::ServerUnaryReactor* RegisterInstallation(Ctx* ctx,
                                                 const mls_api::RegisterInstallationRequest*,
                                                 mls_api::RegisterInstallationResponse*) override;
  grpc::ServerUnaryReactor* UploadKeyPackage(Ctx* ctx, const mls_api::UploadKeyPackageRequest*,
                                             Empty*) override;
  grpc::ServerUnaryReactor* FetchKeyPackages(Ctx* ctx, const mls_api::FetchKeyPackagesRequest*,
                                             mls_api::FetchKeyPackagesResponse*) override;
  grpc::ServerUnaryReactor* RevokeInstallation(Ctx* ctx, const mls_api::RevokeInstallationRequest*,
                                               Empty*) override;
  grpc::ServerUnaryReactor* GetIdentityUpdates(Ctx* ctx, const mls_api::GetIdentityUpdatesRequest*,
                                               mls_api::GetIdentityUpdatesResponse*) override;
  grpc::ServerUnaryReactor* QueryGroupMessages(Ctx* ctx, const mls_api::QueryGroupMessagesRequest*,
                                               mls_api::QueryGroupMessagesResponse*) override;
  grpc::ServerUnaryReactor* QueryWelcomeMessages(Ctx* ctx,
                                                 const mls_api::QueryWelcomeMessagesRequest*,
                                                 mls_api::QueryWelcomeMessagesResponse*) override;
  grpc::ServerWriteReactor<GroupMessage>* SubscribeGroupMessages(
      Ctx* ctx, const mls_api::SubscribeGroupMessagesRequest*) override;
  grpc::ServerWriteReactor<WelcomeMessage>* SubscribeWelcomeMessages(
      Ctx* ctx, const mls_api::SubscribeWelcomeMessagesRequest*) override;
  grpc::ServerUnaryReactor* BatchPublishCommitLog(Ctx* ctx,
                                                  const mls_api::BatchPublishCommitLogRequest*,
                                                  Empty*) override;
  grpc::ServerUnaryReactor* BatchQueryCommitLog(Ctx* ctx,
                                                const mls_api::BatchQueryCommitLogRequest*,
                                                mls_api::BatchQueryCommitLogResponse*) override;
  grpc::ServerUnaryReactor* GetNewestGroupMessage(Ctx* ctx,
                                                  const mls_api::GetNewestGroupMessageRequest*,
                                                  mls_api::GetNewestGroupMessageResponse*) override;

 private:
  Handlers* const h_;
  Broker<GroupMessage>* const groups_;
  Broker<WelcomeMessage>* const welcomes_;
};

class IdentityService final : public identity_api::IdentityApi::CallbackService {
 public:
  explicit IdentityService(Handlers* handlers) : h_(handlers) {}

  using Ctx = grpc::CallbackServerContext;
  grpc::ServerUnaryReactor* PublishIdentityUpdate(
      Ctx* ctx, const identity_api::PublishIdentityUpdateRequest*,
      identity_api::PublishIdentityUpdateResponse*) override;
  grpc::ServerUnaryReactor* GetIdentityUpdates(Ctx* ctx,
                                               const identity_api::GetIdentityUpdatesRequest*,
                                               identity_api::GetIdentityUpdatesResponse*) override;
  grpc::ServerUnaryReactor* GetInboxIds(Ctx* ctx, const identity_api::GetInboxIdsRequest*,
                                        identity_api::GetInboxIdsResponse*) override;
  grpc::ServerUnaryReactor* VerifySmartContractWalletSignatures(
      Ctx* ctx, const identity_api::VerifySmartContractWalletSignaturesRequest*,
      identity_api::VerifySmartContractWalletSignaturesResponse*) override;

 private:
  Handlers* const h_;
};

}  // namespace xs::node
