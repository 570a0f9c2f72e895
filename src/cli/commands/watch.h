// --watch: a stream method of the daemon (chat.watch, message.watch) shown
// until Ctrl-C. The backlog prints as a table and later rows under it, in
// the same columns; with --json every row is one JSON object on its own line
// (live chat rows carry "event": "added" | "updated"). SIGINT and SIGTERM end
// the watch cleanly (exit 0).
//
//   return Watch(inv, "chat.watch", params, kChatColumns, {.tag_events = true});
//
// Thread contract: one owning thread; installs its signal handlers for the
// duration of the call.
#pragma once

#include <functional>
#include <ostream>
#include <string_view>
#include <vector>

#include "cli/invocation.h"
#include "cli/output.h"

namespace xs::cli {

struct WatchOptions {
  bool gated = false;       // needs the owner passphrase (read elevation)
  bool tag_events = false;  // --json live rows get the notification's event
};

FlagSpec WatchFlag(const std::string& what);

Status Watch(Invocation& inv, std::string_view method, Json params,
             const std::vector<Column>& columns, WatchOptions options);

// Whether progress lines make sense: human output and stderr a terminal.
bool ShowsProgress(const Invocation& inv);
// chat.sync through chat.sync.progress: "syncing: N message(s) applied"
// rewritten on stderr while it runs, then `print` with the result.
Status SyncWithProgress(Invocation& inv, Json params,
                        const std::function<void(std::ostream&, const Json&)>& print);

}  // namespace xs::cli
