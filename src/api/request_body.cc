#include "api/request_body.h"

#include <simdjson.h>

namespace idguard::api {

Result<std::vector<std::string>> ReadIdList(std::string_view body, std::string_view member,
                                            std::size_t max_ids) {
  const std::string where = "the request body";
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(body);
  simdjson::ondemand::document document;
  simdjson::ondemand::object object;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS ||
      document.get_object().get(object) != simdjson::SUCCESS) {
    return Status::InvalidInput(where + " must be a JSON object with a '" + std::string(member) +
                                "' array");
  }
  simdjson::ondemand::array array;
  const auto found = object.find_field_unordered(member).get(array);
  if (found == simdjson::NO_SUCH_FIELD) {
    return Status::InvalidInput(where + " has no '" + std::string(member) + "' member");
  }
  if (found != simdjson::SUCCESS) {
    return Status::InvalidInput("'" + std::string(member) + "' must be an array of strings");
  }
  std::vector<std::string> ids;
  for (auto element : array) {
    std::string_view id;
    if (element.get_string().get(id) != simdjson::SUCCESS) {
      return Status::InvalidInput("'" + std::string(member) + "' must be an array of strings");
    }
    if (id.empty() || id.size() > 256) {
      return Status::InvalidInput("'" + std::string(member) + "' holds an empty or overlong id");
    }
    ids.emplace_back(id);
    if (ids.size() > max_ids) {
      return Status::InvalidInput("'" + std::string(member) + "' holds more than " +
                                  std::to_string(max_ids) + " ids; send at most " +
                                  std::to_string(max_ids) + " per request");
    }
  }
  if (ids.empty()) {
    return Status::InvalidInput("'" + std::string(member) + "' must name at least one id");
  }
  return ids;
}

Result<std::optional<std::string>> ReadOptionalString(std::string_view body,
                                                      std::string_view member) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return std::optional<std::string>();
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(body);
  simdjson::ondemand::document document;
  simdjson::ondemand::object object;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS ||
      document.get_object().get(object) != simdjson::SUCCESS) {
    return Status::InvalidInput("the request body must be a JSON object");
  }
  std::string_view value;
  const auto found = object.find_field_unordered(member).get(value);
  if (found == simdjson::NO_SUCH_FIELD) return std::optional<std::string>();
  if (found != simdjson::SUCCESS) {
    return Status::InvalidInput("'" + std::string(member) + "' must be a string");
  }
  return std::optional<std::string>(std::string(value));
}

}  // namespace idguard::api
