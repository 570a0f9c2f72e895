#include "cli/output.h"

#include <algorithm>

namespace xs::cli {

namespace {

std::string Printable(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) out.push_back(c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
  return out;
}

void FlattenInto(const Json& value, const std::string& prefix, Fields* out) {
  if (value.is_object() && !value.empty()) {
    // The id leads; the rest follows in key order.
    if (prefix.empty() && value.contains("id")) out->emplace_back("id", value["id"]);
    for (const auto& [key, child] : value.items()) {
      if (prefix.empty() && key == "id") continue;
      FlattenInto(child, prefix.empty() ? key : std::string(prefix).append(".").append(key), out);
    }
    return;
  }
  out->emplace_back(prefix, value);
}

}  // namespace

std::string Dump(const Json& value, int indent) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

void PrintJson(std::ostream& out, const Json& value) { out << Dump(value) << "\n"; }

std::string HumanValue(const Json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    return s.empty() ? "-" : Printable(s);
  }
  if (value.is_array()) {
    if (value.empty()) return "-";
    std::string out;
    for (const auto& item : value) {
      if (!out.empty()) out += ", ";
      out += item.is_string() ? Printable(item.get<std::string>()) : Printable(Dump(item, -1));
    }
    return out;
  }
  if (value.is_object() && value.empty()) return "-";
  return Printable(Dump(value, -1));
}

void PrintFields(std::ostream& out, const Fields& fields) {
  std::size_t width = 0;
  for (const auto& f : fields) width = std::max(width, f.first.size());
  for (const auto& [key, value] : fields) {
    out << key << std::string(width - key.size() + 2, ' ') << HumanValue(value) << "\n";
  }
}

Fields Flatten(const Json& record) {
  Fields fields;
  FlattenInto(record, "", &fields);
  return fields;
}

void PrintRecord(std::ostream& out, const Json& record) { PrintFields(out, Flatten(record)); }

void PrintTable(std::ostream& out, const std::vector<Column>& columns, const Json& rows) {
  if (!rows.is_array() || rows.empty()) {
    out << "(none)\n";
    return;
  }
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> width;
  for (const auto& c : columns) width.push_back(c.header.size());
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      Json::json_pointer ptr(columns[i].pointer);
      std::string text = row.is_object() && row.contains(ptr) ? HumanValue(row.at(ptr)) : "-";
      width[i] = std::max(width[i], text.size());
      line.push_back(std::move(text));
    }
    cells.push_back(std::move(line));
  }
  auto print_line = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(width[i] - line[i].size() + 2, ' ');
    }
    out << text << "\n";
  };
  std::vector<std::string> header;
  for (const auto& c : columns) header.push_back(c.header);
  print_line(header);
  for (const auto& line : cells) print_line(line);
}

bool IsDryRun(const Json& result) { return result.is_object() && result.value("dryRun", false); }

void PrintDryRun(std::ostream& out, const Json& result) {
  out << "Dry run: nothing was changed. With --force this would:\n";
  const Json actions = result.value("actions", Json::array());
  std::size_t width = 0;
  for (const auto& action : actions) {
    width = std::max(width, HumanValue(action.value("action", Json("?"))).size());
  }
  for (const auto& action : actions) {
    std::string name = HumanValue(action.value("action", Json("?")));
    std::string line = "  " + name + std::string(width - name.size(), ' ');
    for (const auto& [key, value] : action.items()) {
      if (key == "action") continue;
      line += "  " + key + "=" + HumanValue(value);
    }
    out << line << "\n";
  }
  if (actions.empty()) out << "  (nothing)\n";
  out << "Re-run with --force to apply.\n";
}

Json ErrorToJson(const Error& error) {
  Json context = nullptr;
  if (!error.context_json().empty()) {
    context = Json::parse(error.context_json(), nullptr, false);
    if (context.is_discarded()) context = nullptr;
  }
  return {{"ok", false},
          {"error",
           {{"_tag", error.tag()},
            {"code", error.code()},
            {"category", std::string(CategoryName(error.category()))},
            {"message", error.message()},
            {"context", context}}}};
}

int ReportError(std::ostream& err, const Error& error, bool json) {
  const Json envelope = ErrorToJson(error);
  if (json) {
    PrintJson(err, envelope);
  } else {
    err << "error: " << Printable(error.message()) << "\n";
    const Json& context = envelope["error"]["context"];
    if (context.is_object()) {
      if (context.contains("candidates")) {
        err << "candidates: " << HumanValue(context["candidates"]) << "\n";
      }
      // A network error names the endpoint it could not reach (cli.md: exit
      // 6 with the endpoint named) when its message does not already.
      if (error.IsNetwork() && context.contains("endpoint") && context["endpoint"].is_string() &&
          error.message().find(context["endpoint"].get<std::string>()) == std::string::npos) {
        err << "endpoint: " << HumanValue(context["endpoint"]) << "\n";
      }
      if (context.contains("hint")) err << "hint: " << HumanValue(context["hint"]) << "\n";
    }
  }
  return ExitCode(error.category());
}

}  // namespace xs::cli
