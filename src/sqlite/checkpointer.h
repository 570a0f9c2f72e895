// Background WAL checkpoints. A checkpoint copies pages from the WAL into the
// database file and fsyncs both: run by SQLite's auto-checkpoint it happens
// inside whichever COMMIT crosses the threshold, and every caller waiting for
// that connection (or for the lock its owner holds) waits for the fsyncs.
// A Checkpointer takes that work off the write path: its hook on the
// connection only wakes a thread of its own, which runs PASSIVE checkpoints
// over a second connection (PASSIVE never blocks the writer or readers).
//
// Under a sustained stream of commits a PASSIVE checkpoint rarely finds the
// WAL empty behind it, and the WAL starts over only then; past `hard_frames`
// the committing connection checkpoints itself (SQLite's own behaviour, by
// then with little left to copy), so the WAL stays bounded.
//
// Thread contract: Start and the destructor with no statement of `db`
// running (its owner's lock held, or before and after use); the hook itself
// runs on the committing thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.h"
#include "sqlite/sqlite.h"

namespace xs::sqlite {

struct CheckpointOptions {
  // WAL frames (pages) written since the thread's last wake-up that wake
  // it again.
  int soft_frames = 1000;
  // WAL frames after which the committing connection checkpoints itself.
  int hard_frames = 16384;
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

  // Passes run by the thread so far (tests).
  std::uint64_t passes() const;

 private:
  explicit Checkpointer(Db& db, CheckpointOptions options) : db_(db), options_(options) {}
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Run();

  Db& db_;
  const CheckpointOptions options_;
  Db own_;  // the thread's connection
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool due_ = false, stop_ = false;
  int woken_at_ = 0;  // the WAL's frames when the thread was last woken
  std::uint64_t passes_ = 0;
  std::thread thread_;
};

}  // namespace xs::sqlite
