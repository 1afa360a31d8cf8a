// BatchWriter: persists StoreBatches on a background thread so storage overlaps with parsing
// and detection. At most kMaxPending batch waits (besides the one being written); Submit blocks
// beyond that, which bounds memory. The first store error stops the writer and is reported by every
// later call.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "idguard/store/risk_store.h"

namespace idguard {

class BatchWriter {
 public:
  static constexpr std::size_t kMaxPending = 1;

  explicit BatchWriter(RiskStore& store);
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  Status Submit(StoreBatch batch);
  // Waits until every submitted batch is written; returns the first error.
  Status Finish();

 private:
  void Run();

  RiskStore& store_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<StoreBatch> pending_;
  bool writing_ = false;
  bool stopping_ = false;
  Status error_;
  std::thread thread_;
};

}  // namespace idguard
