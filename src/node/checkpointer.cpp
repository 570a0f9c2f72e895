#include "node/checkpointer.h"

#include <chrono>

namespace xs::node {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path) {
  std::unique_ptr<Checkpointer> c(new Checkpointer());
  XS_TRY(c->db_, sqlite::Db::Open(path));
  c->thread_ = std::thread([raw = c.get()] { raw->Run(); });
  return c;
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::Run() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(kCheckpointIntervalMillis),
                       [this] { return stop_; })) {
    lock.unlock();
    // A failure (e.g. the database is busy) is retried on the next tick;
    // the WAL keeps every committed transaction meanwhile.
    (void)db_.Exec("PRAGMA wal_checkpoint(PASSIVE)");
    lock.lock();
  }
}

}  // namespace xs::node
