// xs-convos-tool: the Convos wire codecs (xmtp/convos) on the command line,
// for the offline cross-checks against convos-cli (tests/convos). Test
// tooling: it takes a wallet key in hex on the command line, so it is never
// for real keys.
//
//   xs-convos-tool make-invite --key HEX --inbox HEX --group ID --tag T
//       [--name S] [--description S] [--image-url S] [--emoji S] [--expires-at UNIX]
//       [--conversation-expires-at UNIX] [--single-use] [--env production|dev]
//     -> {"slug","url"}
//   xs-convos-tool parse-invite INPUT [--key HEX --inbox HEX] [--now-ms MS]
//     -> the invite's fields, the recovered signer, "usable" (or its error kind)
//        and, with a key, the host's verdict ("conversationId" or "hostError")
//   xs-convos-tool appdata-parse VALUE     -> {"form","flavour","tag",...}
//   xs-convos-tool appdata-update VALUE [--tag T] [--emoji E] [--expires-at UNIX]
//     -> {"appData"}
//
// One JSON line on stdout; on a refusal {"error":{kind,message}} and exit 1.
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "codec/hex.h"
#include "xmtp/convos/appdata.h"
#include "xmtp/convos/invite.h"

namespace {

using nlohmann::json;
using xs::Error;
namespace convos = xs::xmtp::convos;

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--single-use" -> ""
};

Args ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0) {
      const bool is_flag = arg == "--single-use";
      args.options[arg] = (!is_flag && i + 1 < argc) ? argv[++i] : "";
    } else {
      args.positional.push_back(arg);
    }
  }
  return args;
}

std::optional<std::string> Opt(const Args& args, const std::string& key) {
  const auto it = args.options.find(key);
  if (it == args.options.end()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> OptInt(const Args& args, const std::string& key) {
  auto value = Opt(args, key);
  if (!value) return std::nullopt;
  return std::stoll(*value);
}

int Fail(const Error& error) {
  std::cout << json{{"error", {{"kind", error.kind()}, {"message", error.message()}}}}.dump()
            << "\n";
  return 1;
}

json Nullable(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}
json Nullable(const std::optional<std::int64_t>& value) {
  return value ? json(*value) : json(nullptr);
}

int MakeInvite(const Args& args) {
  auto key = xs::codec::HexDecode(Opt(args, "--key").value_or(""));
  if (!key.ok()) return Fail(key.error());
  convos::InviteDetails details;
  details.name = Opt(args, "--name");
  details.description = Opt(args, "--description");
  details.image_url = Opt(args, "--image-url");
  details.emoji = Opt(args, "--emoji");
  details.expires_at_unix = OptInt(args, "--expires-at");
  details.conversation_expires_at_unix = OptInt(args, "--conversation-expires-at");
  details.expires_after_use = Opt(args, "--single-use").has_value();
  auto slug =
      convos::CreateInviteSlug(Opt(args, "--group").value_or(""), Opt(args, "--inbox").value_or(""),
                               Opt(args, "--tag").value_or(""), *key, details);
  if (!slug.ok()) return Fail(slug.error());
  const auto env = Opt(args, "--env").value_or("dev") == "production"
                       ? convos::InviteEnv::kProduction
                       : convos::InviteEnv::kDev;
  std::cout << json{{"slug", *slug}, {"url", convos::InviteUrl(*slug, env)}}.dump() << "\n";
  return 0;
}

int ParseInviteCommand(const Args& args) {
  if (args.positional.size() != 1) return Fail(Error::Validation("INPUT", "one invite expected"));
  auto invite = convos::ParseInvite(args.positional[0]);
  if (!invite.ok()) return Fail(invite.error());
  const std::int64_t now_ms = OptInt(args, "--now-ms").value_or(xs::SystemClock::Get()->NowMs());
  json out{{"tag", invite->tag},
           {"creatorInboxId", invite->creator_inbox_id},
           {"name", Nullable(invite->details.name)},
           {"description", Nullable(invite->details.description)},
           {"imageUrl", Nullable(invite->details.image_url)},
           {"emoji", Nullable(invite->details.emoji)},
           {"expiresAtUnix", Nullable(invite->details.expires_at_unix)},
           {"conversationExpiresAtUnix", Nullable(invite->details.conversation_expires_at_unix)},
           {"expiresAfterUse", invite->details.expires_after_use},
           {"slug", convos::InviteToSlug(*invite)}};
  auto signer = convos::RecoverInviteSigner(*invite);
  out["signerPublicKey"] = signer.ok() ? json("0x" + xs::codec::HexEncode(*signer)) : json(nullptr);
  const xs::Status usable = convos::CheckInviteUsable(*invite, now_ms);
  out["usable"] = usable.ok() ? json(true) : json(usable.error().kind());
  if (auto key_hex = Opt(args, "--key")) {
    auto key = xs::codec::HexDecode(*key_hex);
    if (!key.ok()) return Fail(key.error());
    auto id = convos::VerifyInviteForHost(*invite, Opt(args, "--inbox").value_or(""), *key, now_ms);
    if (id.ok()) {
      out["conversationId"] = *id;
    } else {
      out["hostError"] = id.error().kind();
    }
  }
  std::cout << out.dump() << "\n";
  return 0;
}

const char* FormName(convos::AppData::Form form) {
  switch (form) {
    case convos::AppData::Form::kEmpty:
      return "empty";
    case convos::AppData::Form::kProtobuf:
      return "protobuf";
    case convos::AppData::Form::kLegacyJson:
      return "legacy-json";
  }
  return "?";
}

const char* FlavourName(convos::FrameFlavour flavour) {
  switch (flavour) {
    case convos::FrameFlavour::kPlain:
      return "plain";
    case convos::FrameFlavour::kRawDeflate:
      return "raw-deflate";
    case convos::FrameFlavour::kZlib:
      return "zlib";
  }
  return "?";
}

int AppDataParse(const Args& args) {
  auto parsed = convos::ParseAppData(args.positional.empty() ? "" : args.positional[0]);
  if (!parsed.ok()) return Fail(parsed.error());
  std::cout << json{{"form", FormName(parsed->form)},
                    {"flavour", FlavourName(parsed->flavour)},
                    {"tag", parsed->tag},
                    {"emoji", Nullable(parsed->emoji)},
                    {"expiresAtUnix", Nullable(parsed->expires_at_unix)},
                    {"profileCount", parsed->profile_count},
                    {"hasImageEncryptionKey", parsed->has_image_encryption_key}}
                   .dump()
            << "\n";
  return 0;
}

int AppDataUpdate(const Args& args) {
  convos::AppDataUpdate update;
  update.tag = Opt(args, "--tag");
  update.emoji = Opt(args, "--emoji");
  update.expires_at_unix = OptInt(args, "--expires-at");
  auto next = convos::UpdateAppData(args.positional.empty() ? "" : args.positional[0], update);
  if (!next.ok()) return Fail(next.error());
  std::cout << json{{"appData", *next}}.dump() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(
        stderr,
        "usage: xs-convos-tool make-invite|parse-invite|appdata-parse|appdata-update ...\n");
    return 1;
  }
  const std::string command = argv[1];
  const Args args = ParseArgs(argc, argv);
  try {
    if (command == "make-invite") return MakeInvite(args);
    if (command == "parse-invite") return ParseInviteCommand(args);
    if (command == "appdata-parse") return AppDataParse(args);
    if (command == "appdata-update") return AppDataUpdate(args);
  } catch (const std::exception&) {  // std::stoll on a bad number
    return Fail(Error::Validation("arguments", "a number option is not a number"));
  }
  std::fprintf(stderr, "xs-convos-tool: unknown command %s\n", command.c_str());
  return 1;
}
