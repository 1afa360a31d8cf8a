#include "detect/detectors/source_activity.h"

#include <algorithm>

#include "idguard/detect/user_profile.h"

namespace idguard {
namespace {

constexpr std::uint64_t kSweepEvery = 4096;  // at least; more when there are more sources

std::uint32_t AccountKey(std::string_view account) {
  return static_cast<std::uint32_t>(HashFeature(account));
}

}  // namespace

void SourceActivity::Count(Source& source, const Mark& mark, int sign) {
  const auto delta = static_cast<std::uint32_t>(sign);  // wraps to subtract for -1
  if (mark.failures > 0) source.failedAccounts += delta;
  if (mark.succeeded) source.succeededAccounts += delta;
  source.failures += delta * mark.failures;
}

void SourceActivity::Expire(Source& source, EventTime now) {
  const EventTime cutoff = now - window_;
  if (source.oldest >= cutoff) return;
  EventTime oldest = now;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < source.marks.size(); ++i) {
    const Mark& mark = source.marks[i];
    if (mark.lastSeen < cutoff) {
      Count(source, mark, -1);
      continue;
    }
    oldest = std::min(oldest, mark.lastSeen);
    source.marks[kept] = mark;
    source.accounts[kept] = mark.account;
    ++kept;
  }
  marks_ -= source.marks.size() - kept;
  source.marks.resize(kept);
  source.accounts.resize(kept);
  source.oldest = oldest;
}

void SourceActivity::MaybeSweep(EventTime now) {
  if (++since_sweep_ < std::max<std::uint64_t>(kSweepEvery, sources_.size())) return;
  since_sweep_ = 0;
  for (auto it = sources_.begin(); it != sources_.end();) {
    if (it->second.lastSeen < now - window_) {
      marks_ -= it->second.marks.size();
      it = sources_.erase(it);
    } else {
      ++it;
    }
  }
}

SourceActivity::Source* SourceActivity::Touch(std::uint64_t source, EventTime now, bool create) {
  MaybeSweep(now);
  auto it = sources_.find(source);
  if (it == sources_.end()) {
    if (!create || sources_.size() >= max_sources_) return nullptr;
    it = sources_.emplace(source, Source{}).first;
  }
  Expire(it->second, now);
  it->second.lastSeen = std::max(it->second.lastSeen, now);
  return &it->second;
}

SourceActivity::Mark& SourceActivity::MarkOf(Source& source, std::uint32_t account, EventTime now) {
  const auto found = std::find(source.accounts.begin(), source.accounts.end(), account);
  if (found != source.accounts.end()) {
    Mark& mark = source.marks[static_cast<std::size_t>(found - source.accounts.begin())];
    mark.lastSeen = std::max(mark.lastSeen, now);
    return mark;
  }
  if (source.marks.size() >= kMaxAccountsPerSource || marks_ >= kMaxMarks) {
    // Reuse the least recent mark: the source keeps counting its newest accounts.
    auto oldest =
        std::min_element(source.marks.begin(), source.marks.end(),
                         [](const Mark& a, const Mark& b) { return a.lastSeen < b.lastSeen; });
    if (oldest != source.marks.end()) {
      Count(source, *oldest, -1);
      *oldest = Mark{account, 0, now, false};
      source.accounts[static_cast<std::size_t>(oldest - source.marks.begin())] = account;
      return *oldest;
    }
  }
  if (source.marks.empty()) source.oldest = now;
  source.oldest = std::min(source.oldest, now);
  ++marks_;
  source.marks.push_back(Mark{account, 0, now, false});
  source.accounts.push_back(account);
  return source.marks.back();
}

void SourceActivity::AddFailure(std::uint64_t source, std::string_view account, EventTime now) {
  Source* tracked = Touch(source, now, true);
  if (tracked == nullptr) return;
  if (tracked->marks.empty() && marks_ >= kMaxMarks) return;
  Mark& mark = MarkOf(*tracked, AccountKey(account), now);
  if (mark.failures == 0) ++tracked->failedAccounts;
  ++mark.failures;
  ++tracked->failures;
}

void SourceActivity::AddSuccess(std::uint64_t source, std::string_view account, EventTime now) {
  Source* tracked = Touch(source, now, true);
  if (tracked == nullptr) return;
  if (tracked->marks.empty() && marks_ >= kMaxMarks) return;
  Mark& mark = MarkOf(*tracked, AccountKey(account), now);
  if (!mark.succeeded) ++tracked->succeededAccounts;
  mark.succeeded = true;
}

SourceActivity::Summary SourceActivity::Summarize(std::uint64_t source, EventTime now) {
  Summary summary;
  const auto it = sources_.find(source);
  if (it == sources_.end()) return summary;
  Expire(it->second, now);
  summary.failedAccounts = it->second.failedAccounts;
  summary.succeededAccounts = it->second.succeededAccounts;
  summary.failures = it->second.failures;
  summary.firstSeen = it->second.marks.empty() ? now : it->second.oldest;
  return summary;
}

bool SourceActivity::AccountFailed(std::uint64_t source, std::string_view account,
                                   EventTime now) const {
  const auto it = sources_.find(source);
  if (it == sources_.end()) return false;
  const std::uint32_t key = AccountKey(account);
  return std::any_of(it->second.marks.begin(), it->second.marks.end(), [&](const Mark& m) {
    return m.account == key && m.failures > 0 && m.lastSeen >= now - window_;
  });
}

void SourceActivity::Save(ByteWriter& writer) const {
  std::vector<const std::pair<const std::uint64_t, Source>*> sorted;
  sorted.reserve(sources_.size());
  for (const auto& source : sources_) sorted.push_back(&source);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  writer.U64(since_sweep_);
  writer.U64(sorted.size());
  for (const auto* source : sorted) {
    writer.U64(source->first);
    writer.I64(source->second.lastSeen);
    writer.U64(source->second.marks.size());
    for (const Mark& mark : source->second.marks) {
      writer.U64(mark.account);
      writer.U64(mark.failures);
      writer.I64(mark.lastSeen);
      writer.U64(mark.succeeded ? 1 : 0);
    }
  }
}

Status SourceActivity::Restore(ByteReader& reader) {
  const std::uint64_t since_sweep = reader.U64();
  const std::uint64_t count = reader.U64();
  if (!reader.ok() || count > max_sources_) {
    return Status::InvalidInput("source activity: corrupt source count");
  }
  std::unordered_map<std::uint64_t, Source> restored;
  std::size_t marks = 0;
  for (std::uint64_t i = 0; i < count && reader.ok(); ++i) {
    const std::uint64_t key = reader.U64();
    Source source;
    source.lastSeen = reader.I64();
    const std::uint64_t mark_count = reader.U64();
    if (!reader.ok() || mark_count > kMaxAccountsPerSource) {
      return Status::InvalidInput("source activity: corrupt mark count");
    }
    source.marks.resize(mark_count);
    for (Mark& mark : source.marks) {
      mark.account = static_cast<std::uint32_t>(reader.U64());
      mark.failures = static_cast<std::uint32_t>(reader.U64());
      mark.lastSeen = reader.I64();
      mark.succeeded = reader.U64() != 0;
    }
    source.oldest = source.lastSeen;
    for (const Mark& mark : source.marks) {
      source.accounts.push_back(mark.account);
      source.oldest = std::min(source.oldest, mark.lastSeen);
      Count(source, mark, +1);
    }
    marks += source.marks.size();
    restored.emplace(key, std::move(source));
  }
  if (!reader.ok()) return Status::InvalidInput("source activity: truncated");
  sources_ = std::move(restored);
  marks_ = marks;
  since_sweep_ = since_sweep;
  return Status::Ok();
}

}  // namespace idguard
