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

}  // namespace idguard::odata
