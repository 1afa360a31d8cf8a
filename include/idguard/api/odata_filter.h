// OData `$filter` for the Graph-compatible list calls: parsing into a checked expression tree and
// compiling that tree into an SQL condition with bound parameters.
//
// What Graph accepts on the identity-protection and sign-in lists is accepted here: comparisons
// (eq, ne, gt, ge, lt, le), and, or, not, parentheses, startsWith(property, 'text'), `any` on a
// string collection (riskEventTypes_v2/any(t: t eq 'unlikelyTravel')), string literals with ''
// escapes, enum literals both as 'high' and as microsoft.graph.riskLevel'high', unquoted
// DateTimeOffset literals, true, false, null and numbers. Every property, operator and literal is
// checked against the resource's field list, and an error names the part that is wrong and
// where it starts (1-based character position), so a 400 response can say it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "idguard/core/status.h"
#include "idguard/core/time.h"

namespace idguard::odata {

enum class FieldType : std::uint8_t { string, enumeration, dateTime, boolean, integer, stringList };

// Which operators a field allows (bit flags), as Graph documents per property.
enum FieldOperators : std::uint8_t {
  kEquality = 1,    // eq, ne
  kOrdering = 2,    // gt, ge, lt, le
  kStartsWith = 4,  // startsWith(field, 'x')
  kAny = 8,         // field/any(v: v eq 'x') on a string collection
};

struct FieldSpec {
  std::string_view name;  // the Graph property path, e.g. "riskLevel", "location/city"
  FieldType type = FieldType::string;
  std::uint8_t operators = kEquality;
  std::string_view column;    // the SQL expression the property is stored as
  std::string_view enumType;  // e.g. "microsoft.graph.riskLevel"
  std::span<const std::string_view> enumMembers;
};

struct ResourceSpec {
  std::string_view name;  // e.g. "riskyUser", for error messages
  std::span<const FieldSpec> fields;
  const FieldSpec* Find(std::string_view name) const;
};

enum class CompareOp : std::uint8_t { eq, ne, gt, ge, lt, le };

struct Literal {
  enum class Kind : std::uint8_t { string, integer, number, boolean, null, dateTime };
  Kind kind = Kind::null;
  std::string text;  // string and enum values
  std::int64_t integer = 0;
  double number = 0;
  bool boolean = false;
  EventTime time = 0;
};

struct FilterNode {
  enum class Kind : std::uint8_t { logicalAnd, logicalOr, logicalNot, compare, startsWith, any };
  Kind kind = Kind::compare;
  CompareOp op = CompareOp::eq;
  const FieldSpec* field = nullptr;  // null inside `any`: the lambda variable (an element)
  Literal value;
  std::vector<std::unique_ptr<FilterNode>> children;  // and/or: 2; not: 1; any: the lambda body
};

// Parses and checks `text` against `resource`.
Result<std::unique_ptr<FilterNode>> ParseFilter(std::string_view text,
                                                const ResourceSpec& resource);

using SqlParameter = std::variant<std::int64_t, double, std::string>;

struct SqlCondition {
  std::string sql;  // with `?` placeholders, in parameter order
  std::vector<SqlParameter> parameters;
};

// The SQL condition equivalent to `filter`. Enums and strings bind as text, date-times as
// microseconds since the epoch, booleans as 0/1. A string collection is stored as its members
// joined by commas.
SqlCondition CompileToSql(const FilterNode& filter);

}  // namespace idguard::odata
