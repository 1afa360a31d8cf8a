#include "idguard/export/notifier.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "export/notifications/risky_users_alert.h"
#include "idguard/core/digest.h"
#include "idguard/core/json_writer.h"
#include "idguard/core/thread_name.h"
#include "idguard/export/weekly_digest.h"

namespace idguard {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

constexpr std::chrono::seconds kScheduleCheck{60};
// The outbox channel of the alert email's users. Webhook ids (the other channels) never hold ':'.
constexpr const char* kAlertChannel = "email:riskyUsersAlert";

struct QueuedEvent {
  std::int64_t sequence = 0;
  std::string id;
  std::string json;
};

struct Outbox {
  std::deque<QueuedEvent> events;
  int attempts = 0;  // failed attempts of the batch at the front
  SteadyTime nextAttempt{};
};

bool Permanent(long status) {
  // A receiver that refuses the request itself will refuse it again; 408 and 429 are "later".
  return status >= 400 && status < 500 && status != 408 && status != 429;
}

std::string EventJson(std::string_view id, WebhookEventType type, EventTime now,
                      std::string_view resource) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject();
  json.Member("id", id);
  json.Member("eventType", ToString(type));
  json.MemberTimestamp("eventDateTime", now);
  json.Key("resource");
  json.Raw(resource);
  json.EndObject();
  return out;
}

bool LevelWanted(const WebhookSettings& hook, RiskLevel level, RiskState state) {
  const bool settled = state == RiskState::remediated || state == RiskState::dismissed ||
                       state == RiskState::confirmedSafe;
  if (settled) return true;
  return level != RiskLevel::none && level != RiskLevel::hidden &&
         Severity(level) >= Severity(hook.minimumRiskLevel);
}

}  // namespace

struct Notifier::State {
  NotifierOptions options;
  ReaderFactory openReader;
  mutable std::mutex mutex;
  std::condition_variable emailWake;
  std::condition_variable webhookWake;
  bool stopping = false;
  NotificationSettings settings;
  RiskyUsersAlertBatch alert;
  std::optional<SteadyTime> alertDue;
  std::vector<RiskyUser> storedAlertUsers;  // read from the outbox, offered once settings are set
  std::int64_t alertStoredThrough = 0;      // the alert's last outbox sequence so far
  EventTime nextDigest = 0;
  std::map<std::string, Outbox> outboxes;     // by webhook id
  std::unique_ptr<NotificationOutbox> store;  // null: the events live in memory only
  bool settingsSet = false;  // until then the webhook thread waits: it cannot tell which to send
  std::int64_t nextSequence = 1;
  NotifierCounters counters;
  std::thread emailThread;
  std::thread webhookThread;

  // Mutex held. The store's copy of an event dropped here goes with the next removal of the
  // channel's delivered events, which all come after it.
  void Enqueue(const std::string& channel, QueuedEvent event) {
    Outbox& outbox = outboxes[channel];
    outbox.events.push_back(std::move(event));
    ++counters.webhookEventsQueued;
    if (outbox.events.size() > options.webhookQueueLimit) {
      outbox.events.pop_front();
      --counters.webhookEventsQueued;
      ++counters.webhookEventsDropped;
    }
  }
};

Notifier::Notifier(NotifierOptions options, ReaderFactory open_reader,
                   Result<std::unique_ptr<NotificationOutbox>> outbox)
    : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  state_->openReader = std::move(open_reader);
  if (outbox.ok()) {
    state_->store = std::move(outbox).value();
  } else {
    ++state_->counters.outboxFailures;
  }
  if (state_->store != nullptr) {
    State& s = *state_;
    Status loaded = s.store->ForEach([&s](OutboxEvent&& event) {
      s.nextSequence = std::max(s.nextSequence, event.sequence + 1);
      if (event.channel == kAlertChannel) {
        s.alertStoredThrough = std::max(s.alertStoredThrough, event.sequence);
        if (auto user = AlertUserFromGraphJson(event.json)) s.storedAlertUsers.push_back(*user);
        return;
      }
      s.Enqueue(event.channel, {event.sequence, std::move(event.eventId), std::move(event.json)});
    });
    if (!loaded.ok()) ++s.counters.outboxFailures;
  }
  state_->nextDigest = NextWeeklyDigestTime(SystemClock().Now());
  state_->emailThread = std::thread([this] {
    NameThisThread("idg-email");
    RunEmail();
  });
  state_->webhookThread = std::thread([this] {
    NameThisThread("idg-webhooks");
    RunWebhooks();
  });
}

Notifier::~Notifier() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->emailWake.notify_all();
  state_->webhookWake.notify_all();
  state_->emailThread.join();
  state_->webhookThread.join();
}

void Notifier::SetSettings(const NotificationSettings& settings) {
  State& s = *state_;
  std::vector<std::string> removed;
  {
    std::lock_guard lock(s.mutex);
    for (auto it = s.outboxes.begin(); it != s.outboxes.end();) {
      const auto hook = std::find_if(settings.webhooks.begin(), settings.webhooks.end(),
                                     [&](const auto& h) { return h.id == it->first; });
      if (hook != settings.webhooks.end() && hook->isEnabled) {
        // A webhook given a new address is tried there at once, not after the old one's backoff.
        const auto old = std::find_if(s.settings.webhooks.begin(), s.settings.webhooks.end(),
                                      [&](const auto& h) { return h.id == it->first; });
        if (old == s.settings.webhooks.end() || old->url != hook->url) {
          it->second.attempts = 0;
          it->second.nextAttempt = {};
        }
        ++it;
        continue;
      }
      s.counters.webhookEventsQueued -= static_cast<std::int64_t>(it->second.events.size());
      removed.push_back(it->first);
      it = s.outboxes.erase(it);
    }
    s.settings = settings;
    s.settingsSet = true;
    // The users of an alert the server stopped before sending: their window opens now.
    const auto& alert = settings.riskyUsersAlert;
    for (const RiskyUser& user : s.storedAlertUsers) {
      if (alert.isEnabled && s.alert.Offer(user, alert.minimumRiskLevel) && !s.alertDue) {
        s.alertDue = std::chrono::steady_clock::now() + s.options.alertWindow;
      }
    }
    s.storedAlertUsers.clear();
    if (!alert.isEnabled && s.alertStoredThrough > 0 && !s.alertDue) {
      removed.emplace_back(kAlertChannel);
      s.alertStoredThrough = 0;
    }
  }
  s.emailWake.notify_all();
  s.webhookWake.notify_all();
  // The store is written outside the lock, which the engine's commits take.
  for (const std::string& channel : removed) {
    if (s.store != nullptr && !s.store->RemoveChannel(channel).ok()) {
      std::lock_guard lock(s.mutex);
      ++s.counters.outboxFailures;
    }
  }
}

void Notifier::AddOutboxEvents(StoreBatch& batch) {
  if (batch.riskyUsers.empty() && batch.history.empty() && batch.detections.empty()) return;
  State& s = *state_;
  const EventTime now = SystemClock().Now();
  std::lock_guard lock(s.mutex);
  if (s.settings.riskyUsersAlert.isEnabled) {
    for (const StoredRiskyUser& user : batch.riskyUsers) {
      if (!s.alert.Wants(user.user, s.settings.riskyUsersAlert.minimumRiskLevel)) continue;
      batch.outbox.push_back({s.nextSequence++, kAlertChannel, user.user.id, user.graphJson});
    }
  }
  auto add = [&](const WebhookSettings& hook, std::string id, std::string json) {
    batch.outbox.push_back({s.nextSequence++, hook.id, std::move(id), std::move(json)});
  };
  for (const WebhookSettings& hook : s.settings.webhooks) {
    if (hook.Wants(WebhookEventType::riskyUser)) {
      for (const StoredHistoryItem& item : batch.history) {
        if (!LevelWanted(hook, item.item.user.riskLevel, item.item.user.riskState)) continue;
        std::string id = Sha256Hex("riskyUser|" + item.item.id).substr(0, 32);
        std::string json = EventJson(id, WebhookEventType::riskyUser, now, item.graphJson);
        add(hook, std::move(id), std::move(json));
      }
    }
    if (hook.Wants(WebhookEventType::riskDetection)) {
      for (const StoredDetection& stored : batch.detections) {
        const RiskDetection& detection = stored.detection;
        if (!LevelWanted(hook, detection.riskLevel, detection.riskState)) continue;
        std::string id = Sha256Hex("riskDetection|" + detection.id + "|" +
                                   std::string(ToString(detection.riskState)) + "|" +
                                   std::to_string(detection.lastUpdatedDateTime))
                             .substr(0, 32);
        std::string json = EventJson(id, WebhookEventType::riskDetection, now, stored.graphJson);
        add(hook, std::move(id), std::move(json));
      }
    }
  }
}

void Notifier::Committed(const StoreBatch& batch) {
  if (batch.riskyUsers.empty() && batch.outbox.empty()) return;
  State& s = *state_;
  bool email = false;
  bool webhook = false;
  std::lock_guard lock(s.mutex);
  if (s.settings.riskyUsersAlert.isEnabled) {
    for (const StoredRiskyUser& user : batch.riskyUsers) {
      if (s.alert.Offer(user.user, s.settings.riskyUsersAlert.minimumRiskLevel) && !s.alertDue) {
        s.alertDue = std::chrono::steady_clock::now() + s.options.alertWindow;
        email = true;
      }
    }
  }
  for (const OutboxEvent& event : batch.outbox) {
    if (event.channel == kAlertChannel) {
      s.alertStoredThrough = std::max(s.alertStoredThrough, event.sequence);
      continue;
    }
    // A webhook removed since the events were made: the store's copies go when the next server
    // start finds no such webhook.
    const bool enabled =
        std::any_of(s.settings.webhooks.begin(), s.settings.webhooks.end(),
                    [&](const auto& hook) { return hook.id == event.channel && hook.isEnabled; });
    if (!enabled) continue;
    s.Enqueue(event.channel, {event.sequence, event.eventId, event.json});
    webhook = true;
  }
  if (email) s.emailWake.notify_all();
  if (webhook) s.webhookWake.notify_all();
}

bool Notifier::emailConfigured() const { return !state_->options.smtp.url.empty(); }

NotifierCounters Notifier::counters() const {
  std::lock_guard lock(state_->mutex);
  return state_->counters;
}

std::vector<std::string> EmailRecipients(const EmailNotification& settings,
                                         const std::vector<ApiTokenRecord>& tokens) {
  std::vector<std::string> recipients = settings.recipients;
  if (!settings.notifyRoleHolders) return recipients;
  for (std::string_view role : {"security-administrator", "security-reader"}) {
    std::size_t taken = 0;
    for (const ApiTokenRecord& token : tokens) {  // oldest first
      if (taken == kRoleHoldersPerRole) break;
      if (token.revoked || token.role != role || token.email.empty()) continue;
      ++taken;
      if (std::find(recipients.begin(), recipients.end(), token.email) == recipients.end()) {
        recipients.push_back(token.email);
      }
    }
  }
  return recipients;
}

MailMessage FormatRiskyUsersAlertMail(const std::vector<RiskyUser>& users, RiskLevel minimum,
                                      std::string_view base_url) {
  MailMessage mail;
  mail.subject = "Users at risk detected";
  std::string& text = mail.text;
  text += "idguard detected " + std::to_string(users.size()) +
          (users.size() == 1 ? " user" : " users") + " at risk (risk level " +
          std::string(ToString(minimum)) + (minimum == RiskLevel::high ? "" : " or above") +
          ").\n\n";
  for (const RiskyUser& user : users) {
    const std::string& name = user.userPrincipalName.empty() ? user.id : user.userPrincipalName;
    text += "- " + name.substr(0, 200);
    if (!user.userDisplayName.empty()) text += " (" + user.userDisplayName.substr(0, 120) + ")";
    text += ": risk " + std::string(ToString(user.riskLevel)) + ", " +
            std::string(ToString(user.riskState)) + ", updated " +
            FormatTimestamp(user.riskLastUpdatedDateTime) + "\n";
  }
  text += "\nInvestigate and remediate in the risky users report:\n  " + std::string(base_url) +
          "/v1.0/identityProtection/riskyUsers?$filter=riskState%20eq%20'atRisk'\n";
  text += "Each user's risk history:\n  " + std::string(base_url) +
          "/v1.0/identityProtection/riskyUsers/{id}/history\n";
  text += "\nYou receive this alert as a recipient in idguard's notification settings.\n";
  return mail;
}

std::string WebhookSignature(std::string_view secret, std::int64_t unix_seconds,
                             std::string_view body) {
  std::string signed_text = std::to_string(unix_seconds);
  signed_text += '.';
  signed_text += body;
  return "t=" + std::to_string(unix_seconds) + ",v1=" + HmacSha256Hex(secret, signed_text);
}

namespace {

Result<std::vector<std::string>> RecipientsFromStore(const Notifier::ReaderFactory& open_reader,
                                                     const EmailNotification& settings) {
  auto reader = open_reader();
  if (!reader.ok()) return reader.status();
  auto tokens = (*reader)->ListTokens();
  if (!tokens.ok()) return tokens.status();
  return EmailRecipients(settings, *tokens);
}

}  // namespace

Result<std::size_t> Notifier::SendWeeklyDigest(EventTime from, EventTime to) {
  State& s = *state_;
  EmailNotification settings;
  {
    std::lock_guard lock(s.mutex);
    settings = s.settings.weeklyDigest;
  }
  if (s.options.smtp.url.empty()) return Status::Unavailable("no SMTP server is configured");
  auto recipients = RecipientsFromStore(s.openReader, settings);
  if (!recipients.ok()) return recipients.status();
  if (recipients->empty()) return std::size_t{0};
  auto reader = s.openReader();
  if (!reader.ok()) return reader.status();
  auto digest = BuildWeeklyDigest(**reader, from, to);
  if (!digest.ok()) return digest.status();
  MailMessage mail = FormatWeeklyDigestMail(*digest, s.options.baseUrl);
  mail.to = *recipients;
  Status sent = SendMail(s.options.smtp, mail, SystemClock().Now());
  std::lock_guard lock(s.mutex);
  if (!sent.ok()) {
    ++s.counters.emailFailures;
    return sent;
  }
  ++s.counters.digestEmailsSent;
  return recipients->size();
}

void Notifier::RunEmail() {
  State& s = *state_;
  std::unique_lock lock(s.mutex);
  while (!s.stopping) {
    const auto schedule_check = std::chrono::steady_clock::now() + kScheduleCheck;
    if (s.alertDue) {
      s.emailWake.wait_until(lock, std::min(schedule_check, *s.alertDue), [&] {
        return s.stopping || std::chrono::steady_clock::now() >= *s.alertDue;
      });
    } else {
      // Woken by the first user of a new alert, to wait for its window instead.
      s.emailWake.wait_until(lock, schedule_check,
                             [&] { return s.stopping || s.alertDue.has_value(); });
    }
    if (s.stopping) break;
    if (s.alertDue && std::chrono::steady_clock::now() >= *s.alertDue) {
      s.alertDue.reset();
      const std::vector<RiskyUser> users = s.alert.Take();
      const RiskyUsersAlertSettings settings = s.settings.riskyUsersAlert;
      const std::int64_t stored_through = std::exchange(s.alertStoredThrough, 0);
      lock.unlock();
      Status sent = Status::Unavailable("no SMTP server is configured");
      if (!s.options.smtp.url.empty() && !users.empty()) {
        auto recipients = RecipientsFromStore(s.openReader, settings);
        if (!recipients.ok()) {
          sent = recipients.status();
        } else if (recipients->empty()) {
          sent = Status::Ok();  // nobody to tell
        } else {
          MailMessage mail =
              FormatRiskyUsersAlertMail(users, settings.minimumRiskLevel, s.options.baseUrl);
          mail.to = *recipients;
          sent = SendMail(s.options.smtp, mail, SystemClock().Now());
          if (sent.ok()) {
            lock.lock();
            ++s.counters.alertEmailsSent;
            lock.unlock();
          }
        }
      }
      // Sent or not, these users leave the outbox: a failed email is counted, not retried.
      const bool removed = s.store == nullptr || stored_through == 0 ||
                           s.store->Remove(kAlertChannel, stored_through).ok();
      lock.lock();
      if (!sent.ok()) ++s.counters.emailFailures;
      if (!removed) ++s.counters.outboxFailures;
    }
    const EventTime now = SystemClock().Now();
    if (s.options.weeklyDigestSchedule && now >= s.nextDigest) {
      const EventTime to = s.nextDigest;
      s.nextDigest = NextWeeklyDigestTime(now);
      if (s.settings.weeklyDigest.isEnabled && !s.options.smtp.url.empty()) {
        lock.unlock();
        (void)SendWeeklyDigest(to - 7 * kMicrosPerDay, to);  // counted inside
        lock.lock();
      }
    }
  }
}

void Notifier::RunWebhooks() {
  State& s = *state_;
  std::unique_lock lock(s.mutex);
  s.webhookWake.wait(lock, [&] { return s.stopping || s.settingsSet; });
  // Removes delivered or abandoned events from the store, outside the lock (the engine's commits
  // take it).
  auto remove_stored = [&](const std::string& channel, std::int64_t through) {
    if (s.store == nullptr) return;
    lock.unlock();
    const bool removed =
        through > 0 ? s.store->Remove(channel, through).ok() : s.store->RemoveChannel(channel).ok();
    lock.lock();
    if (!removed) ++s.counters.outboxFailures;
  };
  while (!s.stopping) {
    // The webhook whose front batch is due first.
    auto next = s.outboxes.end();
    for (auto it = s.outboxes.begin(); it != s.outboxes.end(); ++it) {
      if (it->second.events.empty()) continue;
      if (next == s.outboxes.end() || it->second.nextAttempt < next->second.nextAttempt) next = it;
    }
    if (next == s.outboxes.end()) {
      s.webhookWake.wait(lock);
      continue;
    }
    if (next->second.nextAttempt > std::chrono::steady_clock::now()) {
      s.webhookWake.wait_until(lock, next->second.nextAttempt);
      continue;
    }
    const std::string hook_id = next->first;
    auto hook = std::find_if(s.settings.webhooks.begin(), s.settings.webhooks.end(),
                             [&](const auto& h) { return h.id == hook_id; });
    if (hook == s.settings.webhooks.end()) {
      s.counters.webhookEventsQueued -= static_cast<std::int64_t>(next->second.events.size());
      s.outboxes.erase(next);
      remove_stored(hook_id, 0);
      continue;
    }
    const WebhookSettings settings = *hook;
    std::string body = "{\"value\":[";
    std::string ids;
    std::int64_t last_sequence = 0;
    std::size_t taken = 0;
    for (const QueuedEvent& event : next->second.events) {
      if (taken == s.options.webhookBatchEvents) break;
      if (taken++ > 0) body += ',';
      body += event.json;
      ids += event.id;
      last_sequence = event.sequence;
    }
    body += "]}";
    lock.unlock();
    const std::int64_t unix_seconds = SystemClock().Now() / kMicrosPerSecond;
    HttpPostRequest request;
    request.url = settings.url;
    request.body = body;
    request.caFile = s.options.webhookCaFile;
    request.timeout = s.options.webhookTimeout;
    request.headers = {
        "Content-Type: application/json", "User-Agent: idguard-webhook/1",
        "X-Idguard-Delivery: " + Sha256Hex(ids).substr(0, 32),
        "X-Idguard-Signature: " + WebhookSignature(settings.secret, unix_seconds, body)};
    auto status = HttpPost(request);
    lock.lock();
    auto outbox = s.outboxes.find(hook_id);
    if (outbox == s.outboxes.end()) continue;  // the webhook was removed meanwhile
    Outbox& box = outbox->second;
    const bool delivered = status.ok() && *status >= 200 && *status < 300;
    if (!delivered) ++s.counters.webhookFailedAttempts;
    const bool give_up = !delivered && ((status.ok() && Permanent(*status)) ||
                                        box.attempts + 1 >= s.options.webhookMaxAttempts);
    if (delivered || give_up) {
      // Events dropped from the front while sending are already gone; remove the rest sent.
      while (!box.events.empty() && box.events.front().sequence <= last_sequence) {
        box.events.pop_front();
        --s.counters.webhookEventsQueued;
        if (give_up) ++s.counters.webhookEventsDropped;
      }
      if (delivered) ++s.counters.webhookDeliveries;
      box.attempts = 0;
      box.nextAttempt = {};
      remove_stored(hook_id, last_sequence);
      continue;
    }
    ++box.attempts;
    box.nextAttempt = std::chrono::steady_clock::now() + WebhookRetryDelay(box.attempts, s.options);
  }
}

std::chrono::milliseconds WebhookRetryDelay(int failed_attempts, const NotifierOptions& options) {
  // The shift stops at 2^20 so the product cannot overflow before the maximum caps it.
  const int doublings = std::clamp(failed_attempts - 1, 0, 20);
  return std::min<std::chrono::milliseconds>(options.webhookFirstRetry * (1LL << doublings),
                                             options.webhookMaxRetryDelay);
}

}  // namespace idguard
