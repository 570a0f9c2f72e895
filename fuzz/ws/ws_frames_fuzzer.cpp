// Fuzzes the WebSocket transport's frame classification. The first byte picks
// the parser: the auth frame or a request envelope. Invariants:
// - an accepted auth frame has a token of 1..kMaxTokenBytes bytes;
// - a kOk request has a known type and a requestId within kMaxRequestIdBytes,
//   and every response built for it is JSON that echoes the requestId;
// - kInvalidWithId keeps a requestId, kInvalidNoId and kInvalidJson none.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "transport/ws/ws_frames.h"

using xs::transport::ws::Json;
using xs::transport::ws::RequestVerdict;

namespace {

void CheckEcho(const std::string& text, const std::string& request_id) {
  Json reply = Json::parse(text, nullptr, false);
  if (reply.is_discarded() || reply["requestId"] != request_id) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    auto auth = xs::transport::ws::ParseAuthFrame(text);
    if (auth.ok() &&
        (auth->token.empty() || auth->token.size() > xs::transport::ws::kMaxTokenBytes)) {
      std::abort();
    }
    if (!auth.ok() && !auth.error().IsValidation()) std::abort();
    return 0;
  }
  auto parsed = xs::transport::ws::ParseRequestFrame(text);
  switch (parsed.verdict) {
    case RequestVerdict::kOk:
      if (!xs::transport::ws::IsRequestType(parsed.type)) std::abort();
      if (parsed.request_id.size() > xs::transport::ws::kMaxRequestIdBytes) std::abort();
      CheckEcho(xs::transport::ws::OkResponse(parsed.request_id, parsed.json), parsed.request_id);
      CheckEcho(xs::transport::ws::TimeoutResponse(parsed.request_id, parsed.type, 1),
                parsed.request_id);
      break;
    case RequestVerdict::kInvalidWithId:
      CheckEcho(xs::transport::ws::InvalidRequestResponse(parsed.request_id), parsed.request_id);
      break;
    default:
      if (!parsed.request_id.empty()) std::abort();
      break;
  }
  return 0;
}
