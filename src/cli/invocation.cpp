#include "cli/invocation.h"

#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/daemon_link.h"
#include "cli/output.h"

namespace xs::cli {

namespace {

void Wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

// The gates answer with a permission error that tells how to confirm; only
// those are worth a prompt.
bool IsOwnerGateRefusal(const Error& e) {
  if (!e.IsPermission()) return false;
  const std::string& m = e.message();
  return m.find("passphrase") != std::string::npos || m.find("owner") != std::string::npos;
}

}  // namespace

Invocation::Invocation(ParsedArgs args, signet::EnvMap env, std::ostream& out, std::ostream& err)
    : args_(std::move(args)), env_(std::move(env)), out_(out), err_(err) {}

Invocation::~Invocation() = default;

Result<signet::Config*> Invocation::config(bool allow_missing_file) {
  if (!config_) {
    signet::LoadOptions options;
    options.config_path = args_.Value("config");
    options.env = env_;
    options.require_file = options.config_path.has_value() && !allow_missing_file;
    XS_TRY(signet::Config loaded, signet::LoadConfig(options));
    config_ = std::move(loaded);
  }
  return &*config_;
}

Status Invocation::Connect() {
  if (link_) return OkStatus();
  XS_TRY(signet::Config * cfg, config());
  XS_TRY(link_, DaemonLink::Open(*cfg));
  return OkStatus();
}

Result<Json> Invocation::Call(std::string_view method, const Json& params) {
  XS_RETURN_IF_ERROR(Connect());
  return link_->Call(method, params);
}

Result<std::string> Invocation::CallForText(std::string_view method, const Json& params) {
  XS_RETURN_IF_ERROR(Connect());
  return link_->CallForText(method, params);
}

Result<Json> Invocation::CallGated(std::string_view method, Json params) {
  XS_TRY(std::optional<std::string> passphrase, OwnerPassphrase());
  const bool had_passphrase = passphrase.has_value();
  if (passphrase) {
    params["ownerPassphrase"] = *passphrase;
    Wipe(*passphrase);
  }
  Result<Json> result = Call(method, params);
  if (!result.ok() && !had_passphrase && IsOwnerGateRefusal(result.error())) {
    if (auto typed = PromptSecret("Owner passphrase: ")) {
      params["ownerPassphrase"] = *typed;
      Wipe(*typed);
      result = Call(method, params);
    }
  }
  if (params.contains("ownerPassphrase")) Wipe(params["ownerPassphrase"].get_ref<std::string&>());
  return result;
}

Status Invocation::Subscribe(std::string_view method, Json params,
                             const std::function<bool(const Json&)>& on_notification,
                             transport::StreamCancel* cancel, bool gated) {
  XS_RETURN_IF_ERROR(Connect());
  bool had_passphrase = false;
  if (gated) {
    XS_TRY(std::optional<std::string> passphrase, OwnerPassphrase());
    had_passphrase = passphrase.has_value();
    if (passphrase) {
      params["ownerPassphrase"] = *passphrase;
      Wipe(*passphrase);
    }
  }
  Status status = link_->Subscribe(method, params, on_notification, cancel);
  if (gated && !status.ok() && !had_passphrase && IsOwnerGateRefusal(status.error())) {
    if (auto typed = PromptSecret("Owner passphrase: ")) {
      params["ownerPassphrase"] = *typed;
      Wipe(*typed);
      status = link_->Subscribe(method, params, on_notification, cancel);
    }
  }
  if (params.contains("ownerPassphrase")) Wipe(params["ownerPassphrase"].get_ref<std::string&>());
  return status;
}

Result<std::optional<std::string>> Invocation::OwnerPassphrase() const {
  if (auto path = args_.Value("passphrase-file")) {
    XS_TRY(std::string p, ReadPassphraseFile(*path, "--passphrase-file"));
    return std::optional<std::string>(std::move(p));
  }
  if (auto path = signet::EnvValue(env_, kOwnerPassphraseFileEnv)) {
    XS_TRY(std::string p, ReadPassphraseFile(*path, kOwnerPassphraseFileEnv));
    return std::optional<std::string>(std::move(p));
  }
  return std::optional<std::string>();
}

Result<std::optional<std::string>> Invocation::OwnerPassphraseOrPrompt(const char* prompt) const {
  XS_TRY(std::optional<std::string> p, OwnerPassphrase());
  if (p) return p;
  return PromptSecret(prompt);
}

void Invocation::Emit(const Json& data, const std::function<void(std::ostream&)>& human) {
  if (json()) {
    PrintJson(out_, data);
  } else {
    human(out_);
  }
}

Result<std::string> ReadPassphraseFile(const std::string& path, const std::string& field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Validation(field, "cannot read the passphrase file " + path);
  std::string text;
  text.resize(kMaxPassphraseFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxPassphraseFileBytes) {
    Wipe(text);
    return Error::Validation(field, "the passphrase file is larger than 4096 bytes");
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  if (text.empty()) return Error::Validation(field, "the passphrase file is empty");
  return text;
}

std::optional<std::string> PromptSecret(const char* prompt) {
  if (!isatty(STDIN_FILENO)) return std::nullopt;
  termios old_mode{};
  const bool have_mode = tcgetattr(STDIN_FILENO, &old_mode) == 0;
  if (have_mode) {
    termios quiet = old_mode;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::cerr << prompt << std::flush;
  std::string line;
  std::getline(std::cin, line);
  std::cerr << "\n";
  if (have_mode) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_mode);
  if (line.empty()) return std::nullopt;
  return line;
}

}  // namespace xs::cli
