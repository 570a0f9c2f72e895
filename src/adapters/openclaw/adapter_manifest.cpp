// toml++ reports parse errors by exception; they are caught here and never
// leave this file.
#include "adapters/openclaw/adapter_manifest.h"

#include <toml++/toml.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "signet/util/file_util.h"

namespace xs::adapters::openclaw {

namespace {

constexpr std::string_view kVerbNames[] = {"setup", "status", "doctor"};

std::string SupportedList() {
  std::string out;
  for (auto name : kVerbNames) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

Error ManifestError(const std::string& key, const std::string& reason) {
  return Error::Validation(key.empty() ? "manifest" : "manifest." + key, reason);
}

Result<std::string> StringField(const Json& doc, const std::string& key) {
  if (!doc.contains(key)) return ManifestError(key, "is required");
  const Json& v = doc.at(key);
  if (!v.is_string()) return ManifestError(key, "must be a string");
  return v.get<std::string>();
}

Result<std::vector<AdapterVerb>> ReadSupports(const Json& doc) {
  if (!doc.contains("supports")) return ManifestError("supports", "is required");
  const Json& list = doc.at("supports");
  if (!list.is_array()) return ManifestError("supports", "must be an array of verbs");
  if (list.empty())
    return ManifestError("supports", "must name at least one of " + SupportedList());
  std::vector<AdapterVerb> verbs;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = "supports[" + std::to_string(i) + "]";
    if (!list[i].is_string()) return ManifestError(key, "must be a string");
    auto verb = ParseVerb(list[i].get<std::string>());
    if (!verb) {
      return ManifestError(key, "unknown verb '" + list[i].get<std::string>() +
                                    "' (verbs: " + SupportedList() + ")");
    }
    if (std::find(verbs.begin(), verbs.end(), *verb) != verbs.end()) {
      return ManifestError(key, "repeats '" + std::string(VerbName(*verb)) + "'");
    }
    verbs.push_back(*verb);
  }
  return verbs;
}

Result<std::map<AdapterVerb, std::string>> ReadEntrypoints(const Json& doc) {
  if (!doc.contains("entrypoints")) return ManifestError("entrypoints", "is required");
  const Json& table = doc.at("entrypoints");
  if (!table.is_object()) return ManifestError("entrypoints", "must be a table");
  std::map<AdapterVerb, std::string> out;
  for (const auto& [key, value] : table.items()) {
    const std::string field = "entrypoints." + key;
    auto verb = ParseVerb(key);
    if (!verb) return ManifestError(field, "unknown key (verbs: " + SupportedList() + ")");
    if (!value.is_string()) return ManifestError(field, "must be a string");
    if (value.get<std::string>().empty()) return ManifestError(field, "must not be empty");
    out[*verb] = value.get<std::string>();
  }
  return out;
}

// TOML values as JSON: strings, numbers, booleans, arrays and tables map
// one to one; dates and times become objects, so a date where a string is
// due fails the same type check as any other non-string.
Json TomlToJson(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return i->get();
  if (const auto* f = node.as_floating_point()) return f->get();
  if (const auto* b = node.as_boolean()) return b->get();
  if (const auto* a = node.as_array()) {
    Json out = Json::array();
    for (const auto& item : *a) out.push_back(TomlToJson(item));
    return out;
  }
  if (const auto* t = node.as_table()) {
    Json out = Json::object();
    for (auto&& [key, value] : *t) out[std::string(key.str())] = TomlToJson(value);
    return out;
  }
  return Json{{"tomlDateTime", true}};
}

Json PathContext(const std::string& path) { return Json{{"manifestPath", path}}; }

// The error with the manifest path added to its context.
Error WithPath(Error e, const std::string& path) {
  Json context = Json::parse(e.context_json().empty() ? "{}" : e.context_json(), nullptr, false);
  if (!context.is_object()) context = Json::object();
  context.update(PathContext(path));
  return std::move(e).WithContext(context.dump());
}

}  // namespace

std::string_view VerbName(AdapterVerb verb) { return kVerbNames[static_cast<int>(verb)]; }

std::optional<AdapterVerb> ParseVerb(std::string_view name) {
  for (AdapterVerb verb : kAdapterVerbs) {
    if (VerbName(verb) == name) return verb;
  }
  return std::nullopt;
}

bool AdapterManifest::Supports(AdapterVerb verb) const {
  return std::find(supports.begin(), supports.end(), verb) != supports.end();
}

std::string AdapterManifest::Entrypoint(AdapterVerb verb) const {
  auto it = entrypoints.find(verb);
  return it == entrypoints.end() ? std::string() : it->second;
}

bool IsAdapterName(std::string_view name) {
  if (name.empty() || name.front() < 'a' || name.front() > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

Result<AdapterManifest> ManifestFromJson(const Json& doc) {
  if (!doc.is_object()) return ManifestError("", "must be an object (a table in TOML)");
  static const std::set<std::string> kKeys = {"name", "source", "supports", "entrypoints"};
  for (const auto& [key, value] : doc.items()) {
    if (kKeys.count(key) == 0) return ManifestError(key, "unknown key");
  }
  AdapterManifest m;
  XS_TRY(m.name, StringField(doc, "name"));
  if (!IsAdapterName(m.name)) {
    return ManifestError("name", "must match ^[a-z][a-z0-9-]*$ (got '" + m.name + "')");
  }
  XS_TRY(m.source, StringField(doc, "source"));
  if (m.source != kSourceBuiltin && m.source != kSourceExternal) {
    return ManifestError("source", "must be 'builtin' or 'external' (got '" + m.source + "')");
  }
  XS_TRY(m.supports, ReadSupports(doc));
  XS_TRY(m.entrypoints, ReadEntrypoints(doc));
  for (AdapterVerb verb : m.supports) {
    if (m.entrypoints.count(verb) == 0) {
      return ManifestError(
          "entrypoints." + std::string(VerbName(verb)),
          "is required: the adapter supports '" + std::string(VerbName(verb)) + "'");
    }
  }
  return m;
}

ManifestFormat FormatForPath(std::string_view path) {
  constexpr std::string_view kJsonExt = ".json";
  if (path.size() >= kJsonExt.size() && path.substr(path.size() - kJsonExt.size()) == kJsonExt) {
    return ManifestFormat::kJson;
  }
  return ManifestFormat::kToml;
}

Result<AdapterManifest> ParseManifest(std::string_view text, ManifestFormat format) {
  if (format == ManifestFormat::kJson) {
    Json doc = Json::parse(text, nullptr, false);
    if (doc.is_discarded()) return ManifestError("", "is not valid JSON");
    return ManifestFromJson(doc);
  }
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return ManifestError("", "invalid TOML at line " + std::to_string(where.line) + ", column " +
                                 std::to_string(where.column) + ": " +
                                 std::string(e.description()));
  }
  return ManifestFromJson(TomlToJson(root));
}

Result<AdapterManifest> LoadManifestFile(const std::string& path) {
  if (!signet::FileExists(path)) {
    return Error::NotFound("adapter manifest not found: " + path)
        .WithContext(PathContext(path).dump());
  }
  auto text = signet::ReadSmallFile(path, kMaxManifestBytes);
  if (!text.ok()) return WithPath(std::move(text).error(), path);
  auto manifest = ParseManifest(*text, FormatForPath(path));
  if (!manifest.ok()) return WithPath(std::move(manifest).error(), path);
  return manifest;
}

Status ValidateExternal(const AdapterManifest& manifest, std::string_view harness) {
  if (manifest.source != kSourceExternal) {
    return ManifestError("source", "an external adapter's manifest must say source = 'external'");
  }
  if (manifest.name != harness) {
    return ManifestError("name", "'" + manifest.name + "' does not match the requested adapter '" +
                                     std::string(harness) + "'");
  }
  return OkStatus();
}

Status CheckVerb(const AdapterManifest& manifest, AdapterVerb verb) {
  if (manifest.Supports(verb) && !manifest.Entrypoint(verb).empty()) return OkStatus();
  Json supported = Json::array();
  for (AdapterVerb v : manifest.supports) supported.push_back(VerbName(v));
  return Error::Validation("verb", "adapter '" + manifest.name + "' does not support '" +
                                       std::string(VerbName(verb)) + "'")
      .WithContext(Json{
          {"field", "verb"},
          {"adapter", manifest.name},
          {"verb", VerbName(verb)},
          {"supportedVerbs",
           supported}}.dump());
}

Json ManifestToJson(const AdapterManifest& manifest) {
  Json supports = Json::array();
  Json entrypoints = Json::object();
  for (AdapterVerb verb : manifest.supports) supports.push_back(VerbName(verb));
  for (const auto& [verb, entry] : manifest.entrypoints) entrypoints[VerbName(verb)] = entry;
  return {{"name", manifest.name},
          {"source", manifest.source},
          {"supports", supports},
          {"entrypoints", entrypoints}};
}

std::string ManifestToToml(const AdapterManifest& manifest) {
  std::ostringstream out;
  out << "name = " << TomlString(manifest.name) << "\n";
  out << "source = " << TomlString(manifest.source) << "\n";
  out << "supports = [";
  for (std::size_t i = 0; i < manifest.supports.size(); ++i) {
    out << (i ? ", " : "") << TomlString(VerbName(manifest.supports[i]));
  }
  out << "]\n\n[entrypoints]\n";
  for (const auto& [verb, entry] : manifest.entrypoints) {
    out << VerbName(verb) << " = " << TomlString(entry) << "\n";
  }
  return out.str();
}

const AdapterManifest& OpenClawManifest() {
  static const AdapterManifest kManifest = [] {
    AdapterManifest m;
    m.name = "openclaw";
    m.source = std::string(kSourceBuiltin);
    for (AdapterVerb verb : kAdapterVerbs) {
      m.supports.push_back(verb);
      m.entrypoints[verb] = "builtin:openclaw:" + std::string(VerbName(verb));
    }
    return m;
  }();
  return kManifest;
}

std::string TomlString(std::string_view text) {
  std::ostringstream out;
  // Basic strings always (toml++ would pick a literal string when it can).
  out << toml::toml_formatter{toml::value<std::string>(std::string(text)),
                              toml::format_flags::none};
  return out.str();
}

}  // namespace xs::adapters::openclaw
