#include "cli/help.h"

#include <algorithm>
#include <sstream>
#include <utility>

namespace xs::cli {

namespace {

using Rows = std::vector<std::pair<std::string, std::string>>;

void PrintRows(std::ostringstream& out, const std::string& title, const Rows& rows) {
  if (rows.empty()) return;
  std::size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.first.size());
  out << "\n" << title << ":\n";
  for (const auto& r : rows) {
    out << "  " << r.first;
    if (!r.second.empty()) out << std::string(width - r.first.size() + 2, ' ') << r.second;
    out << "\n";
  }
}

std::string FlagLabel(const FlagSpec& f) {
  std::string label = f.name == "help" ? "-h, --help" : "--" + f.name;
  if (f.kind != FlagKind::kBool) label += " " + f.value_name;
  return label;
}

std::string FlagHelp(const FlagSpec& f) {
  std::string text = f.help;
  if (!f.choices.empty()) {
    text += ": ";
    for (std::size_t i = 0; i < f.choices.size(); ++i) {
      text += (i ? "|" : "") + f.choices[i];
    }
  }
  if (f.kind == FlagKind::kList) text += "; comma separated, repeatable";
  if (f.required) text += " (required)";
  return text;
}

std::string UsageLine(const std::string& path, const Command& cmd) {
  std::string line = path;
  if (!cmd.run) return line + " <command> [flags]";
  if (!cmd.children.empty()) line += " [<command>]";
  for (const auto& p : cmd.positionals) {
    line += p.required ? " <" + p.name + ">" : " [" + p.name + "]";
  }
  for (const auto& f : cmd.flags) {
    if (f.required) line += " --" + f.name + " " + f.value_name;
  }
  return line + " [flags]";
}

}  // namespace

std::string RenderHelp(const std::vector<const Command*>& path) {
  const Command& cmd = *path.back();
  std::string full;
  for (const Command* c : path) full += (full.empty() ? "" : " ") + c->name;

  std::ostringstream out;
  out << cmd.summary << "\n\nUsage:\n  " << UsageLine(full, cmd) << "\n";

  Rows commands;
  for (const auto& c : cmd.children) {
    if (!c.hidden) commands.emplace_back(c.name, c.summary);
  }
  PrintRows(out, "Commands", commands);

  Rows args;
  for (const auto& p : cmd.positionals) {
    args.emplace_back(p.required ? "<" + p.name + ">" : "[" + p.name + "]", p.help);
  }
  PrintRows(out, "Arguments", args);

  Rows flags;
  for (const auto& f : cmd.flags) flags.emplace_back(FlagLabel(f), FlagHelp(f));
  PrintRows(out, "Flags", flags);

  Rows globals;
  for (const auto& f : GlobalFlags()) globals.emplace_back(FlagLabel(f), FlagHelp(f));
  PrintRows(out, "Global flags", globals);

  if (!cmd.examples.empty()) {
    out << "\nExamples:\n";
    for (const auto& e : cmd.examples) out << "  " << e << "\n";
  }
  if (!cmd.children.empty()) {
    out << "\nRun `" << full << " <command> --help` for a command's flags.\n";
  }
  return out.str();
}

}  // namespace xs::cli
