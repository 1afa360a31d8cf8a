// StoreTurns: batches reach the store in the order the engine made them, and nobody waits for the
// store while holding the engine lock. Waiting there would stop every evaluation for as long as
// another thread's write takes (an evaluation batch, an ingest slice: tens of milliseconds).
//
// A caller takes a place in line while it holds the engine lock, so places follow the engine's
// order; it lets the engine lock go and then waits for its turn, which holds the store lock.
// Every place taken must be waited for, or the places after it never get their turn: places are
// only taken by the calls that also wait for them.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace idguard {

class StoreTurns {
 public:
  // The store lock for one place in line; the next place's turn comes when it ends.
  class Turn {
   public:
    Turn(Turn&& other) noexcept : turns_(other.turns_), lock_(std::move(other.lock_)) {
      other.turns_ = nullptr;
    }
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;
    Turn& operator=(Turn&&) = delete;
    ~Turn() { End(); }

    // Ends the turn before the end of its scope.
    void End() {
      if (turns_ == nullptr) return;
      ++turns_->serving_;
      turns_->turnEnded_.notify_all();
      lock_.unlock();
      turns_ = nullptr;
    }

   private:
    friend class StoreTurns;
    Turn(StoreTurns* turns, std::unique_lock<std::mutex> lock)
        : turns_(turns), lock_(std::move(lock)) {}

    StoreTurns* turns_;
    std::unique_lock<std::mutex> lock_;
  };

  // Takes a place in line under `engine` (held), lets the engine lock go, and waits for the
  // turn: for a write that needs no engine meanwhile. One call, so no place goes without its wait.
  Turn WaitWithoutEngine(std::unique_lock<std::mutex>& engine) {
    const std::uint64_t place = TakePlace();
    engine.unlock();
    return WaitForTurn(place);
  }

  // A place and its turn, for a caller that keeps the engine lock meanwhile. It waits only for
  // the places taken before it, whose holders no longer need the engine lock.
  Turn TakeTurn() { return WaitForTurn(TakePlace()); }

  // The store lock alone, for what needs no place in line: retention's deletes of old rows,
  // reads at start.
  std::mutex& mutex() { return mutex_; }

 private:
  // A place in line; the engine lock is held.
  std::uint64_t TakePlace() { return next_++; }

  // Waits until every place before this one has had its turn, then takes the store lock.
  Turn WaitForTurn(std::uint64_t place) {
    std::unique_lock lock(mutex_);
    turnEnded_.wait(lock, [&] { return serving_ == place; });
    return Turn(this, std::move(lock));
  }

  std::mutex mutex_;
  std::condition_variable turnEnded_;
  std::uint64_t next_ = 0;     // guarded by the engine lock
  std::uint64_t serving_ = 0;  // guarded by mutex_
};

}  // namespace idguard
