#include "api/odata/select_projection.h"

#include <simdjson.h>

#include "idguard/core/json_writer.h"

namespace idguard::odata {

Result<std::vector<std::string>> ParseSelect(std::string_view text,
                                             std::span<const std::string_view> properties) {
  std::vector<std::string> members;
  while (true) {
    const auto comma = text.find(',');
    std::string_view name = text.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) return Status::InvalidInput("invalid $select: an empty property name");
    bool known = false;
    for (std::string_view property : properties) known = known || property == name;
    if (!known) {
      return Status::InvalidInput("invalid $select: '" + std::string(name) +
                                  "' is not a property of this resource");
    }
    bool repeated = false;
    for (const std::string& member : members) repeated = repeated || member == name;
    if (!repeated) members.emplace_back(name);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return members;
}

Status AppendSelected(std::string& out, std::string_view document,
                      const std::vector<std::string>& members) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(document);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) {
    return Status::Internal("a stored document is not valid JSON");
  }
  simdjson::ondemand::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) {
    return Status::Internal("a stored document is not a JSON object");
  }
  JsonWriter json(out);
  json.BeginObject();
  for (const std::string& member : members) {
    json.Key(member);
    simdjson::ondemand::value value;
    const auto error = object.find_field_unordered(member).get(value);
    if (error == simdjson::NO_SUCH_FIELD) {
      json.Null();
      continue;
    }
    if (error != simdjson::SUCCESS) return Status::Internal("a stored document is malformed");
    std::string_view raw;
    if (simdjson::to_json_string(value).get(raw) != simdjson::SUCCESS) {
      return Status::Internal("a stored document is malformed");
    }
    json.Raw(raw);
  }
  json.EndObject();
  return Status::Ok();
}

}  // namespace idguard::odata
