#include "cli/args.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <limits>

namespace xs::cli {

namespace {

constexpr const char* kHelpName = "help";

const FlagSpec* FindFlag(const Command& command, const std::string& name) {
  for (const auto& f : command.flags) {
    if (f.name == name) return &f;
  }
  for (const auto& f : GlobalFlags()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string PathOf(const std::vector<const Command*>& path) {
  std::string out;
  for (const Command* c : path) {
    if (!out.empty()) out += ' ';
    out += c->name;
  }
  return out;
}

std::string ChildNames(const Command& group) {
  std::string out;
  for (const auto& c : group.children) {
    if (c.hidden) continue;
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

bool InChoices(const FlagSpec& spec, const std::string& value) {
  if (spec.choices.empty()) return true;
  for (const auto& c : spec.choices) {
    if (c == value) return true;
  }
  return false;
}

std::string Joined(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

// Checks one value against its flag's kind and choices.
Status CheckValue(const FlagSpec& spec, const std::string& value, const std::string& path) {
  const std::string field = "--" + spec.name;
  if (spec.kind == FlagKind::kBool) {
    if (value != "true" && value != "false") {
      return UsageError(field, "takes no value (or =true / =false)", path);
    }
    return OkStatus();
  }
  if (spec.kind == FlagKind::kPositiveInt && !ParsePositiveInt(value)) {
    return UsageError(field, "must be a positive integer, got '" + value + "'", path);
  }
  const std::vector<std::string> items =
      spec.kind == FlagKind::kList ? SplitList(value) : std::vector<std::string>{value};
  for (const auto& item : items) {
    if (!InChoices(spec, item)) {
      return UsageError(
          field, "unsupported value '" + item + "' (one of: " + Joined(spec.choices, ", ") + ")",
          path);
    }
  }
  return OkStatus();
}

class Parser {
 public:
  Parser(const Command& root, const std::vector<std::string>& argv) : argv_(argv) {
    out_.path.push_back(&root);
  }

  Result<ParsedArgs> Run() {
    for (i_ = 0; i_ < argv_.size(); ++i_) {
      const std::string& token = argv_[i_];
      if (token == "--") {
        for (++i_; i_ < argv_.size(); ++i_) AddPositional(argv_[i_]);
        break;
      }
      if (token == "-h") {
        out_.flags[kHelpName] = {"true"};
      } else if (token.size() > 2 && token.rfind("--", 0) == 0) {
        Flag(token);
      } else if (token.size() > 1 && token[0] == '-') {
        Remember(UsageError(token, "unknown flag", Path()));
      } else if (!Descend(token)) {
        AddPositional(token);
      }
      if (unknown_command_) return std::move(*first_error_);
    }
    if (out_.help()) return std::move(out_);
    if (first_error_) return std::move(*first_error_);
    XS_RETURN_IF_ERROR(CheckComplete());
    return std::move(out_);
  }

 private:
  std::string Path() const { return PathOf(out_.path); }

  void Remember(Error e) {
    if (!first_error_) first_error_ = std::move(e);
  }

  // A bare word: a subcommand while the current command has children and no
  // positional argument has been taken yet.
  bool Descend(const std::string& token) {
    const Command& current = *out_.path.back();
    if (current.children.empty() || !out_.positionals.empty()) return false;
    if (const Command* child = current.FindChild(token)) {
      out_.path.push_back(child);
      return true;
    }
    if (current.run && !current.positionals.empty()) return false;
    Remember(UsageError("command",
                        "unknown command '" + token + "' for '" + Path() +
                            "' (commands: " + ChildNames(current) + ")",
                        Path()));
    unknown_command_ = true;
    return true;
  }

  void AddPositional(const std::string& token) { out_.positionals.push_back(token); }

  void Flag(const std::string& token) {
    std::string name = token.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* spec = FindFlag(*out_.path.back(), name);
    if (!spec) {
      Remember(UsageError("--" + name, "unknown flag for '" + Path() + "'", Path()));
      return;
    }
    if (spec->kind == FlagKind::kBool) {
      std::string v = value.value_or("true");
      if (Status s = CheckValue(*spec, v, Path()); !s.ok()) {
        Remember(std::move(s).error());
        return;
      }
      out_.flags[name] = {v};
      return;
    }
    if (!value) {
      if (i_ + 1 >= argv_.size() || argv_[i_ + 1].rfind("--", 0) == 0) {
        Remember(UsageError("--" + name, "needs a value " + spec->value_name, Path()));
        return;
      }
      value = argv_[++i_];
    }
    if (Status s = CheckValue(*spec, *value, Path()); !s.ok()) {
      Remember(std::move(s).error());
      return;
    }
    auto& slot = out_.flags[name];
    if (spec->kind != FlagKind::kList && !slot.empty()) {
      Remember(UsageError("--" + name, "given more than once", Path()));
      return;
    }
    slot.push_back(*value);
  }

  Status CheckComplete() const {
    const Command& cmd = out_.command();
    const std::string path = Path();
    if (!cmd.run) {
      return UsageError("command", "'" + path + "' needs a subcommand (" + ChildNames(cmd) + ")",
                        path);
    }
    for (const auto& f : cmd.flags) {
      if (f.required && !out_.Has(f.name)) {
        return UsageError("--" + f.name, "required flag missing", path);
      }
    }
    std::size_t required = 0;
    for (const auto& p : cmd.positionals) required += p.required ? 1 : 0;
    if (out_.positionals.size() < required) {
      const auto& missing = cmd.positionals[out_.positionals.size()];
      return UsageError("<" + missing.name + ">", "required argument missing", path);
    }
    if (out_.positionals.size() > cmd.positionals.size()) {
      return UsageError("argument",
                        "unexpected argument '" + out_.positionals[cmd.positionals.size()] + "'",
                        path);
    }
    return OkStatus();
  }

  const std::vector<std::string>& argv_;
  std::size_t i_ = 0;
  ParsedArgs out_;
  std::optional<Error> first_error_;
  bool unknown_command_ = false;
};

}  // namespace

Result<ParsedArgs> ParseArgs(const Command& root, const std::vector<std::string>& argv) {
  return Parser(root, argv).Run();
}

const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec> kFlags = {
      {"config", FlagKind::kString, "<path>",
       "config file (default $XDG_CONFIG_HOME/xmtp-signet/config.toml)"},
      {"json", FlagKind::kBool, "", "machine output: one JSON document on stdout"},
      {kHelpName, FlagKind::kBool, "", "show help for this command"},
  };
  return kFlags;
}

std::string ParsedArgs::CommandPath() const { return PathOf(path); }

bool ParsedArgs::Bool(const std::string& name) const {
  auto it = flags.find(name);
  return it != flags.end() && !it->second.empty() && it->second.back() == "true";
}

std::optional<std::string> ParsedArgs::Value(const std::string& name) const {
  auto it = flags.find(name);
  if (it == flags.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::List(const std::string& name) const {
  std::vector<std::string> out;
  auto it = flags.find(name);
  if (it == flags.end()) return out;
  for (const auto& v : it->second) {
    for (auto& item : SplitList(v)) out.push_back(std::move(item));
  }
  return out;
}

std::optional<std::int64_t> ParsedArgs::Int(const std::string& name) const {
  auto v = Value(name);
  if (!v) return std::nullopt;
  return ParsePositiveInt(*v);
}

std::optional<std::string> ParsedArgs::Positional(std::size_t index) const {
  if (index >= positionals.size()) return std::nullopt;
  return positionals[index];
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
    start = end + 1;
  }
  return out;
}

std::optional<std::int64_t> ParsePositiveInt(const std::string& text) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

Error UsageError(const std::string& field, const std::string& reason,
                 const std::string& command_path) {
  nlohmann::json context = {
      {"field", field}, {"reason", reason}, {"hint", "see `" + command_path + " --help`"}};
  std::string message = field == "command" || field == "argument" ? reason : field + ": " + reason;
  return Error(Category::kValidation, 1000, "ValidationError", std::move(message),
               context.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace xs::cli
