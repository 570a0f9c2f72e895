#include "cli/commands/watch.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "transport/admin/admin_client.h"

namespace xs::cli {

namespace {

std::atomic<transport::StreamCancel*> g_cancel{nullptr};

extern "C" void OnWatchSignal(int) {
  if (transport::StreamCancel* cancel = g_cancel.load()) cancel->Cancel();
}

// SIGINT/SIGTERM cancel the stream while it lives.
class SignalScope {
 public:
  explicit SignalScope(transport::StreamCancel* cancel) {
    g_cancel = cancel;
    struct sigaction action {};
    action.sa_handler = OnWatchSignal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
  }
  ~SignalScope() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    g_cancel = nullptr;
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// A table whose rows arrive over time: the columns are sized by the header
// and the first batch; later cells wider than that push the line.
class StreamTable {
 public:
  explicit StreamTable(const std::vector<Column>& columns) : columns_(columns) {
    for (const auto& c : columns_) width_.push_back(c.header.size());
  }

  void Rows(std::ostream& out, const Json& rows) {
    std::vector<std::vector<std::string>> lines;
    for (const auto& row : rows) lines.push_back(Cells(row));
    if (!header_done_) {
      for (const auto& line : lines) {
        for (std::size_t i = 0; i < line.size(); ++i)
          width_[i] = std::max(width_[i], line[i].size());
      }
      std::vector<std::string> header;
      for (const auto& c : columns_) header.push_back(c.header);
      Print(out, header);
      header_done_ = true;
    }
    for (const auto& line : lines) Print(out, line);
  }

 private:
  std::vector<std::string> Cells(const Json& row) const {
    std::vector<std::string> line;
    for (const auto& c : columns_) {
      Json::json_pointer ptr(c.pointer);
      line.push_back(row.is_object() && row.contains(ptr) ? HumanValue(row.at(ptr)) : "-");
    }
    return line;
  }
  void Print(std::ostream& out, const std::vector<std::string>& line) const {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) {
        text += std::string(width_[i] > line[i].size() ? width_[i] - line[i].size() + 2 : 2, ' ');
      }
    }
    out << text << "\n";
  }

  const std::vector<Column>& columns_;
  std::vector<std::size_t> width_;
  bool header_done_ = false;
};

}  // namespace

FlagSpec WatchFlag(const std::string& what) {
  return {"watch", FlagKind::kBool, "", "keep printing " + what + " as they come, until Ctrl-C"};
}

Status Watch(Invocation& inv, std::string_view method, Json params,
             const std::vector<Column>& columns, WatchOptions options) {
  transport::StreamCancel cancel;
  SignalScope signals(&cancel);
  StreamTable table(columns);
  std::ostream& out = inv.out();
  auto on_notification = [&](const Json& n) {
    const std::string event = n.value("event", "");
    if (event == "backlog") {
      const Json items = n.value("items", Json::array());
      if (inv.json()) {
        for (const auto& item : items) out << Dump(item, -1) << "\n";
      } else {
        table.Rows(out, items);
      }
      if (!inv.json() && ::isatty(STDERR_FILENO)) {
        inv.err() << "(watching; Ctrl-C to stop)\n";
      }
    } else if (n.contains("item")) {
      Json item = n["item"];
      if (inv.json()) {
        if (options.tag_events && item.is_object()) item["event"] = event;
        out << Dump(item, -1) << "\n";
      } else {
        table.Rows(out, Json::array({item}));
      }
    }
    out.flush();
    return static_cast<bool>(out);
  };
  return inv.Subscribe(method, std::move(params), on_notification, &cancel, options.gated);
}

bool ShowsProgress(const Invocation& inv) { return !inv.json() && ::isatty(STDERR_FILENO); }

Status SyncWithProgress(Invocation& inv, Json params,
                        const std::function<void(std::ostream&, const Json&)>& print) {
  bool progress_shown = false;
  auto on_notification = [&](const Json& n) {
    const std::string event = n.value("event", "");
    if (event == "progress") {
      inv.err() << "\rsyncing: " << HumanValue(n.value("applied", Json(0))) << " message(s) applied"
                << std::flush;
      progress_shown = true;
    } else if (event == "done") {
      if (progress_shown) inv.err() << "\r\033[K" << std::flush;  // the line goes away
      print(inv.out(), n.value("item", Json::object()));
      return false;
    }
    return true;
  };
  return inv.Subscribe("chat.sync.progress", std::move(params), on_notification, nullptr);
}

}  // namespace xs::cli
