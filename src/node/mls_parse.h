// Just enough of the MLS wire format (RFC 9420) for the node to route and
// index what clients publish, without any keys: the group id and content type
// of a group message, and the installation (signature) key of a key package.
// Both parsers read through codec::TlsReader (bounds-checked, vector lengths
// minimally encoded per RFC 9420 §2.1.2) and never throw; anything that is not
// the expected structure is a Validation error naming the field.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"

namespace xs::node {

// RFC 9420 §6 WireFormat values.
inline constexpr std::uint16_t kMlsVersion10 = 1;
inline constexpr std::uint16_t kWireFormatPublicMessage = 1;
inline constexpr std::uint16_t kWireFormatPrivateMessage = 2;
// RFC 9420 §6 ContentType values.
inline constexpr std::uint8_t kContentTypeApplication = 1;
inline constexpr std::uint8_t kContentTypeProposal = 2;
inline constexpr std::uint8_t kContentTypeCommit = 3;

struct GroupMessageHeader {
  std::uint16_t wire_format = 0;
  std::vector<std::uint8_t> group_id;
  std::uint64_t epoch = 0;
  std::uint8_t content_type = 0;
  bool is_commit() const { return content_type == kContentTypeCommit; }
};

// Parses an MLSMessage holding a PublicMessage or PrivateMessage (RFC 9420
// §6, §6.2, §6.3). Welcomes, GroupInfos and KeyPackages are refused.
Result<GroupMessageHeader> ParseGroupMessage(std::span<const std::uint8_t> data);

struct KeyPackageInfo {
  std::uint16_t cipher_suite = 0;
  // LeafNode.signature_key: the installation's public key.
  std::vector<std::uint8_t> installation_key;
};

// Parses the prefix of a bare TLS KeyPackage (RFC 9420 §10) up to the leaf
// node's signature key (§7.2).
Result<KeyPackageInfo> ParseKeyPackage(std::span<const std::uint8_t> data);

}  // namespace xs::node
