#include "mls/messages/extensions.h"

#include "mls/messages/serialize.h"
#include "mls/messages/tls_util.h"

namespace xs::mls {
namespace {

// An extension whose data is a single `opaque value<V>`.
Extension MakeOpaqueExtension(std::uint16_t type, std::span<const std::uint8_t> value) {
  codec::TlsWriter w;
  detail::WriteBytes(w, value);
  return Extension{type, std::move(w).Take()};
}

Result<Bytes> ParseOpaqueExtension(const Extension& ext, std::uint16_t type, std::size_t max,
                                   std::string_view field) {
  if (ext.extension_type != type) return detail::Malformed(field, "wrong extension type");
  codec::TlsReader r(ext.extension_data);
  Bytes out;
  XS_RETURN_IF_ERROR(detail::ReadBytes(r, max, out));
  XS_RETURN_IF_ERROR(r.ExpectEnd());
  return out;
}

template <typename T>
Result<T> ParseStructExtension(const Extension& ext, std::uint16_t type, std::string_view field) {
  if (ext.extension_type != type) return detail::Malformed(field, "wrong extension type");
  return Deserialize<T>(ext.extension_data);
}

}  // namespace

void Encode(codec::TlsWriter& w, const RequiredCapabilities& v) {
  detail::WriteU16List(w, v.extension_types);
  detail::WriteU16List(w, v.proposal_types);
  detail::WriteU16List(w, v.credential_types);
}

Status Decode(codec::TlsReader& r, RequiredCapabilities& out) {
  XS_RETURN_IF_ERROR(detail::ReadU16List(r, kMaxCapabilityListSize, out.extension_types));
  XS_RETURN_IF_ERROR(detail::ReadU16List(r, kMaxCapabilityListSize, out.proposal_types));
  return detail::ReadU16List(r, kMaxCapabilityListSize, out.credential_types);
}

const Extension* FindExtension(const std::vector<Extension>& extensions, std::uint16_t type) {
  for (const Extension& ext : extensions) {
    if (ext.extension_type == type) return &ext;
  }
  return nullptr;
}

Extension MakeApplicationIdExtension(std::span<const std::uint8_t> application_id) {
  return MakeOpaqueExtension(kExtensionApplicationId, application_id);
}

Result<Bytes> ParseApplicationIdExtension(const Extension& ext) {
  return ParseOpaqueExtension(ext, kExtensionApplicationId, kMaxCredentialIdentitySize,
                              "ApplicationId");
}

Extension MakeRatchetTreeExtension(const RatchetTree& tree) {
  return Extension{kExtensionRatchetTree, Serialize(tree)};
}

Result<RatchetTree> ParseRatchetTreeExtension(const Extension& ext) {
  return ParseStructExtension<RatchetTree>(ext, kExtensionRatchetTree, "RatchetTree");
}

Extension MakeRequiredCapabilitiesExtension(const RequiredCapabilities& caps) {
  return Extension{kExtensionRequiredCapabilities, Serialize(caps)};
}

Result<RequiredCapabilities> ParseRequiredCapabilitiesExtension(const Extension& ext) {
  return ParseStructExtension<RequiredCapabilities>(ext, kExtensionRequiredCapabilities,
                                                    "RequiredCapabilities");
}

Extension MakeExternalPubExtension(std::span<const std::uint8_t> public_key) {
  return MakeOpaqueExtension(kExtensionExternalPub, public_key);
}

Result<Bytes> ParseExternalPubExtension(const Extension& ext) {
  return ParseOpaqueExtension(ext, kExtensionExternalPub, kMaxPublicKeySize, "ExternalPub");
}

Extension MakeLastResortExtension() { return Extension{kExtensionLastResort, {}}; }

Extension MakeImmutableMetadataExtension(std::span<const std::uint8_t> metadata_proto) {
  return MakeOpaqueExtension(kExtensionXmtpImmutableMetadata, metadata_proto);
}

Result<Bytes> ParseImmutableMetadataExtension(const Extension& ext) {
  return ParseOpaqueExtension(ext, kExtensionXmtpImmutableMetadata, kMaxExtensionDataSize,
                              "ImmutableMetadata");
}

}  // namespace xs::mls
