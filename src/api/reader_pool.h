// ReaderPool: read-only store connections for the API, one per request (or streamed download)
// at a time; it grows to the number of requests that read at once and keeps them for reuse.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "idguard/store/report_reader.h"

namespace idguard::api {

class ReaderPool {
 public:
  explicit ReaderPool(std::string path) : path_(std::move(path)) {}

  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<ReportReader> reader)
        : pool_(pool), reader_(std::move(reader)) {}
    ~Lease() {
      if (reader_) pool_.Return(std::move(reader_));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ReportReader& operator*() { return *reader_; }

   private:
    ReaderPool& pool_;
    std::unique_ptr<ReportReader> reader_;
  };

  Result<std::unique_ptr<Lease>> Borrow() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto reader = std::move(idle_.back());
        idle_.pop_back();
        return std::make_unique<Lease>(*this, std::move(reader));
      }
    }
    auto opened = OpenSqliteReportReader(path_);
    if (!opened.ok()) return opened.status();
    return std::make_unique<Lease>(*this, std::move(opened).value());
  }

 private:
  void Return(std::unique_ptr<ReportReader> reader) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(reader));
  }
  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<ReportReader>> idle_;
};

}  // namespace idguard::api
