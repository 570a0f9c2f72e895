#include "transport/ws/ws_frames.h"

#include <algorithm>
#include <array>

#include "base/clock.h"

namespace xs::transport::ws {

namespace {

constexpr std::array<std::string_view, 7> kRequestTypes = {
    "send_message",   "send_reply",     "send_reaction", "update_scopes",
    "reveal_content", "confirm_action", "heartbeat",
};

// Never throws on invalid UTF-8 (handler results may carry peer content).
std::string Dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json ParseLenient(std::string_view text) {
  return Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

// Appends `text` as a JSON string, byte for byte what Dump(Json(text)) gives:
// printable ASCII without quote or backslash as is (request ids, categories,
// most messages), anything else through the serializer.
void AppendJsonString(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (!plain) {
    out += Dump(Json(std::string(text)));
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

// {ok:false, requestId, error:{code, category, message, context|null}},
// built in one string (the fast lane answers most requests with it).
std::string ErrorEnvelope(std::string_view request_id, int code, std::string_view category,
                          std::string_view message, std::string_view context_json) {
  std::string out;
  out.reserve(80 + request_id.size() + category.size() + message.size() + context_json.size());
  out += "{\"ok\":false,\"requestId\":";
  AppendJsonString(out, request_id);
  out += ",\"error\":{\"code\":";
  out += std::to_string(code);
  out += ",\"category\":";
  AppendJsonString(out, category);
  out += ",\"message\":";
  AppendJsonString(out, message);
  out += ",\"context\":";
  out += context_json.empty() ? std::string_view("null") : context_json;
  out += "}}";
  return out;
}

}  // namespace

Result<AuthFrame> ParseAuthFrame(std::string_view text) {
  Json frame = ParseLenient(text);
  if (frame.is_discarded()) return Error::Validation("frame", "not valid JSON");
  if (!frame.is_object()) return Error::Validation("frame", "must be a JSON object");
  auto type = frame.find("type");
  if (type == frame.end() || !type->is_string() || type->get_ref<const std::string&>() != "auth") {
    return Error::Validation("type", "the first frame must be {type:\"auth\"}");
  }
  if (frame.contains("sessionId")) {
    return Error::Validation("sessionId", "session-era field; use a credential token");
  }
  auto token = frame.find("token");
  if (token == frame.end() || !token->is_string()) {
    return Error::Validation("token", "must be a string");
  }
  const auto& token_text = token->get_ref<const std::string&>();
  if (token_text.empty() || token_text.size() > kMaxTokenBytes) {
    return Error::Validation("token", "must be 1.." + std::to_string(kMaxTokenBytes) + " bytes");
  }
  auto seq = frame.find("lastSeenSeq");
  if (seq == frame.end()) return Error::Validation("lastSeenSeq", "is required (null = fresh)");
  AuthFrame out{.token = token_text, .last_seen_seq = std::nullopt};
  if (seq->is_number_unsigned()) {
    out.last_seen_seq = seq->get<std::uint64_t>();
  } else if (seq->is_number_integer() && seq->get<std::int64_t>() >= 0) {
    out.last_seen_seq = static_cast<std::uint64_t>(seq->get<std::int64_t>());
  } else if (!seq->is_null()) {
    return Error::Validation("lastSeenSeq", "must be a non-negative integer or null");
  }
  return out;
}

bool IsRequestType(std::string_view type) {
  for (std::string_view known : kRequestTypes) {
    if (type == known) return true;
  }
  return false;
}

ParsedRequest ParseRequestFrame(std::string_view text) {
  ParsedRequest out;
  out.json = ParseLenient(text);
  if (out.json.is_discarded()) return out;  // kInvalidJson
  out.verdict = RequestVerdict::kInvalidNoId;
  if (!out.json.is_object()) return out;
  auto id = out.json.find("requestId");
  if (id == out.json.end() || !id->is_string()) return out;
  const auto& id_text = id->get_ref<const std::string&>();
  if (id_text.size() > kMaxRequestIdBytes) return out;
  out.request_id = id_text;
  out.verdict = RequestVerdict::kInvalidWithId;
  auto type = out.json.find("type");
  if (type == out.json.end() || !type->is_string()) return out;
  const auto& type_text = type->get_ref<const std::string&>();
  // Decisions #10: session-era names (update_view, sessionId) are rejected.
  if (!IsRequestType(type_text) || out.json.contains("sessionId")) return out;
  out.type = type_text;
  out.verdict = RequestVerdict::kOk;
  return out;
}

std::string AuthenticatedFrame(std::string_view connection_id, const signet::agent::AuthInfo& who,
                               std::optional<std::uint64_t> resumed_from_seq) {
  Json frame = {
      {"type", "authenticated"},
      {"connectionId", connection_id},
      {"credential",
       {{"credentialId", who.credential_id},
        {"operatorId", who.operator_id},
        {"fingerprint", who.fingerprint},
        {"issuedAt", who.issued_at},
        {"expiresAt", who.expires_at}}},
      {"effectiveScopes", who.effective_scopes.is_null()
                              ? Json{{"allow", Json::array()}, {"deny", Json::array()}}
                              : who.effective_scopes},
      {"resumedFromSeq", resumed_from_seq ? Json(*resumed_from_seq) : Json(nullptr)},
  };
  return Dump(frame);
}

std::string AuthErrorFrame(int code, std::string_view message) {
  return Dump(Json{{"type", "auth_error"}, {"code", code}, {"message", message}});
}

std::string BackpressureFrame(std::size_t buffered, std::size_t limit) {
  return "{\"type\":\"backpressure\",\"buffered\":" + std::to_string(buffered) +
         ",\"limit\":" + std::to_string(limit) + "}";
}

std::string OkResponse(std::string_view request_id, const Json& data) {
  std::string out = "{\"ok\":true,\"requestId\":";
  AppendJsonString(out, request_id);
  out += ",\"data\":";
  out += Dump(data);
  out += '}';
  return out;
}

std::string ErrorResponse(std::string_view request_id, const Error& error) {
  return ErrorEnvelope(request_id, error.code(), CategoryName(error.category()), error.message(),
                       error.context_json());
}

std::string InvalidRequestResponse(std::string_view request_id) {
  return ErrorEnvelope(request_id, 1000, "validation", "Invalid request frame", "");
}

std::string TimeoutResponse(std::string_view request_id, std::string_view type,
                            std::int64_t timeout_ms) {
  std::string context = Dump(Json{{"operation", type}, {"timeoutMs", timeout_ms}});
  return ErrorEnvelope(request_id, 1500, "timeout", "Request timed out", context);
}

std::string InternalErrorResponse(std::string_view request_id) {
  return ErrorEnvelope(request_id, 1400, "internal", "Internal error", "");
}

Json HeartbeatEvent(std::string_view credential_id, std::int64_t now_ms) {
  return {{"type", "heartbeat"}, {"credentialId", credential_id}, {"timestamp", IsoTime(now_ms)}};
}

Json ShutdownEvent(std::string_view credential_id) {
  return {{"type", "credential.expired"},
          {"credentialId", credential_id},
          {"reason", "signet_shutdown"}};
}

}  // namespace xs::transport::ws
