// AccountEvents: the recent events (time and source network) of each account within a window —
// the password failures bruteForce counts, the MFA denials mfaFatigue counts.
//
// Bounded: at most `max_per_account` events per account (the oldest goes first), none older than
// the window, at most `max_accounts` accounts (accounts idle for a window are swept, amortised over
// the calls; when the map is full of active accounts, new accounts are not remembered). An event is
// 16 bytes, so the worst case is max_accounts × (max_per_account × 16 + about 100) bytes.
// Deterministic; saved and restored for checkpoints.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "idguard/core/binary_codec.h"
#include "idguard/core/status.h"
#include "idguard/core/time.h"

namespace idguard {

class AccountEvents {
 public:
  struct Event {
    EventTime time = 0;
    std::uint64_t source = 0;  // subnet key of the address
  };

  AccountEvents(EventTime window, std::size_t max_per_account, std::size_t max_accounts)
      : window_(window), max_per_account_(max_per_account), max_accounts_(max_accounts) {}

  void Add(const std::string& account, Event event);
  // Removes and returns the account's events (none when it has none).
  std::vector<Event> Take(const std::string& account);
  // Counts a call for the amortised sweep of idle accounts.
  void Tick(EventTime now);

  void Save(ByteWriter& writer) const;
  Status Restore(ByteReader& reader);

 private:
  void Sweep(EventTime now);

  EventTime window_;
  std::size_t max_per_account_;
  std::size_t max_accounts_;
  std::unordered_map<std::string, std::vector<Event>> accounts_;
  std::uint64_t since_sweep_ = 0;
};

}  // namespace idguard
