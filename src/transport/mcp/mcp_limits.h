// STUB (drop on merge): the engine's limits, per contract 1.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace xs::transport::mcp {

inline constexpr std::size_t kMcpMaxMessageBytes = 1 << 20;
inline constexpr std::array<std::string_view, 5> kMcpProtocolVersions = {
    "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "2024-10-07"};

struct McpOptions {
  std::size_t max_message_bytes = kMcpMaxMessageBytes;
};

}  // namespace xs::transport::mcp
