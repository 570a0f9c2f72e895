#include "adapters/openclaw/bridge_checkpoint.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>

#include "signet/util/file_util.h"

namespace xs::adapters::openclaw {

using Json = nlohmann::json;

namespace {

Error Corrupt(const std::string& path, std::string_view reason) {
  return Error::Validation("checkpoint", "the checkpoint " + path + " " + std::string(reason) +
                                             "; fix or remove it (removing it restarts the "
                                             "bridge from the oldest event the signet still holds)")
      .WithContext(Json{{"field", "checkpoint"}, {"path", path}}.dump());
}

// A non-negative integer field, or nullopt when absent.
Result<std::optional<std::uint64_t>> SeqField(const Json& j, const char* key,
                                              const std::string& path) {
  if (!j.contains(key)) return std::optional<std::uint64_t>();
  const Json& v = j[key];
  if (!v.is_number_unsigned()) {
    return Corrupt(path, std::string("has a '") + key + "' that is not a non-negative integer");
  }
  return std::optional<std::uint64_t>(v.get<std::uint64_t>());
}

}  // namespace

Status ValidateCredentialId(std::string_view credential_id, std::string_view field) {
  if (credential_id.empty() || credential_id.size() > kMaxCredentialIdBytes) {
    return Error::Validation(field, "must be a credential id (cred_…)");
  }
  for (char c : credential_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return Error::Validation(field, "must be a credential id (cred_…)");
  }
  return OkStatus();
}

std::string CheckpointPath(const std::string& dir, const std::string& credential_id) {
  return dir + "/" + credential_id + ".json";
}

Result<std::optional<BridgeCheckpoint>> ReadCheckpoint(const std::string& dir,
                                                       const std::string& credential_id) {
  const std::string path = CheckpointPath(dir, credential_id);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<BridgeCheckpoint>();
    return Error::Internal("cannot read the checkpoint " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return Corrupt(path, "is not a regular file");
  if (static_cast<std::size_t>(st.st_size) > kMaxCheckpointBytes) {
    return Corrupt(path, "is larger than " + std::to_string(kMaxCheckpointBytes) + " bytes");
  }
  Result<std::string> text = signet::ReadSmallFile(path, kMaxCheckpointBytes);
  if (!text.ok()) {
    return Error::Internal("cannot read the checkpoint " + path + ": " + text.error().message());
  }
  Json j = Json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Corrupt(path, "is not a JSON object");
  if (!j.contains("credentialId") || !j["credentialId"].is_string()) {
    return Corrupt(path, "has no credentialId");
  }
  if (j["credentialId"].get<std::string>() != credential_id) {
    return Corrupt(path,
                   "belongs to another credential (" + j["credentialId"].get<std::string>() + ")");
  }
  XS_TRY(std::optional<std::uint64_t> last_seq, SeqField(j, "lastSeq", path));
  XS_TRY(std::optional<std::uint64_t> last_seen, SeqField(j, "lastSeenSeq", path));
  if (!last_seq && !last_seen) return Corrupt(path, "has neither lastSeq nor lastSeenSeq");
  if (last_seq && last_seen && *last_seq != *last_seen) {
    return Corrupt(path, "has lastSeq and lastSeenSeq that disagree");
  }
  BridgeCheckpoint out;
  out.credential_id = credential_id;
  out.last_seq = last_seq ? *last_seq : *last_seen;
  if (j.contains("updatedAt") && j["updatedAt"].is_string()) {
    out.updated_at = j["updatedAt"].get<std::string>();
  }
  return std::optional<BridgeCheckpoint>(std::move(out));
}

Status WriteCheckpoint(const std::string& dir, const BridgeCheckpoint& checkpoint) {
  XS_RETURN_IF_ERROR(signet::MakeDirs(dir));
  const Json j = {{"credentialId", checkpoint.credential_id},
                  {"lastSeq", checkpoint.last_seq},
                  {"lastSeenSeq", checkpoint.last_seq},
                  {"updatedAt", checkpoint.updated_at}};
  return signet::WriteFileAtomic(CheckpointPath(dir, checkpoint.credential_id), j.dump() + "\n");
}

}  // namespace xs::adapters::openclaw
