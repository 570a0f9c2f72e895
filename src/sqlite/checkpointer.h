// Background WAL checkpoints. A checkpoint copies pages from the WAL into the
// database file and fsyncs both: run by SQLite's auto-checkpoint it happens
// inside whichever COMMIT crosses the threshold, and every caller waiting for
// that connection (or for the lock its owner holds) waits for the fsyncs.
// A Checkpointer takes that work off the write path: its hook on the
// connection only wakes a thread of its own, which runs PASSIVE checkpoints
// over a second connection (PASSIVE never blocks the writer or readers).
//
// The WAL starts over (at the next write) only once a checkpoint has copied
// all of it, which a pass rarely does while commits keep coming: some land
// during its fsyncs. So after a pass, the first quiet spell (`quiet_ms`
// without a commit) brings another that copies what the first left and
// what came after it: the next burst starts on an empty WAL. Under a
// sustained stream, past `hard_bytes` the committing connection
// checkpoints itself (SQLite's own behaviour, by then with at most about
// `soft_bytes` left to copy, but with the fsyncs on the commit), so the
// WAL stays bounded.
//
// Thread contract: Start and the destructor with no statement of `db`
// running (its owner's lock held, or before and after use); the hook itself
// runs on the committing thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/result.h"
#include "sqlite/sqlite.h"

namespace xs::sqlite {

// Sizes of WAL written, counted in frames of the database's page size (so
// that a store of small pages gets the same budget in bytes).
struct CheckpointOptions {
  // Written since the thread's last wake-up: wakes it again. Also bounds
  // what the backstop has left to copy.
  std::int64_t soft_bytes = std::int64_t{1} << 20;
  // The WAL's size past which the committing connection checkpoints itself.
  std::int64_t hard_bytes = std::int64_t{64} << 20;
  // How long the WAL stays without a commit before the thread copies what
  // its last pass left behind.
  int quiet_ms = 50;
};

class Checkpointer {
 public:
  // `db` is open on `path`, an existing database file in WAL mode; `db`
  // must outlive the Checkpointer.
  static Result<std::unique_ptr<Checkpointer>> Start(Db& db, const std::string& path,
                                                     CheckpointOptions options = {});
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Passes run by the thread so far, and commits that checkpointed
  // themselves (tests).
  std::uint64_t passes() const;
  std::uint64_t backstops() const;

 private:
  Checkpointer(Db& db, CheckpointOptions options) : db_(db), options_(options) {}
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Run();
  // The WAL's frames and how many of them are copied, after a pass.
  struct Progress {
    int frames = 0, copied = 0;
    bool operator==(const Progress&) const = default;
  };
  // One PASSIVE checkpoint (nullopt: it failed, e.g. busy).
  std::optional<Progress> Pass();

  Db& db_;
  const CheckpointOptions options_;
  int soft_frames_ = 0, hard_frames_ = 0;  // the options in frames
  Db own_;                                 // the thread's connection
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool due_ = false, stop_ = false;
  int woken_at_ = 0;           // the WAL's frames when the thread was last woken
  std::uint64_t commits_ = 0;  // commits seen by the hook
  std::uint64_t passes_ = 0, backstops_ = 0;
  std::thread thread_;
};

}  // namespace xs::sqlite
