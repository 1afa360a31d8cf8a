// $select: the members of a stored Graph document that a client asked for.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "idguard/core/status.h"

namespace idguard::odata {

// Parses a $select value ("id,riskLevel") against the resource's top-level properties. Errors
// name the unknown property.
Result<std::vector<std::string>> ParseSelect(std::string_view text,
                                             std::span<const std::string_view> properties);

// Appends a JSON object holding the `members` of `document` (one JSON object) in the order given;
// a member the document lacks is written as null.
Status AppendSelected(std::string& out, std::string_view document,
                      const std::vector<std::string>& members);

// Parses a column list for CSV downloads: property paths such as "location/city", whose first
// segment must be one of `properties`.
Result<std::vector<std::string>> ParseColumns(std::string_view text,
                                              std::span<const std::string_view> properties);

// Appends one CSV record (RFC 4180, CRLF-terminated) with the value at each column path of
// `document`: strings as text, numbers and booleans as written, null or absent as an empty field,
// objects and arrays as compact JSON. Fields are quoted when they need it.
Status AppendCsvRow(std::string& out, std::string_view document,
                    const std::vector<std::string>& columns);
// The header record: the column paths.
void AppendCsvHeader(std::string& out, const std::vector<std::string>& columns);

}  // namespace idguard::odata
