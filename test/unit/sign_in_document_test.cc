#include "idguard/store/sign_in_document.h"

#include <gtest/gtest.h>

#include "idguard/export/graph_json.h"
#include "unit/every_field_set.h"

namespace idguard {
namespace {

using test::EveryFieldSet;

TEST(SignInDocumentTest, EveryFieldRoundTrips) {
  const SignIn original = EveryFieldSet();
  std::string document;
  EncodeSignInDocument(original, document);
  auto decoded = DecodeSignInDocument(document);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_TRUE(decoded.value() == original);
  std::string original_json, decoded_json;
  AppendSignInJson(original_json, original);
  AppendSignInJson(decoded_json, decoded.value());
  EXPECT_EQ(decoded_json, original_json);
}

TEST(SignInDocumentTest, DefaultsAndNullsRoundTrip) {
  SignIn original;
  original.id = "only-an-id";
  std::string document;
  EncodeSignInDocument(original, document);
  auto decoded = DecodeSignInDocument(document);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_TRUE(decoded.value() == original);
  EXPECT_FALSE(decoded->deviceDetail.isCompliant.has_value());
  EXPECT_FALSE(decoded->location.geoCoordinates.latitude.has_value());
}

TEST(SignInDocumentTest, IsMuchSmallerThanTheGraphJson) {
  const SignIn s = EveryFieldSet();
  std::string document, json;
  EncodeSignInDocument(s, document);
  AppendSignInJson(json, s);
  EXPECT_LT(document.size() * 2, json.size()) << document.size() << " vs " << json.size();
}

TEST(SignInDocumentTest, EveryTruncationIsAnErrorNotACrash) {
  std::string document;
  EncodeSignInDocument(EveryFieldSet(), document);
  for (std::size_t length = 0; length < document.size(); ++length) {
    auto decoded = DecodeSignInDocument(std::string_view(document).substr(0, length));
    EXPECT_FALSE(decoded.ok()) << "prefix of " << length << " bytes decoded";
  }
}

TEST(SignInDocumentTest, UnknownFormatAndTrailingBytesAreRefused) {
  std::string document;
  EncodeSignInDocument(EveryFieldSet(), document);
  std::string future = document;
  future[0] = 9;
  auto decoded = DecodeSignInDocument(future);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("unknown format 9"), std::string::npos)
      << decoded.status().message();
  decoded = DecodeSignInDocument(document + "x");
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("trailing bytes"), std::string::npos);
}

TEST(SignInDocumentTest, CorruptEnumIsRefusedWithTheSignInId) {
  SignIn s;
  s.id = "sign-in-7";
  s.riskState = RiskState::atRisk;
  std::string document;
  EncodeSignInDocument(s, document);
  const auto at = document.find("atRisk");
  ASSERT_NE(at, std::string::npos);
  document.replace(at, 6, "atRizk");
  auto decoded = DecodeSignInDocument(document);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("'sign-in-7': corrupt value"), std::string::npos)
      << decoded.status().message();
}

}  // namespace
}  // namespace idguard
