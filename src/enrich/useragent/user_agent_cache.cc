#include "enrich/useragent/user_agent_cache.h"

#include <functional>

namespace idguard {

UserAgentCache::UserAgentCache(std::size_t capacity)
    : shard_capacity_((capacity + kShardCount - 1) / kShardCount) {}

UserAgentCache::Shard& UserAgentCache::ShardFor(std::string_view user_agent) {
  return shards_[std::hash<std::string_view>{}(user_agent) % kShardCount];
}

std::optional<ClientEnrichment> UserAgentCache::Find(std::string_view user_agent) {
  Shard& shard = ShardFor(user_agent);
  const std::lock_guard lock(shard.mutex);
  const auto found = shard.index.find(user_agent);
  if (found == shard.index.end()) {
    ++shard.counters.misses;
    return std::nullopt;
  }
  ++shard.counters.hits;
  shard.recency.splice(shard.recency.begin(), shard.recency, found->second);
  return found->second->client;
}

void UserAgentCache::Insert(std::string_view user_agent, const ClientEnrichment& client) {
  if (shard_capacity_ == 0) return;
  Shard& shard = ShardFor(user_agent);
  const std::lock_guard lock(shard.mutex);
  // Two threads that missed on the same user agent both insert; the second one only refreshes.
  if (const auto found = shard.index.find(user_agent); found != shard.index.end()) {
    shard.recency.splice(shard.recency.begin(), shard.recency, found->second);
    return;
  }
  if (shard.recency.size() >= shard_capacity_) {
    shard.index.erase(shard.recency.back().user_agent);
    shard.recency.pop_back();
  }
  shard.recency.push_front(Entry{std::string(user_agent), client});
  shard.index.emplace(shard.recency.front().user_agent, shard.recency.begin());
}

UserAgentCache::Counters UserAgentCache::counters() const {
  Counters total;
  for (const Shard& shard : shards_) {
    const std::lock_guard lock(shard.mutex);
    total.hits += shard.counters.hits;
    total.misses += shard.counters.misses;
  }
  return total;
}

}  // namespace idguard
