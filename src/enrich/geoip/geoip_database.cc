#include "idguard/enrich/geoip_database.h"

#include <maxminddb.h>
#include <netinet/in.h>

#include <cstring>
#include <string_view>

namespace idguard {
namespace {

enum class GeoSchema { kGeoLite2, kFlat };

std::optional<std::string> ReadString(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data;
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING) {
    return std::nullopt;
  }
  return std::string(data.utf8_string, data.data_size);
}

std::optional<double> ReadNumber(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data;
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data) return std::nullopt;
  switch (data.type) {
    case MMDB_DATA_TYPE_DOUBLE:
      return data.double_value;
    case MMDB_DATA_TYPE_FLOAT:
      return static_cast<double>(data.float_value);
    case MMDB_DATA_TYPE_UINT16:
      return data.uint16;
    case MMDB_DATA_TYPE_UINT32:
      return data.uint32;
    case MMDB_DATA_TYPE_INT32:
      return data.int32;
    default:
      return std::nullopt;
  }
}

// One opened .mmdb file. MMDB_s is never copied after MMDB_open (it owns the mapping).
class MmdbFile {
 public:
  ~MmdbFile() {
    if (open_) MMDB_close(&mmdb_);
  }
  Status Open(const std::string& path) {
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &mmdb_);
    if (status != MMDB_SUCCESS) {
      return Status::IoError("cannot open GeoIP database " + path + ": " + MMDB_strerror(status));
    }
    open_ = true;
    const std::string_view type = mmdb_.metadata.database_type;
    // GeoLite2-City, GeoIP2-City, GeoLite2-Country... use the nested schema. Probe otherwise.
    schema_ = type.find("GeoIP2") != std::string_view::npos ||
                      type.find("GeoLite2") != std::string_view::npos
                  ? GeoSchema::kGeoLite2
                  : GeoSchema::kFlat;
    return Status::Ok();
  }

  bool HasIpv6Tree() const { return mmdb_.metadata.ip_version == 6; }

  std::optional<GeoRecord> Lookup(const IpAddress& address) const {
    if (!address.IsV4() && !HasIpv6Tree()) return std::nullopt;
    sockaddr_storage storage;
    address.ToSockaddr(storage);
    int error = MMDB_SUCCESS;
    // libmaxminddb takes a non-const handle but does not mutate it for lookups.
    MMDB_lookup_result_s result = MMDB_lookup_sockaddr(
        const_cast<MMDB_s*>(&mmdb_), reinterpret_cast<const sockaddr*>(&storage), &error);
    if (error != MMDB_SUCCESS || !result.found_entry) return std::nullopt;
    return schema_ == GeoSchema::kGeoLite2 ? ReadGeoLite2(&result.entry) : ReadFlat(&result.entry);
  }

 private:
  static std::optional<GeoRecord> ReadGeoLite2(MMDB_entry_s* entry) {
    static const char* const kCity[] = {"city", "names", "en", nullptr};
    static const char* const kState[] = {"subdivisions", "0", "names", "en", nullptr};
    static const char* const kCountry[] = {"country", "iso_code", nullptr};
    static const char* const kRegisteredCountry[] = {"registered_country", "iso_code", nullptr};
    static const char* const kLatitude[] = {"location", "latitude", nullptr};
    static const char* const kLongitude[] = {"location", "longitude", nullptr};
    static const char* const kRadius[] = {"location", "accuracy_radius", nullptr};
    GeoRecord record;
    record.city = ReadString(entry, kCity).value_or("");
    record.state = ReadString(entry, kState).value_or("");
    record.countryOrRegion =
        ReadString(entry, kCountry).value_or(ReadString(entry, kRegisteredCountry).value_or(""));
    record.latitude = ReadNumber(entry, kLatitude);
    record.longitude = ReadNumber(entry, kLongitude);
    const auto radius = ReadNumber(entry, kRadius);
    record.accuracyRadiusKm = radius ? static_cast<std::uint32_t>(*radius) : 1000;
    if (record.countryOrRegion.empty() && !record.latitude) return std::nullopt;
    return record;
  }

  static std::optional<GeoRecord> ReadFlat(MMDB_entry_s* entry) {
    static const char* const kCity[] = {"city", nullptr};
    static const char* const kState[] = {"state1", nullptr};
    static const char* const kCountry[] = {"country_code", nullptr};
    static const char* const kLatitude[] = {"latitude", nullptr};
    static const char* const kLongitude[] = {"longitude", nullptr};
    GeoRecord record;
    record.city = ReadString(entry, kCity).value_or("");
    record.state = ReadString(entry, kState).value_or("");
    record.countryOrRegion = ReadString(entry, kCountry).value_or("");
    record.latitude = ReadNumber(entry, kLatitude);
    record.longitude = ReadNumber(entry, kLongitude);
    record.accuracyRadiusKm = !record.city.empty() ? 50 : !record.state.empty() ? 200 : 1000;
    if (record.countryOrRegion.empty() && !record.latitude) return std::nullopt;
    return record;
  }

  MMDB_s mmdb_{};
  bool open_ = false;
  GeoSchema schema_ = GeoSchema::kFlat;
};

class MmdbGeoIpDatabase final : public GeoIpDatabase {
 public:
  Status Open(const std::vector<std::string>& paths) {
    for (const auto& path : paths) {
      auto file = std::make_unique<MmdbFile>();
      if (Status status = file->Open(path); !status.ok()) return status;
      files_.push_back(std::move(file));
    }
    return Status::Ok();
  }

  std::optional<GeoRecord> Lookup(const IpAddress& address) const override {
    if (address.IsInternal()) return std::nullopt;
    for (const auto& file : files_) {
      if (auto record = file->Lookup(address)) return record;
    }
    return std::nullopt;
  }

 private:
  std::vector<std::unique_ptr<MmdbFile>> files_;
};

}  // namespace

Result<std::unique_ptr<GeoIpDatabase>> GeoIpDatabase::Open(const std::vector<std::string>& paths) {
  auto database = std::make_unique<MmdbGeoIpDatabase>();
  if (Status status = database->Open(paths); !status.ok()) return status;
  return std::unique_ptr<GeoIpDatabase>(std::move(database));
}

}  // namespace idguard
