#include "store/sqlite/wal_checkpointer.h"

#include <utility>

#include "idguard/core/thread_name.h"

namespace idguard::sqlite {

WalCheckpointer::WalCheckpointer(std::string path) : path_(std::move(path)) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool WalCheckpointer::Request() {
  {
    std::lock_guard lock(mutex_);
    if (failed_) return false;
    requested_ = true;
    // Started here rather than with the store: most stores a command opens never fill the log.
    if (!thread_.joinable()) {
      thread_ = std::thread([this] {
        NameThisThread("idg-checkpoint");
        Run();
      });
    }
  }
  changed_.notify_all();
  return true;
}

void WalCheckpointer::WaitUntilIdle() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return (!requested_ && !running_) || failed_ || stopping_; });
}

void WalCheckpointer::CloseConnection() {
  std::unique_lock lock(mutex_);
  if (!thread_.joinable()) return;  // never opened
  closeRequested_ = true;
  changed_.notify_all();
  changed_.wait(lock, [&] { return !closeRequested_ || stopping_; });
}

std::uint64_t WalCheckpointer::completedRuns() const {
  std::lock_guard lock(mutex_);
  return completedRuns_;
}

void WalCheckpointer::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return requested_ || closeRequested_ || stopping_; });
    if (closeRequested_ || stopping_) {
      // Requests still pending are dropped: a bulk load has no log to copy, and a closing store's
      // last connection copies the whole log itself.
      requested_ = false;
      db_ = SqliteDatabase();
      closeRequested_ = false;
      changed_.notify_all();
      if (stopping_) return;
      continue;
    }
    requested_ = false;
    running_ = true;
    lock.unlock();
    const bool open = EnsureOpen();
    if (open) CheckpointOnce();
    lock.lock();
    running_ = false;
    if (!open) failed_ = true;
    changed_.notify_all();
  }
}

bool WalCheckpointer::EnsureOpen() {
  if (db_.get() != nullptr) return true;
  sqlite3* raw = nullptr;
  const int rc = OpenConnection(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, &raw);
  SqliteDatabase db(raw);
  if (rc != SQLITE_OK) return false;
  // A checkpoint syncs the log before copying and the file after, as the writer's own would
  // (Debian's SQLite defaults WAL connections to FULL, which syncs every commit besides).
  // The read opens the log, which a fresh connection otherwise only finds at its first query.
  if (!db.Exec("PRAGMA synchronous = NORMAL; SELECT count(*) FROM sqlite_schema").ok()) {
    return false;
  }
  db_ = std::move(db);
  return true;
}

void WalCheckpointer::CheckpointOnce() {
  // Busy (another connection checkpoints, or one closes) or short of the log's end (a reader
  // still uses older pages) both leave the rest to the next request.
  const int rc =
      sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc == SQLITE_OK) {
    std::lock_guard lock(mutex_);
    ++completedRuns_;
  }
}

}  // namespace idguard::sqlite
