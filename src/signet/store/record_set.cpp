#include "signet/store/record_set.h"

namespace xs::signet {

RecordSet::RecordSet(Store* store, std::string kind, std::string prefix, std::string type_name,
                     std::string label_pointer)
    : store_(store),
      kind_(std::move(kind)),
      prefix_(std::move(prefix)),
      type_name_(std::move(type_name)),
      label_(label_pointer) {}

Status RecordSet::Load() {
  XS_TRY(auto rows, store_->List(kind_));
  // Replace, not merge: after a rolled back transaction the cache may hold
  // records that were never committed.
  std::map<std::string, Json> loaded;
  for (auto& row : rows) {
    if (row.body.is_object()) loaded[row.id] = std::move(row.body);
  }
  records_ = std::move(loaded);
  return OkStatus();
}

const Json* RecordSet::Find(const std::string& id) const {
  auto it = records_.find(id);
  return it == records_.end() ? nullptr : &it->second;
}

Result<Json> RecordSet::Get(const std::string& id) const {
  const Json* j = Find(id);
  if (j == nullptr) return Error::NotFound(type_name_ + " not found: " + id);
  return *j;
}

Status RecordSet::Put(const Json& record, const crypto::Secret* secret) {
  std::string id = record.value("id", "");
  if (id.empty()) return Error::Internal("record without id");
  if (secret != nullptr) {
    XS_RETURN_IF_ERROR(store_->Put(kind_, id, record, secret));
  } else {
    XS_RETURN_IF_ERROR(store_->UpdateBody(kind_, id, record));
  }
  records_[id] = record;
  return OkStatus();
}

Status RecordSet::Remove(const std::string& id) {
  XS_RETURN_IF_ERROR(store_->Delete(kind_, id));
  records_.erase(id);
  return OkStatus();
}

std::vector<Json> RecordSet::All() const {
  std::vector<Json> out;
  for (const auto& [id, j] : records_) out.push_back(j);
  return out;
}

std::string RecordSet::LabelOf(const Json& j) const {
  if (label_.empty() || !j.contains(label_)) return {};
  const Json& v = j.at(label_);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::vector<Candidate> RecordSet::Candidates() const {
  std::vector<Candidate> out;
  for (const auto& [id, j] : records_) out.push_back({id, LabelOf(j)});
  return out;
}

Result<std::string> RecordSet::Resolve(std::string_view ref) const {
  return ResolveReference(prefix_, type_name_, ref, Candidates());
}

Result<crypto::Secret> RecordSet::Secret(const std::string& id) const {
  XS_TRY(auto row, store_->Get(kind_, id));
  if (!row) return Error::NotFound(type_name_ + " not found: " + id);
  return store_->OpenSecret(*row);
}

}  // namespace xs::signet
