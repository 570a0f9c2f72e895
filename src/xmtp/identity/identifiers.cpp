#include "xmtp/identity/identifiers.h"

#include "codec/hex.h"
#include "xmtp/identity/constants.h"

namespace xs::xmtp::identity {
namespace {

namespace pb = ::xmtp::identity::associations;

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::span<const std::uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Result<MemberId> PasskeyFromBytes(std::span<const std::uint8_t> key, std::string_view field) {
  if (key.empty() || key.size() > kMaxPasskeyKeyLength) {
    return Error::Validation(field, "passkey public key has a bad length");
  }
  return MemberId::Passkey(key);
}

}  // namespace

MemberId MemberId::Ethereum(std::string canonical_address) {
  return MemberId{MemberKind::kEthereum, std::move(canonical_address)};
}

MemberId MemberId::Installation(std::span<const std::uint8_t> public_key) {
  return MemberId{MemberKind::kInstallation, std::string(public_key.begin(), public_key.end())};
}

MemberId MemberId::Passkey(std::span<const std::uint8_t> public_key) {
  return MemberId{MemberKind::kPasskey, std::string(public_key.begin(), public_key.end())};
}

std::string MemberId::ToString() const {
  if (kind == MemberKind::kEthereum) return value;
  return codec::HexEncode(AsBytes(value));
}

Result<std::string> NormalizeEthereumAddress(std::string_view address, std::string_view field) {
  if (address.size() != kEthereumAddressLength || address[0] != '0' ||
      (address[1] != 'x' && address[1] != 'X')) {
    return Error::Validation(field, "Ethereum address must be 0x followed by 40 hex digits");
  }
  std::string out = "0x";
  for (char c : address.substr(2)) {
    if (!IsHexDigit(c)) {
      return Error::Validation(field, "Ethereum address must be 0x followed by 40 hex digits");
    }
    out.push_back(ToLowerAscii(c));
  }
  return out;
}

Result<MemberId> MemberIdFromProto(const pb::MemberIdentifier& proto, std::string_view field) {
  std::string f(field);
  switch (proto.kind_case()) {
    case pb::MemberIdentifier::kEthereumAddress: {
      const std::string& addr = proto.ethereum_address();
      XS_TRY(std::string canonical, NormalizeEthereumAddress(addr, f + ".ethereum_address"));
      // libxmtp compares addresses as given; only the lowercase form can ever
      // match a recovered signer, so anything else is malformed.
      if (canonical != addr) {
        return Error::Validation(f + ".ethereum_address", "Ethereum address must be lowercase");
      }
      return MemberId::Ethereum(std::move(canonical));
    }
    case pb::MemberIdentifier::kInstallationPublicKey: {
      const std::string& key = proto.installation_public_key();
      if (key.size() != kInstallationKeyLength) {
        return Error::Validation(f + ".installation_public_key",
                                 "installation key must be 32 bytes");
      }
      return MemberId::Installation(AsBytes(key));
    }
    case pb::MemberIdentifier::kPasskey:
      return PasskeyFromBytes(AsBytes(proto.passkey().key()), f + ".passkey.key");
    case pb::MemberIdentifier::KIND_NOT_SET:
      break;
  }
  return Error::Validation(field, "member identifier kind is not set");
}

pb::MemberIdentifier MemberIdToProto(const MemberId& id) {
  pb::MemberIdentifier out;
  switch (id.kind) {
    case MemberKind::kEthereum:
      out.set_ethereum_address(id.value);
      break;
    case MemberKind::kInstallation:
      out.set_installation_public_key(id.value);
      break;
    case MemberKind::kPasskey:
      out.mutable_passkey()->set_key(id.value);
      break;
  }
  return out;
}

Result<MemberId> MemberIdFromIdentifier(std::string_view identifier, pb::IdentifierKind kind,
                                        std::string_view field) {
  switch (kind) {
    case pb::IDENTIFIER_KIND_UNSPECIFIED:
    case pb::IDENTIFIER_KIND_ETHEREUM: {
      XS_TRY(std::string canonical, NormalizeEthereumAddress(identifier, field));
      if (canonical != identifier) {
        return Error::Validation(field, "Ethereum address must be lowercase");
      }
      return MemberId::Ethereum(std::move(canonical));
    }
    case pb::IDENTIFIER_KIND_PASSKEY: {
      if (identifier.size() > 2 * kMaxPasskeyKeyLength) {
        return Error::Validation(field, "passkey public key has a bad length");
      }
      auto key = codec::HexDecode(identifier);
      if (!key.ok()) return Error::Validation(field, "passkey identifier must be hex");
      return PasskeyFromBytes(*key, field);
    }
    default:
      break;
  }
  return Error::Validation(field,
                           "unknown identifier kind " + std::to_string(static_cast<int>(kind)));
}

pb::IdentifierKind IdentifierKindOf(const MemberId& id) {
  return id.is_passkey() ? pb::IDENTIFIER_KIND_PASSKEY : pb::IDENTIFIER_KIND_ETHEREUM;
}

}  // namespace xs::xmtp::identity
