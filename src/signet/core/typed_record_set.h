// TypedRecordSet<T>: the records of one kind as typed structs (records.h),
// over a RecordSet that keeps their JSON form, persists it through the Store
// and resolves references (id, short id, label at T::kLabelPointer).
//
// Load() decodes every stored row with T::FromJson and fails on the first
// malformed one (the error names the record and the field); Put() encodes
// with T::ToJson, persists, then caches both forms. A Load() after a rolled
// back transaction drops what the transaction had cached.
//
// T provides: kKind, kPrefix, kLabelPointer, `std::string id`,
// static Result<T> FromJson(const Json&), Json ToJson() const.
//
// Thread contract: not thread-safe; the Runtime serializes access.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "signet/store/record_set.h"

namespace xs::signet {

template <typename T>
class TypedRecordSet {
 public:
  explicit TypedRecordSet(Store* store)
      : set_(store, T::kKind, T::kPrefix, T::kKind, T::kLabelPointer) {}

  Status Load() {
    XS_RETURN_IF_ERROR(set_.Load());
    std::map<std::string, T> loaded;
    for (const Json& j : set_.All()) {
      Result<T> rec = T::FromJson(j);
      if (!rec.ok()) {
        // The row itself is untrusted: its id may be missing or not a string.
        const auto id = j.find("id");
        const std::string name =
            id != j.end() && id->is_string() ? id->get<std::string>() : "(no id)";
        return std::move(rec).error().Within("stored " + set_.type_name() + " " + name);
      }
      std::string id = rec->id;
      loaded.emplace(std::move(id), std::move(rec).value());
    }
    records_ = std::move(loaded);
    return OkStatus();
  }

  const T* Find(const std::string& id) const {
    auto it = records_.find(id);
    return it == records_.end() ? nullptr : &it->second;
  }
  // not_found when absent.
  Result<T> Get(const std::string& id) const {
    const T* rec = Find(id);
    if (rec == nullptr) return Error::NotFound(set_.type_name() + " not found: " + id);
    return *rec;
  }
  // Persists then caches; a secret (if given) is sealed into the row.
  Status Put(const T& record, const crypto::Secret* secret = nullptr) {
    XS_RETURN_IF_ERROR(set_.Put(record.ToJson(), secret));
    records_[record.id] = record;
    return OkStatus();
  }
  Status Remove(const std::string& id) {
    XS_RETURN_IF_ERROR(set_.Remove(id));
    records_.erase(id);
    return OkStatus();
  }
  // In id order.
  const std::map<std::string, T>& All() const { return records_; }
  Json AllJson() const { return Json(set_.All()); }
  Result<std::string> Resolve(std::string_view ref) const { return set_.Resolve(ref); }
  Result<crypto::Secret> Secret(const std::string& id) const { return set_.Secret(id); }

  // The JSON view, for code that treats every kind alike (lookup.resolve).
  const RecordSet& json() const { return set_; }

 private:
  RecordSet set_;
  std::map<std::string, T> records_;
};

}  // namespace xs::signet
