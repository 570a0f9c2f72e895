// Checkpointer: commits past the soft limit are copied into the database
// file by the checkpoint thread, and what is left once commits pause; past
// the hard limit the committing connection does it itself. A WAL database
// file grows only when a checkpoint copies pages into it, so its size tells
// who did. The tests' databases have SQLite's default 4 KiB pages.
#include "sqlite/checkpointer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace xs::sqlite {
namespace {

std::string TempPath(const char* name) {
  std::string path = ::testing::TempDir() + name + std::to_string(::getpid()) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return path;
}

constexpr std::int64_t kPage = 4096;

Db OpenWal(const std::string& path) {
  auto db = Db::Open(path);
  EXPECT_TRUE(db.ok()) << db.error().ToString();
  EXPECT_TRUE(db->Exec("PRAGMA journal_mode=WAL; CREATE TABLE t (v BLOB);").ok());
  return std::move(db).value();
}

void InsertRows(Db& db, int rows) {
  for (int i = 0; i < rows; ++i) {
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES (randomblob(3000));").ok());
  }
}

TEST(SqliteCheckpointer, ItsThreadCopiesTheWalPastTheSoftLimit) {
  const std::string path = TempPath("ckpt_soft");
  Db db = OpenWal(path);
  auto ckpt =
      Checkpointer::Start(db, path, {.soft_bytes = 16 * kPage, .hard_bytes = 1'000'000 * kPage});
  ASSERT_TRUE(ckpt.ok()) << ckpt.error().ToString();
  const auto before = std::filesystem::file_size(path);
  InsertRows(db, 64);
  for (int i = 0; i < 500 && std::filesystem::file_size(path) <= before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GT(std::filesystem::file_size(path), before);
  EXPECT_GE((*ckpt)->passes(), 1u);
}

TEST(SqliteCheckpointer, PastTheHardLimitTheCommitCheckpointsItself) {
  const std::string path = TempPath("ckpt_hard");
  Db db = OpenWal(path);
  // The thread is never woken: only the backstop copies.
  auto ckpt =
      Checkpointer::Start(db, path, {.soft_bytes = 1'000'000 * kPage, .hard_bytes = 16 * kPage});
  ASSERT_TRUE(ckpt.ok()) << ckpt.error().ToString();
  const auto before = std::filesystem::file_size(path);
  InsertRows(db, 64);
  EXPECT_GT(std::filesystem::file_size(path), before);  // at once, no waiting
  EXPECT_EQ((*ckpt)->passes(), 0u);
  EXPECT_GT((*ckpt)->backstops(), 0u);
}

std::int64_t PageCount(Db& db) {
  auto st = db.Prepare("PRAGMA page_count;");
  EXPECT_TRUE(st.ok() && *st->Step());
  return st->Int(0);
}

// A pass copies what the WAL held when it began; commits after it, too few
// to wake the thread, are copied once commits pause (quiet_ms), so that the
// WAL starts over at the next write and never reaches the backstop.
TEST(SqliteCheckpointer, WhatAPassLeftIsCopiedOnceCommitsPause) {
  const std::string path = TempPath("ckpt_quiet");
  Db db = OpenWal(path);
  auto ckpt = Checkpointer::Start(
      db, path, {.soft_bytes = 16 * kPage, .hard_bytes = 1'000'000 * kPage, .quiet_ms = 20});
  ASSERT_TRUE(ckpt.ok()) << ckpt.error().ToString();
  InsertRows(db, 20);  // wakes the thread once
  for (int i = 0; i < 500 && (*ckpt)->passes() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  InsertRows(db, 4);  // fewer than the soft limit: no wake-up
  const auto full = static_cast<std::uintmax_t>(PageCount(db) * kPage);
  for (int i = 0; i < 500 && std::filesystem::file_size(path) < full; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(std::filesystem::file_size(path), full);  // every row's page copied
  EXPECT_GE((*ckpt)->passes(), 2u);
  EXPECT_EQ((*ckpt)->backstops(), 0u);
}

TEST(SqliteCheckpointer, BelowTheSoftLimitNothingIsCopied) {
  const std::string path = TempPath("ckpt_none");
  Db db = OpenWal(path);
  auto ckpt = Checkpointer::Start(
      db, path, {.soft_bytes = 1'000'000 * kPage, .hard_bytes = 2'000'000 * kPage});
  ASSERT_TRUE(ckpt.ok()) << ckpt.error().ToString();
  const auto before = std::filesystem::file_size(path);
  // Past SQLite's own auto-checkpoint threshold (1000 frames): the hook
  // replaced it.
  InsertRows(db, 1200);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(std::filesystem::file_size(path), before);
  EXPECT_EQ((*ckpt)->passes(), 0u);
  EXPECT_EQ((*ckpt)->backstops(), 0u);
}

}  // namespace
}  // namespace xs::sqlite
