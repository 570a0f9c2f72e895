// TOML reading and writing of Config. toml++ (Debian's shared build) reports
// parse errors by exception; they are caught here and never leave this file.
#include <toml++/toml.h>

#include <filesystem>
#include <sstream>

#include "signet/config/config.h"
#include "signet/config/config_fields.h"
#include "signet/util/file_util.h"

namespace xs::signet {

namespace {

using config_internal::FieldPtr;
using config_internal::FieldSpec;

// Path keys given relative in a file are taken relative to that file's
// directory, so a config keeps working whatever the current directory is.
bool IsPathKey(const std::string& key) {
  return key == "signet.dataDir" || key == "admin.socketPath" || key == "logging.auditLogPath";
}

std::string ResolvePath(const std::string& value, const Config& config, std::string_view origin) {
  std::string expanded = ExpandHome(value, config.dirs.home);
  std::filesystem::path p(expanded);
  if (p.is_absolute() || origin.empty()) return expanded;
  std::filesystem::path base = std::filesystem::path(origin).parent_path();
  if (base.empty()) return expanded;
  return (base / p).lexically_normal().string();
}

Status SetField(const FieldSpec& spec, const toml::node& node, Config* config,
                std::string_view origin) {
  const std::string key = spec.Key();
  FieldPtr ptr = spec.field(*config);
  if (auto* s = std::get_if<std::string*>(&ptr)) {
    if (!node.is_string()) return Error::Validation(key, "must be a string");
    **s = node.as_string()->get();
    return OkStatus();
  }
  if (auto* os = std::get_if<std::optional<std::string>*>(&ptr)) {
    if (!node.is_string()) return Error::Validation(key, "must be a string");
    std::string value = node.as_string()->get();
    if (IsPathKey(key) && !value.empty()) value = ResolvePath(value, *config, origin);
    **os = std::move(value);
    return OkStatus();
  }
  if (auto* b = std::get_if<bool*>(&ptr)) {
    if (!node.is_boolean()) return Error::Validation(key, "must be true or false");
    **b = node.as_boolean()->get();
    return OkStatus();
  }
  if (!node.is_integer()) return Error::Validation(key, "must be an integer");
  std::int64_t value = node.as_integer()->get();
  if (auto* i = std::get_if<std::int64_t*>(&ptr)) **i = value;
  if (auto* oi = std::get_if<std::optional<std::int64_t>*>(&ptr)) **oi = value;
  return OkStatus();
}

bool IsSlug(std::string_view slug) {
  if (slug.empty() || slug.size() > 64) return false;
  for (char ch : slug) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    if (!ok) return false;
  }
  return true;
}

Status ApplyAdapters(const toml::table& agent, Config* config) {
  for (auto&& [name, node] : agent) {
    std::string key = "agent." + std::string(name.str());
    if (name.str() != "adapters") return Error::Validation(key, "unknown key");
    const toml::table* adapters = node.as_table();
    if (adapters == nullptr) return Error::Validation(key, "must be a table");
    for (auto&& [slug_key, adapter_node] : *adapters) {
      std::string slug(slug_key.str());
      std::string prefix = "agent.adapters." + slug;
      if (!IsSlug(slug)) {
        return Error::Validation(prefix, "adapter names use lowercase letters, digits, - and _");
      }
      const toml::table* table = adapter_node.as_table();
      if (table == nullptr) return Error::Validation(prefix, "must be a table");
      AdapterConfig adapter;
      for (auto&& [field, value] : *table) {
        std::string field_key = prefix + "." + std::string(field.str());
        if (!value.is_string()) return Error::Validation(field_key, "must be a string");
        const std::string& text = value.as_string()->get();
        if (field.str() == "source") {
          adapter.source = text;
        } else if (field.str() == "manifest") {
          adapter.manifest = text;
        } else if (field.str() == "command") {
          adapter.command = text;
        } else {
          return Error::Validation(field_key, "unknown key");
        }
      }
      config->adapters[slug] = std::move(adapter);
    }
  }
  return OkStatus();
}

const FieldSpec* FindField(std::string_view section, std::string_view name) {
  for (const FieldSpec& f : config_internal::Fields()) {
    if (f.section == section && f.name == name) return &f;
  }
  return nullptr;
}

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string TomlString(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (char ch : text) {
    auto byte = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += ch;
    }
  }
  out += '"';
  return out;
}

}  // namespace

Status ApplyToml(std::string_view text, std::string_view origin, Config* config) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Error::Validation(origin.empty() ? "config" : std::string(origin),
                             "invalid TOML at line " + std::to_string(where.line) + ", column " +
                                 std::to_string(where.column) + ": " +
                                 std::string(e.description()));
  }
  for (auto&& [section_key, section_node] : root) {
    std::string section(section_key.str());
    if (!config_internal::IsKnownSection(section)) {
      return Error::Validation(section, "unknown section");
    }
    const toml::table* table = section_node.as_table();
    if (table == nullptr) return Error::Validation(section, "must be a table ([" + section + "])");
    if (section == "agent") {
      XS_RETURN_IF_ERROR(ApplyAdapters(*table, config));
      continue;
    }
    for (auto&& [name, node] : *table) {
      const FieldSpec* spec = FindField(section, name.str());
      if (spec == nullptr) {
        return Error::Validation(section + "." + std::string(name.str()), "unknown key");
      }
      XS_RETURN_IF_ERROR(SetField(*spec, node, config, origin));
    }
  }
  return OkStatus();
}

std::string Config::ToToml() const {
  std::ostringstream out;
  out << "# xmtp-signet configuration (see `xs --help`). Environment variables\n"
         "# XMTP_SIGNET_* override these values.\n";
  Config copy = *this;
  std::string_view current_section;
  for (const FieldSpec& field : config_internal::Fields()) {
    FieldPtr ptr = field.field(copy);
    std::string value;
    if (auto* s = std::get_if<std::string*>(&ptr)) value = TomlString(**s);
    if (auto* os = std::get_if<std::optional<std::string>*>(&ptr); os && **os) {
      value = TomlString(***os);
    }
    if (auto* i = std::get_if<std::int64_t*>(&ptr)) value = std::to_string(**i);
    if (auto* oi = std::get_if<std::optional<std::int64_t>*>(&ptr); oi && **oi) {
      value = std::to_string(***oi);
    }
    if (auto* b = std::get_if<bool*>(&ptr)) value = **b ? "true" : "false";
    if (value.empty()) continue;  // unset optional key
    if (field.section != current_section) {
      out << "\n[" << field.section << "]\n";
      current_section = field.section;
    }
    out << field.name << " = " << value << "\n";
  }
  for (const auto& [slug, adapter] : adapters) {
    out << "\n[agent.adapters." << slug << "]\n";
    out << "source = " << TomlString(adapter.source) << "\n";
    if (adapter.manifest) out << "manifest = " << TomlString(*adapter.manifest) << "\n";
    if (adapter.command) out << "command = " << TomlString(*adapter.command) << "\n";
  }
  return out.str();
}

Status WriteConfigIfAbsent(const std::string& path, const Config& config) {
  if (path.empty()) return Error::Validation("config", "path is empty");
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return OkStatus();
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (!dir.empty()) XS_RETURN_IF_ERROR(MakeDirs(dir));
  return WriteFileAtomic(path, config.ToToml());
}

}  // namespace xs::signet
