// Typed contents of the MLS extensions XMTP uses (RFC 9420 §7.2, §11, §12.4.3.3;
// shared/mls/xmtp-mls-profile.md §2): application_id, ratchet_tree,
// required_capabilities, external_pub, last_resort and XMTP's
// immutable_metadata (0xF000, a `Metadata { opaque metadata<V>; }` struct,
// so two length prefixes around the protobuf). The XMTP private-use
// extensions 0xFF00..0xFF04 carry raw protobuf bytes as extension_data and
// need no wrapper.
//
// Thread contract: plain values and pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
#include "mls/messages/leaf.h"

namespace xs::mls {

struct RequiredCapabilities {
  std::vector<std::uint16_t> extension_types;
  std::vector<std::uint16_t> proposal_types;
  std::vector<std::uint16_t> credential_types;
  bool operator==(const RequiredCapabilities&) const = default;
};

void Encode(codec::TlsWriter& w, const RequiredCapabilities& v);
Status Decode(codec::TlsReader& r, RequiredCapabilities& out);

// The first extension of `type`, or nullptr.
const Extension* FindExtension(const std::vector<Extension>& extensions, std::uint16_t type);

// application_id (0x0001): `opaque application_id<V>`.
Extension MakeApplicationIdExtension(std::span<const std::uint8_t> application_id);
Result<Bytes> ParseApplicationIdExtension(const Extension& ext);

// ratchet_tree (0x0002): `optional<Node> nodes<V>`.
Extension MakeRatchetTreeExtension(const RatchetTree& tree);
Result<RatchetTree> ParseRatchetTreeExtension(const Extension& ext);

// required_capabilities (0x0003).
Extension MakeRequiredCapabilitiesExtension(const RequiredCapabilities& caps);
Result<RequiredCapabilities> ParseRequiredCapabilitiesExtension(const Extension& ext);

// external_pub (0x0004): `HPKEPublicKey external_pub` (opaque<V>).
Extension MakeExternalPubExtension(std::span<const std::uint8_t> public_key);
Result<Bytes> ParseExternalPubExtension(const Extension& ext);

// last_resort (0x000A): empty extension_data.
Extension MakeLastResortExtension();

// XMTP immutable_metadata (0xF000): `Metadata { opaque metadata<V>; }`
// around the GroupMetadataV1 protobuf.
Extension MakeImmutableMetadataExtension(std::span<const std::uint8_t> metadata_proto);
Result<Bytes> ParseImmutableMetadataExtension(const Extension& ext);

}  // namespace xs::mls
