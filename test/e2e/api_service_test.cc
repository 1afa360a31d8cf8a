// The API as `idguard serve` answers it, called in-process on a real SQLite store: every route
// with every role, the OpenAPI document against the route table, OData options and their errors,
// keyset paging while new sign-ins arrive, and the effect of every risk action on users, sign-ins,
// detections, history and the audit log (the tables in the Graph documentation).
#include "idguard/api/api_service.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "e2e/e2e_support.h"
#include "idguard/api/roles.h"
#include "idguard/detect/user_profile.h"
#include "idguard/export/graph_json.h"
#include "idguard/pipeline/live_engine.h"
#include "idguard/store/risk_store.h"

namespace idguard {
namespace {

using e2e::Json;

using api::ApiService;
using api::HttpRequest;
using api::HttpResponse;
using api::Permission;
using api::Role;

constexpr EventTime kDay = kMicrosPerDay;
constexpr EventTime kStart = 1'790'000'000LL * kMicrosPerSecond;  // 2026-09-21

SignIn MakeSignIn(const std::string& id, EventTime created, const std::string& user) {
  SignIn s;
  s.id = id;
  s.createdDateTime = created;
  s.userId = user;
  s.userPrincipalName = user + "@contoso.example";
  s.userDisplayName = "User " + user;
  s.appId = "00000002-0000-0ff1-ce00-000000000000";
  s.appDisplayName = "Office 365 Exchange Online";
  s.ipAddress = "198.51.100.7";
  s.location.countryOrRegion = "NL";
  return s;
}

RiskDetection MakeDetection(const std::string& id, const SignIn* sign_in, const std::string& user,
                            const std::string& type, RiskLevel level, EventTime detected) {
  RiskDetection d;
  d.id = id;
  d.riskEventType = type;
  d.riskLevel = level;
  d.riskState = RiskState::atRisk;
  d.userId = user;
  d.userPrincipalName = user + "@contoso.example";
  d.userDisplayName = "User " + user;
  d.detectedDateTime = d.lastUpdatedDateTime = d.activityDateTime = detected;
  if (sign_in != nullptr) {
    d.requestId = d.correlationId = sign_in->id;
    d.ipAddress = sign_in->ipAddress;
    d.activity = ActivityType::signin;
  } else {
    d.activity = ActivityType::user;
    d.detectionTimingType = DetectionTimingType::offline;
  }
  return d;
}

class ApiServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<e2e::TempDir>(
        "api-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    db_ = *dir_ / "store.db";
    WriteFixture();
    Start();
  }

  // u1: high (unfamiliarFeatures on s1, leakedCredentials on the user); u2: medium (s2);
  // u3: low (s3); u4: never at risk (s4). 60 benign sign-ins of u5 follow, one per hour.
  void WriteFixture() {
    auto store = OpenSqliteStore(db_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    StoreBatch batch;
    std::vector<SignIn> sign_ins;
    const std::pair<const char*, RiskLevel> risky[] = {
        {"u1", RiskLevel::high}, {"u2", RiskLevel::medium}, {"u3", RiskLevel::low}};
    int n = 1;
    for (const auto& [user, level] : risky) {
      SignIn s = MakeSignIn("s" + std::to_string(n), kStart + n * kDay, user);
      s.riskLevelAggregated = s.riskLevelDuringSignIn = level;
      s.riskState = RiskState::atRisk;
      const std::string type = level == RiskLevel::high ? "unfamiliarFeatures" : "newCountry";
      s.riskEventTypes_v2 = {type};
      RiskDetection d =
          MakeDetection("d" + std::to_string(n), &s, user, type, level, s.createdDateTime);
      std::string json;
      AppendRiskDetectionJson(json, d);
      batch.detections.push_back({d, json});
      RiskyUser u;
      u.id = user;
      u.userPrincipalName = std::string(user) + "@contoso.example";
      u.userDisplayName = "User " + std::string(user);
      u.riskLevel = level;
      u.riskState = RiskState::atRisk;
      u.riskLastUpdatedDateTime = s.createdDateTime;
      json.clear();
      AppendRiskyUserJson(json, u);
      batch.riskyUsers.push_back({u, json});
      RiskyUserHistoryItem item;
      item.id = std::string(user) + "_000001";
      item.user = u;
      item.activityRiskEventTypes = {type};
      json.clear();
      AppendRiskyUserHistoryItemJson(json, item);
      batch.history.push_back({item, json});
      sign_ins.push_back(std::move(s));
      ++n;
    }
    // sp1: a workload identity with one high service-principal detection.
    RiskDetection workload =
        MakeDetection("dsp1", nullptr, "sp1", "leakedCredentials", RiskLevel::high, kStart);
    workload.activity = ActivityType::servicePrincipal;
    workload.userDisplayName = "Payroll sync";
    workload.userPrincipalName = "app-payroll";
    std::string workload_json;
    AppendRiskDetectionJson(workload_json, workload);
    batch.detections.push_back({workload, workload_json});
    RiskyUser principal;
    principal.id = "sp1";
    principal.userDisplayName = "Payroll sync";
    principal.userPrincipalName = "app-payroll";
    principal.riskLevel = RiskLevel::high;
    principal.riskState = RiskState::atRisk;
    principal.riskLastUpdatedDateTime = kStart;
    workload_json.clear();
    AppendRiskyServicePrincipalJson(workload_json, principal);
    batch.riskyServicePrincipals.push_back({principal, workload_json});
    RiskyUserHistoryItem principal_item;
    principal_item.id = "sp1_000001";
    principal_item.user = principal;
    principal_item.activityRiskEventTypes = {"leakedCredentials"};
    workload_json.clear();
    AppendRiskyServicePrincipalHistoryItemJson(workload_json, principal_item);
    batch.servicePrincipalHistory.push_back({principal_item, workload_json});

    RiskDetection leaked =
        MakeDetection("d4", nullptr, "u1", "leakedCredentials", RiskLevel::high, kStart + 5 * kDay);
    std::string json;
    AppendRiskDetectionJson(json, leaked);
    batch.detections.push_back({leaked, json});
    sign_ins.push_back(MakeSignIn("s4", kStart + 4 * kDay, "u4"));
    for (int hour = 0; hour < 60; ++hour) {
      sign_ins.push_back(MakeSignIn("b" + std::to_string(100 + hour),
                                    kStart + 10 * kDay + hour * kMicrosPerHour, "u5"));
    }
    // u1 has a learned profile: a week of sign-ins from one address before the risky one.
    UserProfile profile;
    for (int day = 0; day < 7; ++day) {
      SignIn usual = MakeSignIn("learn" + std::to_string(day), kStart - (7 - day) * kDay, "u1");
      profile.Learn(usual, FeatureValues::Of(usual), ProfileLimits{});
    }
    batch.profiles.push_back({"u1", profile.Serialize()});
    for (SignIn& s : sign_ins) batch.signIns.push_back(StoredSignIn::From(std::move(s)));
    // One token per role.
    tokens_ = e2e::AddRoleTokens(batch);
    Actor actor{"fixture", "", "security-administrator", "fixture-request"};
    batch.audit.push_back(MakeAuditEntry(kStart, "IdentityProtection", "riskyUsers/dismiss", actor,
                                         "success", "", {{"u9", "User", "", {}}}));
    auditId_ = batch.audit.back().id;
    ASSERT_TRUE((*store)->Write(batch).ok());
  }

  void Start() {
    service_.reset();
    service_ = e2e::StartApiService(db_);
  }

  HttpResponse Call(const std::string& method, const std::string& target, std::optional<Role> role,
                    const std::string& body = "") {
    return e2e::CallApi(*service_, method, target, role ? tokens_[*role] : "", body,
                        "test-request-" + std::to_string(++requests_), evolvable_);
  }
  // The whole body of a response, streamed or not.
  static std::string Drain(HttpResponse& response) {
    if (!response.stream) return response.body;
    std::string body;
    for (int pieces = 0; pieces < 100'000; ++pieces) {
      auto more = response.stream(body);
      EXPECT_TRUE(more.ok());
      if (!more.ok() || !*more) break;
    }
    return body;
  }
  HttpResponse Get(const std::string& target, Role role = Role::securityReader) {
    return Call("GET", target, role);
  }
  HttpResponse Post(const std::string& target, const std::string& body,
                    Role role = Role::securityOperator) {
    return Call("POST", target, role, body);
  }

  // Follows @odata.nextLink to the end; returns the ids in order.
  std::vector<std::string> PageAll(std::string target, int* pages = nullptr) {
    std::vector<std::string> ids;
    int count = 0;
    while (!target.empty()) {
      HttpResponse response = Get(target);
      EXPECT_EQ(response.status, 200) << response.body;
      if (response.status != 200) break;
      Json json(response.body);
      for (auto& id : json.Strings("/value", "id")) ids.push_back(id);
      const std::string next = json.String("/@odata.nextLink");
      target = next == "<absent>" ? "" : next.substr(std::string("http://idguard.test").size());
      ++count;
    }
    if (pages != nullptr) *pages = count;
    return ids;
  }

  // A route template with ids that exist: u1 and its first history item, d1, s1, an audit record.
  std::string Fill(std::string pattern) const {
    std::string id = "u1";
    if (pattern.find("riskDetections") != std::string::npos) id = "d1";
    if (pattern.find("signIns") != std::string::npos) id = "s1";
    if (pattern.find("directoryAudits") != std::string::npos) id = auditId_;
    if (pattern.find("riskyServicePrincipals") != std::string::npos) id = "sp1";
    if (pattern.find("servicePrincipalRiskDetections") != std::string::npos) id = "dsp1";
    if (pattern.find("conditionalAccess/policies") != std::string::npos) id = policyId_;
    if (pattern.find("conditionalAccess/namedLocations") != std::string::npos) id = locationId_;
    const std::pair<std::string, std::string> values[] = {
        {"{itemId}", "u1_000001"}, {"{id}", id}, {"{report}", "riskyUsers"}};
    for (const auto& [name, value] : values) {
      for (auto at = pattern.find(name); at != std::string::npos; at = pattern.find(name)) {
        pattern.replace(at, name.size(), value);
      }
    }
    return pattern;
  }

  std::unique_ptr<e2e::TempDir> dir_;
  std::string db_;
  std::string auditId_;
  std::string policyId_ = "no-policy";
  std::string locationId_ = "no-location";
  std::map<Role, std::string> tokens_;
  std::unique_ptr<ApiService> service_;
  int requests_ = 0;
  bool evolvable_ = true;
};

// A sign-in risk policy as Microsoft recommends it: MFA for medium and high sign-in risk.
constexpr const char* kSignInRiskPolicy = R"({"displayName": "Sign-in risk: MFA",
  "state": "enabled",
  "conditions": {"users": {"includeUsers": ["All"]},
    "applications": {"includeApplications": ["All"]}, "clientAppTypes": ["all"],
    "signInRiskLevels": ["high", "medium"]},
  "grantControls": {"operator": "OR", "builtInControls": ["mfa"]},
  "sessionControls": {"signInFrequency": {"isEnabled": true, "frequencyInterval": "everyTime",
    "authenticationType": "primaryAndSecondaryAuthentication"}}})";

TEST_F(ApiServiceTest, EveryRouteRefusesMissingTokensAndRolesWithoutItsPermission) {
  HttpResponse policy = Call("POST", "/v1.0/identity/conditionalAccess/policies",
                             Role::securityAdministrator, kSignInRiskPolicy);
  ASSERT_EQ(policy.status, 201) << policy.body;
  policyId_ = Json(policy.body).String("/id");
  HttpResponse location =
      Call("POST", "/v1.0/identity/conditionalAccess/namedLocations", Role::securityAdministrator,
           R"({"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"Office",)"
           R"("isTrusted":true,"ipRanges":[{"cidrAddress":"81.2.69.0/24"}]})");
  ASSERT_EQ(location.status, 201) << location.body;
  locationId_ = Json(location.body).String("/id");
  const auto routes = service_->Routes();
  ASSERT_GT(routes.size(), 15U);
  for (const auto& route : routes) {
    const std::string target = Fill(route.pattern);
    SCOPED_TRACE(route.method + " " + target);
    // Bodies that are valid but name nothing: authorised calls must not fail for the body.
    std::string body;
    if (route.pattern.find("riskyUsers/") != std::string::npos && route.method == "POST") {
      body = R"({"userIds":["nobody"]})";
    } else if (route.method == "POST" && route.pattern.find("signIns/") != std::string::npos) {
      body = R"({"requestIds":["none"]})";
    } else if (route.method == "POST" &&
               route.pattern.find("riskyServicePrincipals/") != std::string::npos) {
      body = R"({"servicePrincipalIds":["none"]})";
    } else if (route.pattern == "/v1/portal/session" && route.method == "POST") {
      body = R"({"token":")" + tokens_[Role::securityReader] + R"("})";
    }
    HttpResponse anonymous = Call(route.method, target, std::nullopt, body);
    if (route.permission == Permission::none) {
      EXPECT_EQ(anonymous.status, route.successStatus) << anonymous.body;
    } else {
      EXPECT_EQ(anonymous.status, 401) << anonymous.body;
      Json error(anonymous.body);
      EXPECT_EQ(error.String("/error/code"), "InvalidAuthenticationToken");
    }
    for (Role role : api::AllRoles()) {
      SCOPED_TRACE(std::string(api::RoleName(role)));
      HttpResponse response = Call(route.method, target, role, body);
      if (api::RoleAllows(role, route.permission)) {
        EXPECT_NE(response.status, 401);
        EXPECT_NE(response.status, 403) << response.body;
        EXPECT_LT(response.status, 500) << response.body;
        EXPECT_NE(response.status, 404) << response.body;
      } else {
        EXPECT_EQ(response.status, 403) << response.body;
        Json error(response.body);
        EXPECT_EQ(error.String("/error/code"), "Authorization_RequestDenied");
      }
    }
  }
}

TEST_F(ApiServiceTest, AnAddressGuessingTokensIsSlowedDownWith429) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/v1.0/identityProtection/riskyUsers";
  request.remoteAddress = "203.0.113.66";
  request.requestId = "guess";
  request.headers.emplace_back("authorization", "Bearer idg_guess");
  for (int attempt = 0; attempt < 30; ++attempt) {
    HttpRequest copy = request;
    EXPECT_EQ(service_->Handle(copy).status, 401);
  }
  HttpRequest blocked = request;
  HttpResponse response = service_->Handle(blocked);
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(Json(response.body).String("/error/code"), "TooManyRequests");
  // Even the right token waits out the minute from that address; other addresses are served.
  HttpRequest right = request;
  right.headers = {{"authorization", "Bearer " + tokens_[Role::securityReader]}};
  EXPECT_EQ(service_->Handle(right).status, 429);
  EXPECT_EQ(Get("/v1.0/identityProtection/riskyUsers").status, 200);
}

TEST_F(ApiServiceTest, ATokenOverItsRateLimitGets429AndOthersAreServed) {
  service_.reset();
  api::ApiOptions limited;
  limited.rateLimitPerSecond = 1;  // bursts of two
  service_ = e2e::StartApiService(db_, {}, limited);
  ASSERT_NE(service_, nullptr);
  std::vector<int> statuses;
  HttpResponse refused;
  for (int i = 0; i < 10; ++i) {
    HttpResponse response = Get("/v1.0/identityProtection/riskyUsers");
    statuses.push_back(response.status);
    if (response.status == 429) refused = response;
  }
  EXPECT_EQ(statuses[0], 200);
  EXPECT_EQ(statuses[1], 200);
  ASSERT_EQ(refused.status, 429) << "ten calls in a row never met the limit";
  EXPECT_EQ(Json(refused.body).String("/error/code"), "TooManyRequests");
  EXPECT_NE(std::find(refused.headers.begin(), refused.headers.end(),
                      std::pair<std::string, std::string>{"Retry-After", "1"}),
            refused.headers.end());
  // The limit is per token.
  EXPECT_EQ(Get("/v1.0/identityProtection/riskyUsers", Role::globalReader).status, 200);
}

TEST_F(ApiServiceTest, RolesFollowTheEntraRoles) {
  using api::RoleAllows;
  for (Role reader : {Role::globalReader, Role::securityReader}) {
    EXPECT_TRUE(RoleAllows(reader, Permission::readReports));
    EXPECT_FALSE(RoleAllows(reader, Permission::riskActions));
    EXPECT_FALSE(RoleAllows(reader, Permission::ingest));
  }
  EXPECT_TRUE(RoleAllows(Role::securityOperator, Permission::riskActions));
  EXPECT_FALSE(RoleAllows(Role::securityOperator, Permission::resetPassword));
  EXPECT_TRUE(RoleAllows(Role::securityAdministrator, Permission::ingest));
  EXPECT_TRUE(RoleAllows(Role::securityAdministrator, Permission::manageUsers));
  EXPECT_FALSE(RoleAllows(Role::securityAdministrator, Permission::resetPassword));
  EXPECT_TRUE(RoleAllows(Role::userAdministrator, Permission::resetPassword));
  EXPECT_FALSE(RoleAllows(Role::userAdministrator, Permission::readReports));
  EXPECT_TRUE(RoleAllows(Role::identityProvider, Permission::evaluate));
  EXPECT_FALSE(RoleAllows(Role::identityProvider, Permission::readReports));
  EXPECT_FALSE(RoleAllows(Role::identityProvider, Permission::ingest));
}

TEST_F(ApiServiceTest, OpenApiDocumentsExactlyTheRoutesTheServerAnswers) {
  HttpResponse response = Call("GET", "/openapi.json", std::nullopt);
  ASSERT_EQ(response.status, 200);
  Json document(response.body);
  EXPECT_EQ(document.String("/openapi"), "3.0.3");
  std::set<std::string> documented;
  simdjson::dom::object paths;
  ASSERT_EQ(document.root["paths"].get(paths), simdjson::SUCCESS);
  for (auto [path, operations] : paths) {
    simdjson::dom::object methods;
    ASSERT_EQ(operations.get(methods), simdjson::SUCCESS);
    for (auto [method, operation] : methods) {
      std::string upper(method);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + std::string(path));
      std::string_view permission;
      ASSERT_EQ(operation["x-idguard-permission"].get(permission), simdjson::SUCCESS);
    }
  }
  std::set<std::string> served;
  for (const auto& route : service_->Routes()) served.insert(route.method + " " + route.pattern);
  EXPECT_EQ(documented, served);
  // Every documented operation exists on the server (the role matrix checks what it answers).
  for (const auto& operation : documented) {
    const auto space = operation.find(' ');
    HttpResponse answer = Call(operation.substr(0, space), Fill(operation.substr(space + 1)),
                               Role::securityAdministrator, R"({"userIds":["x"]})");
    EXPECT_NE(answer.status, 405) << operation;
  }
}

TEST_F(ApiServiceTest, UnknownPathsAndMethodsAnswerInTheGraphErrorShape) {
  HttpResponse missing = Get("/v1.0/identityProtection/riskyPeople");
  EXPECT_EQ(missing.status, 404);
  Json error(missing.body);
  EXPECT_EQ(error.String("/error/code"), "ResourceNotFound");
  EXPECT_EQ(error.String("/error/innerError/request-id"), "test-request-1");
  EXPECT_EQ(
      Call("DELETE", "/v1.0/identityProtection/riskyUsers", Role::securityAdministrator).status,
      405);
  EXPECT_EQ(Get("/v1.0/identityProtection/riskyUsers/nobody").status, 404);
  EXPECT_EQ(Get("/v1.0/identityProtection/riskyUsers/u2/history/u1_000001").status, 404);
}

TEST_F(ApiServiceTest, ListsFilterSelectOrderAndCount) {
  HttpResponse high =
      Get("/v1.0/identityProtection/riskyUsers?$filter=riskLevel%20eq%20microsoft.graph.riskLevel"
          "'high'&$count=true");
  ASSERT_EQ(high.status, 200) << high.body;
  Json json(high.body);
  EXPECT_EQ(json.Strings("/value", "id"), std::vector<std::string>{"u1"});
  EXPECT_EQ(json.String("/@odata.context"),
            "http://idguard.test/v1.0/$metadata#identityProtection/riskyUsers");
  int64_t count = 0;
  ASSERT_EQ(json.root["@odata.count"].get(count), simdjson::SUCCESS);
  EXPECT_EQ(count, 1);

  HttpResponse ordered =
      Get("/v1.0/identityProtection/riskyUsers?$orderby=riskLastUpdatedDateTime%20asc&$select=id,"
          "riskLevel");
  ASSERT_EQ(ordered.status, 200) << ordered.body;
  Json selected(ordered.body);
  EXPECT_EQ(selected.Strings("/value", "id"), (std::vector<std::string>{"u1", "u2", "u3"}));
  EXPECT_EQ(selected.String("/value/0/riskLevel"), "high");
  EXPECT_EQ(selected.String("/value/0/userPrincipalName"), "<absent>");

  // Enums order by member value: low < medium < high, and keyset paging follows that order.
  EXPECT_EQ(PageAll("/v1.0/identityProtection/riskyUsers?$orderby=riskLevel%20asc&$top=1"),
            (std::vector<std::string>{"u3", "u2", "u1"}));
  EXPECT_EQ(PageAll("/v1.0/identityProtection/riskyUsers?$orderby=riskLevel%20desc&$top=2"),
            (std::vector<std::string>{"u1", "u2", "u3"}));
  HttpResponse detections =
      Get("/v1.0/identityProtection/riskDetections?$filter=userId%20eq%20'u1'%20and%20"
          "detectionTimingType%20eq%20'offline'");
  ASSERT_EQ(detections.status, 200) << detections.body;
  EXPECT_EQ(Json(detections.body).Strings("/value", "id"), std::vector<std::string>{"d4"});

  HttpResponse sign_ins =
      Get("/v1.0/auditLogs/signIns?$filter=riskEventTypes_v2/any(t:%20t%20eq%20'newCountry')");
  ASSERT_EQ(sign_ins.status, 200) << sign_ins.body;
  EXPECT_EQ(Json(sign_ins.body).Strings("/value", "id"), (std::vector<std::string>{"s3", "s2"}));

  HttpResponse one = Get("/v1.0/auditLogs/signIns/s1?$select=id,riskLevelAggregated");
  ASSERT_EQ(one.status, 200) << one.body;
  Json member(one.body);
  EXPECT_EQ(member.String("/riskLevelAggregated"), "high");
  EXPECT_EQ(member.String("/@odata.context"),
            "http://idguard.test/v1.0/$metadata#auditLogs/signIns/$entity");
}

TEST_F(ApiServiceTest, BadQueryOptionsAnswer400NamingWhatIsWrong) {
  const std::pair<std::string, std::string> cases[] = {
      {"$expand=history", "'$expand' is not supported"},
      {"$top=0", "invalid $top '0'"},
      {"$top=501", "The limit of '500' for Top query has been exceeded"},
      {"$top=ten", "invalid $top 'ten'"},
      {"$filter=riskLevel%20eq%20'severe'",
       "'severe' is not a member of microsoft.graph.riskLevel"},
      {"$filter=shoeSize%20eq%201", "shoeSize"},
      {"$orderby=riskLevel,id", "only one property"},
      {"$orderby=shoeSize", "cannot order riskyUser by 'shoeSize'"},
      {"$orderby=riskLevel%20sideways", "neither asc nor desc"},
      {"$select=id,shoeSize", "'shoeSize' is not a property"},
      {"$count=maybe", "invalid $count"},
      {"$skiptoken=zz", "invalid $skiptoken"},
      {"$filter=%ZZ", "malformed query option encoding"},
  };
  for (const auto& [query, message] : cases) {
    SCOPED_TRACE(query);
    HttpResponse response = Get("/v1.0/identityProtection/riskyUsers?" + query);
    EXPECT_EQ(response.status, 400);
    Json error(response.body);
    EXPECT_EQ(error.String("/error/code"), "BadRequest");
    EXPECT_NE(error.String("/error/message").find(message), std::string::npos)
        << error.String("/error/message");
  }
  // A skiptoken belongs to its query: reusing it with another filter is refused.
  HttpResponse first = Get("/v1.0/auditLogs/signIns?$top=5");
  const std::string next = Json(first.body).String("/@odata.nextLink");
  const std::string token = next.substr(next.find("$skiptoken=") + 11);
  HttpResponse reused =
      Get("/v1.0/auditLogs/signIns?$top=5&$filter=userId%20eq%20'u5'&$skiptoken=" + token);
  EXPECT_EQ(reused.status, 400);
  EXPECT_NE(Json(reused.body).String("/error/message").find("another $filter"), std::string::npos);
}

TEST_F(ApiServiceTest, KeysetPagingReadsEveryRowOnceEvenWhileNewSignInsArrive) {
  int pages = 0;
  const auto all = PageAll("/v1.0/auditLogs/signIns?$top=7", &pages);
  EXPECT_EQ(all.size(), 64U);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 64U);
  EXPECT_EQ(pages, 10);            // 9 full pages and one of 1
  EXPECT_EQ(all.front(), "b159");  // newest first
  EXPECT_EQ(all.back(), "s1");

  // Read two pages, then ingest sign-ins newer and older than the cursor, then read on.
  HttpResponse first = Get("/v1.0/auditLogs/signIns?$top=10&$filter=userId%20eq%20'u5'");
  Json page(first.body);
  std::vector<std::string> seen = page.Strings("/value", "id");
  std::string next = page.String("/@odata.nextLink").substr(19);
  std::string arriving;
  for (int i = 0; i < 3; ++i) {
    const EventTime newer = kStart + 20 * kDay + i * kMicrosPerMinute;
    arriving += R"({"id":"late)" + std::to_string(i) + R"(","createdDateTime":")" +
                FormatTimestamp(newer) +
                R"(","userId":"u5","userPrincipalName":"u5@contoso.example","appId":"a",)"
                R"("ipAddress":"198.51.100.7","status":{"errorCode":0}})" +
                "\n";
  }
  // One older than every stored sign-in: it lies ahead of the cursor, so the walk meets it.
  arriving += R"({"id":"early0","createdDateTime":")" + FormatTimestamp(kStart - kDay) +
              R"(","userId":"u5","userPrincipalName":"u5@contoso.example","appId":"a",)"
              R"("ipAddress":"198.51.100.7","status":{"errorCode":0}})" +
              "\n";
  HttpResponse ingest = Post("/v1/signins", arriving, Role::securityAdministrator);
  ASSERT_EQ(ingest.status, 202) << ingest.body;
  while (!next.empty()) {
    HttpResponse response = Get(next);
    ASSERT_EQ(response.status, 200) << response.body;
    Json more(response.body);
    for (auto& id : more.Strings("/value", "id")) seen.push_back(id);
    const std::string link = more.String("/@odata.nextLink");
    next = link == "<absent>" ? "" : link.substr(19);
  }
  // The newer arrivals are behind the cursor, so this walk does not see them; it sees every
  // older row exactly once, the older arrival last.
  EXPECT_EQ(seen.size(), 61U);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 61U);
  EXPECT_EQ(seen.back(), "early0");
  EXPECT_EQ(PageAll("/v1.0/auditLogs/signIns?$top=1000&$filter=userId%20eq%20'u5'").size(), 64U);
}

TEST_F(ApiServiceTest, IngestAcceptsValidRecordsListsRejectsAndIsIdempotent) {
  const std::string body =
      R"({"id":"n1","createdDateTime":"2026-10-05T10:00:00Z","userId":"u9","appId":"a","ipAddress":"198.51.100.9","status":{"errorCode":0}})"
      "\n"
      R"({"id":"n2","createdDateTime":"not a time","userId":"u9"})"
      "\n"
      R"({"id":"n3","createdDateTime":"2026-10-05T11:00:00Z","userId":"u9","appId":"a","ipAddress":"198.51.100.9","status":{"errorCode":50126}})"
      "\n";
  HttpResponse first = Post("/v1/signins", body, Role::securityAdministrator);
  ASSERT_EQ(first.status, 202) << first.body;
  Json result(first.body);
  int64_t accepted = -1;
  int64_t rejected = -1;
  ASSERT_EQ(result.root["accepted"].get(accepted), simdjson::SUCCESS);
  ASSERT_EQ(result.root["rejectedCount"].get(rejected), simdjson::SUCCESS);
  EXPECT_EQ(accepted, 2);
  EXPECT_EQ(rejected, 1);
  int64_t line = 0;
  ASSERT_EQ(result.root.at_pointer("/rejected/0/line").get(line), simdjson::SUCCESS);
  EXPECT_EQ(line, 2);
  EXPECT_NE(result.String("/rejected/0/reason").find("createdDateTime"), std::string::npos);

  HttpResponse again = Post("/v1/signins", body, Role::securityAdministrator);
  Json repeat(again.body);
  int64_t duplicates = 0;
  ASSERT_EQ(repeat.root["duplicates"].get(duplicates), simdjson::SUCCESS);
  EXPECT_EQ(duplicates, 2);
  EXPECT_EQ(Get("/v1.0/auditLogs/signIns/n3").status, 200);
  HttpResponse garbage = Post("/v1/signins", "not json at all", Role::securityAdministrator);
  EXPECT_EQ(garbage.status, 400);
  EXPECT_NE(Json(garbage.body).String("/error/message").find("expected a JSON object"),
            std::string::npos);
  EXPECT_EQ(Post("/v1/signins?format=csv", body, Role::securityAdministrator).status, 400);
}

TEST_F(ApiServiceTest, IngestTakesJsonArraysAndLogAnalyticsRecordsAndCountsThem) {
  const std::string array =
      R"([{"id":"arr1","createdDateTime":"2026-10-06T10:00:00Z","userId":"u9","appId":"a",)"
      R"("ipAddress":"198.51.100.9","status":{"errorCode":0}},)"
      R"({"id":"arr2","createdDateTime":"2026-10-06T10:05:00Z","userId":"u9","appId":"a",)"
      R"("ipAddress":"198.51.100.9","status":{"errorCode":50126}}])";
  HttpResponse from_array = Post("/v1/signins", array, Role::securityAdministrator);
  ASSERT_EQ(from_array.status, 202) << from_array.body;
  int64_t accepted = -1;
  ASSERT_EQ(Json(from_array.body).root["accepted"].get(accepted), simdjson::SUCCESS);
  EXPECT_EQ(accepted, 2);
  Json failed(Get("/v1.0/auditLogs/signIns/arr2").body);
  int64_t error_code = 0;
  ASSERT_EQ(failed.root.at_pointer("/status/errorCode").get(error_code), simdjson::SUCCESS);
  EXPECT_EQ(error_code, 50126);

  // A Log Analytics SigninLogs row, named and detected.
  const std::string row =
      R"({"TimeGenerated":"2026-10-06T11:00:00Z","Id":"la1","CreatedDateTime":)"
      R"("2026-10-06T11:00:00Z","UserId":"u9","UserPrincipalName":"u9@contoso.example",)"
      R"("AppId":"a","AppDisplayName":"Mail","IPAddress":"198.51.100.9","ResultType":"0",)"
      R"("Category":"SignInLogs"})";
  HttpResponse named = Post("/v1/signins?format=loganalytics", row, Role::securityAdministrator);
  ASSERT_EQ(named.status, 202) << named.body;
  Json stored(Get("/v1.0/auditLogs/signIns/la1").body);
  EXPECT_EQ(stored.String("/ipAddress"), "198.51.100.9");
  EXPECT_EQ(stored.String("/appDisplayName"), "Mail");
  std::string detected_row = row;
  detected_row.replace(detected_row.find("\"la1\""), 5, "\"la2\"");
  ASSERT_EQ(Post("/v1/signins", detected_row, Role::securityAdministrator).status, 202);
  EXPECT_EQ(Get("/v1.0/auditLogs/signIns/la2").status, 200);

  // /metrics counts what was accepted and refused; the queues are empty at rest.
  ASSERT_EQ(Post("/v1/signins", R"({"id":"bad","createdDateTime":"never","userId":"u9"})",
                 Role::securityAdministrator)
                .status,
            202);
  const std::string metrics = Get("/metrics").body;
  EXPECT_NE(metrics.find("\nidguard_signins_ingested_total 4\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nidguard_signins_rejected_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nidguard_writer_queue_depth 0\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nidguard_evaluations_unwritten 0\n"), std::string::npos) << metrics;
}

TEST_F(ApiServiceTest, ConfirmCompromisedMakesTheUserHighWithAnAdminDetectionAndHistory) {
  ASSERT_EQ(
      Post("/v1.0/identityProtection/riskyUsers/confirmCompromised", R"({"userIds":["u3","u4"]})")
          .status,
      204);
  for (const char* user : {"u3", "u4"}) {
    SCOPED_TRACE(user);
    Json risky(Get(std::string("/v1.0/identityProtection/riskyUsers/") + user).body);
    EXPECT_EQ(risky.String("/riskLevel"), "high");
    EXPECT_EQ(risky.String("/riskState"), "confirmedCompromised");
    EXPECT_EQ(risky.String("/riskDetail"), "adminConfirmedUserCompromised");
    Json detections(
        Get(std::string("/v1.0/identityProtection/riskDetections?$filter=userId%20eq%20'") + user +
            "'%20and%20riskEventType%20eq%20'adminConfirmedUserCompromised'")
            .body);
    EXPECT_EQ(detections.Strings("/value", "riskLevel"), std::vector<std::string>{"high"});
    EXPECT_EQ(detections.String("/value/0/activity"), "user");
    Json history(Get(std::string("/v1.0/identityProtection/riskyUsers/") + user + "/history").body);
    EXPECT_EQ(history.String("/value/0/initiatedBy"), "test security-operator");
    EXPECT_EQ(history.String("/value/0/activity/detail"), "adminConfirmedUserCompromised");
  }
  Json audit(Get("/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName%20eq%20"
                 "'riskyUsers/confirmCompromised'")
                 .body);
  EXPECT_EQ(audit.String("/value/0/initiatedBy/app/displayName"), "test security-operator");
  EXPECT_EQ(audit.Strings("/value/0/targetResources", "id"),
            (std::vector<std::string>{"u3", "u4"}));
  EXPECT_EQ(audit.String("/value/0/targetResources/0/modifiedProperties/0/oldValue"), "\"low\"");
  EXPECT_EQ(audit.String("/value/0/targetResources/0/modifiedProperties/0/newValue"), "\"high\"");
}

TEST_F(ApiServiceTest, DismissClosesTheUserAndAllItsRiskySignInsAndDetections) {
  ASSERT_EQ(Post("/v1.0/identityProtection/riskyUsers/dismiss", R"({"userIds":["u1"]})").status,
            204);
  Json user(Get("/v1.0/identityProtection/riskyUsers/u1").body);
  EXPECT_EQ(user.String("/riskLevel"), "none");
  EXPECT_EQ(user.String("/riskState"), "dismissed");
  EXPECT_EQ(user.String("/riskDetail"), "adminDismissedAllRiskForUser");
  Json detections(Get("/v1.0/identityProtection/riskDetections?$filter=userId%20eq%20'u1'").body);
  EXPECT_EQ(detections.Strings("/value", "riskState"),
            (std::vector<std::string>{"dismissed", "dismissed"}));
  EXPECT_EQ(
      detections.Strings("/value", "riskDetail"),
      (std::vector<std::string>{"adminDismissedAllRiskForUser", "adminDismissedAllRiskForUser"}));
  Json sign_in(Get("/v1.0/auditLogs/signIns/s1").body);
  EXPECT_EQ(sign_in.String("/riskState"), "dismissed");
  EXPECT_EQ(sign_in.String("/riskDetail"), "adminDismissedAllRiskForUser");
  // Other users keep their risk.
  EXPECT_EQ(Json(Get("/v1.0/identityProtection/riskyUsers/u2").body).String("/riskState"),
            "atRisk");
  // The engine state survives a restart: u1 has no active risk left to score.
  Start();
  ASSERT_EQ(Post("/v1.0/auditLogs/signIns/dismiss", R"({"requestIds":["s2"]})").status, 204);
  EXPECT_EQ(Json(Get("/v1.0/identityProtection/riskyUsers/u1").body).String("/riskState"),
            "dismissed");
  // Dismissing a user that was never at risk changes nothing and is still answered 204.
  EXPECT_EQ(Post("/v1.0/identityProtection/riskyUsers/dismiss", R"({"userIds":["u4"]})").status,
            204);
  EXPECT_EQ(Get("/v1.0/identityProtection/riskyUsers/u4").status, 404);
}

TEST_F(ApiServiceTest, ConfirmSafeRemovesTheUsersRiskAndMarksSignInsSafe) {
  ASSERT_EQ(Post("/v1.0/identityProtection/riskyUsers/confirmSafe", R"({"userIds":["u2"]})").status,
            204);
  Json user(Get("/v1.0/identityProtection/riskyUsers/u2").body);
  EXPECT_EQ(user.String("/riskLevel"), "none");
  EXPECT_EQ(user.String("/riskState"), "confirmedSafe");
  EXPECT_EQ(user.String("/riskDetail"), "adminConfirmedAccountSafe");
  Json sign_in(Get("/v1.0/auditLogs/signIns/s2").body);
  EXPECT_EQ(sign_in.String("/riskState"), "confirmedSafe");
  EXPECT_EQ(sign_in.String("/riskLevelAggregated"), "none");
  EXPECT_EQ(sign_in.String("/riskLevelDuringSignIn"), "medium");  // real-time level is history
  Json detection(Get("/v1.0/identityProtection/riskDetections/d2").body);
  EXPECT_EQ(detection.String("/riskState"), "confirmedSafe");
}

TEST_F(ApiServiceTest, SignInActionsRaiseOrLowerTheirUser) {
  // u4's sign-in was judged safe; an admin confirms it compromised.
  ASSERT_EQ(Post("/v1.0/auditLogs/signIns/confirmCompromised", R"({"requestIds":["s4"]})").status,
            204);
  Json sign_in(Get("/v1.0/auditLogs/signIns/s4").body);
  EXPECT_EQ(sign_in.String("/riskLevelAggregated"), "high");
  EXPECT_EQ(sign_in.String("/riskLevelDuringSignIn"), "none");
  EXPECT_EQ(sign_in.String("/riskState"), "confirmedCompromised");
  EXPECT_EQ(sign_in.String("/riskDetail"), "adminConfirmedSigninCompromised");
  Json user(Get("/v1.0/identityProtection/riskyUsers/u4").body);
  EXPECT_EQ(user.String("/riskLevel"), "high");
  EXPECT_EQ(user.String("/riskDetail"), "adminConfirmedSigninCompromised");
  Json linked(Get("/v1.0/identityProtection/riskDetections?$filter=requestId%20eq%20's4'").body);
  EXPECT_EQ(linked.Strings("/value", "riskState"),
            std::vector<std::string>{"confirmedCompromised"});

  // u1 is high from two detections; confirming s1 safe leaves the leaked credentials: still high.
  ASSERT_EQ(Post("/v1.0/auditLogs/signIns/confirmSafe", R"({"requestIds":["s1"]})").status, 204);
  Json still(Get("/v1.0/identityProtection/riskyUsers/u1").body);
  EXPECT_EQ(still.String("/riskLevel"), "high");
  EXPECT_EQ(still.String("/riskState"), "atRisk");
  EXPECT_EQ(Json(Get("/v1.0/auditLogs/signIns/s1").body).String("/riskDetail"),
            "adminConfirmedSigninSafe");
  // u3's only risk is s3: dismissing it leaves u3 without risk.
  ASSERT_EQ(Post("/v1.0/auditLogs/signIns/dismiss", R"({"requestIds":["s3"]})").status, 204);
  Json cleared(Get("/v1.0/identityProtection/riskyUsers/u3").body);
  EXPECT_EQ(cleared.String("/riskLevel"), "none");
  EXPECT_EQ(cleared.String("/riskState"), "dismissed");
  EXPECT_EQ(cleared.String("/riskDetail"), "adminDismissedRiskForSignIn");
  EXPECT_EQ(Json(Get("/v1.0/identityProtection/riskDetections/d3").body).String("/riskDetail"),
            "adminDismissedRiskForSignIn");
}

TEST_F(ApiServiceTest, NewerEnumMembersNeedThePreferHeaderAsInGraph) {
  ASSERT_EQ(Post("/v1.0/auditLogs/signIns/dismiss", R"({"requestIds":["s3"]})").status, 204);
  evolvable_ = false;
  // adminDismissedRiskForSignIn (16) comes after unknownFutureValue (11).
  Json masked(Get("/v1.0/identityProtection/riskyUsers/u3").body);
  EXPECT_EQ(masked.String("/riskDetail"), "unknownFutureValue");
  Json history(Get("/v1.0/identityProtection/riskyUsers/u3/history?$top=1").body);
  EXPECT_EQ(history.String("/value/0/activity/detail"), "unknownFutureValue");
  Json workload(Get("/v1.0/identityProtection/servicePrincipalRiskDetections").body);
  EXPECT_EQ(workload.String("/value/0/activity"), "unknownFutureValue");
  // Older members are never masked.
  EXPECT_EQ(Json(Get("/v1.0/identityProtection/riskyUsers/u1").body).String("/riskDetail"), "none");
  evolvable_ = true;
  HttpResponse full = Get("/v1.0/identityProtection/riskyUsers?$filter=id%20eq%20'u3'");
  EXPECT_EQ(Json(full.body).String("/value/0/riskDetail"), "adminDismissedRiskForSignIn");
  ASSERT_EQ(full.headers.size(), 1U);
  EXPECT_EQ(full.headers[0].second, "include-unknown-enum-members");
}

TEST_F(ApiServiceTest, ActionBodiesAreChecked) {
  std::string many = R"({"userIds":[)";
  for (int i = 0; i < 61; ++i) many += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  many += "]}";
  const std::pair<std::string, std::string> cases[] = {
      {many, "more than 60 ids"},
      {R"({"userIds":[]})", "at least one id"},
      {R"({"ids":["u1"]})", "no 'userIds' member"},
      {R"({"userIds":"u1"})", "array of strings"},
      {R"([1,2])", "JSON object"},
  };
  for (const auto& [body, message] : cases) {
    SCOPED_TRACE(body.substr(0, 40));
    HttpResponse response = Post("/v1.0/identityProtection/riskyUsers/dismiss", body);
    EXPECT_EQ(response.status, 400);
    EXPECT_NE(Json(response.body).String("/error/message").find(message), std::string::npos)
        << response.body;
  }
  // Nothing changed.
  EXPECT_EQ(Json(Get("/v1.0/identityProtection/riskyUsers/u1").body).String("/riskState"),
            "atRisk");
}

TEST_F(ApiServiceTest, MetricsCountRequestsAndDetections) {
  Get("/v1.0/identityProtection/riskyUsers");
  HttpResponse metrics = Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(
                "idguard_http_requests_total{route=\"GET /v1.0/identityProtection/riskyUsers\","
                "status=\"2xx\"} 1"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("idguard_detections{riskEventType=\"newCountry\"} 2"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("idguard_http_request_duration_seconds_bucket"), std::string::npos);
}

// The profile checkpoint stops every call while it is made, so operators see how often and for
// how long: counted per checkpoint, timed in seconds.
TEST_F(ApiServiceTest, MetricsCountProfileCheckpointsAndTheTimeTheyHeldTheEngine) {
  service_.reset();
  LiveEngineOptions every_ingest;
  every_ingest.profileCheckpointIngests = 1;
  service_ = e2e::StartApiService(db_, every_ingest);
  ASSERT_NE(service_, nullptr);
  auto checkpoint_seconds = [](const std::string& page) {
    const std::string name = "\nidguard_profile_checkpoint_seconds_total ";
    const auto at = page.find(name);
    return at == std::string::npos ? -1.0 : std::stod(page.substr(at + name.size()));
  };
  const std::string before = Get("/metrics").body;
  EXPECT_EQ(e2e::MetricValue(before, "idguard_profile_checkpoints_total"), 0) << before;
  EXPECT_EQ(checkpoint_seconds(before), 0.0) << before;

  for (int call = 0; call < 2; ++call) {
    const std::string id = "checkpointed-" + std::to_string(call);
    HttpResponse ingested =
        Post("/v1/signins",
             R"({"id":")" + id +
                 R"(","createdDateTime":"2026-10-06T10:00:00Z","userId":"u9",)"
                 R"("appId":"a","ipAddress":"198.51.100.9","status":{"errorCode":0}})",
             Role::securityAdministrator);
    ASSERT_EQ(ingested.status, 202) << ingested.body;
  }
  const std::string after = Get("/metrics").body;
  EXPECT_EQ(e2e::MetricValue(after, "idguard_profile_checkpoints_total"), 2) << after;
  EXPECT_GT(checkpoint_seconds(after), 0.0) << after;
  EXPECT_NE(after.find("# TYPE idguard_profile_checkpoint_seconds_total counter"),
            std::string::npos);
}

TEST_F(ApiServiceTest, DownloadsStreamCsvAndJsonWithTheListFiltersAndColumns) {
  HttpResponse csv = Get("/v1/downloads/riskyUsers?$orderby=riskLastUpdatedDateTime%20asc");
  ASSERT_EQ(csv.status, 200) << csv.body;
  ASSERT_TRUE(static_cast<bool>(csv.stream));
  EXPECT_EQ(csv.contentType, "text/csv; charset=utf-8");
  EXPECT_EQ(Drain(csv),
            "id,userPrincipalName,userDisplayName,riskLevel,riskState,riskDetail,"
            "riskLastUpdatedDateTime\r\n"
            "u1,u1@contoso.example,User u1,high,atRisk,none,2026-09-22T14:13:20Z\r\n"
            "u2,u2@contoso.example,User u2,medium,atRisk,none,2026-09-23T14:13:20Z\r\n"
            "u3,u3@contoso.example,User u3,low,atRisk,none,2026-09-24T14:13:20Z\r\n");

  HttpResponse sign_ins =
      Get("/v1/downloads/signIns?format=csv&columns=id,location/countryOrRegion,status/errorCode,"
          "riskEventTypes_v2&$filter=riskState%20eq%20'atRisk'");
  ASSERT_EQ(sign_ins.status, 200) << sign_ins.body;
  EXPECT_EQ(Drain(sign_ins),
            "id,location/countryOrRegion,status/errorCode,riskEventTypes_v2\r\n"
            "s3,NL,0,\"[\"\"newCountry\"\"]\"\r\n"
            "s2,NL,0,\"[\"\"newCountry\"\"]\"\r\n"
            "s1,NL,0,\"[\"\"unfamiliarFeatures\"\"]\"\r\n");

  // 64 sign-ins stream in pages; JSON is one array; rows caps the count.
  HttpResponse json = Get("/v1/downloads/signIns?format=json&columns=id,userId");
  ASSERT_EQ(json.status, 200);
  Json all(Drain(json));
  simdjson::dom::array rows;
  ASSERT_EQ(all.root.get(rows), simdjson::SUCCESS);
  EXPECT_EQ(rows.size(), 64U);
  HttpResponse capped = Get("/v1/downloads/signIns?format=json&rows=5");
  Json five(Drain(capped));
  ASSERT_EQ(five.root.get(rows), simdjson::SUCCESS);
  EXPECT_EQ(rows.size(), 5U);

  const std::pair<std::string, std::string> errors[] = {
      {"/v1/downloads/riskyUsers?format=xml", "expected csv or json"},
      {"/v1/downloads/riskyUsers?columns=id,shoeSize", "'shoeSize' is not a property path"},
      {"/v1/downloads/riskyUsers?$top=5", "not supported by downloads"},
      {"/v1/downloads/riskyUsers?$filter=riskLevel%20eq%20'x'", "not a member"},
      {"/v1/downloads/riskyUsers?rows=0", "invalid rows"},
  };
  for (const auto& [target, message] : errors) {
    SCOPED_TRACE(target);
    HttpResponse response = Get(target);
    EXPECT_EQ(response.status, 400);
    EXPECT_NE(Json(response.body).String("/error/message").find(message), std::string::npos)
        << response.body;
  }
  EXPECT_EQ(Get("/v1/downloads/everything").status, 404);
}

TEST_F(ApiServiceTest, ProfileShowsWhatWasLearnedForInvestigation) {
  HttpResponse response = Get("/v1/users/u1/profile");
  ASSERT_EQ(response.status, 200) << response.body;
  Json profile(response.body);
  int64_t count = 0;
  ASSERT_EQ(profile.root["signInCount"].get(count), simdjson::SUCCESS);
  EXPECT_EQ(count, 7);
  EXPECT_EQ(profile.String("/familiar/ipAddress/0/value"), "198.51.100.7");
  EXPECT_EQ(profile.String("/familiar/country/0/value"), "NL");
  bool learning = false;
  ASSERT_EQ(profile.root["isLearning"].get(learning), simdjson::SUCCESS);
  EXPECT_TRUE(learning);  // 7 sign-ins are fewer than the 10 a profile needs
  EXPECT_EQ(Get("/v1/users/u9/profile").status, 404);
}

TEST_F(ApiServiceTest, ResetPasswordRemediatesARiskyUserAndShowsTheTemporaryPasswordOnce) {
  HttpResponse reset = Post("/v1/users/u1/resetPassword", R"({"mode":"temporaryPassword"})",
                            Role::userAdministrator);
  ASSERT_EQ(reset.status, 200) << reset.body;
  const std::string password = Json(reset.body).String("/temporaryPassword");
  EXPECT_EQ(password.size(), 16U);
  Json user(Get("/v1.0/identityProtection/riskyUsers/u1").body);
  EXPECT_EQ(user.String("/riskLevel"), "none");
  EXPECT_EQ(user.String("/riskState"), "remediated");
  EXPECT_EQ(user.String("/riskDetail"), "adminGeneratedTemporaryPassword");
  Json detections(Get("/v1.0/identityProtection/riskDetections?$filter=userId%20eq%20'u1'").body);
  EXPECT_EQ(detections.Strings("/value", "riskState"),
            (std::vector<std::string>{"remediated", "remediated"}));
  EXPECT_EQ(Json(Get("/v1.0/auditLogs/signIns/s1").body).String("/riskState"), "remediated");
  Json account(Get("/v1/users/u1").body);
  bool must_change = false;
  bool pending = false;
  ASSERT_EQ(account.root["mustChangePassword"].get(must_change), simdjson::SUCCESS);
  ASSERT_EQ(account.root["temporaryPasswordPending"].get(pending), simdjson::SUCCESS);
  EXPECT_TRUE(must_change);
  EXPECT_TRUE(pending);
  EXPECT_NE(account.String("/sessionsRevokedDateTime"), "<absent>");
  // The password is in the response only: not in the audit log, not in the store file.
  const std::string audit = Get("/v1.0/auditLogs/directoryAudits").body;
  EXPECT_NE(audit.find("\"resetPassword\""), std::string::npos);
  EXPECT_EQ(audit.find(password), std::string::npos);
  EXPECT_EQ(e2e::ReadFile(db_).find(password), std::string::npos);
  EXPECT_EQ(e2e::ReadFile(db_ + "-wal").find(password), std::string::npos);

  // The other mode returns no password; a user who is not at risk keeps their risk record.
  HttpResponse change = Post("/v1/users/u5/resetPassword",
                             R"({"mode":"requireChangeAtNextSignIn"})", Role::userAdministrator);
  ASSERT_EQ(change.status, 200) << change.body;
  EXPECT_EQ(Json(change.body).String("/temporaryPassword"), "<absent>");
  EXPECT_EQ(Post("/v1/users/u1/resetPassword", R"({"mode":"sms"})", Role::userAdministrator).status,
            400);
  EXPECT_EQ(Post("/v1/users/nobody/resetPassword", "", Role::userAdministrator).status, 404);
}

TEST_F(ApiServiceTest, BlockUnblockAndRevokeSessionsChangeTheAccountAndAreAudited) {
  ASSERT_EQ(Post("/v1/users/u2/block", "", Role::securityAdministrator).status, 204);
  bool enabled = true;
  ASSERT_EQ(Json(Get("/v1/users/u2").body).root["accountEnabled"].get(enabled), simdjson::SUCCESS);
  EXPECT_FALSE(enabled);
  ASSERT_EQ(Post("/v1/users/u2/unblock", "", Role::userAdministrator).status, 204);
  ASSERT_EQ(Json(Get("/v1/users/u2").body).root["accountEnabled"].get(enabled), simdjson::SUCCESS);
  EXPECT_TRUE(enabled);
  EXPECT_EQ(Json(Get("/v1/users/u2").body).String("/sessionsRevokedDateTime"), "<absent>");
  ASSERT_EQ(Post("/v1/users/u2/revokeSessions", "", Role::userAdministrator).status, 204);
  EXPECT_NE(Json(Get("/v1/users/u2").body).String("/sessionsRevokedDateTime"), "<absent>");
  // Risk is untouched by account actions.
  EXPECT_EQ(Json(Get("/v1.0/identityProtection/riskyUsers/u2").body).String("/riskState"),
            "atRisk");
  Json audit(Get("/v1.0/auditLogs/directoryAudits?$filter=category%20eq%20'UserManagement'"
                 "&$orderby=activityDateTime%20asc")
                 .body);
  EXPECT_EQ(audit.Strings("/value", "activityDisplayName"),
            (std::vector<std::string>{"blockSignIn", "unblockSignIn", "revokeSessions"}));
  // Each record carries the request id of the call that made it (the client-request-id here).
  const std::vector<std::string> requests = audit.Strings("/value", "correlationId");
  ASSERT_EQ(requests.size(), 3U);
  for (const std::string& request : requests) EXPECT_EQ(request.rfind("test-request-", 0), 0U);
  EXPECT_EQ(std::set<std::string>(requests.begin(), requests.end()).size(), 3U);
  EXPECT_EQ(Post("/v1/users/nobody/block", "", Role::userAdministrator).status, 404);
}

TEST_F(ApiServiceTest, WorkloadIdentitiesHaveTheirOwnRiskReportsAndActions) {
  // User detections and service-principal detections are listed apart, each in its shape.
  Json user_detections(Get("/v1.0/identityProtection/riskDetections?$top=100").body);
  for (const auto& id : user_detections.Strings("/value", "id")) EXPECT_NE(id, "dsp1");
  Json workload(Get("/v1.0/identityProtection/servicePrincipalRiskDetections").body);
  EXPECT_EQ(workload.Strings("/value", "id"), std::vector<std::string>{"dsp1"});
  EXPECT_EQ(workload.String("/value/0/servicePrincipalId"), "sp1");
  EXPECT_EQ(workload.String("/value/0/servicePrincipalDisplayName"), "Payroll sync");
  EXPECT_EQ(workload.String("/value/0/appId"), "app-payroll");
  EXPECT_EQ(workload.String("/value/0/userId"), "<absent>");
  EXPECT_EQ(Get("/v1.0/identityProtection/riskDetections/dsp1").status, 404);
  EXPECT_EQ(Get("/v1.0/identityProtection/servicePrincipalRiskDetections/d1").status, 404);

  Json principals(Get("/v1.0/identityProtection/riskyServicePrincipals?$filter=riskLevel%20eq%20"
                      "'high'&$count=true")
                      .body);
  EXPECT_EQ(principals.Strings("/value", "id"), std::vector<std::string>{"sp1"});
  EXPECT_EQ(principals.String("/value/0/displayName"), "Payroll sync");
  EXPECT_EQ(principals.String("/value/0/servicePrincipalType"), "Application");

  ASSERT_EQ(Post("/v1.0/identityProtection/riskyServicePrincipals/dismiss",
                 R"({"servicePrincipalIds":["sp1"]})")
                .status,
            204);
  Json dismissed(Get("/v1.0/identityProtection/riskyServicePrincipals/sp1").body);
  EXPECT_EQ(dismissed.String("/riskLevel"), "none");
  EXPECT_EQ(dismissed.String("/riskState"), "dismissed");
  EXPECT_EQ(dismissed.String("/riskDetail"), "adminDismissedAllRiskForServicePrincipal");
  EXPECT_EQ(Json(Get("/v1.0/identityProtection/servicePrincipalRiskDetections/dsp1").body)
                .String("/riskState"),
            "dismissed");
  Json history(Get("/v1.0/identityProtection/riskyServicePrincipals/sp1/history").body);
  EXPECT_EQ(history.Strings("/value", "id"),
            (std::vector<std::string>{"sp1_000002", "sp1_000001"}));
  EXPECT_EQ(history.String("/value/0/initiatedBy"), "test security-operator");
  // Users are untouched by a service principal's dismissal.
  EXPECT_EQ(Json(Get("/v1.0/identityProtection/riskyUsers/u1").body).String("/riskState"),
            "atRisk");

  // The state survives a restart; confirming another one compromised creates it.
  Start();
  ASSERT_EQ(Post("/v1.0/identityProtection/riskyServicePrincipals/confirmCompromised",
                 R"({"servicePrincipalIds":["sp2"]})")
                .status,
            204);
  Json confirmed(Get("/v1.0/identityProtection/riskyServicePrincipals/sp2").body);
  EXPECT_EQ(confirmed.String("/riskLevel"), "high");
  EXPECT_EQ(confirmed.String("/riskState"), "confirmedCompromised");
  EXPECT_EQ(confirmed.String("/riskDetail"), "adminConfirmedServicePrincipalCompromised");
  Json admin_detection(Get("/v1.0/identityProtection/servicePrincipalRiskDetections?$filter="
                           "servicePrincipalId%20eq%20'sp2'")
                           .body);
  EXPECT_EQ(admin_detection.String("/value/0/riskEventType"),
            "adminConfirmedServicePrincipalCompromised");
  EXPECT_EQ(
      Json(Get("/v1.0/identityProtection/riskyServicePrincipals/sp1").body).String("/riskState"),
      "dismissed");
  EXPECT_EQ(
      Post("/v1.0/identityProtection/riskyServicePrincipals/dismiss", R"({"userIds":["sp1"]})")
          .status,
      400);
}

}  // namespace
}  // namespace idguard
