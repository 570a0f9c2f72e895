// RecordSet: one kind of JSON record (operator, policy, inbox, wallet, key)
// cached in memory and written through to the Store. Records carry an "id"
// and optionally a label at `label_pointer` (JSON pointer, e.g.
// "/config/label"), and resolve by id, short id or label.
//
// Thread contract: not thread-safe; the Runtime serializes access.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "signet/store/store.h"
#include "signet/util/lookup.h"

namespace xs::signet {

class RecordSet {
 public:
  RecordSet(Store* store, std::string kind, std::string prefix, std::string type_name,
            std::string label_pointer);

  // Replaces the cache with what the store holds.
  Status Load();
  const Json* Find(const std::string& id) const;
  Result<Json> Get(const std::string& id) const;  // not_found when absent
  // Persists then caches; a secret (if given) is sealed into the row.
  Status Put(const Json& record, const crypto::Secret* secret = nullptr);
  Status Remove(const std::string& id);
  std::vector<Json> All() const;
  // The cached records by id, without All()'s copies; valid until the next
  // Load, Put or Remove.
  const std::map<std::string, Json>& ById() const { return records_; }
  std::vector<Candidate> Candidates() const;
  Result<std::string> Resolve(std::string_view ref) const;
  Result<crypto::Secret> Secret(const std::string& id) const;

  const std::string& kind() const { return kind_; }
  const std::string& prefix() const { return prefix_; }
  const std::string& type_name() const { return type_name_; }

 private:
  std::string LabelOf(const Json& j) const;
  Store* store_;
  std::string kind_;
  std::string prefix_;
  std::string type_name_;
  Json::json_pointer label_;
  std::map<std::string, Json> records_;
};

}  // namespace xs::signet
