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

TEST(JsonWriterTest, EscapesASpecialCharacterAtEveryOffsetOfALongString) {
  // Long plain runs are scanned in blocks; a special character must be found wherever it falls
  // relative to a block, including the last byte.
  const std::pair<std::string, std::string> specials[] = {{"\"", "\\\""},
                                                          {"\\", "\\\\"},
                                                          {"\x1f", "\\u001f"},
                                                          {"\xC3\xA9", "\xC3\xA9"},
                                                          {"\xFF", "\xEF\xBF\xBD"}};
  for (const auto& [special, escaped] : specials) {
    for (std::size_t offset = 0; offset <= 40; ++offset) {
      const std::string head(offset, 'a');
      const std::string tail(40 - offset, 'b');
      std::string out;
      JsonWriter::AppendEscaped(out, head + special + tail);
      EXPECT_EQ(out, head + escaped + tail) << "offset " << offset;
    }
  }
  std::string plain;
  JsonWriter::AppendEscaped(plain, std::string(100, 'x'));
  EXPECT_EQ(plain, std::string(100, 'x'));
}

TEST(JsonWriterTest, NonFiniteNumbersBecomeNull) {
  std::string out;
  JsonWriter w(out);
  w.Double(1.0 / 0.0);
  EXPECT_EQ(out, "null");
}

}  // namespace
}  // namespace idguard
