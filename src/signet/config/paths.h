// XDG base directories (cli.md "Paths / data layout") and the environment
// map they are read from. The environment is passed in as a map so tests and
// the CLI can resolve paths for an environment other than the process's.
//
// Thread contract: pure functions, except ProcessEnvironment() which reads
// `environ` (do not call it while another thread calls setenv).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace xs::signet {

using EnvMap = std::map<std::string, std::string, std::less<>>;

// A copy of the process environment.
EnvMap ProcessEnvironment();
// The value of `name`, unset when absent or empty.
std::optional<std::string> EnvValue(const EnvMap& env, std::string_view name);

// The application folder name under each XDG base directory.
inline constexpr std::string_view kAppDirName = "xmtp-signet";

struct XdgDirs {
  std::string home;          // $HOME (or the passwd entry)
  std::string config_home;   // $XDG_CONFIG_HOME or ~/.config
  std::string data_home;     // $XDG_DATA_HOME or ~/.local/share
  std::string state_home;    // $XDG_STATE_HOME or ~/.local/state
  std::string runtime_base;  // $XDG_RUNTIME_DIR, else $TMPDIR, else /tmp

  static XdgDirs FromEnvironment(const EnvMap& env);
  bool operator==(const XdgDirs&) const = default;
};

// Expands a leading "~" or "~/" with `home`; other paths are returned as is.
std::string ExpandHome(std::string_view path, std::string_view home);

}  // namespace xs::signet
