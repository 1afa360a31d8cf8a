// The body of POST /v1/evaluate: a Graph signIn with members of its own, read in one pass; what
// idguard fills in when the identity provider leaves it out, and the errors that name the member.
#include "idguard/ingest/evaluate_request.h"

#include <gtest/gtest.h>

#include <string>

#include "idguard/core/time.h"

namespace idguard {
namespace {

constexpr EventTime kNow = 1'790'000'000'000'000;

Result<EvaluateRequest> Parse(const std::string& body) {
  return ParseEvaluateRequest(body, kNow, "assigned-id");
}

std::string ErrorOf(const std::string& body) {
  auto request = Parse(body);
  EXPECT_FALSE(request.ok()) << body;
  if (request.ok()) return "";
  EXPECT_EQ(request.status().code(), StatusCode::kInvalidInput);
  return request.status().message();
}

TEST(EvaluateRequestTest, IdAndTimeAreAssignedWhenTheBodyLeavesThemOut) {
  auto request = Parse(R"({"userId":"alice","ipAddress":"81.2.69.160","appId":"app"})");
  ASSERT_TRUE(request.ok()) << request.status().message();
  EXPECT_EQ(request->signIn.id, "assigned-id");
  EXPECT_EQ(request->signIn.createdDateTime, kNow);
  EXPECT_EQ(request->signIn.userId, "alice");
  EXPECT_EQ(request->signIn.ipAddress, "81.2.69.160");
  EXPECT_FALSE(request->sessionHasMfa);
  EXPECT_FALSE(request->isMfaRegistered.has_value());
  EXPECT_EQ(request->passwordSha1, "");
}

TEST(EvaluateRequestTest, TheBodysOwnIdAndTimeWinWhereverTheyStand) {
  auto request = Parse(
      R"({"userId":"alice","createdDateTime":"2026-09-22T08:00:00Z","appId":"app","id":"idp-1"})");
  ASSERT_TRUE(request.ok()) << request.status().message();
  EXPECT_EQ(request->signIn.id, "idp-1");
  EXPECT_EQ(request->signIn.createdDateTime, *ParseTimestamp("2026-09-22T08:00:00Z"));
}

TEST(EvaluateRequestTest, TheRequestsOwnMembersAreReadBesideTheSignIn) {
  const std::string hash(40, 'A');
  auto request = Parse(R"({"sessionHasMfa":true,"userId":"alice","isMfaRegistered":false,)"
                       R"("passwordSha1":")" +
                       std::string(40, 'b') +
                       R"(","unknownMember":{"nested":[1,2]},)"
                       R"("passwordSha1":")" +
                       hash + R"("})");
  ASSERT_TRUE(request.ok()) << request.status().message();
  EXPECT_TRUE(request->sessionHasMfa);
  ASSERT_TRUE(request->isMfaRegistered.has_value());
  EXPECT_FALSE(*request->isMfaRegistered);
  EXPECT_EQ(request->passwordSha1, std::string(40, 'a')) << "the last one counts, lower-cased";
  EXPECT_EQ(request->signIn.userId, "alice");
}

TEST(EvaluateRequestTest, ErrorsNameTheMemberAndSayWhy) {
  EXPECT_EQ(ErrorOf(R"({"userId":"alice","sessionHasMfa":"yes"})"),
            "member sessionHasMfa must be true or false");
  EXPECT_EQ(ErrorOf(R"({"userId":"alice","isMfaRegistered":1})"),
            "member isMfaRegistered must be true or false");
  EXPECT_EQ(ErrorOf(R"({"userId":"alice","passwordSha1":"xyz"})"),
            "member passwordSha1 must be 40 hexadecimal digits");
  EXPECT_EQ(ErrorOf(R"({"userId":"alice","passwordSha1":")" + std::string(40, 'g') + R"("})"),
            "member passwordSha1 must be 40 hexadecimal digits");
  EXPECT_NE(ErrorOf(R"({"ipAddress":"81.2.69.160"})").find("field userId: is required"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf(R"({"userId":"alice","signInEventTypes":["servicePrincipal"]})").find("/v1/signins"),
      std::string::npos);
  EXPECT_NE(ErrorOf(R"({"userId":"alice","createdDateTime":"yesterday"})").find("createdDateTime"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"userId":"alice","id":null})").find("field id: is required"),
            std::string::npos)
      << "an id the body sets to null is not replaced";
}

TEST(EvaluateRequestTest, ABodyThatIsNotOneJsonObjectIsRefused) {
  EXPECT_EQ(ErrorOf("[]"), "the body must be a JSON object (a sign-in)");
  EXPECT_EQ(ErrorOf("\"alice\""), "the body must be a JSON object (a sign-in)");
  EXPECT_EQ(ErrorOf("{").rfind("the body is not JSON", 0), 0U);
  EXPECT_EQ(ErrorOf(""), ErrorOf(" ")) << "empty and blank bodies say the same";
  EXPECT_EQ(ErrorOf(R"({"userId":"alice"} {"userId":"bob"})"),
            "the body has more after its JSON object");
}

}  // namespace
}  // namespace idguard
