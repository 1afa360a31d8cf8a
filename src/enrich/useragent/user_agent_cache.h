// UserAgentCache: a bounded map from user-agent string to its parsed ClientEnrichment, so that the
// regex sets run once per distinct user agent rather than once per sign-in.
//
// Real sign-in logs repeat a small set of user agents (browsers on managed fleets) with a long
// tail of one-off strings. Least-recently-used eviction keeps the repeated ones; the tail only
// churns the cold end. Keys are copied in, so callers may pass views into short-lived buffers.
//
// Thread-safe: the cache is split into shards by key hash, each with its own mutex and LRU list,
// so concurrent parser threads rarely wait on each other. Capacity is per cache; each shard holds
// capacity / shard count entries, rounded up. A capacity of 0 makes every lookup a miss and every
// insert a no-op.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "idguard/core/sign_in.h"

namespace idguard {

class UserAgentCache {
 public:
  struct Counters {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
  };

  explicit UserAgentCache(std::size_t capacity);
  UserAgentCache(const UserAgentCache&) = delete;
  UserAgentCache& operator=(const UserAgentCache&) = delete;

  std::optional<ClientEnrichment> Find(std::string_view user_agent);
  void Insert(std::string_view user_agent, const ClientEnrichment& client);
  Counters counters() const;

 private:
  static constexpr std::size_t kShardCount = 16;

  struct Entry {
    std::string user_agent;
    ClientEnrichment client;
  };

  struct Shard {
    mutable std::mutex mutex;
    std::list<Entry> recency;  // most recently used first
    // Keys view the strings owned by `recency`; list nodes never move, so the views stay valid.
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index;
    Counters counters;
  };

  Shard& ShardFor(std::string_view user_agent);

  std::size_t shard_capacity_ = 0;
  std::array<Shard, kShardCount> shards_;
};

}  // namespace idguard
