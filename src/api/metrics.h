// ApiMetrics: the counters and latency histograms behind Prometheus /metrics. Lock-free updates
// from every server thread; the text exposition is built on scrape.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace idguard::api {

class ApiMetrics {
 public:
  // Upper bounds (seconds) of the latency histogram buckets.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  // `routes` are the route templates (method and pattern), indexed as Router::routes().
  explicit ApiMetrics(std::vector<std::string> routes);

  // route_index == routes.size(): no route matched.
  void Observe(std::size_t route_index, int status, std::int64_t micros);
  void AddIngested(std::uint64_t accepted, std::uint64_t rejected);
  std::atomic<std::int64_t>& writerQueueDepth() { return writer_queue_depth_; }

  // Prometheus text format (version 0.0.4). `extra` is appended as is (gauges read at scrape).
  std::string Render(std::string_view extra) const;

 private:
  struct RouteFigures {
    std::array<std::atomic<std::uint64_t>, 6> byStatusClass{};  // 1xx..5xx, index 1-5
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::int64_t> sumMicros{0};
  };
  std::vector<std::string> routes_;
  std::vector<RouteFigures> figures_;  // routes_.size() + 1 (the last: unmatched)
  std::atomic<std::uint64_t> ingested_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::int64_t> writer_queue_depth_{0};
};

}  // namespace idguard::api
