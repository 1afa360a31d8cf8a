#include "idguard/core/json_writer.h"

#include <gtest/gtest.h>

namespace idguard {
namespace {

TEST(JsonWriterTest, WritesNestedDocumentWithCommas) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Member("a", std::int64_t{1});
  w.Key("b");
  w.BeginArray();
  w.String("x");
  w.Null();
  w.Bool(true);
  w.EndArray();
  w.MemberOrNull("c", std::string_view{});
  w.Key("d");
  w.Double(0.5);
  w.EndObject();
  EXPECT_EQ(out, R"({"a":1,"b":["x",null,true],"c":null,"d":0.5})");
}

TEST(JsonWriterTest, EscapesControlCharactersQuotesAndInvalidUtf8) {
  std::string out;
  JsonWriter::AppendEscaped(out, std::string_view("q\"b\\n\n\x01 \xC3\xA9 \xFF", 12));
  EXPECT_EQ(out, "q\\\"b\\\\n\\n\\u0001 \xC3\xA9 \xEF\xBF\xBD");
}

TEST(JsonWriterTest, NonFiniteNumbersBecomeNull) {
  std::string out;
  JsonWriter w(out);
  w.Double(1.0 / 0.0);
  EXPECT_EQ(out, "null");
}

}  // namespace
}  // namespace idguard
