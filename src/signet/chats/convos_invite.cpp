// chat.invite {chatId, name?, description?, rotate?, profileName?}: a Convos
// invite link to one of our group chats (shared/spec/convos-interop.md §1,
// §5; convos-scheme.md). The invite tag lives in the group's appData
// (ConversationCustomMetadata, read-modify-write) so that every Convos
// client, iOS included, recognises the group; the first invite writes a
// fresh tag (and announces the agent with a profile_update, memberKind
// AGENT, as convos-cli does for the groups it creates), later ones reuse it,
// and `rotate` writes a new tag, which revokes every earlier invite. The
// slug is signed with the chat inbox's wallet key, which also seals the
// group id in the conversation token. Every invite is audited.
//
// Result: {chatId, url, slug, tag, rotated, creatorInboxId}.
//
// chat.update-profile {chatId, profileName?}: a new profile_update (memberKind
// AGENT, the name when given) into the chat. Result: {chatId, messageId,
// profileName, memberKind}.
#include "codec/hex.h"
#include "signet/chats/chats_internal.h"
#include "signet/core/action_params.h"
#include "xmtp/content/convos.h"
#include "xmtp/convos/appdata.h"
#include "xmtp/convos/invite.h"
#include "xmtp/group/constants.h"

namespace xs::signet {

namespace client = xmtp::client;
namespace convos = xmtp::convos;

namespace {

// The name and description an invite shows: the parameters, else the group's.
Result<convos::InviteDetails> Details(const Json& p, const client::GroupView& view) {
  convos::InviteDetails details;
  XS_TRY(std::string name, GetOptString(p, "name", view.name));
  XS_TRY(std::string description, GetOptString(p, "description", view.description));
  if (!name.empty()) details.name = name;
  if (!description.empty()) details.description = description;
  return details;
}

Result<Json> Invite(Chats::Impl& impl, const Json& p) {
  RuntimeState& s = *impl.s;
  XS_TRY(std::string chat_id, impl.ResolveParam(p));
  XS_TRY(Chats::Impl::Bound b, impl.Bind(chat_id));
  XS_TRY(client::GroupView view, b.client->Group(b.group_id, client::Client::ConsentLookup::kSkip));
  if (view.kind == client::ConversationKind::kDm) {
    return Error::Validation("chatId", "a DM has no invites; invite to a group chat");
  }
  if (!view.active) return Error::Validation("chatId", "we are no longer a member of this chat");
  XS_TRY(convos::InviteDetails details, Details(p, view));
  XS_TRY(std::string profile_name, GetOptString(p, "profileName"));
  const bool rotate = GetBool(p, "rotate");

  auto stored = convos::ParseAppData(view.app_data);
  if (!stored.ok()) {
    return Error::Validation("appData",
                             "the group's appData is not Convos metadata, so no tag is "
                             "written over it: " +
                                 stored.error().message());
  }
  std::string tag = stored->tag;
  const bool first = tag.empty();
  if (first || rotate) {
    tag = convos::NewInviteTag();
    convos::AppDataUpdate update;
    update.tag = tag;
    XS_TRY(std::string app_data, convos::UpdateAppData(view.app_data, update));
    XS_RETURN_IF_ERROR(
        b.client->UpdateMetadata(b.group_id, std::string(xmtp::group::kAppData), app_data));
  }
  if (first || !profile_name.empty()) {
    xmtp::content::ConvosProfile profile;
    profile.member_kind = xmtp::content::ConvosMemberKind::kAgent;
    if (!profile_name.empty()) profile.name = profile_name;
    XS_TRY(client::Bytes sent,
           b.client->Send(b.group_id, xmtp::content::EncodeConvosProfileUpdate(profile)));
    (void)sent;
  }

  XS_TRY(InboxRecord inbox, s.inboxes->Get(b.chat.value("inboxId", "")));
  XS_TRY(crypto::Secret wallet_key, s.wallets->Secret(inbox.wallet_id));
  XS_TRY(std::string slug,
         convos::CreateInviteSlug(codec::HexEncode(b.group_id), b.client->inbox_id(), tag,
                                  wallet_key.bytes(), details));
  const auto env =
      s.options.env == "production" ? convos::InviteEnv::kProduction : convos::InviteEnv::kDev;
  XS_RETURN_IF_ERROR(s.audit->Append(
      "chat.invite", {{"chatId", chat_id}, {"tag", tag}, {"rotated", rotate && !first}}));
  return Json{{"chatId", chat_id},
              {"url", convos::InviteUrl(slug, env)},
              {"slug", slug},
              {"tag", tag},
              {"rotated", rotate && !first},
              {"creatorInboxId", b.client->inbox_id()}};
}

// chat.update-profile {chatId, profileName?}: the agent's Convos profile in
// the chat (profile_update, memberKind AGENT; the name when given).
Result<Json> UpdateProfile(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::string chat_id, impl.ResolveParam(p));
  XS_TRY(Chats::Impl::Bound b, impl.Bind(chat_id));
  XS_TRY(client::GroupView view, b.client->Group(b.group_id, client::Client::ConsentLookup::kSkip));
  if (view.kind == client::ConversationKind::kDm || !view.active) {
    return Error::Validation("chatId", "a Convos profile is sent into a group we are a member of");
  }
  XS_TRY(std::string name, GetOptString(p, "profileName"));
  xmtp::content::ConvosProfile profile;
  profile.member_kind = xmtp::content::ConvosMemberKind::kAgent;
  if (!name.empty()) profile.name = name;
  XS_TRY(client::Bytes sent,
         b.client->Send(b.group_id, xmtp::content::EncodeConvosProfileUpdate(profile)));
  XS_TRY(std::string message_id, impl.MessageId(sent));
  XS_RETURN_IF_ERROR(impl.s->audit->Append("chat.update-profile", {{"chatId", chat_id}}));
  return Json{{"chatId", chat_id},
              {"messageId", message_id},
              {"profileName", name.empty() ? Json(nullptr) : Json(name)},
              {"memberKind", "agent"}};
}

}  // namespace

void RegisterConvosInviteActions(ActionRegistry& r, Chats::Impl& impl) {
  Chats::Impl* i = &impl;
  const Param profile_name = {"profileName", ParamType::kString,
                              "The agent's display name in its Convos profile"};
  r.Register({"chat.invite", "Make a Convos invite link to a group chat", Intent::kWrite, false,
              true, [i](const Json& p, const CallContext&) { return Invite(*i, p); }},
             {ChatIdParam(),
              {"name", ParamType::kString, "The name the invite shows (default: the group's)"},
              {"description", ParamType::kString,
               "The description the invite shows (default: the group's)"},
              profile_name,
              {"rotate", ParamType::kBoolean,
               "true: a new invite tag, which revokes every earlier invite"}});
  r.Register(
      {"chat.update-profile", "Send the agent's Convos profile into a group chat", Intent::kWrite,
       false, true, [i](const Json& p, const CallContext&) { return UpdateProfile(*i, p); }},
      {ChatIdParam(), profile_name});
}

}  // namespace xs::signet
