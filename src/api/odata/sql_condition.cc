// Compiling a checked $filter tree into an SQL condition (odata_filter.h). Only column
// expressions from the resource's field list and `?` placeholders reach the SQL text; every
// value the client sent is a bound parameter.
#include <optional>
#include <string>

#include "idguard/api/odata_filter.h"

namespace idguard::odata {
namespace {

std::string_view SqlOperator(CompareOp op) {
  switch (op) {
    case CompareOp::eq:
      return " = ";
    case CompareOp::ne:
      return " <> ";
    case CompareOp::gt:
      return " > ";
    case CompareOp::ge:
      return " >= ";
    case CompareOp::lt:
      return " < ";
    case CompareOp::le:
      return " <= ";
  }
  return " = ";
}

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// The smallest text greater than every text that starts with `prefix` (byte order, as SQLite
// compares text without a collation), or nullopt when there is none (all bytes 0xFF).
std::optional<std::string> PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last < 0xFF) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return std::nullopt;
}

SqlParameter ParameterOf(const Literal& literal) {
  switch (literal.kind) {
    case Literal::Kind::integer:
      return literal.integer;
    case Literal::Kind::number:
      return literal.number;
    case Literal::Kind::boolean:
      return std::int64_t{literal.boolean ? 1 : 0};
    case Literal::Kind::dateTime:
      return std::int64_t{literal.time};
    case Literal::Kind::null:
      return std::string();  // missing strings are stored empty
    case Literal::Kind::string:
      return literal.text;
  }
  return literal.text;
}

void Compile(const FilterNode& node, std::string_view collection, SqlCondition& out) {
  switch (node.kind) {
    case FilterNode::Kind::logicalAnd:
    case FilterNode::Kind::logicalOr:
      out.sql.push_back('(');
      Compile(*node.children[0], collection, out);
      out.sql.append(node.kind == FilterNode::Kind::logicalAnd ? " AND " : " OR ");
      Compile(*node.children[1], collection, out);
      out.sql.push_back(')');
      return;
    case FilterNode::Kind::logicalNot:
      out.sql.append("NOT (");
      Compile(*node.children[0], collection, out);
      out.sql.push_back(')');
      return;
    case FilterNode::Kind::any:
      out.sql.push_back('(');
      Compile(*node.children[0], node.field->column, out);
      out.sql.push_back(')');
      return;
    case FilterNode::Kind::startsWith:
      // instr finds the first occurrence, so = 1 means "begins with"; ASCII case-insensitive
      // like Graph's startsWith.
      if (node.field == nullptr) {
        out.sql.append("instr(lower(',' || ").append(collection).append("), lower(',' || ?)) > 0");
        out.parameters.emplace_back(node.value.text);
      } else {
        // A range on lower(column): an index on that expression answers it (risky users by
        // name); SQLite's lower() folds ASCII only, as AsciiLower does here.
        const std::string prefix = AsciiLower(node.value.text);
        const std::string column = "lower(" + std::string(node.field->column) + ")";
        if (prefix.empty()) {
          out.sql.append(column).append(" IS NOT NULL");
          return;
        }
        out.sql.append("(").append(column).append(" >= ?");
        out.parameters.emplace_back(prefix);
        if (auto end = PrefixEnd(prefix)) {
          out.sql.append(" AND ").append(column).append(" < ?");
          out.parameters.emplace_back(std::move(*end));
        }
        out.sql.append(")");
      }
      return;
    case FilterNode::Kind::compare:
      if (node.field == nullptr) {  // an element of the collection, inside any
        out.sql.append("instr(',' || ").append(collection).append(" || ',', ',' || ? || ',') > 0");
      } else {
        out.sql.append(node.field->column).append(SqlOperator(node.op)).append("?");
      }
      out.parameters.push_back(ParameterOf(node.value));
      return;
  }
}

}  // namespace

SqlCondition CompileToSql(const FilterNode& filter) {
  SqlCondition condition;
  Compile(filter, {}, condition);
  return condition;
}

}  // namespace idguard::odata
