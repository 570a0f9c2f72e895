#include "mls/key_schedule.h"

#include <utility>

namespace xs::mls {
namespace {

// §8, §8.5 and §12.4.3.1 labels.
constexpr std::string_view kJoinerLabel = "joiner";
constexpr std::string_view kWelcomeLabel = "welcome";
constexpr std::string_view kEpochLabel = "epoch";
constexpr std::string_view kSenderDataLabel = "sender data";
constexpr std::string_view kEncryptionLabel = "encryption";
constexpr std::string_view kExporterLabel = "exporter";
constexpr std::string_view kExternalLabel = "external";
constexpr std::string_view kConfirmLabel = "confirm";
constexpr std::string_view kMembershipLabel = "membership";
constexpr std::string_view kResumptionLabel = "resumption";
constexpr std::string_view kAuthenticationLabel = "authentication";
constexpr std::string_view kInitLabel = "init";
constexpr std::string_view kExportedLabel = "exported";
constexpr std::string_view kKeyLabel = "key";
constexpr std::string_view kNonceLabel = "nonce";

Status CheckSecretSize(const crypto::CipherSuite& suite, const crypto::Secret& secret,
                       std::string_view field) {
  if (secret.size() != suite.hash_size()) {
    return Error::Validation(field, "secret must be KDF.Nh bytes");
  }
  return OkStatus();
}

// Fills everything below epoch_secret (§8 table).
Status DeriveFromEpochSecret(const crypto::CipherSuite& suite, const crypto::Secret& epoch_secret,
                             EpochSecrets& out) {
  const auto epoch = epoch_secret.bytes();
  XS_TRY(out.sender_data_secret, suite.DeriveSecret(epoch, kSenderDataLabel));
  XS_TRY(out.encryption_secret, suite.DeriveSecret(epoch, kEncryptionLabel));
  XS_TRY(out.exporter_secret, suite.DeriveSecret(epoch, kExporterLabel));
  XS_TRY(out.external_secret, suite.DeriveSecret(epoch, kExternalLabel));
  XS_TRY(out.confirmation_key, suite.DeriveSecret(epoch, kConfirmLabel));
  XS_TRY(out.membership_key, suite.DeriveSecret(epoch, kMembershipLabel));
  XS_TRY(out.resumption_psk, suite.DeriveSecret(epoch, kResumptionLabel));
  XS_TRY(out.epoch_authenticator, suite.DeriveSecret(epoch, kAuthenticationLabel));
  XS_TRY(out.init_secret, suite.DeriveSecret(epoch, kInitLabel));
  return OkStatus();
}

}  // namespace

crypto::Secret ZeroSecret(const crypto::CipherSuite& suite) {
  return crypto::Secret(suite.hash_size());
}

Result<crypto::Secret> DeriveJoinerSecret(const crypto::CipherSuite& suite,
                                          const crypto::Secret& init_secret,
                                          const crypto::Secret& commit_secret,
                                          std::span<const std::uint8_t> group_context) {
  XS_RETURN_IF_ERROR(CheckSecretSize(suite, init_secret, "mls.KeySchedule.init_secret"));
  XS_RETURN_IF_ERROR(CheckSecretSize(suite, commit_secret, "mls.KeySchedule.commit_secret"));
  const crypto::Secret prk = suite.Extract(init_secret.bytes(), commit_secret.bytes());
  return suite.ExpandWithLabel(prk.bytes(), kJoinerLabel, group_context, suite.hash_size());
}

Result<crypto::Secret> DeriveWelcomeSecret(const crypto::CipherSuite& suite,
                                           const crypto::Secret& joiner_secret,
                                           const crypto::Secret& psk_secret) {
  XS_RETURN_IF_ERROR(CheckSecretSize(suite, joiner_secret, "mls.KeySchedule.joiner_secret"));
  XS_RETURN_IF_ERROR(CheckSecretSize(suite, psk_secret, "mls.KeySchedule.psk_secret"));
  const crypto::Secret member = suite.Extract(joiner_secret.bytes(), psk_secret.bytes());
  return suite.DeriveSecret(member.bytes(), kWelcomeLabel);
}

Result<EpochSecrets> DeriveEpochSecretsFromJoiner(const crypto::CipherSuite& suite,
                                                  const crypto::Secret& joiner_secret,
                                                  const crypto::Secret& psk_secret,
                                                  std::span<const std::uint8_t> group_context) {
  XS_RETURN_IF_ERROR(CheckSecretSize(suite, joiner_secret, "mls.KeySchedule.joiner_secret"));
  XS_RETURN_IF_ERROR(CheckSecretSize(suite, psk_secret, "mls.KeySchedule.psk_secret"));
  EpochSecrets out;
  out.joiner_secret = joiner_secret.Clone();
  // The "member secret" of §8 is never named; it feeds welcome and epoch.
  const crypto::Secret member = suite.Extract(joiner_secret.bytes(), psk_secret.bytes());
  XS_TRY(out.welcome_secret, suite.DeriveSecret(member.bytes(), kWelcomeLabel));
  XS_TRY(const crypto::Secret epoch_secret,
         suite.ExpandWithLabel(member.bytes(), kEpochLabel, group_context, suite.hash_size()));
  XS_RETURN_IF_ERROR(DeriveFromEpochSecret(suite, epoch_secret, out));
  return out;
}

Result<EpochSecrets> DeriveEpochSecrets(const crypto::CipherSuite& suite,
                                        const crypto::Secret& init_secret,
                                        const crypto::Secret& commit_secret,
                                        const crypto::Secret& psk_secret,
                                        std::span<const std::uint8_t> group_context) {
  XS_TRY(const crypto::Secret joiner,
         DeriveJoinerSecret(suite, init_secret, commit_secret, group_context));
  return DeriveEpochSecretsFromJoiner(suite, joiner, psk_secret, group_context);
}

Result<WelcomeKey> DeriveWelcomeKey(const crypto::CipherSuite& suite,
                                    const crypto::Secret& welcome_secret) {
  WelcomeKey out;
  XS_TRY(out.key,
         suite.ExpandWithLabel(welcome_secret.bytes(), kKeyLabel, {}, suite.aead_key_size()));
  XS_TRY(out.nonce,
         suite.ExpandWithLabel(welcome_secret.bytes(), kNonceLabel, {}, suite.aead_nonce_size()));
  return out;
}

Result<crypto::Secret> MlsExporter(const crypto::CipherSuite& suite,
                                   const crypto::Secret& exporter_secret, std::string_view label,
                                   std::span<const std::uint8_t> context, std::size_t length) {
  XS_TRY(const crypto::Secret labelled, suite.DeriveSecret(exporter_secret.bytes(), label));
  const crypto::Bytes context_hash = suite.Hash(context);
  return suite.ExpandWithLabel(labelled.bytes(), kExportedLabel, context_hash, length);
}

Result<crypto::HpkeKeyPair> DeriveExternalKeyPair(const crypto::CipherSuite& suite,
                                                  const crypto::Secret& external_secret) {
  return suite.DeriveHpkeKeyPair(external_secret.bytes());
}

}  // namespace xs::mls
