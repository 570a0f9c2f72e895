// The node's request handlers, independent of gRPC: each takes a decoded
// request, checks it against the limits in limits.h, reads or writes the
// store and fills the response. The gRPC services (services.cpp) are thin
// adapters around these, and the fuzz target drives them directly.
//
// Errors: Error::Validation for anything wrong with the request (becomes
// INVALID_ARGUMENT), Error::Internal for storage failures (INTERNAL).
//
// Thread contract: thread-safe; the store serializes storage, and identity
// publishes are serialized so each is validated against the latest log.
#pragma once

#include <mutex>

#include "base/result.h"
#include "node/broker.h"
#include "node/store.h"
#include "xmtp/identity/api/v1/identity.pb.h"
#include "xmtp/mls/api/v1/mls.pb.h"

namespace xs::node {

namespace mls_api = ::xmtp::mls::api::v1;
namespace identity_api = ::xmtp::identity::api::v1;

class Handlers {
 public:
  Handlers(Store* store, Broker<GroupMessage>* groups, Broker<WelcomeMessage>* welcomes)
      : store_(store), groups_(groups), welcomes_(welcomes) {}

  // MlsApi.
  Status SendGroupMessages(const mls_api::SendGroupMessagesRequest& req);
  Status SendWelcomeMessages(const mls_api::SendWelcomeMessagesRequest& req);
  Status UploadKeyPackage(const mls_api::UploadKeyPackageRequest& req);
  Status FetchKeyPackages(const mls_api::FetchKeyPackagesRequest& req,
                          mls_api::FetchKeyPackagesResponse* resp);
  Status QueryGroupMessages(const mls_api::QueryGroupMessagesRequest& req,
                            mls_api::QueryGroupMessagesResponse* resp);
  Status QueryWelcomeMessages(const mls_api::QueryWelcomeMessagesRequest& req,
                              mls_api::QueryWelcomeMessagesResponse* resp);
  Status GetNewestGroupMessage(const mls_api::GetNewestGroupMessageRequest& req,
                               mls_api::GetNewestGroupMessageResponse* resp);
  Status BatchPublishCommitLog(const mls_api::BatchPublishCommitLogRequest& req);
  Status BatchQueryCommitLog(const mls_api::BatchQueryCommitLogRequest& req,
                             mls_api::BatchQueryCommitLogResponse* resp);

  // Stream requests: checks the filters and returns them as (topic, cursor).
  Result<std::vector<StreamFilter>> GroupStreamFilters(
      const mls_api::SubscribeGroupMessagesRequest& req);
  Result<std::vector<StreamFilter>> WelcomeStreamFilters(
      const mls_api::SubscribeWelcomeMessagesRequest& req);

  // IdentityApi.
  Status PublishIdentityUpdate(const identity_api::PublishIdentityUpdateRequest& req);
  Status GetIdentityUpdates(const identity_api::GetIdentityUpdatesRequest& req,
                            identity_api::GetIdentityUpdatesResponse* resp);
  Status GetInboxIds(const identity_api::GetInboxIdsRequest& req,
                     identity_api::GetInboxIdsResponse* resp);
  Status VerifySmartContractWalletSignatures(
      const identity_api::VerifySmartContractWalletSignaturesRequest& req,
      identity_api::VerifySmartContractWalletSignaturesResponse* resp);

  Store* store() { return store_; }

 private:
  Store* const store_;
  Broker<GroupMessage>* const groups_;
  Broker<WelcomeMessage>* const welcomes_;
  std::mutex identity_mu_;
};

// Paging (protocol.md §1.2): direction UNSPECIFIED (or no paging_info) means
// DESCENDING; limit 0 or above kMaxPageSize means kMaxPageSize.
PageQuery NormalizePaging(const mls_api::PagingInfo& in);
// The response paging_info: the cursor is the last row's id when the page is
// full (the client asks for more), else 0.
template <typename Rows, typename IdOf>
void FillPagingInfo(const PageQuery& page, const Rows& rows, IdOf id_of, mls_api::PagingInfo* out) {
  out->set_direction(page.direction == Direction::kAscending ? mls_api::SORT_DIRECTION_ASCENDING
                                                             : mls_api::SORT_DIRECTION_DESCENDING);
  out->set_limit(page.limit);
  const bool full = !rows.empty() && rows.size() == page.limit;
  out->set_id_cursor(full ? id_of(rows.back()) : 0);
}

}  // namespace xs::node
