// A Convos group's appData (shared/spec/convos-interop.md §5): the
// ConversationCustomMetadata protobuf, optionally in the compression frame,
// base64url without padding; or, legacy, a JSON object {"tag": ...}.
//
// We own the invite tag (and may set emoji and expiry); everything else
// (profiles, the image key, the group image, fields a later Convos adds) is
// kept byte for byte through a read-modify-write:
//
//   auto next = UpdateAppData(group.app_data, {.tag = NewInviteTag()});  // rotate
//
// Both deflate flavours are read; raw DEFLATE is written, and only above 100
// bytes when it is smaller (our {tag, emoji} never is, so every Convos reader,
// convos-cli 0.9.1 included, reads what we write).
//
// Thread contract: pure functions over plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "xmtp/convos/errors.h"
#include "xmtp/convos/frame.h"
#include "xmtp/convos/invite.h"

namespace xs::xmtp::convos {

struct AppData {
  enum class Form { kEmpty, kProtobuf, kLegacyJson };
  Form form = Form::kEmpty;
  FrameFlavour flavour = FrameFlavour::kPlain;  // kProtobuf only
  std::string tag;                              // "" = no tag stored
  std::optional<std::int64_t> expires_at_unix;  // never 0
  std::optional<std::string> emoji;
  bool has_image_encryption_key = false;
  std::size_t profile_count = 0;  // legacy profile store entries
  Bytes protobuf;                 // the whole message as read (kProtobuf)
};

// kErrorMalformed for a non-empty value that is neither form,
// kErrorDecompression / kErrorTooLarge for a bad frame.
Result<AppData> ParseAppData(std::string_view app_data);

struct AppDataUpdate {
  std::optional<std::string> tag;               // set (non-empty)
  std::optional<std::string> emoji;             // set ("" clears)
  std::optional<std::int64_t> expires_at_unix;  // set (0 clears)
};
// The new appData string: `current` with the update applied, every other
// field kept. Refuses (kErrorMalformed) to overwrite a non-empty value it
// cannot read, as convos-cli does; kErrorTooLarge above kMaxAppDataChars.
Result<std::string> UpdateAppData(std::string_view current, const AppDataUpdate& update);

// Spec §3 step 6: when the group stores a tag, the invite's must equal it
// (kErrorRevoked otherwise: the tag was rotated).
Status CheckInviteTag(const Invite& invite, const AppData& app_data);

}  // namespace xs::xmtp::convos
