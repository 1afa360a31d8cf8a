#include "idguard/enrich/named_locations.h"

#include <simdjson.h>

#include "enrich/named_locations/location_members.h"
#include "idguard/core/text_lines.h"
#include "idguard/enrich/directory.h"

namespace idguard {
namespace {

std::string StringOr(simdjson::dom::object object, std::string_view key) {
  std::string_view value;
  if (object[key].get_string().get(value) == simdjson::SUCCESS) return std::string(value);
  return {};
}

Result<NamedLocation> ParseLocation(simdjson::dom::object object, const std::string& where) {
  NamedLocation location;
  location.id = StringOr(object, "id");
  location.displayName = StringOr(object, "displayName");
  if (location.displayName.empty()) {
    return Status::InvalidInput(where + ": field displayName is required");
  }
  const std::string label = where + " (" + location.displayName + ")";
  if (location.id.empty()) location.id = location.displayName;
  bool trusted = false;
  if (object["isTrusted"].get_bool().get(trusted) == simdjson::SUCCESS)
    location.isTrusted = trusted;

  simdjson::dom::array ranges;
  if (object["ipRanges"].get_array().get(ranges) == simdjson::SUCCESS) {
    if (Status s = ReadIpRanges(ranges, label, location); !s.ok()) return s;
  }
  simdjson::dom::array countries;
  if (object["countriesAndRegions"].get_array().get(countries) == simdjson::SUCCESS) {
    if (Status s = ReadCountries(countries, label, location); !s.ok()) return s;
    bool unknown = false;
    if (object["includeUnknownCountriesAndRegions"].get_bool().get(unknown) == simdjson::SUCCESS) {
      location.includeUnknownCountriesAndRegions = unknown;
    }
  }
  if (Status s = CheckLocation(location, label); !s.ok()) return s;
  return location;
}

}  // namespace

Status ReadIpRanges(simdjson::dom::array ranges, const std::string& label,
                    NamedLocation& location) {
  location.ipRanges.clear();
  location.cidrAddresses.clear();
  std::size_t index = 0;
  for (simdjson::dom::element element : ranges) {
    const std::string where = label + ": ipRanges[" + std::to_string(index++) + "].cidrAddress";
    std::string_view cidr;
    if (element["cidrAddress"].get_string().get(cidr) != simdjson::SUCCESS) {
      return Status::InvalidInput(where + " is missing or not a string");
    }
    auto range = CidrRange::Parse(cidr);
    if (!range) {
      return Status::InvalidInput(where + " '" + std::string(cidr) + "' is not a CIDR range");
    }
    if (range->prefix.IsV4() && range->length <= 8) {
      return Status::InvalidInput(where + " '" + std::string(cidr) +
                                  "' must have a mask longer than /8");
    }
    location.ipRanges.push_back(*range);
    location.cidrAddresses.emplace_back(cidr);
  }
  if (location.ipRanges.size() > kMaxRangesPerLocation) {
    return Status::InvalidInput(label + ": more than 2000 ipRanges");
  }
  return Status::Ok();
}

Status ReadCountries(simdjson::dom::array countries, const std::string& label,
                     NamedLocation& location) {
  location.countriesAndRegions.clear();
  for (simdjson::dom::element element : countries) {
    std::string_view code;
    if (element.get_string().get(code) != simdjson::SUCCESS || code.size() != 2) {
      return Status::InvalidInput(label +
                                  ": countriesAndRegions holds a value that is not a "
                                  "two-letter country code");
    }
    location.countriesAndRegions.emplace_back(code);
  }
  return Status::Ok();
}

Status CheckLocation(const NamedLocation& location, const std::string& label) {
  if (location.ipRanges.empty() && location.countriesAndRegions.empty()) {
    return Status::InvalidInput(label + ": needs ipRanges or countriesAndRegions");
  }
  if (!location.ipRanges.empty() && !location.countriesAndRegions.empty()) {
    return Status::InvalidInput(label + ": has both ipRanges and countriesAndRegions");
  }
  if (location.isTrusted && location.ipRanges.empty()) {
    return Status::InvalidInput(label + ": only IP named locations can be trusted");
  }
  return Status::Ok();
}

Result<NamedLocations> NamedLocations::FromList(std::vector<NamedLocation> locations) {
  if (locations.size() > kMaxNamedLocations) {
    return Status::InvalidInput("at most 195 named locations can exist");
  }
  NamedLocations result;
  result.locations_ = std::move(locations);
  return result;
}

Result<NamedLocations> NamedLocations::LoadJson(std::string_view json,
                                                const std::string& source_name) {
  simdjson::dom::parser parser;
  NamedLocations result;
  auto add_object = [&](simdjson::dom::element element, const std::string& where) -> Status {
    simdjson::dom::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) {
      return Status::InvalidInput(where + ": expected a JSON object");
    }
    auto location = ParseLocation(object, where);
    if (!location.ok()) return location.status();
    result.locations_.push_back(std::move(location.value()));
    return Status::Ok();
  };

  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) == simdjson::SUCCESS) {
    simdjson::dom::array array;
    if (root.get_array().get(array) == simdjson::SUCCESS ||
        root["value"].get_array().get(array) == simdjson::SUCCESS) {
      std::size_t index = 0;
      for (simdjson::dom::element element : array) {
        if (Status s = add_object(element, source_name + ": location " + std::to_string(index));
            !s.ok()) {
          return s;
        }
        ++index;
      }
    } else if (Status s = add_object(root, source_name); !s.ok()) {
      return s;
    }
  } else {
    // NDJSON: one location per line.
    Status status =
        ForEachNonBlankLine(json, [&](std::uint64_t line_number, std::string_view line) {
          const std::string where = source_name + ":" + std::to_string(line_number);
          simdjson::dom::element element;
          if (auto error = parser.parse(line.data(), line.size()).get(element)) {
            return Status::InvalidInput(where + ": " + simdjson::error_message(error));
          }
          return add_object(element, where);
        });
    if (!status.ok()) return status;
  }
  if (result.locations_.size() > kMaxNamedLocations) {
    return Status::InvalidInput(source_name + ": more than 195 named locations");
  }
  return result;
}

Result<NamedLocations> NamedLocations::LoadFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return LoadJson(text.value(), path);
}

const NamedLocation* NamedLocations::MatchIp(const IpAddress& address) const {
  const NamedLocation* untrusted = nullptr;
  for (const auto& location : locations_) {
    for (const auto& range : location.ipRanges) {
      if (range.Contains(address)) {
        if (location.isTrusted) return &location;
        if (!untrusted) untrusted = &location;
        break;
      }
    }
  }
  return untrusted;
}

}  // namespace idguard
