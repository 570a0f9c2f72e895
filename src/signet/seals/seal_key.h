// The signet's seal signing key (seals.md §3, decisions.md #28): the active
// operational Ed25519 key of identity "signet" in the keys record set,
// created on first use. `xs key rotate` rotates it with every operational
// key; it is looked up again at every signature, so the next seal after a
// rotation is signed by the new key. `xs key export-public` (no argument, or
// "signet") prints it.
//
// Thread contract: not thread-safe; use under the runtime lock.
#pragma once

#include <memory>
#include <string>

#include "signet/core/key_ops.h"
#include "signet/core/runtime_state.h"

namespace xs::signet::seals {

class SealKeyring {
 public:
  explicit SealKeyring(RuntimeState* state) : state_(state) {}
  Result<std::shared_ptr<const Ed25519Key>> Current();

 private:
  RuntimeState* state_;
  std::string cached_id_;
  std::shared_ptr<const Ed25519Key> cached_;
};

}  // namespace xs::signet::seals
