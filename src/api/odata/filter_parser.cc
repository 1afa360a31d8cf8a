// Recursive-descent parser for OData $filter (odata_filter.h). The lexer and the parser live
// together: tokens only make sense to this grammar.
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string>

#include "idguard/api/odata_filter.h"

namespace idguard::odata {

const FieldSpec* ResourceSpec::Find(std::string_view field_name) const {
  for (const FieldSpec& field : fields) {
    if (field.name == field_name) return &field;
  }
  return nullptr;
}

namespace {

constexpr std::size_t kMaxFilterLength = 4096;
constexpr int kMaxDepth = 32;

struct Token {
  enum class Kind : std::uint8_t { end, name, string, number, open, close, comma, colon };
  Kind kind = Kind::end;
  std::string text;       // names, numbers; strings unescaped
  std::size_t start = 0;  // 0-based offset into the filter
  std::size_t end = 0;    // one past the last character
};

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '/' || c == '.';
}

// A DateTimeOffset literal or a number: digits, then anything up to a delimiter.
bool IsValueChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '+' || c == ':' ||
         c == '.';
}

std::string_view OperatorName(CompareOp op) {
  static constexpr std::string_view kNames[] = {"eq", "ne", "gt", "ge", "lt", "le"};
  return kNames[static_cast<int>(op)];
}

bool ParseCompareOp(std::string_view word, CompareOp& op) {
  for (int i = 0; i < 6; ++i) {
    if (word == OperatorName(static_cast<CompareOp>(i))) {
      op = static_cast<CompareOp>(i);
      return true;
    }
  }
  return false;
}

bool IsStartsWith(std::string_view word) { return word == "startsWith" || word == "startswith"; }

class FilterParser {
 public:
  FilterParser(std::string_view text, const ResourceSpec& resource)
      : text_(text), resource_(resource) {}

  Result<std::unique_ptr<FilterNode>> Parse() {
    if (text_.size() > kMaxFilterLength) {
      return Status::InvalidInput("$filter is longer than 4096 characters");
    }
    if (Status s = Advance(); !s.ok()) return s;
    if (current_.kind == Token::Kind::end) return Status::InvalidInput("$filter is empty");
    auto node = ParseOr(0);
    if (!node.ok()) return node;
    if (current_.kind != Token::Kind::end) return Error(current_, "expected and, or, or the end");
    return node;
  }

 private:
  Status Error(const Token& at, std::string_view why) const {
    std::string what = at.kind == Token::Kind::end
                           ? std::string("the end")
                           : "'" + std::string(text_.substr(at.start, at.end - at.start)) + "'";
    return Status::InvalidInput("invalid $filter at position " + std::to_string(at.start + 1) +
                                " (" + what + "): " + std::string(why));
  }

  Status Advance() {
    std::size_t pos = current_.end;
    while (pos < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos])) != 0) ++pos;
    Token token;
    token.start = pos;
    if (pos >= text_.size()) {
      token.end = pos;
      current_ = std::move(token);
      return Status::Ok();
    }
    const char c = text_[pos];
    auto single = [&](Token::Kind kind) {
      token.kind = kind;
      token.end = pos + 1;
    };
    if (c == '(') {
      single(Token::Kind::open);
    } else if (c == ')') {
      single(Token::Kind::close);
    } else if (c == ',') {
      single(Token::Kind::comma);
    } else if (c == ':') {
      single(Token::Kind::colon);
    } else if (c == '\'') {
      token.kind = Token::Kind::string;
      std::size_t i = pos + 1;
      for (;;) {
        if (i >= text_.size()) {
          token.end = text_.size();
          current_ = std::move(token);
          return Error(current_, "the string is not closed with '");
        }
        if (text_[i] == '\'') {
          if (i + 1 < text_.size() && text_[i + 1] == '\'') {  // '' is an escaped quote
            token.text.push_back('\'');
            i += 2;
            continue;
          }
          break;
        }
        token.text.push_back(text_[i++]);
      }
      token.end = i + 1;
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '-') {
      token.kind = Token::Kind::number;
      std::size_t i = pos + 1;
      while (i < text_.size() && IsValueChar(text_[i])) ++i;
      token.text.assign(text_.substr(pos, i - pos));
      token.end = i;
    } else if (IsNameChar(c)) {
      token.kind = Token::Kind::name;
      std::size_t i = pos;
      while (i < text_.size() && IsNameChar(text_[i])) ++i;
      token.text.assign(text_.substr(pos, i - pos));
      token.end = i;
    } else {
      token.end = pos + 1;
      current_ = std::move(token);
      return Error(current_, "unexpected character");
    }
    current_ = std::move(token);
    return Status::Ok();
  }

  Status Expect(Token::Kind kind, std::string_view what) {
    if (current_.kind != kind) return Error(current_, "expected " + std::string(what));
    return Advance();
  }

  bool AtWord(std::string_view word) const {
    return current_.kind == Token::Kind::name && current_.text == word;
  }

  Result<std::unique_ptr<FilterNode>> ParseOr(int depth) {
    auto first = ParseAnd(depth);
    if (!first.ok()) return first;
    std::unique_ptr<FilterNode> left = std::move(*first);
    while (AtWord("or")) {
      if (Status s = Advance(); !s.ok()) return s;
      auto right = ParseAnd(depth);
      if (!right.ok()) return right;
      left = Combine(FilterNode::Kind::logicalOr, std::move(left), std::move(*right));
    }
    return left;
  }

  Result<std::unique_ptr<FilterNode>> ParseAnd(int depth) {
    auto first = ParseUnary(depth);
    if (!first.ok()) return first;
    std::unique_ptr<FilterNode> left = std::move(*first);
    while (AtWord("and")) {
      if (Status s = Advance(); !s.ok()) return s;
      auto right = ParseUnary(depth);
      if (!right.ok()) return right;
      left = Combine(FilterNode::Kind::logicalAnd, std::move(left), std::move(*right));
    }
    return left;
  }

  static std::unique_ptr<FilterNode> Combine(FilterNode::Kind kind,
                                             std::unique_ptr<FilterNode> left,
                                             std::unique_ptr<FilterNode> right) {
    auto node = std::make_unique<FilterNode>();
    node->kind = kind;
    node->children.push_back(std::move(left));
    node->children.push_back(std::move(right));
    return node;
  }

  Result<std::unique_ptr<FilterNode>> ParseUnary(int depth) {
    if (depth > kMaxDepth) return Error(current_, "nested more than 32 levels deep");
    if (AtWord("not")) {
      if (Status s = Advance(); !s.ok()) return s;
      auto operand = ParseUnary(depth + 1);
      if (!operand.ok()) return operand;
      auto node = std::make_unique<FilterNode>();
      node->kind = FilterNode::Kind::logicalNot;
      node->children.push_back(std::move(*operand));
      return node;
    }
    if (current_.kind == Token::Kind::open) {
      if (Status s = Advance(); !s.ok()) return s;
      auto inner = ParseOr(depth + 1);
      if (!inner.ok()) return inner;
      if (Status s = Expect(Token::Kind::close, "')'"); !s.ok()) return s;
      return inner;
    }
    if (current_.kind != Token::Kind::name) return Error(current_, "expected a property");
    if (IsStartsWith(current_.text)) return ParseStartsWith(nullptr);
    const Token property = current_;
    if (property.text.ends_with("/any")) return ParseAny(property, depth);
    const FieldSpec* field = FindField(property);
    if (field == nullptr) return UnknownProperty(property);
    if (Status s = Advance(); !s.ok()) return s;
    return ParseComparison(field, property);
  }

  const FieldSpec* FindField(const Token& property) const { return resource_.Find(property.text); }

  Status UnknownProperty(const Token& property) const {
    return Error(property, "no property of that name on " + std::string(resource_.name) +
                               " can be filtered on");
  }

  Result<std::unique_ptr<FilterNode>> ParseComparison(const FieldSpec* field,
                                                      const Token& property) {
    CompareOp op;
    if (current_.kind != Token::Kind::name || !ParseCompareOp(current_.text, op)) {
      return Error(current_, "expected eq, ne, gt, ge, lt or le");
    }
    const Token op_token = current_;
    if (field->type == FieldType::stringList) {
      return Error(property, std::string(field->name) + " is a collection: use " +
                                 std::string(field->name) + "/any(t: t eq 'value')");
    }
    const bool ordering = op != CompareOp::eq && op != CompareOp::ne;
    if ((field->operators & (ordering ? kOrdering : kEquality)) == 0) {
      return Error(op_token,
                   std::string(field->name) + " does not support " + std::string(OperatorName(op)));
    }
    if (Status s = Advance(); !s.ok()) return s;
    auto node = std::make_unique<FilterNode>();
    node->kind = FilterNode::Kind::compare;
    node->op = op;
    node->field = field;
    if (Status s = ParseLiteral(*field, node->value, ordering); !s.ok()) return s;
    return node;
  }

  // startsWith(property, 'text'), or inside `any` startsWith(variable, 'text').
  Result<std::unique_ptr<FilterNode>> ParseStartsWith(const std::string* lambda_variable) {
    if (Status s = Advance(); !s.ok()) return s;
    if (Status s = Expect(Token::Kind::open, "'(' after startsWith"); !s.ok()) return s;
    if (current_.kind != Token::Kind::name) return Error(current_, "expected a property");
    const Token property = current_;
    auto node = std::make_unique<FilterNode>();
    node->kind = FilterNode::Kind::startsWith;
    if (lambda_variable != nullptr && property.text == *lambda_variable) {
      node->field = nullptr;
    } else {
      node->field = FindField(property);
      if (node->field == nullptr) return UnknownProperty(property);
      if ((node->field->operators & kStartsWith) == 0) {
        return Error(property, std::string(node->field->name) + " does not support startsWith");
      }
    }
    if (Status s = Advance(); !s.ok()) return s;
    if (Status s = Expect(Token::Kind::comma, "','"); !s.ok()) return s;
    if (current_.kind != Token::Kind::string) return Error(current_, "expected a 'string'");
    node->value.kind = Literal::Kind::string;
    node->value.text = current_.text;
    if (Status s = Advance(); !s.ok()) return s;
    if (Status s = Expect(Token::Kind::close, "')'"); !s.ok()) return s;
    return node;
  }

  // property/any(v: v eq 'a' or startsWith(v, 'b'))
  Result<std::unique_ptr<FilterNode>> ParseAny(const Token& property, int depth) {
    const std::string path = property.text.substr(0, property.text.size() - 4);
    const FieldSpec* field = resource_.Find(path);
    if (field == nullptr) return UnknownProperty(property);
    if ((field->operators & kAny) == 0 || field->type != FieldType::stringList) {
      return Error(property, std::string(field->name) + " is not a collection that supports any");
    }
    if (Status s = Advance(); !s.ok()) return s;
    if (Status s = Expect(Token::Kind::open, "'(' after any"); !s.ok()) return s;
    if (current_.kind != Token::Kind::name) return Error(current_, "expected a lambda variable");
    const std::string variable = current_.text;
    if (Status s = Advance(); !s.ok()) return s;
    if (Status s = Expect(Token::Kind::colon, "':' after the lambda variable"); !s.ok()) return s;
    auto body = ParseLambdaOr(variable, depth + 1);
    if (!body.ok()) return body;
    if (Status s = Expect(Token::Kind::close, "')'"); !s.ok()) return s;
    auto node = std::make_unique<FilterNode>();
    node->kind = FilterNode::Kind::any;
    node->field = field;
    node->children.push_back(std::move(*body));
    return node;
  }

  Result<std::unique_ptr<FilterNode>> ParseLambdaOr(const std::string& variable, int depth) {
    auto first = ParseLambdaTerm(variable, depth);
    if (!first.ok()) return first;
    std::unique_ptr<FilterNode> left = std::move(*first);
    while (AtWord("or")) {
      if (Status s = Advance(); !s.ok()) return s;
      auto right = ParseLambdaTerm(variable, depth);
      if (!right.ok()) return right;
      left = Combine(FilterNode::Kind::logicalOr, std::move(left), std::move(*right));
    }
    if (AtWord("and")) {
      return Error(current_, "only 'or' can join conditions inside any (one element is compared)");
    }
    return left;
  }

  Result<std::unique_ptr<FilterNode>> ParseLambdaTerm(const std::string& variable, int depth) {
    if (depth > kMaxDepth) return Error(current_, "nested more than 32 levels deep");
    if (current_.kind == Token::Kind::open) {
      if (Status s = Advance(); !s.ok()) return s;
      auto inner = ParseLambdaOr(variable, depth + 1);
      if (!inner.ok()) return inner;
      if (Status s = Expect(Token::Kind::close, "')'"); !s.ok()) return s;
      return inner;
    }
    if (current_.kind == Token::Kind::name && IsStartsWith(current_.text)) {
      auto node = ParseStartsWith(&variable);
      if (node.ok() && (*node)->field != nullptr) {
        return Status::InvalidInput("invalid $filter: inside any, startsWith must test " +
                                    variable);
      }
      return node;
    }
    if (current_.kind != Token::Kind::name || current_.text != variable) {
      return Error(current_, "expected " + variable + " eq 'value'");
    }
    if (Status s = Advance(); !s.ok()) return s;
    if (!AtWord("eq")) return Error(current_, "only eq compares an element inside any");
    if (Status s = Advance(); !s.ok()) return s;
    if (current_.kind != Token::Kind::string) return Error(current_, "expected a 'string'");
    auto node = std::make_unique<FilterNode>();
    node->kind = FilterNode::Kind::compare;
    node->op = CompareOp::eq;
    node->value.kind = Literal::Kind::string;
    node->value.text = current_.text;
    if (Status s = Advance(); !s.ok()) return s;
    return node;
  }

  Status ParseLiteral(const FieldSpec& field, Literal& literal, bool ordering) {
    const Token token = current_;
    if (token.kind == Token::Kind::name && token.text == "null") {
      if (ordering) return Error(token, "null can only be compared with eq or ne");
      if (field.type != FieldType::string) {
        return Error(token, std::string(field.name) + " is never null");
      }
      literal.kind = Literal::Kind::null;
      return Advance();
    }
    switch (field.type) {
      case FieldType::string:
        if (token.kind != Token::Kind::string) {
          return Error(token, std::string(field.name) + " is compared with a 'string'");
        }
        literal.kind = Literal::Kind::string;
        literal.text = token.text;
        return Advance();
      case FieldType::enumeration:
        return ParseEnumLiteral(field, literal);
      case FieldType::dateTime: {
        if (token.kind != Token::Kind::number && token.kind != Token::Kind::string) {
          return Error(token, std::string(field.name) +
                                  " is compared with a date and time such as 2024-05-01T00:00:00Z");
        }
        auto time = ParseTimestamp(token.text);
        if (!time || token.text.size() < 10) {
          return Error(token, "not a date and time (expected e.g. 2024-05-01T00:00:00Z)");
        }
        literal.kind = Literal::Kind::dateTime;
        literal.time = *time;
        return Advance();
      }
      case FieldType::boolean:
        if (token.kind != Token::Kind::name || (token.text != "true" && token.text != "false")) {
          return Error(token, std::string(field.name) + " is compared with true or false");
        }
        literal.kind = Literal::Kind::boolean;
        literal.boolean = token.text == "true";
        return Advance();
      case FieldType::integer: {
        std::int64_t value = 0;
        const char* begin = token.text.data();
        const char* end = begin + token.text.size();
        if (token.kind != Token::Kind::number || std::from_chars(begin, end, value).ptr != end) {
          return Error(token, std::string(field.name) + " is compared with a whole number");
        }
        literal.kind = Literal::Kind::integer;
        literal.integer = value;
        return Advance();
      }
      case FieldType::stringList:
        return Error(token, std::string(field.name) + " is a collection: use " +
                                std::string(field.name) + "/any(t: t eq 'value')");
    }
    return Error(token, "unsupported literal");
  }

  // 'high' or microsoft.graph.riskLevel'high'.
  Status ParseEnumLiteral(const FieldSpec& field, Literal& literal) {
    const Token token = current_;
    std::string member;
    if (token.kind == Token::Kind::name && token.text.find('.') == std::string::npos) {
      return Error(token, std::string(field.name) + " is compared with a member of " +
                              std::string(field.enumType) + " in quotes, e.g. '" +
                              std::string(field.enumMembers.empty() ? "" : field.enumMembers[0]) +
                              "'");
    }
    if (token.kind == Token::Kind::name) {
      if (token.text != field.enumType) {
        return Error(token, std::string(field.name) + " is of type " + std::string(field.enumType));
      }
      if (Status s = Advance(); !s.ok()) return s;
      if (current_.kind != Token::Kind::string || current_.start != token.end) {
        return Error(current_, "expected the member in quotes right after the type name");
      }
      member = current_.text;
    } else if (token.kind == Token::Kind::string) {
      member = token.text;
    } else {
      return Error(token, std::string(field.name) + " is compared with a member of " +
                              std::string(field.enumType) + ", e.g. 'high'");
    }
    bool known = false;
    for (std::string_view candidate : field.enumMembers) known = known || candidate == member;
    if (!known) {
      std::string members;
      for (std::string_view candidate : field.enumMembers) {
        if (!members.empty()) members.append(", ");
        members.append(candidate);
      }
      return Error(current_, "'" + member + "' is not a member of " + std::string(field.enumType) +
                                 " (" + members + ")");
    }
    literal.kind = Literal::Kind::string;
    literal.text = std::move(member);
    return Advance();
  }

  std::string_view text_;
  const ResourceSpec& resource_;
  Token current_;
};

}  // namespace

Result<std::unique_ptr<FilterNode>> ParseFilter(std::string_view text,
                                                const ResourceSpec& resource) {
  return FilterParser(text, resource).Parse();
}

}  // namespace idguard::odata
