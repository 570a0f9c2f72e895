// AdapterManifest: what a harness adapter declares about itself
// (shared/spec/openclaw.md "Adapter manifest"): its name, where it comes from
// (`builtin` or `external`), the verbs it supports and, per supported verb,
// the entrypoint `xs agent <verb>` hands to the adapter process.
//
//   name         ^[a-z][a-z0-9-]*$
//   source       "builtin" | "external"
//   supports     one or more of setup, status, doctor (no repeats)
//   entrypoints  {setup?, status?, doctor?}: a non-empty string for every
//                supported verb
//
// A manifest file (JSON, or TOML) is checked strictly: an unknown key, a
// value of the wrong type or a broken rule is a validation error whose field
// names the key ("manifest.entrypoints.doctor"). An external manifest must
// also say source "external" and carry the requested harness's name
// (ValidateExternal).
//
// Thread contract: plain values and pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace xs::adapters::openclaw {

using Json = nlohmann::json;

// A manifest file larger than this is refused unread.
inline constexpr std::size_t kMaxManifestBytes = 64 * 1024;

enum class AdapterVerb { kSetup, kStatus, kDoctor };

// Every verb, in the order help and manifests list them.
inline constexpr AdapterVerb kAdapterVerbs[] = {AdapterVerb::kSetup, AdapterVerb::kStatus,
                                                AdapterVerb::kDoctor};

std::string_view VerbName(AdapterVerb verb);
std::optional<AdapterVerb> ParseVerb(std::string_view name);

inline constexpr std::string_view kSourceBuiltin = "builtin";
inline constexpr std::string_view kSourceExternal = "external";

struct AdapterManifest {
  std::string name;
  std::string source;
  std::vector<AdapterVerb> supports;
  std::map<AdapterVerb, std::string> entrypoints;

  bool Supports(AdapterVerb verb) const;
  // The entrypoint of `verb`; empty when there is none.
  std::string Entrypoint(AdapterVerb verb) const;
  bool operator==(const AdapterManifest&) const = default;
};

// True when `name` matches ^[a-z][a-z0-9-]*$.
bool IsAdapterName(std::string_view name);

// Checks a parsed document against every rule above.
Result<AdapterManifest> ManifestFromJson(const Json& doc);

enum class ManifestFormat { kJson, kToml };
// `.json` files are JSON, everything else TOML.
ManifestFormat FormatForPath(std::string_view path);
// Parses the text (a syntax error is a validation error on "manifest") and
// checks it.
Result<AdapterManifest> ParseManifest(std::string_view text, ManifestFormat format);
// Reads (at most kMaxManifestBytes) and parses a manifest file; a missing
// file is not_found. Errors carry the path in their context.
Result<AdapterManifest> LoadManifestFile(const std::string& path);

// An external adapter's extra rules: source "external", name == harness.
Status ValidateExternal(const AdapterManifest& manifest, std::string_view harness);
// `verb` is supported and has an entrypoint, else a validation error on
// "verb" (context: adapter, verb, supportedVerbs).
Status CheckVerb(const AdapterManifest& manifest, AdapterVerb verb);

Json ManifestToJson(const AdapterManifest& manifest);
// The manifest as TOML (name, source, supports, [entrypoints]).
std::string ManifestToToml(const AdapterManifest& manifest);

// The built-in OpenClaw adapter: name openclaw, source builtin, all three
// verbs, entrypoints builtin:openclaw:<verb>.
const AdapterManifest& OpenClawManifest();

// A TOML basic string (quotes, backslashes and control characters escaped).
std::string TomlString(std::string_view text);

}  // namespace xs::adapters::openclaw
