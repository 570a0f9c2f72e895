// The OpenClaw bridge's checkpoint: per credential, the last event sequence
// number the bridge handed to the harness, in
// `<checkpointsDir>/<credentialId>.json`:
//
//   {"credentialId":"cred_…","lastSeq":42,"lastSeenSeq":42,"updatedAt":"2026-…Z"}
//
// `lastSeq` is the adapter spec's name (openclaw-adapter.md) and
// `lastSeenSeq` openclaw.md's (the auth frame's field); both are written with
// the same value and either is read (when both are present they must agree).
//
// What survives a crash: a write goes to a temp file in the same directory
// (0600), is fsynced, renamed over the checkpoint and the directory fsynced,
// so a reader sees the old checkpoint or the new one, never a torn file. A
// checkpoint that cannot be read (not JSON, wrong credential, bad numbers,
// larger than kMaxCheckpointBytes) is an error naming the file, never
// silently reset: resuming from the wrong place would replay or lose events.
//
// Thread contract: pure functions over the file system; one writer per
// credential (the bridge process).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace xs::adapters::openclaw {

inline constexpr std::size_t kMaxCheckpointBytes = 4096;
// Credential ids name files: letters, digits, '_' and '-' only.
inline constexpr std::size_t kMaxCredentialIdBytes = 128;

struct BridgeCheckpoint {
  std::string credential_id;
  std::uint64_t last_seq = 0;
  std::string updated_at;  // ISO-8601 with Z
};

// A validation error on `field` unless `credential_id` is usable as a file
// name (1..kMaxCredentialIdBytes of [A-Za-z0-9_-]).
Status ValidateCredentialId(std::string_view credential_id, std::string_view field);

// `<dir>/<credentialId>.json` (credential_id validated by the caller).
std::string CheckpointPath(const std::string& dir, const std::string& credential_id);

// nullopt when the file does not exist (a fresh start).
Result<std::optional<BridgeCheckpoint>> ReadCheckpoint(const std::string& dir,
                                                       const std::string& credential_id);

// Creates `dir` (0700) when missing, then replaces the checkpoint atomically.
Status WriteCheckpoint(const std::string& dir, const BridgeCheckpoint& checkpoint);

}  // namespace xs::adapters::openclaw
