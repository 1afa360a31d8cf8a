#include "idguard/enrich/asn_database.h"

#include <maxminddb.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

namespace idguard {
namespace {

struct Ipv6Key {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  friend bool operator<(const Ipv6Key& a, const Ipv6Key& b) {
    return a.high != b.high ? a.high < b.high : a.low < b.low;
  }
  friend bool operator<=(const Ipv6Key& a, const Ipv6Key& b) { return !(b < a); }
};

Ipv6Key KeyOf(const IpAddress& address) {
  Ipv6Key key;
  for (int i = 0; i < 8; ++i) key.high = (key.high << 8) | address.bytes()[i];
  for (int i = 8; i < 16; ++i) key.low = (key.low << 8) | address.bytes()[i];
  return key;
}

struct Organization {
  std::uint32_t asn;
  std::string name;
  bool hosting;
};

struct V4Entry {
  std::uint32_t first;
  std::uint32_t last;
  std::uint32_t organization;  // index into organizations_
};

struct V6Entry {
  Ipv6Key first;
  Ipv6Key last;
  std::uint32_t organization;
};

// Splits "a,b,c,\"d, e\"" into exactly four fields; the last may be quoted with "" escapes.
bool SplitAsnLine(std::string_view line, std::string_view fields[3], std::string& organization) {
  for (int i = 0; i < 3; ++i) {
    const auto comma = line.find(',');
    if (comma == std::string_view::npos) return false;
    fields[i] = line.substr(0, comma);
    line.remove_prefix(comma + 1);
  }
  organization.clear();
  if (!line.empty() && line.front() == '"') {
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          organization.push_back('"');
          ++i;
        } else {
          break;
        }
      } else {
        organization.push_back(line[i]);
      }
    }
  } else {
    organization.assign(line);
  }
  return true;
}

class RangeAsnDatabase final : public AsnDatabase {
 public:
  Status LoadCsv(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return Status::IoError("cannot open ASN file " + path);
    std::stringstream contents;
    contents << file.rdbuf();
    const std::string text = contents.str();
    std::string_view rest = text;
    std::uint64_t line_number = 0;
    std::string organization;
    while (!rest.empty()) {
      const auto newline = rest.find('\n');
      std::string_view line = rest.substr(0, newline);
      rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      std::string_view fields[3];
      if (!SplitAsnLine(line, fields, organization)) {
        return Status::InvalidInput(path + ":" + std::to_string(line_number) +
                                    ": expected start,end,asn,organisation");
      }
      std::uint32_t asn = 0;
      auto [end, ec] = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), asn);
      if (ec != std::errc()) {
        return Status::InvalidInput(path + ":" + std::to_string(line_number) +
                                    ": ASN is not a number");
      }
      auto first = IpAddress::Parse(fields[0]);
      auto last = IpAddress::Parse(fields[1]);
      if (!first || !last || first->IsV4() != last->IsV4()) {
        return Status::InvalidInput(path + ":" + std::to_string(line_number) +
                                    ": range bounds are not addresses of one family");
      }
      const std::uint32_t org = Intern(asn, organization);
      if (first->IsV4()) {
        v4_.push_back({first->V4(), last->V4(), org});
      } else {
        v6_.push_back({KeyOf(*first), KeyOf(*last), org});
      }
    }
    return Status::Ok();
  }

  Status LoadMmdb(const std::string& path) {
    // GeoLite2-ASN has no iteration API we can rely on cheaply; we keep the handle and look up.
    auto mmdb = std::make_unique<MMDB_s>();
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, mmdb.get());
    if (status != MMDB_SUCCESS) {
      return Status::IoError("cannot open ASN database " + path + ": " + MMDB_strerror(status));
    }
    mmdbs_.push_back(std::move(mmdb));
    return Status::Ok();
  }

  void Finish() {
    std::sort(v4_.begin(), v4_.end(),
              [](const V4Entry& a, const V4Entry& b) { return a.first < b.first; });
    std::sort(v6_.begin(), v6_.end(),
              [](const V6Entry& a, const V6Entry& b) { return a.first < b.first; });
    interned_.clear();
  }

  ~RangeAsnDatabase() override {
    for (auto& mmdb : mmdbs_) MMDB_close(mmdb.get());
  }

  std::optional<AsnRecord> Lookup(const IpAddress& address) const override {
    if (address.IsInternal()) return std::nullopt;
    if (address.IsV4()) {
      const std::uint32_t ip = address.V4();
      auto it =
          std::upper_bound(v4_.begin(), v4_.end(), ip,
                           [](std::uint32_t value, const V4Entry& e) { return value < e.first; });
      if (it != v4_.begin() && ip <= (--it)->last) return RecordOf(it->organization);
    } else {
      const Ipv6Key key = KeyOf(address);
      auto it =
          std::upper_bound(v6_.begin(), v6_.end(), key,
                           [](const Ipv6Key& value, const V6Entry& e) { return value < e.first; });
      if (it != v6_.begin() && key <= (--it)->last) return RecordOf(it->organization);
    }
    return LookupMmdb(address);
  }

  std::vector<Ipv4Range> Ipv4RangesOf(std::uint32_t asn) const override {
    std::vector<Ipv4Range> ranges;
    for (const auto& entry : v4_) {
      if (organizations_[entry.organization].asn == asn)
        ranges.push_back({entry.first, entry.last});
    }
    return ranges;
  }

  std::size_t RangeCount() const override { return v4_.size() + v6_.size(); }

 private:
  std::uint32_t Intern(std::uint32_t asn, const std::string& name) {
    auto [it, inserted] = interned_.try_emplace(asn, 0);
    if (inserted) {
      it->second = static_cast<std::uint32_t>(organizations_.size());
      organizations_.push_back({asn, name, IsHostingAsn(asn, name)});
    }
    return it->second;
  }

  AsnRecord RecordOf(std::uint32_t organization) const {
    const auto& org = organizations_[organization];
    return {org.asn, org.name, org.hosting};
  }

  std::optional<AsnRecord> LookupMmdb(const IpAddress& address) const {
    for (const auto& mmdb : mmdbs_) {
      sockaddr_storage storage;
      address.ToSockaddr(storage);
      int error = MMDB_SUCCESS;
      auto result =
          MMDB_lookup_sockaddr(mmdb.get(), reinterpret_cast<const sockaddr*>(&storage), &error);
      if (error != MMDB_SUCCESS || !result.found_entry) continue;
      MMDB_entry_data_s data;
      if (MMDB_get_value(&result.entry, &data, "autonomous_system_number", nullptr) !=
              MMDB_SUCCESS ||
          !data.has_data) {
        continue;
      }
      const std::uint32_t asn = data.uint32;
      std::string name;
      if (MMDB_get_value(&result.entry, &data, "autonomous_system_organization", nullptr) ==
              MMDB_SUCCESS &&
          data.has_data && data.type == MMDB_DATA_TYPE_UTF8_STRING) {
        name.assign(data.utf8_string, data.data_size);
      }
      // Interned so the returned string_view stays valid; unordered_map nodes never move.
      std::lock_guard lock(mmdb_mutex_);
      auto [it, inserted] = mmdb_organizations_.try_emplace(asn);
      if (inserted) it->second = Organization{asn, name, IsHostingAsn(asn, name)};
      return AsnRecord{it->second.asn, it->second.name, it->second.hosting};
    }
    return std::nullopt;
  }

  std::vector<Organization> organizations_;
  std::unordered_map<std::uint32_t, std::uint32_t> interned_;
  std::vector<V4Entry> v4_;
  std::vector<V6Entry> v6_;
  std::vector<std::unique_ptr<MMDB_s>> mmdbs_;
  mutable std::mutex mmdb_mutex_;
  mutable std::unordered_map<std::uint32_t, Organization> mmdb_organizations_;
};

}  // namespace

Result<std::unique_ptr<AsnDatabase>> AsnDatabase::Load(const std::vector<std::string>& paths) {
  auto database = std::make_unique<RangeAsnDatabase>();
  for (const auto& path : paths) {
    const bool is_mmdb = path.size() > 5 && path.compare(path.size() - 5, 5, ".mmdb") == 0;
    Status status = is_mmdb ? database->LoadMmdb(path) : database->LoadCsv(path);
    if (!status.ok()) return status;
  }
  database->Finish();
  return std::unique_ptr<AsnDatabase>(std::move(database));
}

}  // namespace idguard
