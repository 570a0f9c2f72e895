// Test helpers: synthetic MLS wire structures with the header layout of
// RFC 9420 §6 and §10 (contents are filler; the node does not decrypt).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xs::node::testing {

// RFC 9420 §2.1.2 variable-length vector.
inline void PutVector(std::string& out, const std::string& bytes) {
  const std::size_t n = bytes.size();
  if (n < 64) {
    out.push_back(static_cast<char>(n));
  } else if (n < 16384) {
    out.push_back(static_cast<char>(0x40 | (n >> 8)));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80 | (n >> 24)));
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    out.push_back(static_cast<char>((n >> 8) & 0xff));
    out.push_back(static_cast<char>(n & 0xff));
  }
  out += bytes;
}

inline void PutUint(std::string& out, std::uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A PrivateMessage in an MLSMessage; `body` makes the bytes unique.
inline std::string PrivateMessage(const std::string& group_id, std::uint8_t content_type,
                                  const std::string& body, std::uint64_t epoch = 1) {
  std::string out;
  PutUint(out, 1, 2);  // mls10
  PutUint(out, 2, 2);  // mls_private_message
  PutVector(out, group_id);
  PutUint(out, epoch, 8);
  PutUint(out, content_type, 1);
  PutVector(out, "");                    // authenticated_data
  PutVector(out, std::string(12, 's'));  // encrypted_sender_data
  PutVector(out, body.empty() ? std::string("x") : body);
  return out;
}

// A PublicMessage (member sender) in an MLSMessage, truncated after the
// content type (the node reads no further).
inline std::string PublicMessage(const std::string& group_id, std::uint8_t content_type) {
  std::string out;
  PutUint(out, 1, 2);
  PutUint(out, 1, 2);  // mls_public_message
  PutVector(out, group_id);
  PutUint(out, 0, 8);
  PutUint(out, 1, 1);  // sender_type member
  PutUint(out, 0, 4);  // leaf index
  PutVector(out, "");  // authenticated_data
  PutUint(out, content_type, 1);
  out += "rest";
  return out;
}

// A KeyPackage prefix with the given leaf signature key.
inline std::string KeyPackage(const std::string& signature_key, const std::string& tail = "tail") {
  std::string out;
  PutUint(out, 1, 2);                    // mls10
  PutUint(out, 3, 2);                    // ciphersuite 3
  PutVector(out, std::string(32, 'i'));  // init_key
  PutVector(out, std::string(32, 'e'));  // encryption_key
  PutVector(out, signature_key);
  out += tail;
  return out;
}

}  // namespace xs::node::testing
