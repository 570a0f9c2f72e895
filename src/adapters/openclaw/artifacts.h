// The files `xs agent setup openclaw` writes under
// <dataDir>/adapters/openclaw/ (shared/spec/openclaw-adapter.md, setup step
// 5), rendered from what setup learned, and the one write rule they share.
//
//   adapter.toml             [adapter] [transport.ws] [paths] [operators]
//                            [policies] (labels with - turned to _)
//   adapter-manifest.toml    the built-in manifest
//   openclaw-account.json    {adapter, source, signet{configPath, dataDir,
//                            adminSocket, wsPort}, operators, policies}
//   operator-templates.json  {label: template + operatorId}
//   policy-templates.json    {label: template + policyId}
//   openclaw-mcp.json        the OpenClaw `mcp.servers` entry for the
//                            credential-scoped MCP server: {"command": <xs>,
//                            "args": ["mcp", "--config", <config>], "env": {}}
//
// The first five are the spec's (status requires them); openclaw-mcp.json
// is ours and optional for status. None holds a credential or token.
// Directories are 0700 and files 0600; a file is written to a temporary and
// renamed, so a crash leaves the old or the new file.
//
// Thread contract: pure functions, except WriteArtifact/MakeAdapterDirs
// (file system).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace xs::adapters::openclaw {

inline constexpr const char* kAdapterToml = "adapter.toml";
inline constexpr const char* kManifestToml = "adapter-manifest.toml";
inline constexpr const char* kAccountJson = "openclaw-account.json";
inline constexpr const char* kOperatorTemplatesJson = "operator-templates.json";
inline constexpr const char* kPolicyTemplatesJson = "policy-templates.json";
inline constexpr const char* kMcpServerJson = "openclaw-mcp.json";
inline constexpr const char* kCheckpointsDirName = "checkpoints";
// The name `openclaw mcp set` registers the server under (next steps).
inline constexpr const char* kMcpServerName = "xmtp-signet";
// The environment variable `xs mcp` reads the credential token from.
inline constexpr const char* kCredentialTokenEnv = "XMTP_SIGNET_CREDENTIAL_TOKEN";

// The five files status requires, in the order setup writes them.
const std::vector<std::string>& RequiredArtifacts();
// Files setup writes that status reports but does not require.
const std::vector<std::string>& OptionalArtifacts();

std::string AdapterDir(const std::string& data_dir);  // <dataDir>/adapters/openclaw
std::string CheckpointsDir(const std::string& adapter_dir);

// (label, id) pairs in template order.
using LabelIds = std::vector<std::pair<std::string, std::string>>;

struct ArtifactInputs {
  std::string config_path;  // absolute
  std::string data_dir;
  std::string admin_socket;
  std::string ws_host;
  std::int64_t ws_port = 0;
  std::string xs_binary;  // absolute path of `xs`
  LabelIds operators;
  LabelIds policies;
  std::map<std::string, std::string> mcp_env = {};  // openclaw-mcp.json's env
};

// "openclaw-main" -> "openclaw_main".
std::string TomlKey(const std::string& label);
// ws://<host>:<port>/v1/agent (IPv6 hosts bracketed).
std::string WsUrl(const std::string& host, std::int64_t port);

// The text of `file` (one of RequiredArtifacts() or OptionalArtifacts()).
std::string RenderArtifact(const std::string& file, const ArtifactInputs& in);
// The OpenClaw `mcp.servers` entry: `xs mcp --config <path>` with `env` (no
// token: the user adds XMTP_SIGNET_CREDENTIAL_TOKEN).
nlohmann::json McpServerEntry(const std::string& xs_binary, const std::string& config_path,
                              const std::map<std::string, std::string>& env);

// Creates <adapter dir> and its checkpoints/ (0700; existing ones set to
// 0700).
Status MakeAdapterDirs(const std::string& adapter_dir);

enum class WriteOutcome { kCreated, kReused };
// Writes `text` to `path` (0600, atomically) unless the file exists and
// `force` is false.
Result<WriteOutcome> WriteArtifact(const std::string& path, const std::string& text, bool force);

}  // namespace xs::adapters::openclaw
