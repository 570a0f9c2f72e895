#include "sqlite/checkpointer.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>

namespace xs::sqlite {

namespace {
// How long the thread's connection waits on a locked database (its first
// read; a PASSIVE checkpoint never waits).
constexpr int kBusyTimeoutMillis = 5000;
// The options' frames stay within SQLite's int.
constexpr std::int64_t kMaxFrames = 1 << 30;
}  // namespace

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(Db& db, const std::string& path,
                                                          CheckpointOptions options) {
  std::unique_ptr<Checkpointer> c(new Checkpointer(db, options));
  XS_TRY(c->own_, Db::Open(path));
  XS_RETURN_IF_ERROR(c->own_.SetBusyTimeout(kBusyTimeoutMillis));
  // A connection learns the journal mode when it first reads the file; the
  // checkpoint call alone does not read it.
  XS_RETURN_IF_ERROR(c->own_.Exec("SELECT count(*) FROM sqlite_schema;"));
  std::int64_t page_size = 0;
  {
    XS_TRY(Stmt st, c->own_.Prepare("PRAGMA page_size;"));
    XS_TRY(bool row, st.Step());
    if (row) page_size = st.Int(0);
  }
  if (page_size <= 0) return Error::Internal("sqlite: no page size");
  auto frames = [page_size](std::int64_t bytes) {
    return static_cast<int>(std::clamp<std::int64_t>(bytes / page_size, 1, kMaxFrames));
  };
  c->soft_frames_ = frames(options.soft_bytes);
  c->hard_frames_ = frames(options.hard_bytes);
  c->thread_ = std::thread([raw = c.get()] { raw->Run(); });
  // Replaces SQLite's auto-checkpoint hook on the writing connection.
  sqlite3_wal_hook(db.db_, &Checkpointer::OnCommit, c.get());
  return c;
}

Checkpointer::~Checkpointer() {
  // Back to SQLite's own auto-checkpoint, every soft limit's frames.
  sqlite3_wal_autocheckpoint(db_.db_, soft_frames_);
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

std::uint64_t Checkpointer::backstops() const {
  std::lock_guard lock(mu_);
  return backstops_;
}

int Checkpointer::OnCommit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* c = static_cast<Checkpointer*>(self);
  bool backstop = false, wake = false;
  {
    std::lock_guard lock(c->mu_);
    ++c->commits_;
    if (frames >= c->hard_frames_) {
      ++c->backstops_;
      backstop = true;
    } else if (frames < c->woken_at_) {
      c->woken_at_ = 0;  // the WAL started over
    } else if (!c->due_ && frames >= c->woken_at_ + c->soft_frames_) {
      // A pass per soft limit of new frames: one that ran a moment ago
      // leaves most of the WAL copied, and a page written again since is
      // copied again.
      c->woken_at_ = frames;
      c->due_ = true;
      wake = true;
    }
  }
  if (backstop) {
    // What the thread has not copied yet, here and now. A busy checkpoint
    // lock (the thread's pass) is no error.
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  if (wake) c->wake_.notify_one();
  return SQLITE_OK;
}

std::optional<Checkpointer::Progress> Checkpointer::Pass() {
  Progress p;
  if (sqlite3_wal_checkpoint_v2(own_.db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &p.frames,
                                &p.copied) != SQLITE_OK) {
    return std::nullopt;
  }
  return p;
}

void Checkpointer::Run() {
  const auto quiet = std::chrono::milliseconds(options_.quiet_ms);
  std::unique_lock lock(mu_);
  // After a pass: the next quiet spell copies what it left behind and what
  // was committed after it began.
  bool watching = false, left = false;
  std::uint64_t covered = 0;  // commits_ when the last pass began
  std::optional<Progress> last;
  while (true) {
    if (watching) {
      const std::uint64_t seen = commits_;
      wake_.wait_for(lock, quiet, [this] { return stop_ || due_; });
      if (!stop_ && !due_) {
        if (commits_ != seen) continue;  // not quiet yet
        if (!left && commits_ == covered) {
          watching = false;  // all copied
          continue;
        }
      }
    } else {
      wake_.wait(lock, [this] { return stop_ || due_; });
    }
    if (stop_) return;
    due_ = false;
    covered = commits_;
    lock.unlock();
    // A failure (e.g. busy) is retried on the next wake-up; the WAL keeps
    // every committed transaction meanwhile.
    const std::optional<Progress> now = Pass();
    lock.lock();
    ++passes_;
    left = now && now->copied < now->frames;
    // No further pass after one that gained nothing (a reader holding the
    // WAL back).
    watching = now && now != last;
    last = now;
  }
}

}  // namespace xs::sqlite
