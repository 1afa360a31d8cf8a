// NotificationOutbox: the webhook events that wait for delivery, as the store holds them.
//
// The engine writes each event in the transaction of the change it reports (StoreBatch::outbox);
// the notifier reads them back when it starts and removes them once a receiver took them or their
// delivery was given up. It has a connection of its own, used by the notifier's webhook thread:
// removals are small transactions, between the engine's writes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "idguard/core/status.h"
#include "idguard/store/risk_store.h"

namespace idguard {

class NotificationOutbox {
 public:
  virtual ~NotificationOutbox() = default;
  // Every waiting event, in sequence order.
  virtual Status ForEach(const std::function<void(OutboxEvent&& event)>& visit) = 0;
  // Removes the channel's events up to and including sequence `through`.
  virtual Status Remove(std::string_view channel, std::int64_t through) = 0;
  // Removes every event of the channel (its webhook was removed or disabled).
  virtual Status RemoveChannel(std::string_view channel) = 0;
};

// Opens the outbox of an existing store (created or upgraded by OpenSqliteStore).
Result<std::unique_ptr<NotificationOutbox>> OpenSqliteNotificationOutbox(const std::string& path);

}  // namespace idguard
