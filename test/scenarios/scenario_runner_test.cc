// Runs every detector scenario under test/scenarios/<detector>/*.json through the risk engine.
//
// A scenario is a list of steps; each step is one Graph signIn (or a template repeated N times
// at a fixed interval) and the detections it must produce. A step without "expect" must produce
// no detection at all, so a learning phase that fires is a failure too. Events are enriched only
// with the scenario's named locations: locations, ASNs and clients come from the signIn fields.
// "feeds" maps an IP feed kind ("anonymizer", "threat-actor", ...) to the lines of its list.
// A repeated step may vary the account ("varyUser": userId and the user principal name's local
// part get "-N") or the source ("varyAddress": N is added to the last IPv4 octet), and may set the
// GeoIP accuracy radius and hosting-provider flag enrichment would have found ("accuracyRadiusKm",
// "hostingProvider").
// An expected detection about an earlier sign-in (an offline finding) names it as "requestId".
// "detectors" (required) names the riskEventTypes a scenario judges: detections of other types
// are left out of the comparison, so a detector's scenarios keep their meaning as others join.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "idguard/detect/risk_engine.h"
#include "idguard/enrich/enricher.h"
#include "idguard/enrich/ip_address.h"
#include "idguard/enrich/threat_feeds.h"
#include "idguard/ingest/graph_signin_parser.h"

namespace idguard {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  const fs::path root = fs::path(IDGUARD_SOURCE_DIR) / "test" / "scenarios";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Expected {
  std::string riskEventType;
  std::string riskLevel;
  std::string requestId;  // the sign-in the detection is about; empty: the step's own
};

class ScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioTest, ProducesExpectedDetections) {
  const std::string path = GetParam();
  simdjson::dom::parser parser;
  simdjson::dom::element scenario;
  ASSERT_EQ(parser.load(path).get(scenario), simdjson::SUCCESS) << path << ": not JSON";

  std::optional<NamedLocations> locations;
  simdjson::dom::element named;
  if (scenario["namedLocations"].get(named) == simdjson::SUCCESS) {
    auto loaded = NamedLocations::LoadJson(simdjson::to_string(named), path);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    locations = std::move(loaded.value());
  }
  EnrichmentSources sources;
  if (locations) sources.namedLocations = &*locations;
  Enricher enricher(sources);
  ThreatFeeds feeds;
  simdjson::dom::object feed_lists;
  if (scenario["feeds"].get_object().get(feed_lists) == simdjson::SUCCESS) {
    for (auto [kind_name, lines] : feed_lists) {
      const auto kind = ParseIpFeedKind(kind_name);
      ASSERT_TRUE(kind.has_value()) << path << ": unknown feed kind " << kind_name;
      std::string text;
      for (simdjson::dom::element line : lines.get_array()) {
        text.append(line.get_string().value()).push_back('\n');
      }
      auto feed = IpFeed::Parse(text, path + " feeds." + std::string(kind_name));
      ASSERT_TRUE(feed.ok()) << feed.status().message();
      feeds.Replace(*kind, std::move(feed).value());
    }
  }
  DetectorConfig config;
  config.feeds = &feeds;
  RiskEngine engine(config);
  auto graph = MakeGraphSignInParser();

  std::set<std::string, std::less<>> judged;
  simdjson::dom::array judged_list;
  ASSERT_EQ(scenario["detectors"].get_array().get(judged_list), simdjson::SUCCESS)
      << path << ": \"detectors\" (the riskEventTypes the scenario judges) is missing";
  for (simdjson::dom::element type : judged_list) judged.emplace(type.get_string().value());
  ASSERT_FALSE(judged.empty()) << path << ": \"detectors\" is empty";

  simdjson::dom::array steps;
  ASSERT_EQ(scenario["steps"].get_array().get(steps), simdjson::SUCCESS) << "steps missing";
  std::size_t step_index = 0;
  std::size_t checked = 0;
  for (simdjson::dom::element step : steps) {
    ++step_index;
    simdjson::dom::element templ;
    ASSERT_EQ(step["signIn"].get(templ), simdjson::SUCCESS) << "step " << step_index;
    auto parsed = graph->Parse(simdjson::to_string(templ));
    ASSERT_TRUE(parsed.ok()) << "step " << step_index << ": " << parsed.status().message();
    std::int64_t repeat = 1;
    if (step["repeat"].get_int64().get(repeat) != simdjson::SUCCESS) repeat = 1;
    double interval_hours = 0;
    if (step["intervalHours"].get_double().get(interval_hours) != simdjson::SUCCESS) {
      interval_hours = 0;
    }

    bool vary_user = false;
    if (step["varyUser"].get_bool().get(vary_user) != simdjson::SUCCESS) vary_user = false;
    bool vary_address = false;
    if (step["varyAddress"].get_bool().get(vary_address) != simdjson::SUCCESS) {
      vary_address = false;
    }
    bool vary_network = false;
    if (step["varyNetwork"].get_bool().get(vary_network) != simdjson::SUCCESS) {
      vary_network = false;
    }
    bool hosting = false;
    if (step["hostingProvider"].get_bool().get(hosting) != simdjson::SUCCESS) hosting = false;
    std::int64_t accuracy_radius = -1;
    if (step["accuracyRadiusKm"].get_int64().get(accuracy_radius) != simdjson::SUCCESS) {
      accuracy_radius = -1;
    }

    std::vector<Expected> expected;
    simdjson::dom::array expect_array;
    if (step["expect"].get_array().get(expect_array) == simdjson::SUCCESS) {
      for (simdjson::dom::element e : expect_array) {
        std::string_view type, level;
        ASSERT_EQ(e["riskEventType"].get_string().get(type), simdjson::SUCCESS);
        ASSERT_EQ(e["riskLevel"].get_string().get(level), simdjson::SUCCESS);
        std::string_view request_id;
        if (e["requestId"].get_string().get(request_id) != simdjson::SUCCESS) request_id = "";
        expected.push_back({std::string(type), std::string(level), std::string(request_id)});
      }
    }
    for (std::int64_t n = 0; n < repeat; ++n) {
      SignIn sign_in = parsed.value();
      if (repeat > 1) {
        sign_in.id += "-" + std::to_string(n);
        sign_in.createdDateTime +=
            static_cast<EventTime>(interval_hours * static_cast<double>(n * kMicrosPerHour));
      }
      if (vary_user) {
        const std::string suffix = "-" + std::to_string(n);
        sign_in.userId += suffix;
        const auto at = sign_in.userPrincipalName.find('@');
        sign_in.userPrincipalName.insert(
            at == std::string::npos ? sign_in.userPrincipalName.size() : at, suffix);
      }
      for (const auto& [vary, octet_index] : {std::pair{vary_address, 3}, {vary_network, 2}}) {
        if (!vary) continue;
        auto address = IpAddress::Parse(sign_in.ipAddress);
        ASSERT_TRUE(address && address->IsV4()) << path << " step " << step_index << ": not IPv4";
        std::uint32_t v4 = address->V4();
        const int shift = 8 * (3 - octet_index);
        const std::uint32_t octet = ((v4 >> shift) + static_cast<std::uint32_t>(n)) & 0xFF;
        v4 = (v4 & ~(0xFFu << shift)) | (octet << shift);
        sign_in.ipAddress = std::to_string(v4 >> 24) + "." + std::to_string((v4 >> 16) & 0xFF) +
                            "." + std::to_string((v4 >> 8) & 0xFF) + "." +
                            std::to_string(v4 & 0xFF);
      }
      enricher.Enrich(sign_in);
      if (hosting) sign_in.network.isHostingProvider = true;
      if (accuracy_radius >= 0) {
        sign_in.network.accuracyRadiusKm = static_cast<std::uint32_t>(accuracy_radius);
      }
      EngineOutcome outcome;
      engine.Process(sign_in, outcome);
      std::vector<Expected> actual;
      std::string reasons;
      for (const auto& d : outcome.detections) {
        if (!judged.contains(d.riskEventType)) continue;
        actual.push_back({d.riskEventType, std::string(ToString(d.riskLevel)), d.requestId});
        for (const auto& info : d.additionalInfo) reasons += "\n  " + info.key + ": " + info.value;
      }
      ASSERT_EQ(actual.size(), expected.size())
          << path << " step " << step_index << " (" << sign_in.id << "): expected "
          << expected.size() << " detections, got " << actual.size() << reasons;
      for (std::size_t i = 0; i < actual.size(); ++i) {
        EXPECT_EQ(actual[i].riskEventType, expected[i].riskEventType)
            << path << " step " << step_index;
        EXPECT_EQ(actual[i].riskLevel, expected[i].riskLevel)
            << path << " step " << step_index << reasons;
        EXPECT_EQ(actual[i].requestId,
                  expected[i].requestId.empty() ? sign_in.id : expected[i].requestId)
            << path << " step " << step_index << ": the detection is about another sign-in";
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u) << path << " has no sign-ins";
}

INSTANTIATE_TEST_SUITE_P(Detectors, ScenarioTest, ::testing::ValuesIn(ScenarioFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name =
                               fs::path(info.param).parent_path().filename().string() + "_" +
                               fs::path(info.param).stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace idguard
