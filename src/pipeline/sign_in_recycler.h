// SignInRecycler: carries the sign-in vectors the emitter thread is done with back to the engine
// thread, which parses the next records into them. A SignIn holds about thirty strings; reused, it
// keeps their storage, so parsing a record allocates little, and memory allocated by one thread is
// no longer freed by another (which costs the allocator more than a free on the same thread).
#pragma once

#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

#include "idguard/core/sign_in.h"

namespace idguard {

class SignInRecycler {
 public:
  // Keeps at most `keep` vectors; further ones are freed by the thread that gives them.
  explicit SignInRecycler(std::size_t keep) : keep_(keep) {}

  void Give(std::vector<SignIn> sign_ins) {
    std::unique_lock lock(mutex_);
    if (spare_.size() >= keep_) return;  // `sign_ins` is freed here, outside the lock
    spare_.push_back(std::move(sign_ins));
  }

  // A vector given back earlier, or an empty one.
  std::vector<SignIn> Take() {
    std::lock_guard lock(mutex_);
    if (spare_.empty()) return {};
    std::vector<SignIn> sign_ins = std::move(spare_.back());
    spare_.pop_back();
    return sign_ins;
  }

 private:
  const std::size_t keep_;
  std::mutex mutex_;
  std::vector<std::vector<SignIn>> spare_;
};

}  // namespace idguard
