// WorkerThread: hands items to one background thread that handles them in submission order, so a
// pipeline stage overlaps with the stage that feeds it. At most `max_pending` items wait besides
// the one being handled; Submit blocks beyond that, which bounds memory. The first error a handler
// returns stops the worker (later items are dropped) and is reported by every later call.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "idguard/core/status.h"
#include "idguard/core/thread_name.h"

namespace idguard {

template <typename Item>
class WorkerThread {
 public:
  using Handler = std::function<Status(Item&)>;

  // `name` names the thread for the operating system (at most 15 characters are kept).
  WorkerThread(std::string_view name, std::size_t max_pending, Handler handler)
      : maxPending_(max_pending),
        handler_(std::move(handler)),
        thread_([this, name = std::string(name)] {
          NameThisThread(name);
          Run();
        }) {}
  ~WorkerThread() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  Status Submit(Item item) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return pending_.size() < maxPending_ || !error_.ok(); });
    if (!error_.ok()) return error_;
    pending_.push_back(std::move(item));
    changed_.notify_all();
    return Status::Ok();
  }

  // Waits until every submitted item is handled; returns the first error.
  Status Finish() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return (pending_.empty() && !working_) || !error_.ok(); });
    return error_;
  }

 private:
  void Run() {
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [&] { return !pending_.empty() || stopping_; });
      if (pending_.empty()) return;  // stopping with nothing left
      Status status;
      {
        Item item = std::move(pending_.front());
        pending_.pop_front();
        working_ = true;
        const bool failed_before = !error_.ok();
        // Wakes a producer blocked on a full queue before the (long) handling, not after it.
        changed_.notify_all();
        lock.unlock();
        if (!failed_before) status = handler_(item);
      }  // the item is released before the lock is taken again
      lock.lock();
      working_ = false;
      if (!status.ok() && error_.ok()) error_ = status;
      changed_.notify_all();
    }
  }

  const std::size_t maxPending_;
  Handler handler_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> pending_;
  bool working_ = false;
  bool stopping_ = false;
  Status error_;
  std::thread thread_;  // last: starts after everything it uses is constructed
};

}  // namespace idguard
