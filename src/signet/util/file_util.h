// Crash-safe small-file writes: write a 0600 temporary, fsync, rename over
// the target, fsync the directory. A kill -9 leaves the old or the new file.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"

namespace xs::signet {

inline constexpr unsigned kPrivateFileMode = 0600;
inline constexpr unsigned kPrivateDirMode = 0700;

Status WriteFileAtomic(const std::string& path, std::span<const std::uint8_t> data,
                       unsigned mode = kPrivateFileMode);
Status WriteFileAtomic(const std::string& path, const std::string& text,
                       unsigned mode = kPrivateFileMode);
// Not found when absent. Refuses files larger than max_bytes.
Result<std::string> ReadSmallFile(const std::string& path, std::size_t max_bytes);
bool FileExists(const std::string& path);
// mkdir -p with mode 0700 for created directories.
Status MakeDirs(const std::string& path);

}  // namespace xs::signet
