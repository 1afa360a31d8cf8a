// Event time: microseconds since the Unix epoch, UTC.
//
// Every stage takes time from the event (createdDateTime) or from an injected clock, never from
// the wall clock, so a replay gives the same answer every run. Parsing accepts the timestamp
// shapes seen in Entra exports: ISO 8601 with 0-7 fractional digits and Z or an offset (also a
// one-digit hour), and the US portal format "4/28/2021, 2:08:45.221 PM" / "8/22/2022 6:07:16 PM".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace idguard {

using EventTime = std::int64_t;  // microseconds since 1970-01-01T00:00:00Z

inline constexpr EventTime kMicrosPerSecond = 1'000'000;
inline constexpr EventTime kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr EventTime kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr EventTime kMicrosPerDay = 24 * kMicrosPerHour;

// Parses an ISO 8601 or US-format timestamp. Returns nullopt when the text is not a timestamp.
std::optional<EventTime> ParseTimestamp(std::string_view text);

// Formats as Graph does: "2024-05-01T10:00:00Z", with ".fff" or ".ffffff" only when non-zero.
std::string FormatTimestamp(EventTime time);
void AppendTimestamp(std::string& out, EventTime time);

// Days since the epoch for a civil date (proleptic Gregorian), and the inverse.
std::int64_t DaysFromCivil(std::int64_t year, unsigned month, unsigned day);
struct CivilDate {
  std::int64_t year;
  unsigned month;  // 1-12
  unsigned day;    // 1-31
};
CivilDate CivilFromDays(std::int64_t days);

// A source of "now" for code paths that are not driven by an event (retention, servers).
// Replays inject the latest event time; tests inject fixed values.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual EventTime Now() const = 0;
};

// The machine's clock, for servers answering live requests.
class SystemClock final : public Clock {
 public:
  EventTime Now() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(EventTime now) : now_(now) {}
  EventTime Now() const override { return now_; }
  void Set(EventTime now) { now_ = now; }

 private:
  EventTime now_;
};

}  // namespace idguard
