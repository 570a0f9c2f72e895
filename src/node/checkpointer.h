// Background WAL checkpoints for the node's store. The store's own
// connection never checkpoints on the write path (wal_autocheckpoint is only
// a far backstop): a checkpoint copies pages into the database file and
// fsyncs both files, which stalled every publish and stream delivery behind
// the store mutex for tens of milliseconds. Instead a second connection to
// the same file runs PASSIVE checkpoints every kCheckpointIntervalMillis on
// its own thread; PASSIVE never blocks the writer or readers (WAL allows a
// checkpoint concurrently with one writer).
//
// Thread contract: Start/destructor from the owning thread; the destructor
// stops and joins the thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.h"
#include "sqlite/sqlite.h"

namespace xs::node {

inline constexpr int kCheckpointIntervalMillis = 500;

class Checkpointer {
 public:
  // `path` is an existing WAL-mode database file.
  static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

 private:
  Checkpointer() = default;
  void Run();

  sqlite::Db db_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace xs::node
