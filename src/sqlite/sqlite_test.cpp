// Db, Stmt and Transaction: typed binds round-trip through every column
// type, every SQLite failure (open, prepare, bind, step, exec) is an
// Error::Internal, and a Transaction commits only on Commit().
#include "sqlite/sqlite.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace xs::sqlite {
namespace {

Db OpenMemory() {
  auto db = Db::Open(":memory:");
  EXPECT_TRUE(db.ok()) << db.error().ToString();
  return std::move(db).value();
}

std::string TempPath(const char* name) {
  return ::testing::TempDir() + name + std::to_string(::getpid()) + ".db";
}

std::int64_t CountRows(Db& db) {
  auto q = db.Prepare("SELECT count(*) FROM t");
  EXPECT_TRUE(q.ok());
  auto row = q->Step();
  EXPECT_TRUE(row.ok() && *row);
  return q->Int(0);
}

TEST(SqliteDb, OpenFailureIsInternal) {
  auto db = Db::Open("/nonexistent-dir-for-xs-sqlite-test/x.db");
  ASSERT_FALSE(db.ok());
  EXPECT_TRUE(db.error().IsInternal());
}

TEST(SqliteDb, OpenCreatesTheFile) {
  const std::string path = TempPath("xs_sqlite_open_");
  std::filesystem::remove(path);
  {
    auto db = Db::Open(path, Threading::kSerialized);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    ASSERT_TRUE(db->Exec("CREATE TABLE t(x)").ok());
  }
  EXPECT_TRUE(std::filesystem::exists(path));
  std::filesystem::remove(path);
}

TEST(SqliteDb, ExecAndPrepareErrorsAreInternalWithSqlitesMessage) {
  Db db = OpenMemory();
  Status exec = db.Exec("CREATE TABLE (");
  ASSERT_FALSE(exec.ok());
  EXPECT_TRUE(exec.error().IsInternal());
  EXPECT_NE(exec.error().message().find("syntax error"), std::string::npos)
      << exec.error().message();
  auto prep = db.Prepare("SELECT * FROM missing_table");
  ASSERT_FALSE(prep.ok());
  EXPECT_TRUE(prep.error().IsInternal());
  EXPECT_NE(prep.error().message().find("no such table"), std::string::npos);
}

TEST(SqliteStmt, EveryColumnTypeRoundTrips) {
  Db db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(i INTEGER, b BLOB, s TEXT, e BLOB, n)").ok());
  auto ins = db.Prepare("INSERT INTO t VALUES(?,?,?,?,?)");
  ASSERT_TRUE(ins.ok());
  const std::vector<std::uint8_t> blob = {0, 1, 0xff};
  ins->Bind(1, std::int64_t{-1} << 40).Bind(2, blob).Bind(3, std::string_view("héllo"));
  ins->BindBlob(4, std::string_view()).BindNull(5);
  ASSERT_TRUE(ins->Run().ok());
  EXPECT_EQ(db.Changes(), 1);
  EXPECT_EQ(db.LastInsertRowId(), 1);

  auto q = db.Prepare("SELECT i, b, s, e, n, typeof(e) FROM t");
  ASSERT_TRUE(q.ok());
  auto row = q->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(q->Int(0), std::int64_t{-1} << 40);
  EXPECT_EQ(q->Blob(1), blob);
  EXPECT_EQ(q->BlobString(1), std::string("\0\1\xff", 3));
  EXPECT_EQ(q->Text(2), "héllo");
  EXPECT_TRUE(q->Blob(3).empty());
  EXPECT_FALSE(q->IsNull(3));  // an empty blob is not NULL
  EXPECT_EQ(q->Text(5), "blob");
  EXPECT_TRUE(q->IsNull(4));
  EXPECT_EQ(q->Int(4), 0);
  auto done = q->Step();
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(*done);
}

TEST(SqliteStmt, ResetAllowsReuseWithNewBindings) {
  Db db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x INTEGER)").ok());
  auto ins = db.Prepare("INSERT INTO t VALUES(?)");
  ASSERT_TRUE(ins.ok());
  for (std::int64_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(ins->Bind(1, i).Run().ok());
    ins->Reset();
  }
  EXPECT_EQ(CountRows(db), 3);
}

TEST(SqliteStmt, FailedBindIsReportedByStepAndClearedByReset) {
  Db db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x INTEGER)").ok());
  auto ins = db.Prepare("INSERT INTO t VALUES(?)");
  ASSERT_TRUE(ins.ok());
  Status bad = ins->Bind(2, std::int64_t{1}).Bind(1, std::int64_t{1}).Run();
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().IsInternal());
  EXPECT_NE(bad.error().message().find("bind"), std::string::npos);
  EXPECT_EQ(CountRows(db), 0);
  ins->Reset();
  EXPECT_TRUE(ins->Bind(1, std::int64_t{1}).Run().ok());
  EXPECT_EQ(CountRows(db), 1);
}

TEST(SqliteStmt, ConstraintViolationIsInternal) {
  Db db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(db.Exec("INSERT INTO t VALUES(1)").ok());
  auto ins = db.Prepare("INSERT INTO t VALUES(1)");
  ASSERT_TRUE(ins.ok());
  Status s = ins->Run();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().IsInternal());
  EXPECT_NE(s.error().message().find("UNIQUE"), std::string::npos);
}

TEST(SqliteTransaction, CommitKeepsTheWrites) {
  Db db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x)").ok());
  {
    auto tx = Transaction::Begin(db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES(1)").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(CountRows(db), 1);
}

TEST(SqliteTransaction, DestroyedUncommittedRollsBack) {
  Db db = OpenMemory();
  ASSERT_TRUE(db.Exec("CREATE TABLE t(x)").ok());
  {
    auto tx = Transaction::Begin(db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db.Exec("INSERT INTO t VALUES(1)").ok());
  }
  EXPECT_EQ(CountRows(db), 0);
  // The connection is usable for the next transaction.
  auto tx = Transaction::Begin(db);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(tx->Commit().ok());
}

TEST(SqliteTransaction, DoNotNest) {
  Db db = OpenMemory();
  auto outer = Transaction::Begin(db);
  ASSERT_TRUE(outer.ok());
  auto inner = Transaction::Begin(db);
  ASSERT_FALSE(inner.ok());
  EXPECT_TRUE(inner.error().IsInternal());
}

TEST(SqliteDb, BusyTimeoutWaitsForAnotherConnectionsLock) {
  const std::string path = TempPath("xs_sqlite_busy_");
  std::filesystem::remove(path);
  auto a = Db::Open(path);
  auto b = Db::Open(path);
  ASSERT_TRUE(a.ok() && b.ok());
  {
    auto held = Transaction::Begin(*a);
    ASSERT_TRUE(held.ok());
    // Without a timeout a second writer fails at once.
    auto blocked = Transaction::Begin(*b);
    ASSERT_FALSE(blocked.ok());
    EXPECT_TRUE(blocked.error().IsInternal());
    EXPECT_NE(blocked.error().message().find("locked"), std::string::npos);
    // With one, it waits until the holder commits.
    ASSERT_TRUE(b->SetBusyTimeout(10000).ok());
    std::thread holder([&held] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      EXPECT_TRUE(held->Commit().ok());
    });
    auto waited = Transaction::Begin(*b);
    holder.join();
    ASSERT_TRUE(waited.ok()) << waited.error().ToString();
    EXPECT_TRUE(waited->Commit().ok());
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace xs::sqlite
