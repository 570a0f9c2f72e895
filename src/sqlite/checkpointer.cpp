#include "sqlite/checkpointer.h"

#include <sqlite3.h>

namespace xs::sqlite {

namespace {
// How long the thread's connection waits on a locked database (its first
// read; a PASSIVE checkpoint never waits).
constexpr int kBusyTimeoutMillis = 5000;
}  // namespace

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(Db& db, const std::string& path,
                                                          CheckpointOptions options) {
  std::unique_ptr<Checkpointer> c(new Checkpointer(db, options));
  XS_TRY(c->own_, Db::Open(path));
  XS_RETURN_IF_ERROR(c->own_.SetBusyTimeout(kBusyTimeoutMillis));
  // A connection learns the journal mode when it first reads the file; the
  // checkpoint call alone does not read it.
  XS_RETURN_IF_ERROR(c->own_.Exec("SELECT count(*) FROM sqlite_schema;"));
  c->thread_ = std::thread([raw = c.get()] { raw->Run(); });
  // Replaces SQLite's auto-checkpoint hook on the writing connection.
  sqlite3_wal_hook(db.db_, &Checkpointer::OnCommit, c.get());
  return c;
}

Checkpointer::~Checkpointer() {
  // Back to SQLite's own auto-checkpoint, every soft_frames frames.
  sqlite3_wal_autocheckpoint(db_.db_, options_.soft_frames);
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t Checkpointer::passes() const {
  std::lock_guard lock(mu_);
  return passes_;
}

int Checkpointer::OnCommit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* c = static_cast<Checkpointer*>(self);
  if (frames >= c->options_.hard_frames) {
    // The backstop: what the thread has not copied yet, here and now. A
    // busy checkpoint lock (the thread's pass) is no error.
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  // A pass per soft_frames new frames: one that ran a moment ago leaves
  // most of the WAL copied, and a page written again since is copied again.
  {
    std::lock_guard lock(c->mu_);
    if (c->due_ || frames < c->woken_at_ + c->options_.soft_frames) {
      if (frames < c->woken_at_) c->woken_at_ = 0;  // the WAL started over
      return SQLITE_OK;
    }
    c->woken_at_ = frames;
    c->due_ = true;
  }
  c->wake_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || due_; });
    if (stop_) return;
    due_ = false;
    lock.unlock();
    // A failure (e.g. busy) is retried on the next wake-up; the WAL keeps
    // every committed transaction meanwhile.
    (void)sqlite3_wal_checkpoint_v2(own_.db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
    ++passes_;
  }
}

}  // namespace xs::sqlite
