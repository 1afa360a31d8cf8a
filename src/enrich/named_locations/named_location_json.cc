#include "idguard/enrich/named_location_json.h"

#include <simdjson.h>

#include "enrich/named_locations/location_members.h"
#include "idguard/core/json_writer.h"

namespace idguard {
namespace {

constexpr std::string_view kIpType = "#microsoft.graph.ipNamedLocation";
constexpr std::string_view kCountryType = "#microsoft.graph.countryNamedLocation";
constexpr std::size_t kMaxDisplayName = 256;

}  // namespace

Result<NamedLocation> ReadNamedLocationJson(std::string_view json, const NamedLocation* base) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get(object) != simdjson::SUCCESS) {
    return Status::InvalidInput("the body must be a JSON object (a namedLocation)");
  }
  NamedLocation location = base != nullptr ? *base : NamedLocation{};
  std::string_view type;
  if (object["@odata.type"].get_string().get(type) == simdjson::SUCCESS) {
    if (type != kIpType && type != kCountryType) {
      return Status::InvalidInput("'@odata.type' must be '" + std::string(kIpType) + "' or '" +
                                  std::string(kCountryType) + "'");
    }
  } else if (base == nullptr) {
    return Status::InvalidInput("'@odata.type' is required: '" + std::string(kIpType) + "' or '" +
                                std::string(kCountryType) + "'");
  } else {
    type = base->IsCountryLocation() ? kCountryType : kIpType;
  }
  const bool is_ip = type == kIpType;
  if (base != nullptr && is_ip == base->IsCountryLocation()) {
    return Status::InvalidInput("'@odata.type' cannot change the kind of a named location");
  }
  for (auto member : object) {
    const std::string key(member.key);
    const std::string label = "member '" + key + "'";
    auto wrong_kind = [&] {
      return Status::InvalidInput(label + " belongs to " +
                                  (is_ip ? "countryNamedLocation" : "ipNamedLocation"));
    };
    if (key == "@odata.type" || key == "id" || key == "createdDateTime" ||
        key == "modifiedDateTime") {
      continue;  // set by idguard
    }
    if (key == "displayName") {
      std::string_view name;
      if (member.value.get_string().get(name) != simdjson::SUCCESS || name.empty() ||
          name.size() > kMaxDisplayName) {
        return Status::InvalidInput(label + " must be a string of 1-256 characters");
      }
      location.displayName = std::string(name);
    } else if (key == "isTrusted") {
      if (!is_ip) return wrong_kind();
      if (member.value.get_bool().get(location.isTrusted) != simdjson::SUCCESS) {
        return Status::InvalidInput(label + " must be true or false");
      }
    } else if (key == "ipRanges") {
      if (!is_ip) return wrong_kind();
      simdjson::dom::array ranges;
      if (member.value.get_array().get(ranges) != simdjson::SUCCESS) {
        return Status::InvalidInput(label + " must be an array of {\"cidrAddress\": ...}");
      }
      if (Status s = ReadIpRanges(ranges, "namedLocation", location); !s.ok()) return s;
    } else if (key == "countriesAndRegions") {
      if (is_ip) return wrong_kind();
      simdjson::dom::array countries;
      if (member.value.get_array().get(countries) != simdjson::SUCCESS) {
        return Status::InvalidInput(label + " must be an array of two-letter country codes");
      }
      if (Status s = ReadCountries(countries, "namedLocation", location); !s.ok()) return s;
    } else if (key == "includeUnknownCountriesAndRegions") {
      if (is_ip) return wrong_kind();
      if (member.value.get_bool().get(location.includeUnknownCountriesAndRegions) !=
          simdjson::SUCCESS) {
        return Status::InvalidInput(label + " must be true or false");
      }
    } else if (key == "countryLookupMethod") {
      if (is_ip) return wrong_kind();
      std::string_view method;
      if (member.value.get_string().get(method) != simdjson::SUCCESS ||
          method != "clientIpAddress") {
        return Status::InvalidInput(
            label + " must be 'clientIpAddress' (idguard has no authenticator GPS location)");
      }
    } else {
      return Status::InvalidInput("unknown " + label);
    }
  }
  if (location.displayName.empty()) {
    return Status::InvalidInput("member 'displayName' is required");
  }
  if (Status s = CheckLocation(location, "namedLocation '" + location.displayName + "'"); !s.ok()) {
    return s;
  }
  return location;
}

void AppendNamedLocationJson(std::string& out, const NamedLocation& location) {
  JsonWriter json(out);
  json.BeginObject();
  json.Member("@odata.type", location.IsCountryLocation() ? kCountryType : kIpType);
  json.Member("id", location.id);
  json.Member("displayName", location.displayName);
  json.Key("createdDateTime");
  location.createdDateTime != 0 ? json.Timestamp(location.createdDateTime) : json.Null();
  json.Key("modifiedDateTime");
  location.modifiedDateTime != 0 ? json.Timestamp(location.modifiedDateTime) : json.Null();
  if (location.IsCountryLocation()) {
    json.MemberStrings("countriesAndRegions", location.countriesAndRegions);
    json.Member("includeUnknownCountriesAndRegions", location.includeUnknownCountriesAndRegions);
    json.Member("countryLookupMethod", "clientIpAddress");
  } else {
    json.Member("isTrusted", location.isTrusted);
    json.Key("ipRanges");
    json.BeginArray();
    for (std::size_t i = 0; i < location.ipRanges.size(); ++i) {
      json.BeginObject();
      json.Member("@odata.type", location.ipRanges[i].prefix.IsV4()
                                     ? "#microsoft.graph.iPv4CidrRange"
                                     : "#microsoft.graph.iPv6CidrRange");
      json.Member("cidrAddress",
                  i < location.cidrAddresses.size() ? location.cidrAddresses[i] : std::string());
      json.EndObject();
    }
    json.EndArray();
  }
  json.EndObject();
}

}  // namespace idguard
