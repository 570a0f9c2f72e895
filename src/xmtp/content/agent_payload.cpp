#include "xmtp/content/agent_payload.h"

#include <nlohmann/json.hpp>

#include "xmtp/content/codec_util.h"
#include "xmtp/content/content_types.h"

namespace xs::xmtp::content {
namespace {

using internal::Malformed;

// Ours: seals.md fixes the JSON body but not the fallback text.
std::string AgentFallback(const ContentTypeId& type) {
  if (type.SameType(AgentRevocationType())) {
    return "An agent's permission seal was revoked. This app doesn't support agent seals.";
  }
  if (type.SameType(AgentLivenessType())) {
    return "Agent liveness heartbeat. This app doesn't support agent liveness messages.";
  }
  return "An agent published its permission seal. This app doesn't support agent seals.";
}

Status CheckJson(const ContentTypeId& type, std::string_view json) {
  if (!internal::IsValidUtf8(json)) return Malformed("agent payload", "not valid UTF-8");
  const auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Malformed("agent payload", "not a JSON object");
  }
  const auto it = parsed.find("contentType");
  if (it == parsed.end() || !it->is_string() || it->get<std::string>() != type.ToString()) {
    return Malformed("contentType", "the JSON contentType does not match the content type");
  }
  return OkStatus();
}

}  // namespace

bool IsAgentPayloadType(const ContentTypeId& type) {
  return type.SameType(AgentSealType()) || type.SameType(AgentRevocationType()) ||
         type.SameType(AgentLivenessType());
}

Result<EncodedContent> EncodeAgentPayload(const ContentTypeId& type, std::string_view json) {
  if (!IsAgentPayloadType(type)) {
    return Error::Validation("content type", "not an agent payload type")
        .WithKind(std::string(kErrorWrongType));
  }
  XS_RETURN_IF_ERROR(CheckJson(type, json));
  EncodedContent encoded;
  encoded.type = type;
  encoded.fallback = AgentFallback(type);
  encoded.content = internal::ToBytes(json);
  return encoded;
}

Result<AgentPayload> DecodeAgentPayload(const EncodedContent& encoded) {
  if (!IsAgentPayloadType(encoded.type)) {
    return Error::Validation("content type", "not an agent payload type")
        .WithKind(std::string(kErrorWrongType));
  }
  AgentPayload payload;
  payload.type = encoded.type;
  payload.json.assign(encoded.content.begin(), encoded.content.end());
  XS_RETURN_IF_ERROR(CheckJson(encoded.type, payload.json));
  return payload;
}

}  // namespace xs::xmtp::content
