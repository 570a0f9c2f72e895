// MlsApi handlers (protocol.md §1.2).
#include "node/handlers.h"

#include <string>
#include <unordered_map>

#include "node/limits.h"
#include "node/mls_parse.h"
#include "node/request_checks.h"

namespace xs::node {
namespace {

std::span<const std::uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string Indexed(std::string_view field, std::size_t i) {
  return std::string(field) + "[" + std::to_string(i) + "]";
}

Result<NewGroupMessage> CheckGroupMessage(const mls_api::GroupMessageInput& in,
                                          const std::string& field) {
  if (!in.has_v1()) return Error::Validation(field, "no v1 payload");
  const auto& v1 = in.v1();
  XS_RETURN_IF_ERROR(CheckBytes(v1.data(), kMaxPayloadBytes, field + ".data", false));
  XS_RETURN_IF_ERROR(
      CheckBytes(v1.sender_hmac(), kMaxSenderHmacBytes, field + ".sender_hmac", true));
  auto header = ParseGroupMessage(Bytes(v1.data()));
  if (!header.ok()) {
    return Error::Validation(field + ".data",
                             "not an MLS group message: " + header.error().message());
  }
  NewGroupMessage out;
  out.group_id.assign(header->group_id.begin(), header->group_id.end());
  out.data = v1.data();
  out.sender_hmac = v1.sender_hmac();
  out.should_push = v1.should_push();
  out.is_commit = header->is_commit();
  return out;
}

Result<WelcomeMessage> CheckWelcome(const mls_api::WelcomeMessageInput& in,
                                    const std::string& field) {
  WelcomeMessage out;
  if (in.has_v1()) {
    const auto& v = in.v1();
    XS_RETURN_IF_ERROR(CheckBytes(v.installation_key(), kMaxInstallationKeyBytes,
                                  field + ".installation_key", false));
    XS_RETURN_IF_ERROR(CheckBytes(v.data(), kMaxPayloadBytes, field + ".data", false));
    XS_RETURN_IF_ERROR(
        CheckBytes(v.hpke_public_key(), kMaxHpkePublicKeyBytes, field + ".hpke_public_key", true));
    XS_RETURN_IF_ERROR(CheckBytes(v.welcome_metadata(), kMaxWelcomeMetadataBytes,
                                  field + ".welcome_metadata", true));
    auto* o = out.mutable_v1();
    o->set_installation_key(v.installation_key());
    o->set_data(v.data());
    o->set_hpke_public_key(v.hpke_public_key());
    o->set_wrapper_algorithm(v.wrapper_algorithm());
    o->set_welcome_metadata(v.welcome_metadata());
    return out;
  }
  if (in.has_welcome_pointer()) {
    const auto& p = in.welcome_pointer();
    XS_RETURN_IF_ERROR(CheckBytes(p.installation_key(), kMaxInstallationKeyBytes,
                                  field + ".installation_key", false));
    XS_RETURN_IF_ERROR(
        CheckBytes(p.welcome_pointer(), kMaxPayloadBytes, field + ".welcome_pointer", false));
    XS_RETURN_IF_ERROR(
        CheckBytes(p.hpke_public_key(), kMaxHpkePublicKeyBytes, field + ".hpke_public_key", true));
    auto* o = out.mutable_welcome_pointer();
    o->set_installation_key(p.installation_key());
    o->set_welcome_pointer(p.welcome_pointer());
    o->set_hpke_public_key(p.hpke_public_key());
    o->set_wrapper_algorithm(p.wrapper_algorithm());
    return out;
  }
  return Error::Validation(field, "neither v1 nor welcome_pointer");
}

// A topic named twice is subscribed once, from the lower cursor, so no row
// is sent twice.
std::vector<StreamFilter> MergeFilters(std::vector<StreamFilter> in) {
  std::vector<StreamFilter> out;
  std::unordered_map<std::string, std::size_t> seen;
  for (StreamFilter& f : in) {
    auto [it, fresh] = seen.emplace(f.topic, out.size());
    if (fresh) {
      out.push_back(std::move(f));
    } else if (f.cursor < out[it->second].cursor) {
      out[it->second].cursor = f.cursor;
    }
  }
  return out;
}

}  // namespace

PageQuery NormalizePaging(const mls_api::PagingInfo& in) {
  PageQuery page;
  page.direction = in.direction() == mls_api::SORT_DIRECTION_ASCENDING ? Direction::kAscending
                                                                       : Direction::kDescending;
  page.cursor = in.id_cursor();
  page.limit = (in.limit() == 0 || in.limit() > kMaxPageSize) ? kMaxPageSize : in.limit();
  return page;
}

Status Handlers::SendGroupMessages(const mls_api::SendGroupMessagesRequest& req) {
  XS_RETURN_IF_ERROR(
      CheckCount(req.messages_size(), kMaxGroupMessagesPerRequest, "messages", false));
  std::vector<NewGroupMessage> batch;
  batch.reserve(req.messages_size());
  for (int i = 0; i < req.messages_size(); ++i) {
    XS_TRY(NewGroupMessage m, CheckGroupMessage(req.messages(i), Indexed("messages", i)));
    batch.push_back(std::move(m));
  }
  return store_->AppendGroupMessages(batch, [this](const std::shared_ptr<const GroupMessage>& m) {
    groups_->Publish(m->v1().group_id(), m);
  });
}

Status Handlers::SendWelcomeMessages(const mls_api::SendWelcomeMessagesRequest& req) {
  XS_RETURN_IF_ERROR(CheckCount(req.messages_size(), kMaxWelcomesPerRequest, "messages", false));
  std::vector<WelcomeMessage> batch;
  batch.reserve(req.messages_size());
  for (int i = 0; i < req.messages_size(); ++i) {
    XS_TRY(WelcomeMessage m, CheckWelcome(req.messages(i), Indexed("messages", i)));
    batch.push_back(std::move(m));
  }
  return store_->AppendWelcomes(batch, [this](const std::shared_ptr<const WelcomeMessage>& m) {
    const std::string& topic = m->has_welcome_pointer() ? m->welcome_pointer().installation_key()
                                                        : m->v1().installation_key();
    welcomes_->Publish(topic, m);
  });
}

Status Handlers::UploadKeyPackage(const mls_api::UploadKeyPackageRequest& req) {
  const std::string& kp = req.key_package().key_package_tls_serialized();
  XS_RETURN_IF_ERROR(CheckBytes(kp, kMaxKeyPackageBytes, "key_package", false));
  auto info = ParseKeyPackage(Bytes(kp));
  if (!info.ok()) {
    return Error::Validation("key_package", "not an MLS KeyPackage: " + info.error().message());
  }
  const std::string key(info->installation_key.begin(), info->installation_key.end());
  return store_->PutKeyPackage(key, kp);
}

Status Handlers::FetchKeyPackages(const mls_api::FetchKeyPackagesRequest& req,
                                  mls_api::FetchKeyPackagesResponse* resp) {
  XS_RETURN_IF_ERROR(
      CheckCount(req.installation_keys_size(), kMaxKeyPackageFetches, "installation_keys", true));
  std::vector<std::string> keys(req.installation_keys().begin(), req.installation_keys().end());
  XS_TRY(auto packages, store_->GetKeyPackages(keys));
  for (std::string& kp : packages) {
    resp->add_key_packages()->set_key_package_tls_serialized(std::move(kp));
  }
  return OkStatus();
}

Status Handlers::QueryGroupMessages(const mls_api::QueryGroupMessagesRequest& req,
                                    mls_api::QueryGroupMessagesResponse* resp) {
  XS_RETURN_IF_ERROR(CheckBytes(req.group_id(), kMaxGroupIdBytes, "group_id", false));
  const PageQuery page = NormalizePaging(req.paging_info());
  XS_TRY(auto rows, store_->QueryGroupMessages(req.group_id(), page));
  FillPagingInfo(page, rows, GroupMessageId, resp->mutable_paging_info());
  for (auto& r : rows) *resp->add_messages() = std::move(r);
  return OkStatus();
}

Status Handlers::QueryWelcomeMessages(const mls_api::QueryWelcomeMessagesRequest& req,
                                      mls_api::QueryWelcomeMessagesResponse* resp) {
  XS_RETURN_IF_ERROR(
      CheckBytes(req.installation_key(), kMaxInstallationKeyBytes, "installation_key", false));
  const PageQuery page = NormalizePaging(req.paging_info());
  XS_TRY(auto rows, store_->QueryWelcomes(req.installation_key(), page));
  FillPagingInfo(page, rows, WelcomeMessageId, resp->mutable_paging_info());
  for (auto& r : rows) *resp->add_messages() = std::move(r);
  return OkStatus();
}

Status Handlers::GetNewestGroupMessage(const mls_api::GetNewestGroupMessageRequest& req,
                                       mls_api::GetNewestGroupMessageResponse* resp) {
  XS_RETURN_IF_ERROR(CheckCount(req.group_ids_size(), kMaxNewestGroupQueries, "group_ids", true));
  for (int i = 0; i < req.group_ids_size(); ++i) {
    XS_RETURN_IF_ERROR(
        CheckBytes(req.group_ids(i), kMaxGroupIdBytes, Indexed("group_ids", i), false));
  }
  for (const std::string& gid : req.group_ids()) {
    XS_TRY(auto newest, store_->NewestGroupMessage(gid, req.include_content()));
    auto* r = resp->add_responses();
    if (newest) *r->mutable_group_message() = std::move(*newest);
  }
  return OkStatus();
}

Status Handlers::BatchPublishCommitLog(const mls_api::BatchPublishCommitLogRequest& req) {
  XS_RETURN_IF_ERROR(CheckCount(req.requests_size(), kMaxCommitLogPublishes, "requests", true));
  std::vector<NewCommitLogEntry> batch;
  for (int i = 0; i < req.requests_size(); ++i) {
    const auto& r = req.requests(i);
    const std::string f = Indexed("requests", i);
    XS_RETURN_IF_ERROR(CheckBytes(r.group_id(), kMaxGroupIdBytes, f + ".group_id", false));
    XS_RETURN_IF_ERROR(CheckBytes(r.serialized_commit_log_entry(), kMaxPayloadBytes,
                                  f + ".serialized_commit_log_entry", false));
    if (!r.has_signature() || r.signature().bytes().empty()) {
      return Error::Validation(f + ".signature", "missing");
    }
    NewCommitLogEntry e{r.group_id(), r.serialized_commit_log_entry(),
                        r.signature().SerializeAsString()};
    XS_RETURN_IF_ERROR(
        CheckBytes(e.signature, kMaxCommitLogSignatureBytes, f + ".signature", false));
    batch.push_back(std::move(e));
  }
  return store_->AppendCommitLog(batch);
}

Status Handlers::BatchQueryCommitLog(const mls_api::BatchQueryCommitLogRequest& req,
                                     mls_api::BatchQueryCommitLogResponse* resp) {
  XS_RETURN_IF_ERROR(CheckCount(req.requests_size(), kMaxCommitLogQueries, "requests", true));
  for (int i = 0; i < req.requests_size(); ++i) {
    const auto& q = req.requests(i);
    XS_RETURN_IF_ERROR(
        CheckBytes(q.group_id(), kMaxGroupIdBytes, Indexed("requests", i) + ".group_id", false));
    const PageQuery page = NormalizePaging(q.paging_info());
    XS_TRY(auto rows, store_->QueryCommitLog(q.group_id(), page));
    auto* out = resp->add_responses();
    out->set_group_id(q.group_id());
    FillPagingInfo(
        page, rows, [](const CommitLogEntry& e) { return e.sequence_id(); },
        out->mutable_paging_info());
    for (auto& r : rows) *out->add_commit_log_entries() = std::move(r);
  }
  return OkStatus();
}

Result<std::vector<StreamFilter>> Handlers::GroupStreamFilters(
    const mls_api::SubscribeGroupMessagesRequest& req) {
  XS_RETURN_IF_ERROR(CheckCount(req.filters_size(), kMaxSubscriptionFilters, "filters", true));
  std::vector<StreamFilter> out;
  for (int i = 0; i < req.filters_size(); ++i) {
    const auto& f = req.filters(i);
    XS_RETURN_IF_ERROR(
        CheckBytes(f.group_id(), kMaxGroupIdBytes, Indexed("filters", i) + ".group_id", false));
    out.push_back({f.group_id(), f.id_cursor()});
  }
  return MergeFilters(std::move(out));
}

Result<std::vector<StreamFilter>> Handlers::WelcomeStreamFilters(
    const mls_api::SubscribeWelcomeMessagesRequest& req) {
  XS_RETURN_IF_ERROR(CheckCount(req.filters_size(), kMaxSubscriptionFilters, "filters", false));
  std::vector<StreamFilter> out;
  for (int i = 0; i < req.filters_size(); ++i) {
    const auto& f = req.filters(i);
    XS_RETURN_IF_ERROR(CheckBytes(f.installation_key(), kMaxInstallationKeyBytes,
                                  Indexed("filters", i) + ".installation_key", false));
    out.push_back({f.installation_key(), f.id_cursor()});
  }
  return MergeFilters(std::move(out));
}

}  // namespace xs::node
