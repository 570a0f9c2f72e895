// xs logs [--since --limit], xs logs export, xs lookup <query>.
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace xs::cli {

namespace {

// One audit entry on one line: time, action, outcome, then the ids.
std::string EntryLine(const Json& e) {
  std::string line =
      HumanValue(e.value("timestamp", Json())) + "  " + HumanValue(e.value("action", Json()));
  if (e.contains("ok")) line += e.value("ok", false) ? "  ok" : "  FAILED";
  if (e.value("dryRun", false)) line += "  dry-run";
  if (e.contains("params") && e["params"].is_object()) {
    for (const auto& [key, value] : e["params"].items())
      line += "  " + key + "=" + HumanValue(value);
  }
  if (e.contains("error") && e["error"].is_object()) {
    line += "  error=" + HumanValue(e["error"].value("message", Json()));
  } else if (e.contains("error")) {
    line += "  error=" + HumanValue(e["error"]);
  }
  return line;
}

Status Logs(Invocation& inv) {
  Json params = Json::object();
  CopyString(inv, "since", "since", &params);
  if (auto limit = inv.args().Int("limit")) params["limit"] = *limit;
  XS_TRY(Json result, inv.Call("admin.logs", params));
  inv.Emit(result, [&](std::ostream& out) {
    const Json entries = result.value("entries", Json::array());
    if (entries.empty()) out << "(no audit entries)\n";
    for (const auto& e : entries) out << EntryLine(e) << "\n";
  });
  return OkStatus();
}

Status Export(Invocation& inv) {
  XS_TRY(Json result, inv.Call("admin.logs-export", Json::object()));
  const std::string ndjson = result.value("ndjson", "");
  if (!inv.json()) {
    inv.out() << ndjson;
    if (!ndjson.empty() && ndjson.back() != '\n') inv.out() << "\n";
    return OkStatus();
  }
  Json entries = Json::array();
  std::size_t start = 0;
  while (start < ndjson.size()) {
    std::size_t end = ndjson.find('\n', start);
    if (end == std::string::npos) end = ndjson.size();
    if (end > start) {
      Json entry = Json::parse(ndjson.substr(start, end - start), nullptr, false);
      if (!entry.is_discarded()) entries.push_back(std::move(entry));
    }
    start = end + 1;
  }
  PrintJson(inv.out(), {{"path", result.value("path", "")}, {"entries", entries}});
  return OkStatus();
}

Status Lookup(Invocation& inv) {
  XS_TRY(Json result, inv.Call("lookup.resolve", {{"query", Arg(inv, 0)}}));
  inv.Emit(result, [&](std::ostream& out) {
    PrintFields(out, {{"type", result.value("type", Json())}, {"id", result.value("id", Json())}});
    if (result.contains("record")) {
      out << "\n";
      PrintRecord(out, result["record"]);
    }
  });
  return OkStatus();
}

}  // namespace

Command LogsCommand() {
  Command export_cmd{"export", "Print the whole audit log as NDJSON"};
  export_cmd.run = Export;

  Command logs{"logs", "Read the audit log"};
  logs.flags = {{"since", FlagKind::kString, "<ISO>", "only entries at or after this time"},
                {"limit", FlagKind::kPositiveInt, "<n>", "at most n entries (default 100)"}};
  logs.run = Logs;
  logs.children = {export_cmd};
  logs.examples = {"xs logs --since 2026-01-01T00:00:00Z --limit 20",
                   "xs logs export > audit.ndjson"};
  return logs;
}

Command LookupCommand() {
  Command lookup{"lookup",
                 "Resolve an address, label or any id",
                 {{"query", "prefixed id or short id, label, 0x address or network inbox id"}}};
  lookup.run = Lookup;
  lookup.examples = {"xs lookup alice", "xs lookup op_1a2b"};
  return lookup;
}

}  // namespace xs::cli
