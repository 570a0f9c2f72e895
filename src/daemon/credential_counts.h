// CredentialCounts: credential totals by status for daemon.status, kept
// current from the runtime's credential events so that `xs status` does not
// walk every credential (its target is p50 < 10 ms with any number of them).
//
// Thread contract: Attach() once, before the admin socket serves; ToJson()
// from any thread. The listener runs under the runtime lock and only touches
// this object's own mutex.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <mutex>
#include <string>
#include <unordered_map>

#include "signet/core/runtime.h"

namespace xs::daemon {

class CredentialCounts {
 public:
  // Counts the existing credentials (one scan) and subscribes to changes.
  // The object must outlive the runtime's use of the listener.
  void Attach(signet::Runtime& runtime);
  // {active, pending, expired, revoked, total}
  nlohmann::json ToJson() const;

 private:
  void Set(const std::string& id, signet::CredentialStatus status);

  mutable std::mutex mu_;
  std::unordered_map<std::string, signet::CredentialStatus> status_;
  std::array<std::size_t, 4> counts_{};
};

}  // namespace xs::daemon
