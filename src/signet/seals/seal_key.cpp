#include "signet/seals/seal_key.h"

#include "signet/core/key_ops.h"

namespace xs::signet::seals {

Result<std::shared_ptr<const Ed25519Key>> SealKeyring::Current() {
  const Json* rec = ActiveKeyFor(*state_, kSealKeyIdentity, "operational");
  if (rec == nullptr) {
    Ed25519Key key = Ed25519Key::Generate();
    XS_TRY(Json created, CreateKeyRecord(*state_, "operational", kSealKeyIdentity, &key));
    cached_id_ = created.value("id", "");
    cached_ = std::make_shared<const Ed25519Key>(std::move(key));
    return cached_;
  }
  const std::string id = rec->value("id", "");
  if (id == cached_id_ && cached_) return cached_;
  XS_TRY(crypto::Secret seed, state_->keys->Secret(id));
  XS_TRY(Ed25519Key key, Ed25519Key::FromSeed(std::move(seed)));
  cached_id_ = id;
  cached_ = std::make_shared<const Ed25519Key>(std::move(key));
  return cached_;
}

}  // namespace xs::signet::seals
