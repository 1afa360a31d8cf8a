#include <string>

#include "idguard/export/mail.h"

namespace idguard {
namespace {

constexpr std::string_view kWeekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// RFC 5322 date-time in UTC, e.g. "Mon, 30 Nov 2026 15:04:05 +0000".
std::string MailDate(EventTime time) {
  const std::string iso = FormatTimestamp(time);  // 2026-11-30T15:04:05Z
  const std::int64_t days = time >= 0 ? time / kMicrosPerDay : (time + 1) / kMicrosPerDay - 1;
  const std::string_view weekday = kWeekdays[((days % 7) + 7) % 7];
  const int month = std::stoi(iso.substr(5, 2));
  return std::string(weekday) + ", " + iso.substr(8, 2) + " " + std::string(kMonths[month - 1]) +
         " " + iso.substr(0, 4) + " " + iso.substr(11, 8) + " +0000";
}

// Header values come from settings that were checked for line breaks; this strips any left so a
// header can never be split.
std::string HeaderValue(std::string_view value) {
  std::string clean;
  for (char c : value) clean += (c == '\r' || c == '\n') ? ' ' : c;
  return clean;
}

}  // namespace

std::string FormatMailMessage(const MailMessage& message, std::string_view from, EventTime date,
                              std::string_view message_id) {
  std::string out;
  out += "From: " + HeaderValue(from) + "\r\n";
  out += "To: ";
  for (std::size_t i = 0; i < message.to.size(); ++i) {
    if (i > 0) out += ",\r\n ";
    out += HeaderValue(message.to[i]);
  }
  out += "\r\n";
  out += "Subject: " + HeaderValue(message.subject) + "\r\n";
  out += "Date: " + MailDate(date) + "\r\n";
  out += "Message-ID: <" + HeaderValue(message_id) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: 8bit\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  for (char c : message.text) {
    if (c == '\r') continue;
    if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

}  // namespace idguard
