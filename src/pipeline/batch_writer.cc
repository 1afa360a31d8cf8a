#include "pipeline/batch_writer.h"

namespace idguard {

BatchWriter::BatchWriter(RiskStore& store) : store_(store), thread_([this] { Run(); }) {}

BatchWriter::~BatchWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

Status BatchWriter::Submit(StoreBatch batch) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return pending_.size() < kMaxPending || !error_.ok(); });
  if (!error_.ok()) return error_;
  pending_.push_back(std::move(batch));
  changed_.notify_all();
  return Status::Ok();
}

Status BatchWriter::Finish() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return (pending_.empty() && !writing_) || !error_.ok(); });
  return error_;
}

void BatchWriter::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return !pending_.empty() || stopping_; });
    if (pending_.empty()) return;  // stopping with nothing left
    StoreBatch batch = std::move(pending_.front());
    pending_.pop_front();
    writing_ = true;
    const bool failed_before = !error_.ok();  // after a failure, later batches are dropped
    lock.unlock();
    Status status = failed_before ? Status::Ok() : store_.Write(batch);
    lock.lock();
    writing_ = false;
    if (!status.ok() && error_.ok()) error_ = status;
    changed_.notify_all();
  }
}

}  // namespace idguard
