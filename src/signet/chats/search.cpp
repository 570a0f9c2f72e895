// search.messages and search.resources (decisions.md #20, `xs search`).
//
//   search.messages  {query, chatId?, as?, limit?}  message content, so admin
//                    read elevation first, exactly as message.list: the flag,
//                    and the owner's approval for every chat in scope. A
//                    credential searches its own chats only (another chat is
//                    not_found), without elevation; without read-messages it
//                    gets no matches, and it matches only the messages it
//                    would read (credential_access.h: allowlist, history).
//   search.resources {query, types?[], chatId?, as?, limit?}  operators,
//                    policies, credentials and conversations by their ids,
//                    labels, names and scopes
//
// The chats in scope are one chat (chatId), the chats one inbox holds (as),
// or every chat. Nothing is indexed: each search decrypts the stored
// messages of the chats in scope through their clients and scans them in
// memory, so no plaintext reaches the disk (the client store seals content).
// Matches come best first (search_match.h), then newest first.
#include <algorithm>
#include <functional>
#include <map>

#include "base/clock.h"
#include "codec/hex.h"
#include "signet/chats/chats_internal.h"
#include "signet/chats/credential_access.h"
#include "signet/chats/limits.h"
#include "signet/chats/search_match.h"
#include "signet/core/action_params.h"
#include "xmtp/content/codecs.h"

namespace xs::signet {

namespace client = xmtp::client;
namespace content = xmtp::content;

namespace {

const std::vector<std::string> kResourceTypes = {"conversation", "credential", "operator",
                                                 "policy"};

Result<std::size_t> ResultLimit(const Json& p) {
  if (!HasField(p, "limit")) return kDefaultSearchResultCount;
  const Json& l = p["limit"];
  if (!l.is_number_integer() || l.get<std::int64_t>() <= 0 ||
      l.get<std::int64_t>() > static_cast<std::int64_t>(kMaxSearchResultCount)) {
    return Error::Validation(
        "limit", "must be an integer from 1 to " + std::to_string(kMaxSearchResultCount));
  }
  return l.get<std::size_t>();
}

Result<SearchQuery> QueryParam(const Json& p) {
  XS_TRY(std::string text, GetString(p, "query"));
  return ParseSearchQuery(text);
}

// The chat records a search looks at.
Result<std::vector<Json>> ChatsInScope(Chats::Impl& impl, const Json& p) {
  XS_TRY(std::size_t joined, impl.Reconcile());
  (void)joined;
  std::string as;
  if (HasField(p, "as")) {
    XS_TRY(as, impl.AsInbox(p));
  }
  if (HasField(p, "chatId")) {
    XS_TRY(std::string id, impl.ResolveParam(p));
    XS_TRY(Json chat, impl.chats->Get(id));
    if (!as.empty() && chat.value("inboxId", "") != as) {
      return Error::Validation(
          "as", "chat " + id + " is held by inbox " + chat.value("inboxId", "") + ", not " + as);
    }
    return std::vector<Json>{chat};
  }
  std::vector<Json> out;
  for (const auto& [id, chat] : impl.chats->ById()) {
    if (as.empty() || chat.value("inboxId", "") == as) out.push_back(chat);
  }
  return out;
}

// ---------------------------------------------------------------- messages

// The words of a message a person wrote: text, markdown, a reply's text.
std::optional<std::string> SearchableText(const content::EncodedContent& c, bool in_reply) {
  if (auto text = content::DecodeText(c); text.ok()) return *text;
  if (auto markdown = content::DecodeMarkdown(c); markdown.ok()) return *markdown;
  if (in_reply) return std::nullopt;
  if (auto reply = content::DecodeReply(c); reply.ok()) return SearchableText(reply->content, true);
  return std::nullopt;
}

struct MessageMatch {
  int score = 0;
  std::string chat_id;
  std::string text;
  client::Message message;
};

// Which stored messages a search may match (a credential's view); null:
// every one.
using MessageFilter = std::function<bool(const client::Message&)>;

// Every match in one chat (its client's stored messages, decrypted).
void ScanChat(Chats::Impl& impl, const Json& chat, const SearchQuery& q, const MessageFilter& keep,
              std::vector<MessageMatch>& out) {
  auto bound = impl.Bind(chat.value("id", ""));
  if (!bound.ok()) return;  // no client for it: `xs chat info` says why
  auto messages = bound->client->Messages(bound->group_id);
  if (!messages.ok()) return;
  for (auto& m : *messages) {
    if (m.kind != client::Message::Kind::kApplication) continue;
    if (keep && !keep(m)) continue;
    std::optional<std::string> text = SearchableText(m.content, false);
    if (!text) continue;
    std::optional<int> score = MatchScore(q, *text);
    if (!score) continue;
    out.push_back({*score, chat.value("id", ""), std::move(*text), std::move(m)});
  }
}

// Matches best first, then newest first, at most `limit`, as result rows.
Result<Json> MatchRows(Chats::Impl& impl, const SearchQuery& q, std::vector<MessageMatch> matches,
                       std::size_t limit) {
  std::sort(matches.begin(), matches.end(), [](const MessageMatch& a, const MessageMatch& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.message.sent_ns > b.message.sent_ns;
  });
  if (matches.size() > limit) matches.resize(limit);
  Json out = Json::array();
  Status mapped = impl.s->store->UnsyncedTransaction([&]() -> Status {
    for (const auto& m : matches) {
      auto id = impl.MessageId(m.message.id);
      if (!id.ok()) return id.error();
      out.push_back({{"type", "message"},
                     {"id", *id},
                     {"networkId", codec::HexEncode(m.message.id)},
                     {"chatId", m.chat_id},
                     {"senderInboxId", m.message.sender_inbox_id},
                     {"sentAt", IsoTime(static_cast<std::int64_t>(m.message.sent_ns) / kNsPerMs)},
                     {"contentType", m.message.content.type.ToString()},
                     {"text", m.text},
                     {"snippet", Snippet(q, m.text, kSearchSnippetBytes)},
                     {"score", m.score}});
    }
    return OkStatus();
  });
  XS_RETURN_IF_ERROR(mapped);
  return out;
}

// decisions.md #20 for a credential: its chats only, no matches without
// read-messages, only messages it would read.
Result<Json> CredentialSearchMessages(Chats::Impl& impl, const Json& p, const CallContext& ctx) {
  XS_TRY(SearchQuery q, QueryParam(p));
  XS_TRY(std::size_t limit, ResultLimit(p));
  XS_TRY(Credential c, CallerCredential(*impl.s, ctx.credential_id));
  std::vector<std::string> ids = c.chat_ids;
  if (HasField(p, "chatId")) {
    XS_TRY(std::string ref, GetString(p, "chatId"));
    std::optional<std::string> id = ScopedChat(impl, c, ref);
    if (!id) return Error::NotFound("chat not found: " + ref);
    ids = {*id};
  }
  XS_RETURN_IF_ERROR(RequireActive(c, "cannot search"));
  if (!HasScope(c, "read-messages")) return Json::array();
  const std::vector<std::string> allowlist = AllowlistOf(*impl.s, c);
  MessageFilter keep = [&c, &allowlist](const client::Message& m) {
    return ReadVisibility(c, allowlist, m).has_value();
  };
  std::vector<MessageMatch> matches;
  for (const auto& id : ids) {
    if (const Json* chat = impl.chats->Find(id)) ScanChat(impl, *chat, q, keep, matches);
  }
  XS_TRY(Json rows, MatchRows(impl, q, std::move(matches), limit));
  for (auto& row : rows) {
    auto type = xmtp::content::ContentTypeId::Parse(row.value("contentType", ""));
    if (type.ok()) row["contentType"] = AgentContentType(*type);
  }
  return rows;
}

Result<Json> SearchMessages(Chats::Impl& impl, const Json& p, const CallContext& ctx) {
  if (ctx.caller == CallContext::Caller::kCredential) {
    return CredentialSearchMessages(impl, p, ctx);
  }
  XS_TRY(SearchQuery q, QueryParam(p));
  XS_TRY(std::size_t limit, ResultLimit(p));
  XS_TRY(std::vector<Json> chats, ChatsInScope(impl, p));
  std::vector<std::string> chat_ids;
  for (const auto& chat : chats) chat_ids.push_back(chat.value("id", ""));
  if (chat_ids.empty()) {
    // Nothing to read; the flag is still required, as for any content.
    if (!ctx.dangerously_allow_message_read) {
      return Error::Permission(
          "admins cannot read message content; pass --dangerously-allow-message-read");
    }
    return Json::array();
  }
  std::optional<std::string> passphrase;
  if (auto it = p.find("ownerPassphrase"); it != p.end() && it->is_string()) {
    passphrase = it->get<std::string>();
  }
  XS_TRY(AdminReadElevation elevation, impl.s->elevation->Authorize(ctx, chat_ids, passphrase));
  (void)elevation;
  std::vector<MessageMatch> matches;
  for (const auto& chat : chats) ScanChat(impl, chat, q, nullptr, matches);
  return MatchRows(impl, q, std::move(matches), limit);
}

// ---------------------------------------------------------------- resources

// A record as search sees it: named fields of text.
struct Candidate {
  std::string type, id, name;
  std::vector<std::pair<std::string, std::string>> fields;
  Json extra = Json::object();
};

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

Result<std::vector<std::string>> ResourceTypes(const Json& p, bool chat_scoped) {
  if (!HasField(p, "types")) {
    if (chat_scoped) return std::vector<std::string>{"conversation", "credential"};
    return kResourceTypes;
  }
  XS_TRY(std::vector<std::string> types, GetStringList(p, "types"));
  if (types.empty()) return kResourceTypes;
  for (const auto& t : types) {
    if (std::find(kResourceTypes.begin(), kResourceTypes.end(), t) == kResourceTypes.end()) {
      return Error::Validation("types", "'" + t + "' is not one of " + Joined(kResourceTypes));
    }
    if (chat_scoped && (t == "operator" || t == "policy")) {
      return Error::Validation("types", t + "s are not in a chat: drop --chat / --as");
    }
  }
  return types;
}

void AddConversations(Chats::Impl& impl, const std::vector<Json>& chats,
                      std::vector<Candidate>& out) {
  for (const auto& chat : chats) {
    // The name and description only: no member lists.
    Json view = impl.View(chat, Chats::Impl::Detail::kSummary);
    Candidate c{"conversation", chat.value("id", ""), view.value("name", ""), {}, Json::object()};
    c.fields = {{"id", c.id},
                {"name", c.name},
                {"description", view.value("description", "")},
                {"networkGroupId", chat.value("networkGroupId", "")},
                {"type", chat.value("type", "")}};
    c.extra = {{"chatId", c.id}, {"inboxId", chat.value("inboxId", "")}};
    out.push_back(std::move(c));
  }
}

void AddCredentials(Chats::Impl& impl, const std::vector<Json>& chats, bool chat_scoped,
                    std::vector<Candidate>& out) {
  std::map<std::string, std::string> chat_names;
  for (const auto& chat : chats) chat_names[chat.value("id", "")] = chat.value("name", "");
  for (const auto& cred : impl.s->credentials->List()) {
    std::string chat_text;
    bool in_scope = !chat_scoped;
    for (const auto& id : cred.chat_ids) {
      auto it = chat_names.find(id);
      in_scope = in_scope || it != chat_names.end();
      chat_text += id + " " + (it != chat_names.end() ? it->second + " " : "");
    }
    if (!in_scope) continue;
    const OperatorRecord* op = impl.s->operators->Find(cred.operator_id);
    Candidate c{
        "credential", cred.id, op != nullptr ? op->label : cred.operator_id, {}, Json::object()};
    c.fields = {{"id", cred.id},
                {"operator", cred.operator_id + " " + (op != nullptr ? op->label : "")},
                {"policyId", cred.policy_id},
                {"chats", chat_text},
                {"scopes", Joined(cred.effective.allow)},
                {"status", std::string(CredentialStatusName(cred.status))}};
    c.extra = {{"operatorId", cred.operator_id},
               {"status", std::string(CredentialStatusName(cred.status))},
               {"chatIds", cred.chat_ids}};
    out.push_back(std::move(c));
  }
}

void AddOperatorsAndPolicies(Chats::Impl& impl, const std::vector<std::string>& types,
                             std::vector<Candidate>& out) {
  auto wanted = [&](const char* t) {
    return std::find(types.begin(), types.end(), t) != types.end();
  };
  if (wanted("operator")) {
    for (const auto& [id, op] : impl.s->operators->All()) {
      Candidate c{"operator", id, op.label, {}, Json::object()};
      c.fields = {{"id", id}, {"label", op.label}, {"role", std::string(Name(op.role))}};
      c.extra = {{"status", std::string(Name(op.status))}};
      out.push_back(std::move(c));
    }
  }
  if (wanted("policy")) {
    for (const auto& [id, policy] : impl.s->policies->All()) {
      Candidate c{"policy", id, policy.label, {}, Json::object()};
      c.fields = {{"id", id},
                  {"label", policy.label},
                  {"allow", Joined(policy.allow)},
                  {"deny", Joined(policy.deny)}};
      out.push_back(std::move(c));
    }
  }
}

Result<Json> SearchResources(Chats::Impl& impl, const Json& p) {
  XS_TRY(SearchQuery q, QueryParam(p));
  XS_TRY(std::size_t limit, ResultLimit(p));
  const bool chat_scoped = HasField(p, "chatId") || HasField(p, "as");
  XS_TRY(std::vector<std::string> types, ResourceTypes(p, chat_scoped));
  XS_TRY(std::vector<Json> chats, ChatsInScope(impl, p));
  auto wanted = [&](const char* t) {
    return std::find(types.begin(), types.end(), t) != types.end();
  };
  std::vector<Candidate> candidates;
  if (wanted("conversation")) AddConversations(impl, chats, candidates);
  if (wanted("credential")) AddCredentials(impl, chats, chat_scoped, candidates);
  AddOperatorsAndPolicies(impl, types, candidates);

  std::vector<Json> rows;
  for (auto& c : candidates) {
    std::string all;
    Json matched = Json::array();
    for (const auto& [field, text] : c.fields) {
      all += text + "\n";
      if (ContainsAnyTerm(q, text)) matched.push_back(field);
    }
    std::optional<int> score = MatchScore(q, all);
    if (!score) continue;
    Json row = {{"type", c.type},           {"id", c.id},      {"name", c.name},
                {"matchedFields", matched}, {"score", *score}, {"snippet", c.name}};
    row.update(c.extra);
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) {
    return a.value("score", 0) > b.value("score", 0);
  });
  if (rows.size() > limit) rows.resize(limit);
  return Json(rows);
}

}  // namespace

void RegisterSearchActions(ActionRegistry& r, Chats::Impl& impl) {
  Chats::Impl* i = &impl;
  const Param query = {"query", ParamType::kString,
                       "Words to find, case-insensitive: every word must occur (whole words and "
                       "the exact phrase rank higher); at most " +
                           std::to_string(kMaxSearchQueryBytes) + " bytes",
                       true};
  const Param limit = {"limit", ParamType::kInteger,
                       "At most this many results, best first (1 to " +
                           std::to_string(kMaxSearchResultCount) + ", default " +
                           std::to_string(kDefaultSearchResultCount) + ")"};
  r.Register(
      {"search.messages", "Search message content (admins: needs read elevation)", Intent::kRead,
       true, false,
       [i](const Json& p, const CallContext& ctx) { return SearchMessages(*i, p, ctx); }},
      {query,
       limit,
       {"chatId", ParamType::kString,
        "Only this chat: its conv_ id or the network group id (admins: also a short id or the "
        "chat's name); absent: every chat the caller may read"},
       {"as", ParamType::kString, "Admin callers only: only the chats this managed inbox holds"},
       OwnerPassphraseParam()});
  r.Register({"search.resources", "Search operators, policies, credentials and conversations",
              Intent::kRead, true, true,
              [i](const Json& p, const CallContext&) { return SearchResources(*i, p); }},
             {query,
              limit,
              NameListParam("types",
                            "Kinds of record to search: conversation, credential, operator, policy "
                            "(absent: all; with chatId or as: conversation and credential)"),
              ChatIdParam(false),
              {"as", ParamType::kString, "Only the chats this managed inbox holds"}});
}

}  // namespace xs::signet
