// The node's durable state in one SQLite database (protocol.md §7): append-
// only group messages, welcomes, identity updates and commit-log entries,
// each with its own monotonically increasing id (AUTOINCREMENT, so an id is
// never reused, even across restarts), the current key package of every
// installation, and the identifier -> inbox index.
//
// Durability: WAL journal with synchronous=NORMAL. Every committed
// transaction has been written (write(2)) to the WAL file before Append*
// returns, so it is in the kernel's page cache and survives a crash or
// kill -9 of the node: nothing acknowledged is lost (tests/node checks this
// with SIGKILL). Only an OS crash or power loss can lose the last
// transactions since the previous checkpoint fsync, and never tears one.
// synchronous=FULL would add an fsync per commit (~1-10 ms on this class of
// disk, i.e. a few hundred publishes/s) to cover power loss, which a local
// development node does not need. Checkpoints run in the background
// (sqlite/checkpointer.h); the write path checkpoints only past 64 MiB of WAL. One node per
// database: Open takes an exclusive flock on "<path>.lock" (released by the kernel even on kill
// -9).
//
// Thread contract: thread-safe; one connection behind a mutex. Append* calls
// invoke `on_stored` for each new row after commit and before the next write,
// so subscribers see rows of a topic in id order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "sqlite/checkpointer.h"
#include "sqlite/sqlite.h"
#include "xmtp/identity/api/v1/identity.pb.h"
#include "xmtp/mls/api/v1/mls.pb.h"

namespace xs::node {

using ::xmtp::mls::api::v1::GroupMessage;
using ::xmtp::mls::api::v1::WelcomeMessage;
using CommitLogEntry = ::xmtp::mls::message_contents::CommitLogEntry;
using IdentityUpdateLog = ::xmtp::identity::api::v1::GetIdentityUpdatesResponse::IdentityUpdateLog;

// The cursor id of a stored row.
inline std::uint64_t GroupMessageId(const GroupMessage& m) { return m.v1().id(); }
inline std::uint64_t WelcomeMessageId(const WelcomeMessage& m) {
  return m.has_welcome_pointer() ? m.welcome_pointer().id() : m.v1().id();
}

enum class Direction { kAscending, kDescending };

// Ascending: rows with id > cursor. Descending: rows with id < cursor, or
// the newest rows when cursor is 0.
struct PageQuery {
  Direction direction = Direction::kAscending;
  std::uint64_t cursor = 0;
  std::uint32_t limit = 0;
};

struct NewGroupMessage {
  std::string group_id;
  std::string data;
  std::string sender_hmac;
  bool should_push = false;
  bool is_commit = false;
};

struct NewCommitLogEntry {
  std::string group_id;
  std::string entry;
  std::string signature;  // serialized RecoverableEd25519Signature
};

template <typename T>
using OnStored = std::function<void(std::shared_ptr<const T>)>;

class Store {
 public:
  // Opens (creating if needed) the database at `path`; empty = in memory.
  // `clock` stamps stored rows (null = the system clock).
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const Clock* clock = nullptr);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Stores the batch; a message whose data is already stored is skipped
  // silently (protocol.md §1.2). Group commit: batches of concurrent callers
  // are written in one transaction by whichever caller finds no commit in
  // progress, which cuts the per-publish WAL writes under load; every caller
  // returns once its rows are committed (or all of the transaction failed).
  Status AppendGroupMessages(std::span<const NewGroupMessage> batch,
                             const OnStored<GroupMessage>& on_stored);
  Result<std::vector<GroupMessage>> QueryGroupMessages(std::string_view group_id,
                                                       const PageQuery& page);
  // Without content: only id, created_ns, group_id and is_commit are set.
  Result<std::optional<GroupMessage>> NewestGroupMessage(std::string_view group_id,
                                                         bool include_content);

  // `batch` holds WelcomeMessages with id and created_ns unset; duplicates
  // (same recipient and payload) are skipped.
  Status AppendWelcomes(std::span<const WelcomeMessage> batch,
                        const OnStored<WelcomeMessage>& on_stored);
  Result<std::vector<WelcomeMessage>> QueryWelcomes(std::string_view installation_key,
                                                    const PageQuery& page);

  // One current key package per installation; a new upload replaces it.
  Status PutKeyPackage(std::string_view installation_key, std::string_view key_package);
  // Same order as `keys`; an empty string for an unknown installation.
  Result<std::vector<std::string>> GetKeyPackages(std::span<const std::string> keys);

  // The inbox's log with sequence_id > after, ascending.
  Result<std::vector<IdentityUpdateLog>> IdentityUpdates(std::string_view inbox_id,
                                                         std::uint64_t after);
  // Appends an already validated update and applies the identifier diff to
  // the index, in one transaction. Returns the new sequence id.
  Result<std::uint64_t> AppendIdentityUpdate(
      const ::xmtp::identity::associations::IdentityUpdate& update,
      std::span<const std::string> added_identifiers,
      std::span<const std::string> removed_identifiers);
  // The inbox currently associated with a (lowercase) identifier.
  Result<std::optional<std::string>> InboxForIdentifier(std::string_view identifier);

  Status AppendCommitLog(std::span<const NewCommitLogEntry> batch);
  Result<std::vector<CommitLogEntry>> QueryCommitLog(std::string_view group_id,
                                                     const PageQuery& page);

  // Row counts, for logs and tests.
  Result<std::uint64_t> CountGroupMessages();

 private:
  struct Statements;
  Store() = default;
  Status Init();

  // One caller's batch waiting in the group-commit queue.
  struct GroupAppend {
    std::span<const NewGroupMessage> batch;
    const OnStored<GroupMessage>* on_stored;
    Status status;
    bool done = false;
  };
  // Writes the appends in one transaction and publishes the new rows;
  // takes mu_.
  Status WriteGroupAppends(std::span<GroupAppend* const> appends);

  std::uint64_t NowNs() const { return static_cast<std::uint64_t>(clock_->NowNs()); }

  const Clock* clock_ = SystemClock::Get();
  UniqueFd lock_fd_;  // flock on "<path>.lock"; empty in memory
  std::mutex mu_;     // the connection and statements
  sqlite::Db db_;
  std::unique_ptr<Statements> st_;
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;  // null in memory

  std::mutex queue_mu_;  // the group-commit queue
  std::condition_variable queue_cv_;
  std::vector<GroupAppend*> queue_;
  bool committing_ = false;
};

}  // namespace xs::node
