#include "api/metrics.h"

#include <algorithm>
#include <charconv>

namespace idguard::api {
namespace {

void AppendDouble(std::string& out, double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

void AppendLabelValue(std::string& out, std::string_view value) {
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
}

}  // namespace

ApiMetrics::ApiMetrics(std::vector<std::string> routes)
    : routes_(std::move(routes)), figures_(routes_.size() + 1) {}

void ApiMetrics::Observe(std::size_t route_index, int status, std::int64_t micros) {
  RouteFigures& figures = figures_[std::min(route_index, routes_.size())];
  const int status_class = std::clamp(status / 100, 1, 5);
  figures.byStatusClass[status_class].fetch_add(1, std::memory_order_relaxed);
  const double seconds = static_cast<double>(micros) / 1e6;
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  figures.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  figures.count.fetch_add(1, std::memory_order_relaxed);
  figures.sumMicros.fetch_add(micros, std::memory_order_relaxed);
}

void ApiMetrics::AddIngested(std::uint64_t accepted, std::uint64_t rejected) {
  ingested_.fetch_add(accepted, std::memory_order_relaxed);
  rejected_.fetch_add(rejected, std::memory_order_relaxed);
}

std::string ApiMetrics::Render(std::string_view extra) const {
  std::string out;
  out +=
      "# HELP idguard_http_requests_total HTTP requests answered, by route and status class.\n"
      "# TYPE idguard_http_requests_total counter\n";
  for (std::size_t i = 0; i < figures_.size(); ++i) {
    const std::string_view route =
        i < routes_.size() ? std::string_view(routes_[i]) : std::string_view("unmatched");
    for (int status_class = 1; status_class <= 5; ++status_class) {
      const auto value = figures_[i].byStatusClass[status_class].load();
      if (value == 0) continue;
      out += "idguard_http_requests_total{route=\"";
      AppendLabelValue(out, route);
      out +=
          "\",status=\"" + std::to_string(status_class) + "xx\"} " + std::to_string(value) + "\n";
    }
  }
  out +=
      "# HELP idguard_http_request_duration_seconds Time from request read to response "
      "ready, by route.\n"
      "# TYPE idguard_http_request_duration_seconds histogram\n";
  for (std::size_t i = 0; i < figures_.size(); ++i) {
    const RouteFigures& figures = figures_[i];
    if (figures.count.load() == 0) continue;
    std::string label = "route=\"";
    AppendLabelValue(label, i < routes_.size() ? routes_[i] : "unmatched");
    label += '"';
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += figures.buckets[b].load();
      out += "idguard_http_request_duration_seconds_bucket{" + label + ",le=\"";
      if (b < kBuckets.size()) {
        AppendDouble(out, kBuckets[b]);
      } else {
        out += "+Inf";
      }
      out += "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "idguard_http_request_duration_seconds_sum{" + label + "} ";
    AppendDouble(out, static_cast<double>(figures.sumMicros.load()) / 1e6);
    out += "\nidguard_http_request_duration_seconds_count{" + label + "} " +
           std::to_string(figures.count.load()) + "\n";
  }
  out +=
      "# HELP idguard_signins_ingested_total Sign-ins accepted through POST /v1/signins.\n"
      "# TYPE idguard_signins_ingested_total counter\n"
      "idguard_signins_ingested_total " +
      std::to_string(ingested_.load()) +
      "\n# HELP idguard_signins_rejected_total Sign-in records refused by POST /v1/signins.\n"
      "# TYPE idguard_signins_rejected_total counter\n"
      "idguard_signins_rejected_total " +
      std::to_string(rejected_.load()) +
      "\n# HELP idguard_writer_queue_depth Write requests waiting for the engine.\n"
      "# TYPE idguard_writer_queue_depth gauge\n"
      "idguard_writer_queue_depth " +
      std::to_string(writer_queue_depth_.load()) + "\n";
  out += extra;
  return out;
}

}  // namespace idguard::api
