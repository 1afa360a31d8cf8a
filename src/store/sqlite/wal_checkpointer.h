// WalCheckpointer: copies committed pages from a store's write-ahead log into its database file on
// a thread and a connection of its own.
//
// A checkpoint run by the committing connection (SQLite's default) makes that commit wait for the
// copy and for two fsyncs, one of the log and one of the file: on the reference VM about 35 ms per
// 10,000-sign-in batch, all of it while the store's single writer is held. Here the commit only
// asks for a checkpoint and returns; the writer's next batch goes into the log while the copy runs
// (WAL allows one checkpoint beside one writer and any readers). SQLite's documentation suggests
// exactly this for applications that care about commit latency.
//
// A passive checkpoint never waits for the writer, so under steady load the log is never fully
// copied at the moment a write begins, and SQLite cannot start it over: it keeps growing. The
// store bounds it (SqliteRiskStore's WAL hook): past a cap, the writer waits for the run under way
// and checkpoints the rest itself, after which the next write starts the log over.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_statement.h"

namespace idguard::sqlite {

class WalCheckpointer {
 public:
  // The thread starts, and opens its connection to `path`, at the first request.
  explicit WalCheckpointer(std::string path);
  // Lets a run under way finish, then closes the connection and stops the thread.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Asks for a checkpoint and returns at once; requests made while one runs fold into one more
  // run. False when this checkpointer cannot work (its connection failed to open): the caller
  // checkpoints on its own connection instead.
  bool Request();
  // Returns once no checkpoint runs or waits to run.
  void WaitUntilIdle();
  // Waits until idle and closes the connection; the next request opens it again. A connection
  // that leaves WAL mode (a bulk load) must be the file's only one.
  void CloseConnection();
  // Checkpoints completed so far, for tests and diagnostics.
  std::uint64_t completedRuns() const;

 private:
  void Run();
  // On the thread: opens the connection when it is not open; false when that failed.
  bool EnsureOpen();
  void CheckpointOnce();

  const std::string path_;
  SqliteDatabase db_;  // used only on the thread
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool requested_ = false;
  bool running_ = false;
  bool closeRequested_ = false;
  bool stopping_ = false;
  bool failed_ = false;
  std::uint64_t completedRuns_ = 0;
  std::thread thread_;
};

}  // namespace idguard::sqlite
