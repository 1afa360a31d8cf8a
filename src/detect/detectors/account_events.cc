#include "detect/detectors/account_events.h"

#include <algorithm>

namespace idguard {
namespace {

constexpr std::uint64_t kSweepEvery = 4096;  // calls between sweeps of idle accounts

}  // namespace

void AccountEvents::Tick(EventTime now) {
  if (++since_sweep_ >= kSweepEvery) Sweep(now);
}

void AccountEvents::Add(const std::string& account, Event event) {
  auto it = accounts_.find(account);
  if (it == accounts_.end()) {
    if (accounts_.size() >= max_accounts_) Sweep(event.time);
    if (accounts_.size() >= max_accounts_) return;
    it = accounts_.emplace(account, std::vector<Event>{}).first;
  }
  std::vector<Event>& events = it->second;
  std::erase_if(events, [&](const Event& e) { return e.time < event.time - window_; });
  if (events.size() >= max_per_account_) events.erase(events.begin());
  events.push_back(event);
}

std::vector<AccountEvents::Event> AccountEvents::Take(const std::string& account) {
  auto it = accounts_.find(account);
  if (it == accounts_.end()) return {};
  std::vector<Event> events = std::move(it->second);
  accounts_.erase(it);
  return events;
}

// Forgets accounts whose newest event is older than the window.
void AccountEvents::Sweep(EventTime now) {
  since_sweep_ = 0;
  std::erase_if(accounts_, [&](const auto& account) {
    return account.second.empty() || account.second.back().time < now - window_;
  });
}

void AccountEvents::Save(ByteWriter& writer) const {
  std::vector<const std::pair<const std::string, std::vector<Event>>*> sorted;
  sorted.reserve(accounts_.size());
  for (const auto& account : accounts_) sorted.push_back(&account);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  writer.U64(since_sweep_);  // so that a resumed run sweeps where an uninterrupted one would
  writer.U64(sorted.size());
  for (const auto* account : sorted) {
    writer.Str(account->first);
    writer.U64(account->second.size());
    for (const Event& event : account->second) {
      writer.I64(event.time);
      writer.U64(event.source);
    }
  }
}

Status AccountEvents::Restore(ByteReader& reader) {
  const std::uint64_t since_sweep = reader.U64();
  const std::uint64_t count = reader.U64();
  if (!reader.ok() || count > max_accounts_) {
    return Status::InvalidInput("account events: corrupt account count");
  }
  std::unordered_map<std::string, std::vector<Event>> restored;
  for (std::uint64_t a = 0; a < count && reader.ok(); ++a) {
    std::string account = reader.Str();
    const std::uint64_t events = reader.U64();
    if (!reader.ok() || events > max_per_account_) {
      return Status::InvalidInput("account events: corrupt event list");
    }
    std::vector<Event> list(events);
    for (Event& event : list) {
      event.time = reader.I64();
      event.source = reader.U64();
    }
    restored.emplace(std::move(account), std::move(list));
  }
  if (!reader.ok()) return Status::InvalidInput("account events: truncated");
  accounts_ = std::move(restored);
  since_sweep_ = since_sweep;
  return Status::Ok();
}

}  // namespace idguard
