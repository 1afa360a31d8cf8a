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

Result<std::vector<std::string>> ParseColumns(std::string_view text,
                                              std::span<const std::string_view> properties) {
  std::vector<std::string> columns;
  while (true) {
    const auto comma = text.find(',');
    std::string_view column = text.substr(0, comma);
    while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
    while (!column.empty() && column.back() == ' ') column.remove_suffix(1);
    const std::string_view head = column.substr(0, column.find('/'));
    bool known = false;
    for (std::string_view property : properties) known = known || property == head;
    if (!known || column.empty() || column.back() == '/' ||
        column.find("//") != std::string_view::npos) {
      return Status::InvalidInput("invalid columns: '" + std::string(column) +
                                  "' is not a property path of this report");
    }
    columns.emplace_back(column);
    if (columns.size() > 64) return Status::InvalidInput("invalid columns: more than 64");
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return columns;
}

namespace {

void AppendCsvField(std::string& out, std::string_view value, bool is_text) {
  const bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  // A leading =, +, - or @ makes spreadsheets evaluate the cell; a quote mark keeps it text.
  const bool formula = is_text && !value.empty() &&
                       (value.front() == '=' || value.front() == '+' || value.front() == '-' ||
                        value.front() == '@');
  if (!quote && !formula) {
    out += value;
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

void AppendCsvHeader(std::string& out, const std::vector<std::string>& columns) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    AppendCsvField(out, columns[i], true);
  }
  out += "\r\n";
}

Status AppendCsvRow(std::string& out, std::string_view document,
                    const std::vector<std::string>& columns) {
  // The DOM parser answers several JSON pointers per document without rewinding by hand.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(document.data(), document.size()).get(root) != simdjson::SUCCESS) {
    return Status::Internal("a stored document is not valid JSON");
  }
  std::string pointer;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    pointer = "/" + columns[i];
    simdjson::dom::element value;
    if (root.at_pointer(pointer).get(value) != simdjson::SUCCESS) continue;
    switch (value.type()) {
      case simdjson::dom::element_type::NULL_VALUE:
        break;
      case simdjson::dom::element_type::STRING:
        AppendCsvField(out, std::string_view(value.get_string().value_unsafe()), true);
        break;
      default:
        AppendCsvField(out, simdjson::minify(value), false);
        break;
    }
  }
  out += "\r\n";
  return Status::Ok();
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
