// Fuzzes the node's request paths without a network: the first input byte
// picks a path, the rest is either raw MLS bytes for the parsers
// (mls_parse.h) or a serialized MlsApi request that is decoded like gRPC
// would and run through the same Handlers method the service calls, against
// a fresh in-memory store. Invariants checked besides "no crash / no
// sanitizer report": a query never returns more rows than the page limit
// and its ids are strictly ordered in the requested direction; anything a
// send accepted can be read back.
//
// Identity updates have their own fuzzer (fuzz/identity).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "node/broker.h"
#include "node/handlers.h"
#include "node/limits.h"
#include "node/mls_parse.h"
#include "node/store.h"

namespace {

namespace mls_api = ::xmtp::mls::api::v1;
using xs::node::Broker;
using xs::node::GroupMessage;
using xs::node::Handlers;
using xs::node::Store;
using xs::node::WelcomeMessage;

enum Path : std::uint8_t {
  kParseGroupMessage,
  kParseKeyPackage,
  kSendGroupMessages,
  kSendWelcomes,
  kUploadKeyPackage,
  kQueryGroupMessages,
  kQueryWelcomes,
  kNewestGroupMessage,
  kPublishCommitLog,
  kQueryCommitLog,
  kGroupStreamFilters,
  kWelcomeStreamFilters,
  kPathCount,
};

void Check(bool invariant) {
  if (!invariant) std::abort();
}

template <typename Msg>
bool Decode(std::span<const std::uint8_t> bytes, Msg* out) {
  return out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

template <typename Rows, typename IdOf>
void CheckPage(const mls_api::PagingInfo& paging, const Rows& rows, IdOf id_of) {
  const xs::node::PageQuery page = xs::node::NormalizePaging(paging);
  Check(static_cast<std::uint32_t>(rows.size()) <= page.limit);
  for (int i = 1; i < rows.size(); ++i) {
    const auto prev = id_of(rows[i - 1]), cur = id_of(rows[i]);
    Check(page.direction == xs::node::Direction::kAscending ? prev < cur : prev > cur);
  }
}

struct Env {
  std::unique_ptr<Store> store = Store::Open("").value();
  Broker<GroupMessage> groups;
  Broker<WelcomeMessage> welcomes;
  Handlers handlers{store.get(), &groups, &welcomes};
};

void ReadBackGroupMessages(Handlers& h, const mls_api::SendGroupMessagesRequest& sent) {
  for (const auto& in : sent.messages()) {
    auto header = xs::node::ParseGroupMessage(std::span(
        reinterpret_cast<const std::uint8_t*>(in.v1().data().data()), in.v1().data().size()));
    Check(header.ok());
    mls_api::QueryGroupMessagesRequest q;
    q.set_group_id(std::string(header->group_id.begin(), header->group_id.end()));
    mls_api::QueryGroupMessagesResponse resp;
    Check(h.QueryGroupMessages(q, &resp).ok());
    Check(resp.messages_size() > 0);
  }
}

void Run(Path path, std::span<const std::uint8_t> bytes) {
  switch (path) {
    case kParseGroupMessage:
      (void)xs::node::ParseGroupMessage(bytes);
      return;
    case kParseKeyPackage:
      (void)xs::node::ParseKeyPackage(bytes);
      return;
    default:
      break;
  }
  Env env;
  Handlers& h = env.handlers;
  switch (path) {
    case kSendGroupMessages: {
      mls_api::SendGroupMessagesRequest req;
      if (Decode(bytes, &req) && h.SendGroupMessages(req).ok()) ReadBackGroupMessages(h, req);
      return;
    }
    case kSendWelcomes: {
      mls_api::SendWelcomeMessagesRequest req;
      if (Decode(bytes, &req)) (void)h.SendWelcomeMessages(req);
      return;
    }
    case kUploadKeyPackage: {
      mls_api::UploadKeyPackageRequest req;
      if (!Decode(bytes, &req) || !h.UploadKeyPackage(req).ok()) return;
      auto info = xs::node::ParseKeyPackage(
          std::span(reinterpret_cast<const std::uint8_t*>(
                        req.key_package().key_package_tls_serialized().data()),
                    req.key_package().key_package_tls_serialized().size()));
      Check(info.ok());
      mls_api::FetchKeyPackagesRequest fetch;
      fetch.add_installation_keys(
          std::string(info->installation_key.begin(), info->installation_key.end()));
      mls_api::FetchKeyPackagesResponse resp;
      Check(h.FetchKeyPackages(fetch, &resp).ok());
      Check(resp.key_packages_size() == 1 && resp.key_packages(0).key_package_tls_serialized() ==
                                                 req.key_package().key_package_tls_serialized());
      return;
    }
    case kQueryGroupMessages: {
      mls_api::QueryGroupMessagesRequest req;
      mls_api::QueryGroupMessagesResponse resp;
      if (Decode(bytes, &req) && h.QueryGroupMessages(req, &resp).ok()) {
        CheckPage(req.paging_info(), resp.messages(), xs::node::GroupMessageId);
      }
      return;
    }
    case kQueryWelcomes: {
      mls_api::QueryWelcomeMessagesRequest req;
      mls_api::QueryWelcomeMessagesResponse resp;
      if (Decode(bytes, &req) && h.QueryWelcomeMessages(req, &resp).ok()) {
        CheckPage(req.paging_info(), resp.messages(), xs::node::WelcomeMessageId);
      }
      return;
    }
    case kNewestGroupMessage: {
      mls_api::GetNewestGroupMessageRequest req;
      mls_api::GetNewestGroupMessageResponse resp;
      if (Decode(bytes, &req) && h.GetNewestGroupMessage(req, &resp).ok()) {
        Check(resp.responses_size() == req.group_ids_size());
      }
      return;
    }
    case kPublishCommitLog: {
      mls_api::BatchPublishCommitLogRequest req;
      if (Decode(bytes, &req)) (void)h.BatchPublishCommitLog(req);
      return;
    }
    case kQueryCommitLog: {
      mls_api::BatchQueryCommitLogRequest req;
      mls_api::BatchQueryCommitLogResponse resp;
      if (Decode(bytes, &req) && h.BatchQueryCommitLog(req, &resp).ok()) {
        Check(resp.responses_size() == req.requests_size());
      }
      return;
    }
    case kGroupStreamFilters: {
      mls_api::SubscribeGroupMessagesRequest req;
      if (!Decode(bytes, &req)) return;
      auto filters = h.GroupStreamFilters(req);
      if (filters.ok()) Check(filters->size() <= static_cast<std::size_t>(req.filters_size()));
      return;
    }
    case kWelcomeStreamFilters: {
      mls_api::SubscribeWelcomeMessagesRequest req;
      if (Decode(bytes, &req)) (void)h.WelcomeStreamFilters(req);
      return;
    }
    default:
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto path = static_cast<Path>(data[0] % kPathCount);
  Run(path, std::span(data + 1, size - 1));
  return 0;
}
