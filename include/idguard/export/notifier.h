// Notifier: turns committed risk changes into the "users at risk detected" email, the weekly
// digest and webhook deliveries (docs/NOTIFICATIONS.md).
//
// The engine calls AddOutboxEvents() before each store write, so the webhook events a change
// causes, and the users it brings into the alert email, are committed with it (the store's
// outbox); and Committed() after the commit, which only copies what it needs into in-memory
// queues: neither a sign-in nor an evaluation ever waits for a mail server or a webhook receiver.
// Two threads do the sending: one for email (the alert's aggregation window and the weekly
// schedule), one for webhooks (in order per webhook, retried with exponential backoff). Each
// removes from the outbox what it sent or gave up.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/core/time.h"
#include "idguard/export/mail.h"
#include "idguard/export/notification_settings.h"
#include "idguard/store/notification_outbox.h"
#include "idguard/store/report_reader.h"
#include "idguard/store/risk_store.h"

namespace idguard {

struct NotifierOptions {
  SmtpOptions smtp;                             // no url: emails are not sent (and counted as such)
  std::string baseUrl;                          // the server's address, for links in emails
  std::chrono::milliseconds alertWindow{5000};  // Default: 5 s, as Entra
  bool weeklyDigestSchedule = true;             // Default: on; Mondays 08:00 UTC
  std::string webhookCaFile;  // PEM bundle to verify receivers; empty: the system's
  std::chrono::milliseconds webhookTimeout{10'000};         // Default: 10 s per attempt
  std::chrono::milliseconds webhookFirstRetry{1000};        // Default: 1 s, doubled per attempt
  std::chrono::milliseconds webhookMaxRetryDelay{300'000};  // Default: 5 min
  int webhookMaxAttempts = 8;              // Default: 8 (the last about 2 minutes after the first)
  std::size_t webhookQueueLimit = 10'000;  // Default: 10,000 events per webhook; oldest dropped
  std::size_t webhookBatchEvents = 100;    // Default: 100 events per POST
};

struct NotifierCounters {
  std::int64_t alertEmailsSent = 0;
  std::int64_t digestEmailsSent = 0;
  std::int64_t emailFailures = 0;
  std::int64_t webhookDeliveries = 0;  // POSTs answered 2xx
  std::int64_t webhookFailedAttempts = 0;
  std::int64_t webhookEventsDropped = 0;  // queue full, or given up after the last attempt
  std::int64_t webhookEventsQueued = 0;   // waiting now
  std::int64_t outboxFailures = 0;        // reads and removals of the store's outbox that failed
};

// Who receives the emails besides the configured recipients: role holders with an address.
inline constexpr std::size_t kRoleHoldersPerRole = 20;

class Notifier {
 public:
  using ReaderFactory = std::function<Result<std::unique_ptr<ReportReader>>()>;
  // `open_reader` gives the digest and the role holders a store connection of their own. What
  // waits in `outbox` (webhook events, users of an alert email not yet sent) is sent once the
  // settings are set. Without an outbox (null, or it could not be opened, which counts as an
  // outbox failure) it all lives in memory only.
  Notifier(
      NotifierOptions options, ReaderFactory open_reader,
      Result<std::unique_ptr<NotificationOutbox>> outbox = std::unique_ptr<NotificationOutbox>());
  ~Notifier();  // stops the threads; events still waiting stay in the outbox
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void SetSettings(const NotificationSettings& settings);

  // Before a store write: adds to `batch.outbox` the webhook events its changes cause and the
  // users they bring into the alert email. Cheap.
  void AddOutboxEvents(StoreBatch& batch);
  // After the commit of a batch: queues its webhook events and offers its users to the alert.
  // Cheap; never blocks on the network.
  void Committed(const StoreBatch& batch);

  // Sends the digest of [from, to) now, to the digest's recipients (the API's "send now").
  // Returns how many addresses it went to.
  Result<std::size_t> SendWeeklyDigest(EventTime from, EventTime to);

  NotifierCounters counters() const;
  bool emailConfigured() const;

 private:
  struct State;
  void RunEmail();
  void RunWebhooks();
  std::unique_ptr<State> state_;
};

// The recipients of an email: the configured addresses, then the holders (active API tokens with
// an email) of security-administrator and security-reader, the first 20 per role, no repeats.
std::vector<std::string> EmailRecipients(const EmailNotification& settings,
                                         const std::vector<ApiTokenRecord>& tokens);

// The "users at risk detected" email for these users (their riskyUser state when they crossed).
MailMessage FormatRiskyUsersAlertMail(const std::vector<RiskyUser>& users, RiskLevel minimum,
                                      std::string_view base_url);

// How long a webhook waits before its next attempt after `failed_attempts` failed ones (1 or
// more): the first retry delay, doubled per further failure, never more than the maximum.
std::chrono::milliseconds WebhookRetryDelay(int failed_attempts, const NotifierOptions& options);

// A webhook POST's signature header value: "t=<unix seconds>,v1=<hex HMAC-SHA256 of
// '<unix seconds>.<body>' under the secret>".
std::string WebhookSignature(std::string_view secret, std::int64_t unix_seconds,
                             std::string_view body);

}  // namespace idguard
