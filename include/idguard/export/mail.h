// Email for notifications: the message format (RFC 5322, UTF-8 plain text) and an SMTP sender
// (libcurl) with STARTTLS, authentication and a timeout.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/core/time.h"

namespace idguard {

struct MailMessage {
  std::vector<std::string> to;
  std::string subject;  // ASCII
  std::string text;     // UTF-8; lines end with '\n'
};

// The message as sent: headers (From, To, Subject, Date, Message-ID, MIME) and the body with CRLF
// line ends. `message_id` is unique per message (without the angle brackets).
std::string FormatMailMessage(const MailMessage& message, std::string_view from, EventTime date,
                              std::string_view message_id);

enum class StartTls : std::uint8_t {
  required,       // refuse to send over a connection that could not be upgraded
  opportunistic,  // upgrade when the server offers it
  off,            // plain text (a relay on the same host)
};

struct SmtpOptions {
  // smtp://HOST:PORT (upgraded by STARTTLS as `startTls` says) or smtps://HOST:PORT (TLS from
  // the first byte). Empty: no email is sent.
  std::string url;
  StartTls startTls = StartTls::required;  // Default: required
  std::string username;                    // empty: no authentication
  std::string password;                    // never logged
  std::string from;                        // the envelope and header sender
  std::string caFile;                      // PEM bundle to verify the server; empty: the system's
  std::chrono::seconds timeout{30};        // Default: 30 s for the whole exchange
};

// Sends one message to all its recipients in one SMTP transaction. Thread-safe.
Status SendMail(const SmtpOptions& options, const MailMessage& message, EventTime now);

// One HTTP POST (webhooks): the status code, or an error when no answer came.
struct HttpPostRequest {
  std::string url;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  std::string caFile;
  std::chrono::milliseconds timeout{10'000};
};
Result<long> HttpPost(const HttpPostRequest& request);

}  // namespace idguard
