// OData $filter: the expressions Graph documents parse, compile to SQL that a real SQLite
// database answers correctly, and every mistake is reported with its position and reason.
#include "idguard/api/odata_filter.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>
#include <string>

#include "idguard/api/graph_resources.h"

namespace idguard::odata {
namespace {

// A risky_users table with the store's column names, filled with five users.
class RiskyUsersTable {
 public:
  RiskyUsersTable() {
    sqlite3_open(":memory:", &db_);
    Exec(R"sql(CREATE TABLE risky_users (id TEXT PRIMARY KEY, risk_level TEXT, risk_state TEXT,
               risk_detail TEXT, last_updated_us INTEGER, user_principal_name TEXT,
               user_display_name TEXT, json TEXT))sql");
    Insert("u1", "high", "atRisk", "none", "2024-05-01T10:00:00Z", "alex@contoso.com", "Alex");
    Insert("u2", "medium", "atRisk", "none", "2024-05-02T10:00:00Z", "bea@contoso.com", "Bea");
    Insert("u3", "none", "dismissed", "adminDismissedAllRiskForUser", "2024-05-03T10:00:00Z",
           "carl@fabrikam.com", "Carl O'Neil");
    Insert("u4", "high", "confirmedCompromised", "adminConfirmedUserCompromised",
           "2024-05-04T10:00:00Z", "dana@contoso.com", "Dana");
    Insert("u5", "low", "atRisk", "none", "2024-05-05T10:00:00Z", "Alice@Contoso.com", "Alice");
  }
  ~RiskyUsersTable() { sqlite3_close(db_); }

  // The ids the filter selects, or the parse error.
  std::string Select(std::string_view filter) {
    auto parsed = ParseFilter(filter, RiskyUserResource());
    if (!parsed.ok()) return "error: " + parsed.status().message();
    const SqlCondition condition = CompileToSql(**parsed);
    const std::string sql = "SELECT id FROM risky_users WHERE " + condition.sql + " ORDER BY id";
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      return "sql error: " + std::string(sqlite3_errmsg(db_)) + " in " + sql;
    }
    for (std::size_t i = 0; i < condition.parameters.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      const SqlParameter& p = condition.parameters[i];
      if (const auto* n = std::get_if<std::int64_t>(&p)) sqlite3_bind_int64(statement, index, *n);
      if (const auto* d = std::get_if<double>(&p)) sqlite3_bind_double(statement, index, *d);
      if (const auto* s = std::get_if<std::string>(&p)) {
        sqlite3_bind_text(statement, index, s->data(), static_cast<int>(s->size()),
                          SQLITE_TRANSIENT);
      }
    }
    std::string ids;
    while (sqlite3_step(statement) == SQLITE_ROW) {
      if (!ids.empty()) ids.push_back(',');
      ids.append(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    }
    sqlite3_finalize(statement);
    return ids;
  }

 private:
  void Exec(const char* sql) { sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }
  void Insert(const char* id, const char* level, const char* state, const char* detail,
              const char* updated, const char* upn, const char* name) {
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db_, "INSERT INTO risky_users VALUES (?, ?, ?, ?, ?, ?, ?, '{}')", -1,
                       &statement, nullptr);
    sqlite3_bind_text(statement, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(statement, 2, level, -1, SQLITE_STATIC);
    sqlite3_bind_text(statement, 3, state, -1, SQLITE_STATIC);
    sqlite3_bind_text(statement, 4, detail, -1, SQLITE_STATIC);
    sqlite3_bind_int64(statement, 5, *ParseTimestamp(updated));
    sqlite3_bind_text(statement, 6, upn, -1, SQLITE_STATIC);
    sqlite3_bind_text(statement, 7, name, -1, SQLITE_STATIC);
    sqlite3_step(statement);
    sqlite3_finalize(statement);
  }
  sqlite3* db_ = nullptr;
};

TEST(ODataFilterTest, GraphDocumentedFiltersSelectTheRightRiskyUsers) {
  RiskyUsersTable table;
  EXPECT_EQ(table.Select("riskLevel eq 'high'"), "u1,u4");
  EXPECT_EQ(table.Select("riskLevel eq microsoft.graph.riskLevel'medium'"), "u2");
  EXPECT_EQ(table.Select("riskState eq 'atRisk'"), "u1,u2,u5");
  EXPECT_EQ(table.Select("riskDetail eq 'adminConfirmedUserCompromised'"), "u4");
  EXPECT_EQ(table.Select("userDisplayName eq 'Alex' and riskLevel eq 'high'"), "u1");
  EXPECT_EQ(table.Select("riskLevel eq 'high' or riskLevel eq 'low'"), "u1,u4,u5");
  EXPECT_EQ(table.Select("not (riskState eq 'atRisk')"), "u3,u4");
  EXPECT_EQ(table.Select("riskState ne 'atRisk' and (riskLevel eq 'high' or riskLevel eq 'none')"),
            "u3,u4");
  EXPECT_EQ(table.Select("startsWith(userPrincipalName, 'al')"), "u1,u5");  // case-insensitive
  EXPECT_EQ(table.Select("startswith(userDisplayName,'Carl O''N')"), "u3");
  EXPECT_EQ(table.Select("startsWith(userPrincipalName, 'AL')"), "u1,u5");
  EXPECT_EQ(table.Select("startsWith(userPrincipalName, 'alex@')"), "u1");
  EXPECT_EQ(table.Select("startsWith(userPrincipalName, 'alz')"), "");
  EXPECT_EQ(table.Select("startsWith(userPrincipalName, '')"), "u1,u2,u3,u4,u5");
  EXPECT_EQ(table.Select("riskLastUpdatedDateTime ge 2024-05-02T00:00:00Z and "
                         "riskLastUpdatedDateTime lt 2024-05-04T10:00:00Z"),
            "u2,u3");
  EXPECT_EQ(table.Select("riskLastUpdatedDateTime gt '2024-05-04T00:00:00Z'"), "u4,u5");
  EXPECT_EQ(table.Select("userPrincipalName eq null"), "");
}

TEST(ODataFilterTest, ClientValuesOnlyEverBecomeBoundParameters) {
  RiskyUsersTable table;
  EXPECT_EQ(table.Select("userDisplayName eq 'x'' OR 1=1 --'"), "");
  auto parsed = ParseFilter("userDisplayName eq 'x'' OR 1=1 --'", RiskyUserResource());
  ASSERT_TRUE(parsed.ok());
  const SqlCondition condition = CompileToSql(**parsed);
  EXPECT_EQ(condition.sql, "user_display_name = ?");
  ASSERT_EQ(condition.parameters.size(), 1U);
  EXPECT_EQ(std::get<std::string>(condition.parameters[0]), "x' OR 1=1 --");
}

TEST(ODataFilterTest, AnyOnRiskEventTypesAndTypedLiteralsOnSignIns) {
  auto any = ParseFilter(
      "riskEventTypes_v2/any(t: t eq 'unlikelyTravel' or startsWith(t, 'anon')) and "
      "status/errorCode eq 0 and isInteractive eq true and location/countryOrRegion eq 'FR'",
      SignInResource());
  ASSERT_TRUE(any.ok()) << any.status().message();
  const SqlCondition condition = CompileToSql(**any);
  ASSERT_EQ(condition.parameters.size(), 5U);
  EXPECT_EQ(std::get<std::int64_t>(condition.parameters[2]), 0);
  EXPECT_EQ(std::get<std::int64_t>(condition.parameters[3]), 1);

  // The compiled condition against real rows in SQLite.
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db,
               "CREATE TABLE s (id TEXT, risk_event_types TEXT);"
               "INSERT INTO s VALUES ('a', 'newCountry,unlikelyTravel'), ('b', 'unlikelyTravelX'),"
               "('c', ''), ('d', 'anonymizedIPAddress')",
               nullptr, nullptr, nullptr);
  auto only_any = ParseFilter(
      "riskEventTypes_v2/any(t:t eq 'unlikelyTravel' or startsWith(t,'anon'))", SignInResource());
  ASSERT_TRUE(only_any.ok()) << only_any.status().message();
  const SqlCondition c = CompileToSql(**only_any);
  const std::string sql =
      "SELECT group_concat(id) FROM (SELECT id FROM s WHERE " + c.sql + " ORDER BY id)";
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sql;
  for (std::size_t i = 0; i < c.parameters.size(); ++i) {
    const auto& text = std::get<std::string>(c.parameters[i]);
    sqlite3_bind_text(statement, static_cast<int>(i) + 1, text.c_str(), -1, SQLITE_TRANSIENT);
  }
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "a,d");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST(ODataFilterTest, MistakesNameTheirPositionAndReason) {
  struct Case {
    const char* filter;
    const char* expected;
  };
  const Case cases[] = {
      {"", "$filter is empty"},
      {"riskLvl eq 'high'", "position 1 ('riskLvl'): no property of that name on riskyUser"},
      {"riskLevel eq 'severe'", "'severe' is not a member of microsoft.graph.riskLevel"},
      {"riskLevel eq microsoft.graph.riskState'atRisk'",
       "riskLevel is of type microsoft.graph.riskLevel"},
      {"riskLevel gt 'low'", "position 11 ('gt'): riskLevel does not support gt"},
      {"riskLevel eq 'high", "the string is not closed"},
      {"riskLevel eq high", "is compared with a member of microsoft.graph.riskLevel"},
      {"riskLevel equals 'high'", "expected eq, ne, gt, ge, lt or le"},
      {"riskLevel eq 'high' and", "expected a property"},
      {"riskLevel eq 'high' xor riskState eq 'atRisk'", "expected and, or, or the end"},
      {"(riskLevel eq 'high'", "expected ')'"},
      {"riskLastUpdatedDateTime ge yesterday", "is compared with a date and time"},
      {"riskLastUpdatedDateTime ge 2024-13-45T99:00:00Z", "not a date and time"},
      {"startsWith(riskLevel, 'h')", "riskLevel does not support startsWith"},
      {"userPrincipalName eq 5", "is compared with a 'string'"},
      {"riskLevel eq 'high' ; DROP TABLE risky_users", "unexpected character"},
      {"riskEventTypes_v2/any(t: t eq 'x')", "no property of that name on riskyUser"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseFilter(c.filter, RiskyUserResource());
    ASSERT_FALSE(parsed.ok()) << c.filter;
    EXPECT_NE(parsed.status().message().find(c.expected), std::string::npos)
        << c.filter << " → " << parsed.status().message();
  }
  const Case sign_in_cases[] = {
      {"riskEventTypes_v2 eq 'x'", "is a collection: use riskEventTypes_v2/any"},
      {"riskEventTypes_v2/any(t: t eq 'a' and t eq 'b')", "only 'or' can join conditions"},
      {"riskEventTypes_v2/any(t: t ne 'a')", "only eq compares an element"},
      {"riskEventTypes_v2/any(t: startsWith(appDisplayName, 'a'))", "must test t"},
      {"status/errorCode eq 'x'", "is compared with a whole number"},
      {"isInteractive eq 1", "is compared with true or false"},
      {"ipAddress/any(t: t eq '1')", "is not a collection that supports any"},
  };
  for (const Case& c : sign_in_cases) {
    auto parsed = ParseFilter(c.filter, SignInResource());
    ASSERT_FALSE(parsed.ok()) << c.filter;
    EXPECT_NE(parsed.status().message().find(c.expected), std::string::npos)
        << c.filter << " → " << parsed.status().message();
  }
}

TEST(ODataFilterTest, DeepNestingAndHugeFiltersAreRefusedNotFollowed) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "(";
  deep += "riskLevel eq 'high'";
  for (int i = 0; i < 40; ++i) deep += ")";
  auto nested = ParseFilter(deep, RiskyUserResource());
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("nested more than 32 levels"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  EXPECT_FALSE(ParseFilter(nots + "riskLevel eq 'high'", RiskyUserResource()).ok());
  std::string ok;
  for (int i = 0; i < 30; ++i) ok += "(";
  ok += "riskLevel eq 'high'";
  for (int i = 0; i < 30; ++i) ok += ")";
  EXPECT_TRUE(ParseFilter(ok, RiskyUserResource()).ok());
}

}  // namespace
}  // namespace idguard::odata
