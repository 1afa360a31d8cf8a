#include "idguard/core/time.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace idguard {
namespace {

// Reads 1..max_digits decimal digits at text[pos]; advances pos.
bool ReadNumber(std::string_view text, std::size_t& pos, int min_digits, int max_digits,
                int& value) {
  int digits = 0;
  value = 0;
  while (pos < text.size() && digits < max_digits && text[pos] >= '0' && text[pos] <= '9') {
    value = value * 10 + (text[pos] - '0');
    ++pos;
    ++digits;
  }
  return digits >= min_digits;
}

bool Expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// Fraction ".fffffff": any number of digits, kept to microsecond precision.
std::int64_t ReadFractionMicros(std::string_view text, std::size_t& pos) {
  std::int64_t micros = 0;
  int digits = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    if (digits < 6) micros = micros * 10 + (text[pos] - '0');
    ++digits;
    ++pos;
  }
  for (; digits < 6; ++digits) micros *= 10;
  return micros;
}

bool ValidDate(int year, int month, int day, int hour, int minute, int second) {
  return year >= 1970 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
         hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60;
}

EventTime Compose(int year, int month, int day, int hour, int minute, int second,
                  std::int64_t micros) {
  const std::int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute) * 60 * kMicrosPerSecond +
         static_cast<std::int64_t>(second) * kMicrosPerSecond + micros;
}

std::optional<EventTime> ParseIso(std::string_view text) {
  std::size_t pos = 0;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!ReadNumber(text, pos, 4, 4, year) || !Expect(text, pos, '-') ||
      !ReadNumber(text, pos, 1, 2, month) || !Expect(text, pos, '-') ||
      !ReadNumber(text, pos, 1, 2, day)) {
    return std::nullopt;
  }
  std::int64_t micros = 0;
  std::int64_t offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
    ++pos;
    if (!ReadNumber(text, pos, 1, 2, hour) || !Expect(text, pos, ':') ||
        !ReadNumber(text, pos, 2, 2, minute)) {
      return std::nullopt;
    }
    if (Expect(text, pos, ':')) {
      if (!ReadNumber(text, pos, 2, 2, second)) return std::nullopt;
      if (Expect(text, pos, '.')) micros = ReadFractionMicros(text, pos);
    }
    if (pos < text.size()) {
      const char zone = text[pos];
      if (zone == 'Z' || zone == 'z') {
        ++pos;
      } else if (zone == '+' || zone == '-') {
        ++pos;
        int oh, om = 0;
        if (!ReadNumber(text, pos, 2, 2, oh)) return std::nullopt;
        Expect(text, pos, ':');
        ReadNumber(text, pos, 2, 2, om);
        offset_minutes = (zone == '+' ? 1 : -1) * (std::int64_t{oh} * 60 + om);
      }
    }
  }
  if (pos != text.size() || !ValidDate(year, month, day, hour, minute, second)) {
    return std::nullopt;
  }
  return Compose(year, month, day, hour, minute, second, micros) -
         offset_minutes * kMicrosPerMinute;
}

// "4/28/2021, 2:08:45.221 PM" or "8/22/2022 6:07:16 PM" (US portal exports, always UTC).
std::optional<EventTime> ParseUs(std::string_view text) {
  std::size_t pos = 0;
  int year, month, day, hour, minute, second = 0;
  if (!ReadNumber(text, pos, 1, 2, month) || !Expect(text, pos, '/') ||
      !ReadNumber(text, pos, 1, 2, day) || !Expect(text, pos, '/') ||
      !ReadNumber(text, pos, 4, 4, year)) {
    return std::nullopt;
  }
  Expect(text, pos, ',');
  if (!Expect(text, pos, ' ') || !ReadNumber(text, pos, 1, 2, hour) || !Expect(text, pos, ':') ||
      !ReadNumber(text, pos, 2, 2, minute)) {
    return std::nullopt;
  }
  std::int64_t micros = 0;
  if (Expect(text, pos, ':')) {
    if (!ReadNumber(text, pos, 2, 2, second)) return std::nullopt;
    if (Expect(text, pos, '.')) micros = ReadFractionMicros(text, pos);
  }
  if (Expect(text, pos, ' ')) {
    const std::string_view suffix = text.substr(pos);
    if (suffix == "PM" || suffix == "pm") {
      if (hour < 1 || hour > 12) return std::nullopt;
      if (hour != 12) hour += 12;
    } else if (suffix == "AM" || suffix == "am") {
      if (hour < 1 || hour > 12) return std::nullopt;
      if (hour == 12) hour = 0;
    } else {
      return std::nullopt;
    }
    pos = text.size();
  }
  if (pos != text.size() || !ValidDate(year, month, day, hour, minute, second)) {
    return std::nullopt;
  }
  return Compose(year, month, day, hour, minute, second, micros);
}

void AppendPadded(std::string& out, std::int64_t value, int width) {
  char buffer[16];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  for (int pad = width - static_cast<int>(end - buffer); pad > 0; --pad) out.push_back('0');
  out.append(buffer, end);
}

}  // namespace

std::int64_t DaysFromCivil(std::int64_t year, unsigned month, unsigned day) {
  // Howard Hinnant's days_from_civil algorithm.
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate CivilFromDays(std::int64_t days) {
  // Howard Hinnant's civil_from_days algorithm.
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2), month, day};
}

std::optional<EventTime> ParseTimestamp(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() < 8) return std::nullopt;
  if (text.find('/') != std::string_view::npos) return ParseUs(text);
  return ParseIso(text);
}

void AppendTimestamp(std::string& out, EventTime time) {
  std::int64_t days = time / kMicrosPerDay;
  std::int64_t rem = time % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    --days;
  }
  const auto [year, month, day] = CivilFromDays(days);

  const std::int64_t seconds_of_day = rem / kMicrosPerSecond;
  const std::int64_t micros = rem % kMicrosPerSecond;
  AppendPadded(out, year, 4);
  out.push_back('-');
  AppendPadded(out, month, 2);
  out.push_back('-');
  AppendPadded(out, day, 2);
  out.push_back('T');
  AppendPadded(out, seconds_of_day / 3600, 2);
  out.push_back(':');
  AppendPadded(out, seconds_of_day / 60 % 60, 2);
  out.push_back(':');
  AppendPadded(out, seconds_of_day % 60, 2);
  if (micros != 0) {
    out.push_back('.');
    if (micros % 1000 == 0) {
      AppendPadded(out, micros / 1000, 3);
    } else {
      AppendPadded(out, micros, 6);
    }
  }
  out.push_back('Z');
}

std::string FormatTimestamp(EventTime time) {
  std::string out;
  AppendTimestamp(out, time);
  return out;
}

EventTime SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace idguard
