#include "xmtp/convos/appdata.h"

#include <nlohmann/json.hpp>

#include "codec/base64.h"
#include "convos/conversation_metadata.pb.h"

namespace xs::xmtp::convos {
namespace {

namespace pb = ::xs::convos;

Error Kind(std::string_view kind, std::string_view why) {
  return Error::Validation("appData", why).WithKind(std::string(kind));
}

Result<AppData> ParseLegacyJson(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Kind(kErrorMalformed, "starts with '{' but is not a JSON object");
  }
  AppData data;
  data.form = AppData::Form::kLegacyJson;
  if (const auto it = json.find("tag"); it != json.end() && !it->is_null()) {
    if (!it->is_string()) return Kind(kErrorMalformed, "the legacy tag is not a string");
    data.tag = it->get<std::string>();
  }
  if (const auto it = json.find("expiresAtUnix"); it != json.end() && it->is_number_integer()) {
    const auto value = it->get<std::int64_t>();
    if (value != 0) data.expires_at_unix = value;
  }
  return data;
}

}  // namespace

Result<AppData> ParseAppData(std::string_view app_data) {
  if (app_data.empty()) return AppData{};
  if (app_data.size() > kMaxAppDataChars) return Kind(kErrorTooLarge, "is longer than 8 KiB");
  if (app_data.front() == '{') return ParseLegacyJson(app_data);
  auto framed = codec::Base64UrlDecode(app_data);
  if (!framed.ok()) return Kind(kErrorMalformed, "is not base64url");
  XS_TRY(Unframed unframed, Unframe(*framed));
  pb::ConversationCustomMetadata message;
  if (!message.ParseFromArray(unframed.bytes.data(), static_cast<int>(unframed.bytes.size()))) {
    return Kind(kErrorMalformed, "is not a ConversationCustomMetadata");
  }
  AppData data;
  data.form = AppData::Form::kProtobuf;
  data.flavour = unframed.flavour;
  data.tag = message.tag();
  if (message.has_expires_at_unix() && message.expires_at_unix() != 0) {
    data.expires_at_unix = message.expires_at_unix();
  }
  if (message.has_emoji() && !message.emoji().empty()) data.emoji = message.emoji();
  data.has_image_encryption_key = !message.image_encryption_key().empty();
  data.profile_count = static_cast<std::size_t>(message.profiles_size());
  data.protobuf = std::move(unframed.bytes);
  return data;
}

Result<std::string> UpdateAppData(std::string_view current, const AppDataUpdate& update) {
  auto parsed = ParseAppData(current);
  if (!parsed.ok()) {
    return Kind(kErrorMalformed, "the current value cannot be read, so it is not overwritten");
  }
  pb::ConversationCustomMetadata message;
  if (parsed->form == AppData::Form::kProtobuf) {
    if (!message.ParseFromArray(parsed->protobuf.data(),
                                static_cast<int>(parsed->protobuf.size()))) {
      return Kind(kErrorMalformed, "is not a ConversationCustomMetadata");
    }
  } else if (parsed->form == AppData::Form::kLegacyJson) {
    message.set_tag(parsed->tag);
    if (parsed->expires_at_unix) message.set_expires_at_unix(*parsed->expires_at_unix);
  }
  if (update.tag) {
    if (update.tag->empty() || update.tag->size() > kMaxInviteTagBytes) {
      return Error::Validation("tag", "must be 1 to 64 bytes");
    }
    message.set_tag(*update.tag);
  }
  if (update.emoji) {
    if (update.emoji->empty()) {
      message.clear_emoji();
    } else {
      message.set_emoji(*update.emoji);
    }
  }
  if (update.expires_at_unix) {
    if (*update.expires_at_unix == 0) {
      message.clear_expires_at_unix();
    } else {
      message.set_expires_at_unix(*update.expires_at_unix);
    }
  }
  if (message.has_expires_at_unix() && message.expires_at_unix() == 0) {
    message.clear_expires_at_unix();  // iOS reads 0 as "expired in 1970"
  }
  const std::string bytes = message.SerializeAsString();
  const Bytes framed = FrameIfSmaller(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  std::string out = codec::Base64UrlEncode(framed);
  if (out.size() > kMaxAppDataChars) return Kind(kErrorTooLarge, "would be longer than 8 KiB");
  return out;
}

Status CheckInviteTag(const Invite& invite, const AppData& app_data) {
  if (!app_data.tag.empty() && app_data.tag != invite.tag) {
    return Error::Validation("invite", "the invite's tag was rotated away (revoked)")
        .WithKind(std::string(kErrorRevoked));
  }
  return OkStatus();
}

}  // namespace xs::xmtp::convos
