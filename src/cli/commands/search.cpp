// xs search <query> (cli.md "search"; decisions.md #20). Resources
// (conversations, credentials, operators, policies) need nothing more;
// message content needs read elevation as `msg list` does. Without --type
// both are searched when --dangerously-allow-message-read is given, and only
// resources (saying so) when it is not.
#include <algorithm>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

const std::vector<Column> kResultColumns = {
    {"TYPE", "/type"}, {"ID", "/id"}, {"CHAT", "/chatId"}, {"MATCH", "/snippet"}};

Status Search(Invocation& inv) {
  const std::string type = inv.args().Value("type").value_or("");
  const bool read = inv.args().Bool("dangerously-allow-message-read");
  Json base = {{"query", Arg(inv, 0)}};
  CopyString(inv, "chat", "chatId", &base);
  CopyString(inv, "as", "as", &base);
  const auto limit = inv.args().Int("limit");
  if (limit) base["limit"] = *limit;

  std::vector<Json> results;
  if (type != "messages") {
    Json params = base;
    if (!type.empty() && type != "resources") params["types"] = Json::array({type});
    XS_TRY(Json rows, inv.Call("search.resources", params));
    results.insert(results.end(), rows.begin(), rows.end());
  }
  const bool messages = type == "messages" || (type.empty() && read);
  if (messages) {
    Json params = base;
    if (read) params["dangerouslyAllowMessageRead"] = true;
    XS_TRY(Json rows, inv.CallGated("search.messages", std::move(params)));
    results.insert(results.end(), rows.begin(), rows.end());
  }
  // Best first across both kinds (each came best first).
  std::stable_sort(results.begin(), results.end(), [](const Json& a, const Json& b) {
    return a.value("score", 0) > b.value("score", 0);
  });
  if (limit && results.size() > static_cast<std::size_t>(*limit)) {
    results.resize(static_cast<std::size_t>(*limit));
  }
  Json out = {{"query", base["query"]}, {"results", results}, {"messagesSearched", messages}};
  inv.Emit(out, [&](std::ostream& o) {
    PrintTable(o, kResultColumns, out["results"]);
    if (!messages && type.empty()) {
      o << "Messages were not searched: pass --dangerously-allow-message-read (owner approval)\n";
    }
  });
  return OkStatus();
}

}  // namespace

Command SearchCommand() {
  Command search{"search",
                 "Search chats, credentials, operators, policies and (with read elevation) "
                 "messages; case-insensitive words and substrings",
                 {{"query", "words to find (every word must match)"}}};
  search.flags = {
      {"chat", FlagKind::kString, "<chat>", "only this chat: conv_ id, short id, name or group id"},
      {"type",
       FlagKind::kString,
       "<kind>",
       "only messages, resources, or one resource kind",
       false,
       {"messages", "resources", "operator", "policy", "credential", "conversation"}},
      {"limit", FlagKind::kPositiveInt, "<n>", "at most n results (default 20 of each kind)"},
      {"as", FlagKind::kString, "<inbox>", "only the chats this managed inbox holds"},
      {"dangerously-allow-message-read", FlagKind::kBool, "",
       "search message content (owner approval for 60 s per chat)"},
      PassphraseFileFlag("owner passphrase approving the read")};
  search.run = Search;
  search.examples = {"xs search deploy --type conversation",
                     "xs search \"release notes\" --chat support --dangerously-allow-message-read"};
  return search;
}

}  // namespace xs::cli
