#include "mls/messages/tls_util.h"

#include <string>

namespace xs::mls::detail {

void WriteU16List(codec::TlsWriter& w, const std::vector<std::uint16_t>& items) {
  WriteNested(w, [&](codec::TlsWriter& inner) {
    for (std::uint16_t v : items) inner.WriteU16(v);
  });
}

Status ReadU16List(codec::TlsReader& r, std::size_t max, std::vector<std::uint16_t>& out) {
  XS_TRY(codec::TlsReader sub, r.ReadVector(max));
  out.clear();
  while (!sub.empty()) {
    XS_TRY(std::uint16_t v, sub.ReadU16());
    out.push_back(v);
  }
  return OkStatus();
}

void WriteU32List(codec::TlsWriter& w, const std::vector<std::uint32_t>& items) {
  WriteNested(w, [&](codec::TlsWriter& inner) {
    for (std::uint32_t v : items) inner.WriteU32(v);
  });
}

Status ReadU32List(codec::TlsReader& r, std::size_t max, std::vector<std::uint32_t>& out) {
  XS_TRY(codec::TlsReader sub, r.ReadVector(max));
  out.clear();
  while (!sub.empty()) {
    XS_TRY(std::uint32_t v, sub.ReadU32());
    out.push_back(v);
  }
  return OkStatus();
}

Result<bool> ReadPresence(codec::TlsReader& r, std::string_view field) {
  XS_TRY(std::uint8_t flag, r.ReadU8());
  if (flag > 1) return Malformed(field, "optional presence octet is not 0 or 1");
  return flag == 1;
}

Error Malformed(std::string_view field, std::string_view reason) {
  return Error::Validation(std::string("mls.") + std::string(field), reason);
}

}  // namespace xs::mls::detail
