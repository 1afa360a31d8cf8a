#include "store/sqlite/wal_checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_statement.h"
#include "unit/temp_dir.h"

namespace idguard::sqlite {
namespace {

// A WAL database whose own connection never checkpoints (so only the checkpointer copies pages
// into the file), in a temporary directory removed afterwards.
class WalDatabase {
 public:
  WalDatabase() : file_(dir_.path() / "wal.db") {
    sqlite3* raw = nullptr;
    sqlite3_open_v2(file_.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    db_ = SqliteDatabase(raw);
    EXPECT_TRUE(db_.Exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; "
                         "CREATE TABLE rows (value BLOB)")
                    .ok());
  }

  // Commits `rows` rows of 4,000 bytes: about 2 MB for 500.
  void Commit(int rows) {
    ASSERT_TRUE(db_.Exec("BEGIN").ok());
    for (int i = 0; i < rows; ++i) {
      ASSERT_TRUE(db_.Exec("INSERT INTO rows VALUES (zeroblob(4000))").ok());
    }
    ASSERT_TRUE(db_.Exec("COMMIT").ok());
  }
  // Log frames, and how many of them a checkpoint has copied, as another connection's passive
  // checkpoint reports them (it copies nothing here unless the checkpointer left some).
  std::vector<std::string> LogAndCopied() {
    auto statement = SqliteStatement::Prepare(db_.get(), "PRAGMA wal_checkpoint(PASSIVE)");
    if (!statement.ok()) return {};
    auto row = statement->Step();
    if (!row.ok() || !*row) return {};
    return {std::string(statement->ColumnText(1)), std::string(statement->ColumnText(2))};
  }
  std::uintmax_t FileSize() const { return std::filesystem::file_size(file_); }
  const std::filesystem::path& file() const { return file_; }
  const SqliteDatabase& db() const { return db_; }

 private:
  test::TempDir dir_{"idguard-checkpointer"};
  std::filesystem::path file_;
  SqliteDatabase db_;  // closes before the directory is removed
};

// Commits about 2 MB, asks `checkpointer` to copy it and waits; whether the file grew by it.
bool CommitIsCopied(WalDatabase& database, WalCheckpointer& checkpointer) {
  database.Commit(500);
  const auto before = database.FileSize();
  if (!checkpointer.Request()) return false;
  checkpointer.WaitUntilIdle();
  return database.FileSize() > before + 1'000'000;
}

TEST(WalCheckpointerTest, ARequestCopiesTheCommittedLogIntoTheFile) {
  WalDatabase database;
  database.Commit(500);
  const auto before = database.FileSize();
  WalCheckpointer checkpointer(database.file().string());
  EXPECT_EQ(checkpointer.completedRuns(), 0U);

  ASSERT_TRUE(checkpointer.Request());
  checkpointer.WaitUntilIdle();
  EXPECT_EQ(checkpointer.completedRuns(), 1U);
  EXPECT_GT(database.FileSize(), before + 1'000'000) << "the committed pages are not in the file";

  // A later commit is copied by a later request.
  EXPECT_TRUE(CommitIsCopied(database, checkpointer));
  EXPECT_EQ(checkpointer.completedRuns(), 2U);
  const auto log_and_copied = database.LogAndCopied();
  ASSERT_EQ(log_and_copied.size(), 2U);
  EXPECT_EQ(log_and_copied[0], log_and_copied[1]) << "frames were left in the log";
}

TEST(WalCheckpointerTest, WithoutARequestNothingIsCopied) {
  WalDatabase database;
  const auto before = database.FileSize();
  {
    WalCheckpointer checkpointer(database.file().string());
    database.Commit(500);
    checkpointer.WaitUntilIdle();
    EXPECT_EQ(checkpointer.completedRuns(), 0U);
  }
  EXPECT_EQ(database.FileSize(), before);
}

// Leaving WAL mode (a bulk load) needs the file's only connection.
TEST(WalCheckpointerTest, ClosingTheConnectionLetsTheWriterLeaveWalAndTheNextRequestReopensIt) {
  WalDatabase database;
  database.Commit(10);
  WalCheckpointer checkpointer(database.file().string());
  ASSERT_TRUE(checkpointer.Request());
  checkpointer.WaitUntilIdle();
  // While the checkpointer's connection is open, SQLite refuses ("database is locked").
  EXPECT_FALSE(database.db().Exec("PRAGMA journal_mode = TRUNCATE").ok());

  checkpointer.CloseConnection();
  ASSERT_TRUE(database.db().Exec("PRAGMA journal_mode = TRUNCATE").ok());
  ASSERT_TRUE(database.db().Exec("PRAGMA journal_mode = WAL").ok());

  EXPECT_TRUE(CommitIsCopied(database, checkpointer)) << "the reopened connection copies nothing";
  EXPECT_EQ(checkpointer.completedRuns(), 2U);
}

TEST(WalCheckpointerTest, AFileItCannotOpenTurnsItOffAndTheCallerCheckpointsItself) {
  WalDatabase database;
  WalCheckpointer checkpointer((database.file().parent_path() / "missing.db").string());
  EXPECT_TRUE(checkpointer.Request()) << "the first request cannot know yet";
  checkpointer.WaitUntilIdle();
  EXPECT_FALSE(checkpointer.Request());
  EXPECT_EQ(checkpointer.completedRuns(), 0U);
  EXPECT_FALSE(std::filesystem::exists(database.file().parent_path() / "missing.db"))
      << "the checkpointer created a file";
}

}  // namespace
}  // namespace idguard::sqlite
