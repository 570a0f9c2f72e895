#include "cli/commands/common.h"

#include "transport/admin/raw_json.h"

namespace xs::cli {

FlagSpec ForceFlag(const std::string& what) {
  return {"force", FlagKind::kBool, "",
          "really " + what + " (without it: print the plan, change nothing)"};
}

FlagSpec PassphraseFileFlag(const std::string& purpose) {
  return {"passphrase-file", FlagKind::kString, "<path>",
          "file holding the " + purpose + " (or $XMTP_SIGNET_OWNER_PASSPHRASE_FILE)"};
}

PositionalSpec IdArgument(const std::string& what, bool labels) {
  return {labels ? "id|label" : "id",
          what + (labels ? " id, short id or label" : " id or short id"), true};
}

std::string Arg(const Invocation& inv, std::size_t index) {
  return inv.args().Positional(index).value_or("");
}

void CopyString(const Invocation& inv, const std::string& flag, const std::string& param,
                Json* params) {
  if (auto v = inv.args().Value(flag)) (*params)[param] = *v;
}

void CopyList(const Invocation& inv, const std::string& flag, const std::string& param,
              Json* params) {
  if (inv.args().Has(flag)) (*params)[param] = inv.args().List(flag);
}

Status ShowRecord(Invocation& inv, std::string_view method, const Json& params) {
  XS_TRY(Json record, inv.Call(method, params));
  inv.Emit(record, [&](std::ostream& out) { PrintRecord(out, record); });
  return OkStatus();
}

Status ShowTable(Invocation& inv, std::string_view method, const Json& params,
                 const std::vector<Column>& columns) {
  if (inv.json()) {
    // Printed as the daemon wrote it, only laid out: a long list (1,000
    // chats) is not parsed and dumped again.
    XS_TRY(std::string text, inv.CallForText(method, params));
    inv.out() << transport::IndentJson(text, kJsonIndent) << "\n";
    return OkStatus();
  }
  XS_TRY(Json rows, inv.Call(method, params));
  inv.Emit(rows, [&](std::ostream& out) { PrintTable(out, columns, rows); });
  return OkStatus();
}

Status RunDestructive(Invocation& inv, std::string_view method, Json params,
                      const std::function<void(std::ostream&, const Json&)>& done) {
  params["force"] = inv.args().Bool("force");
  XS_TRY(Json result, inv.Call(method, params));
  inv.Emit(result, [&](std::ostream& out) {
    if (IsDryRun(result)) {
      PrintDryRun(out, result);
    } else {
      done(out, result);
    }
  });
  return OkStatus();
}

namespace {

std::vector<std::string> SplitDotted(const std::string& field) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= field.size()) {
    std::size_t dot = field.find('.', start);
    if (dot == std::string::npos) dot = field.size();
    parts.push_back(field.substr(start, dot - start));
    start = dot + 1;
  }
  return parts;
}

// --only a.b: one field of the record (dotted path), or a validation error
// listing the fields there are.
Result<Json> Project(const Json& record, const std::string& field, const std::string& path) {
  const Json* node = &record;
  for (const auto& part : SplitDotted(field)) {
    if (!node->is_object() || !node->contains(part)) {
      node = nullptr;
      break;
    }
    node = &(*node)[part];
  }
  if (node && !field.empty()) return *node;
  std::string known;
  for (const auto& [key, value] : Flatten(record)) known += (known.empty() ? "" : ", ") + key;
  return UsageError("--only", "no field '" + field + "' (fields: " + known + ")", path);
}

}  // namespace

Status EmitRecordOrField(Invocation& inv, const Json& record) {
  if (auto only = inv.args().Value("only")) {
    XS_TRY(Json value, Project(record, *only, inv.args().CommandPath()));
    inv.Emit(value, [&](std::ostream& out) { out << HumanValue(value) << "\n"; });
    return OkStatus();
  }
  inv.Emit(record, [&](std::ostream& out) { PrintRecord(out, record); });
  return OkStatus();
}

void PrintTitled(std::ostream& out, const std::string& message, const Json& record) {
  out << message << "\n";
  PrintRecord(out, record);
}

}  // namespace xs::cli
