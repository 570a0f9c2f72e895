#include "signet/config/paths.h"

#include <pwd.h>
#include <unistd.h>

extern char** environ;  // NOLINT: POSIX

namespace xs::signet {

EnvMap ProcessEnvironment() {
  EnvMap env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

std::optional<std::string> EnvValue(const EnvMap& env, std::string_view name) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

namespace {

std::string HomeDirectory(const EnvMap& env) {
  if (auto home = EnvValue(env, "HOME")) return *home;
  // A service started without HOME still has a passwd entry.
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return pw->pw_dir;
  }
  return "/";
}

// XDG base directories must be absolute; a relative value is ignored, as the
// XDG Base Directory specification says.
std::optional<std::string> AbsoluteEnv(const EnvMap& env, std::string_view name) {
  auto value = EnvValue(env, name);
  if (!value || value->front() != '/') return std::nullopt;
  return value;
}

}  // namespace

XdgDirs XdgDirs::FromEnvironment(const EnvMap& env) {
  XdgDirs d;
  d.home = HomeDirectory(env);
  d.config_home = AbsoluteEnv(env, "XDG_CONFIG_HOME").value_or(d.home + "/.config");
  d.data_home = AbsoluteEnv(env, "XDG_DATA_HOME").value_or(d.home + "/.local/share");
  d.state_home = AbsoluteEnv(env, "XDG_STATE_HOME").value_or(d.home + "/.local/state");
  if (auto runtime = AbsoluteEnv(env, "XDG_RUNTIME_DIR")) {
    d.runtime_base = *runtime;
  } else {
    d.runtime_base = AbsoluteEnv(env, "TMPDIR").value_or("/tmp");
  }
  return d;
}

std::string ExpandHome(std::string_view path, std::string_view home) {
  if (path == "~") return std::string(home);
  if (path.size() >= 2 && path[0] == '~' && path[1] == '/') {
    return std::string(home) + std::string(path.substr(1));
  }
  return std::string(path);
}

}  // namespace xs::signet
