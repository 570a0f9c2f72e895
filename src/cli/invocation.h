// Invocation: everything one run of a command needs: the parsed arguments,
// the environment, stdout/stderr, the config (loaded on first use from
// --config and XMTP_SIGNET_* variables) and the daemon connection (opened on
// first use). Handlers print through Emit(), which writes either the JSON
// document (--json) or the human rendering.
//
// Thread contract: one owning thread.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "base/result.h"
#include "cli/args.h"
#include "signet/config/config.h"

namespace xs::transport {
class StreamCancel;
}

namespace xs::cli {

class DaemonLink;
using Json = nlohmann::json;

// Environment variable naming the owner passphrase file (decisions.md #13).
inline constexpr const char* kOwnerPassphraseFileEnv = "XMTP_SIGNET_OWNER_PASSPHRASE_FILE";
// A passphrase file larger than this is refused.
inline constexpr std::size_t kMaxPassphraseFileBytes = 4096;

class Invocation {
 public:
  Invocation(ParsedArgs args, signet::EnvMap env, std::ostream& out, std::ostream& err);
  ~Invocation();

  const ParsedArgs& args() const { return args_; }
  const signet::EnvMap& env() const { return env_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  bool json() const { return args_.json(); }

  // The config for --config and the environment (loaded once). An explicit
  // --config file must exist unless `allow_missing_file` (xs init writes it).
  Result<signet::Config*> config(bool allow_missing_file = false);

  // One admin call to the daemon (connects on first use).
  Result<Json> Call(std::string_view method, const Json& params = Json::object());
  // The same call, its answer as the daemon's JSON text (see ShowTable).
  Result<std::string> CallForText(std::string_view method, const Json& params);
  // An owner-gated call: adds `ownerPassphrase` from --passphrase-file /
  // $XMTP_SIGNET_OWNER_PASSPHRASE_FILE when given; without one and on a TTY,
  // a permission error from the gate prompts once and retries.
  Result<Json> CallGated(std::string_view method, Json params);
  // A stream method (--watch): on_notification for each notification until
  // it returns false, the stream ends or `cancel` fires. With `gated`, the
  // owner passphrase as CallGated adds it (and the prompt on a refusal).
  Status Subscribe(std::string_view method, Json params,
                   const std::function<bool(const Json&)>& on_notification,
                   transport::StreamCancel* cancel, bool gated = false);

  // The owner passphrase from --passphrase-file or the environment variable;
  // nullopt when neither is set.
  Result<std::optional<std::string>> OwnerPassphrase() const;
  // OwnerPassphrase(), else a no-echo prompt when stdin is a terminal.
  Result<std::optional<std::string>> OwnerPassphraseOrPrompt(const char* prompt) const;

  // --json: the document; otherwise the human rendering.
  void Emit(const Json& data, const std::function<void(std::ostream&)>& human);

  // The exit code of a handler that succeeds (0 unless set): `xs agent`
  // passes on its adapter process's code.
  void set_exit_code(int code) { exit_code_ = code; }
  int exit_code() const { return exit_code_; }

 private:
  Status Connect();  // the daemon link, on first use

  ParsedArgs args_;
  signet::EnvMap env_;
  std::ostream& out_;
  std::ostream& err_;
  std::optional<signet::Config> config_;
  std::unique_ptr<DaemonLink> link_;
  int exit_code_ = 0;
};

// Reads a passphrase file: at most kMaxPassphraseFileBytes, one trailing
// newline removed, empty refused. Errors never contain the file's content.
Result<std::string> ReadPassphraseFile(const std::string& path, const std::string& field);
// Prompts on the terminal without echo; nullopt when stdin is not a TTY.
std::optional<std::string> PromptSecret(const char* prompt);

}  // namespace xs::cli
