#include "idguard/simulate/attack_simulator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>

#include "idguard/core/json_writer.h"
#include "idguard/core/mapped_file.h"
#include "idguard/core/text_lines.h"
#include "idguard/enrich/directory.h"
#include "idguard/export/graph_json.h"
#include "idguard/ingest/graph_signin_parser.h"
#include "simulate/address_pool.h"
#include "simulate/deterministic_random.h"
#include "simulate/simulation_catalog.h"

namespace idguard {
namespace {

namespace fs = std::filesystem;
using simulate::AddressPools;
using simulate::Random;
using simulate::StreamKey;

// Hosting networks attackers rent (public ASN assignments) and where GeoIP places them.
struct HostingNetwork {
  std::string_view country;
  std::uint32_t asn;
};
constexpr std::array kHostingNetworks = {
    HostingNetwork{"NL", 14061}, HostingNetwork{"DE", 24940},  HostingNetwork{"FR", 16276},
    HostingNetwork{"SG", 14061}, HostingNetwork{"RO", 9009},   HostingNetwork{"RU", 197695},
    HostingNetwork{"JP", 20473}, HostingNetwork{"GB", 212238}, HostingNetwork{"US", 20473},
};

// Far-away residential networks for takeovers that must look like a person, not a server.
constexpr std::array kFarResidential = {
    HostingNetwork{"IN", 24560},
    HostingNetwork{"AU", 1221},
    HostingNetwork{"ES", 3352},
};

struct AttackerClient {
  std::string_view userAgent;
  std::string_view browser;
  std::string_view operatingSystem;
};
constexpr std::array kAttackerClients = {
    AttackerClient{"python-requests/2.31.0", "Python Requests 2.31", ""},
    AttackerClient{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/108.0.0.0 Safari/537.36",
                   "Chrome 108.0.0", "Linux"},
    AttackerClient{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:102.0) Gecko/20100101 "
                   "Firefox/102.0",
                   "Firefox 102.0", "Windows10"},
};
constexpr AttackerClient kTorBrowser{
    "Mozilla/5.0 (Windows NT 10.0; rv:115.0) Gecko/20100101 Firefox/115.0", "Firefox 115.0",
    "Windows10"};

std::string Ipv4Text(std::uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xFF) + "." +
         std::to_string((ip >> 8) & 0xFF) + "." + std::to_string(ip & 0xFF);
}

struct Pool {
  std::size_t id = 0;
  std::string_view country;
  std::uint32_t asn = 0;
};

struct Victim {
  std::string userId;
  std::int64_t anchorDay = 0;
  std::optional<SignIn> anchor;  // the first successful interactive sign-in on or after that day
  std::string country;           // where GeoIP puts the anchor
  double latitude = 0;
  double longitude = 0;
};

struct Label {
  std::string id;
  std::string attackType;
  std::string userId;
  bool successful = false;
};

class AttackWriter {
 public:
  AttackWriter(const AttackOptions& options, const GeoIpDatabase& geoip, const AsnDatabase& asn,
               const Directory& directory, EventTime start, std::int64_t days)
      : geoip_(geoip),
        pools_(geoip, asn, StreamKey({options.seed, 0xA77AC4})),
        directory_(directory),
        random_(StreamKey({options.seed, 0xA77AC4, 1})),
        id_domain_(StreamKey({options.seed, 0xA77AC4, 2})),
        start_(start),
        days_(days) {}

  Status BuildPools() {
    for (const auto& network : kHostingNetworks) {
      const std::uint32_t asns[] = {network.asn};
      if (auto pool = pools_.Build(network.country, asns, 300); pool.ok()) {
        hosting_.push_back({pool.value(), network.country, network.asn});
      }
    }
    for (const auto& network : kFarResidential) {
      const std::uint32_t asns[] = {network.asn};
      if (auto pool = pools_.Build(network.country, asns, 600); pool.ok()) {
        far_.push_back({pool.value(), network.country, network.asn});
      }
    }
    if (hosting_.size() < 3 || far_.empty()) {
      return Status::NotFound(
          "attack simulation: the GeoIP and ASN data do not place enough hosting or residential "
          "networks abroad");
    }
    return Status::Ok();
  }

  // Chooses `count` victims among the directory's users, each with a day after learning.
  std::vector<Victim> PickVictims(std::size_t count) {
    std::vector<Victim> victims;
    const auto& users = directory_.users();
    for (std::size_t attempt = 0; victims.size() < count && attempt < count * 20; ++attempt) {
      const DirectoryUser& user = users[random_.Below(users.size())];
      if (!taken_.insert(user.id).second) continue;
      const std::int64_t first_day = std::min<std::int64_t>(15, days_ - 1);
      victims.push_back({user.id, random_.Between(first_day, days_ - 1), std::nullopt, "", 0, 0});
    }
    return victims;
  }

  // Finds each victim's anchor sign-in in the benign log (sorted by time).
  Status FindAnchors(const std::string& sign_ins_path, std::vector<Victim*>& victims) {
    std::unordered_map<std::string, Victim*> wanted;
    for (Victim* v : victims) wanted.emplace(v->userId, v);
    auto file = MappedFile::Open(sign_ins_path);
    if (!file.ok()) return file.status();
    auto parser = MakeGraphSignInParser();
    return ForEachNonBlankLine(
        file->data(), [&](std::uint64_t line_number, std::string_view line) -> Status {
          if (wanted.empty()) return Status::Ok();
          const auto key = line.find("\"userId\":\"");
          if (key == std::string_view::npos) return Status::Ok();
          const auto begin = key + 10;
          const std::string user(line.substr(begin, line.find('"', begin) - begin));
          auto it = wanted.find(user);
          if (it == wanted.end()) return Status::Ok();
          auto sign_in = parser->Parse(line);
          if (!sign_in.ok()) {
            return Status::InvalidInput(sign_ins_path + ":" + std::to_string(line_number) + ": " +
                                        sign_in.status().message());
          }
          Victim& victim = *it->second;
          if (sign_in->status.errorCode != 0 || !sign_in->isInteractive ||
              sign_in->createdDateTime < start_ + victim.anchorDay * kMicrosPerDay) {
            return Status::Ok();
          }
          const auto address = IpAddress::Parse(sign_in->ipAddress);
          const auto place = address ? geoip_.Lookup(*address) : std::nullopt;
          if (!place || !place->latitude || !place->longitude) return Status::Ok();
          victim.country = place->countryOrRegion;
          victim.latitude = *place->latitude;
          victim.longitude = *place->longitude;
          victim.anchor = std::move(sign_in).value();
          wanted.erase(it);
          return Status::Ok();
        });
  }

  // --- attack building blocks -----------------------------------------------------------------

  std::string NextId() { return simulate::GuidFor(id_domain_, ++ids_); }

  std::uint32_t AddressIn(const Pool& pool) {
    return pools_.At(pool.id, static_cast<std::uint32_t>(random_.Below(pools_.Size(pool.id)))).ip;
  }

  const Pool& ForeignHosting(std::string_view not_country) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      const Pool& pool = hosting_[random_.Below(hosting_.size())];
      if (pool.country != not_country) return pool;
    }
    return hosting_.front().country != not_country ? hosting_.front() : hosting_.back();
  }

  SignIn FromAnchor(const SignIn& anchor, EventTime time, std::uint32_t ip,
                    const AttackerClient* client) {
    SignIn s = anchor;
    s.id = NextId();
    s.correlationId = NextId();
    s.sessionId = NextId();
    s.uniqueTokenIdentifier = NextId();
    s.createdDateTime = time;
    s.ipAddress = Ipv4Text(ip);
    s.status = {};
    s.isInteractive = true;
    s.kind = SignInKind::interactiveUser;
    s.deviceDetail.deviceId.clear();
    s.deviceDetail.displayName.clear();
    s.deviceDetail.isCompliant = false;
    s.deviceDetail.isManaged = false;
    s.deviceDetail.trustType.clear();
    if (client != nullptr) {
      s.userAgent = std::string(client->userAgent);
      s.deviceDetail.browser = std::string(client->browser);
      s.deviceDetail.operatingSystem = std::string(client->operatingSystem);
    }
    s.authenticationRequirement = "singleFactorAuthentication";
    s.conditionalAccessStatus = "notApplied";
    s.mfaDetail = {};
    return s;
  }

  // A sign-in of a directory user who may have no sign-in of their own (spray targets).
  SignIn ForUser(const DirectoryUser& user, EventTime time, std::uint32_t ip,
                 const AttackerClient& client) {
    SignIn s;
    s.userId = user.id;
    s.userPrincipalName = user.userPrincipalName;
    s.userDisplayName = user.displayName;
    s.appId = "00000002-0000-0ff1-ce00-000000000000";
    s.appDisplayName = "Office 365 Exchange Online";
    s.resourceDisplayName = "Office 365 Exchange Online";
    s.clientAppUsed = "Mobile Apps and Desktop clients";
    return FromAnchor(s, time, ip, &client);
  }

  void Add(SignIn sign_in, std::string_view type, bool successful) {
    if (successful) ++summary_.maliciousSignIns[std::string(type)];
    labels_.push_back({sign_in.id, std::string(type), sign_in.userId, successful});
    attacks_.push_back(std::move(sign_in));
  }

  void Compromised(const std::string& user_id, std::string_view type) {
    if (compromised_.emplace(user_id, std::string(type)).second) {
      ++summary_.compromisedUsers[std::string(type)];
    }
  }

  static void Fail(SignIn& s, std::int32_t code, std::string_view reason,
                   std::string_view details) {
    s.status.errorCode = code;
    s.status.failureReason = std::string(reason);
    s.status.additionalDetails = std::string(details);
  }

  const AttackerClient& AnyAttackerClient() {
    return kAttackerClients[random_.Below(kAttackerClients.size())];
  }

  // --- the attacks ----------------------------------------------------------------------------

  void ForeignTakeover(const Victim& v) {
    const Pool& pool = ForeignHosting(v.country);
    const std::uint32_t ip = AddressIn(pool);
    const AttackerClient& client = AnyAttackerClient();
    EventTime t = v.anchor->createdDateTime + random_.Between(3, 40) * kMicrosPerHour;
    const auto signins = random_.Between(1, 3);
    for (std::int64_t i = 0; i < signins; ++i) {
      Add(FromAnchor(*v.anchor, t, ip, &client), "foreignTakeover", true);
      t += random_.Between(5, 90) * kMicrosPerMinute;
    }
    Compromised(v.userId, "foreignTakeover");
  }

  void SpoofedUserAgentTakeover(const Victim& v) {
    const Pool* pool = &far_[random_.Below(far_.size())];
    for (const Pool& candidate : far_) {
      if (simulate::DistanceKm(v.latitude, v.longitude, pools_.At(candidate.id, 0).latitude,
                               pools_.At(candidate.id, 0).longitude) > 5000) {
        pool = &candidate;
        break;
      }
    }
    const EventTime t = v.anchor->createdDateTime + random_.Between(20, 120) * kMicrosPerMinute;
    Add(FromAnchor(*v.anchor, t, AddressIn(*pool), nullptr), "spoofedUserAgentTakeover", true);
    Compromised(v.userId, "spoofedUserAgentTakeover");
  }

  void BruteForce(const Victim& v) {
    const std::uint32_t ip = AddressIn(ForeignHosting(v.country));
    const AttackerClient& client = AnyAttackerClient();
    EventTime t = v.anchor->createdDateTime + random_.Between(2, 30) * kMicrosPerHour;
    const auto guesses = random_.Between(12, 40);
    for (std::int64_t i = 0; i < guesses; ++i) {
      SignIn s = FromAnchor(*v.anchor, t, ip, &client);
      Fail(s, 50126, "Error validating credentials due to invalid username or password.",
           "The user didn't enter the right credentials.");
      Add(std::move(s), "bruteForce", false);
      t += random_.Between(20, 70) * kMicrosPerSecond;
    }
    Add(FromAnchor(*v.anchor, t, ip, &client), "bruteForce", true);
    Compromised(v.userId, "bruteForce");
  }

  void Anonymizer(const Victim& v) {
    const std::uint32_t ip = tor_exits_[random_.Below(tor_exits_.size())];
    const EventTime t = v.anchor->createdDateTime + random_.Between(2, 30) * kMicrosPerHour;
    Add(FromAnchor(*v.anchor, t, ip, &kTorBrowser), "anonymizer", true);
    Compromised(v.userId, "anonymizer");
  }

  void MfaFatigue(const Victim& v) {
    const std::uint32_t ip = AddressIn(ForeignHosting(v.country));
    const AttackerClient& client = kAttackerClients[1];
    EventTime t = v.anchor->createdDateTime + random_.Between(2, 30) * kMicrosPerHour;
    const auto prompts = random_.Between(3, 9);
    for (std::int64_t i = 0; i < prompts; ++i) {
      SignIn s = FromAnchor(*v.anchor, t, ip, &client);
      s.authenticationRequirement = "multiFactorAuthentication";
      Fail(s, 500121, "Authentication failed during strong authentication request.",
           random_.Chance(0.5) ? "MFA denied; user declined the authentication"
                               : "MFA denied; user did not respond to mobile app notification");
      Add(std::move(s), "mfaFatigue", false);
      t += random_.Between(60, 180) * kMicrosPerSecond;
    }
    SignIn approved = FromAnchor(*v.anchor, t, ip, &client);
    approved.authenticationRequirement = "multiFactorAuthentication";
    approved.conditionalAccessStatus = "success";
    approved.mfaDetail.authMethod = "Mobile app notification";
    Add(std::move(approved), "mfaFatigue", true);
    Compromised(v.userId, "mfaFatigue");
  }

  void TokenReplay(const Victim& v) {
    const std::uint32_t ip = AddressIn(ForeignHosting(v.country));
    const EventTime t = v.anchor->createdDateTime + random_.Between(30, 180) * kMicrosPerMinute;
    SignIn s = FromAnchor(*v.anchor, t, ip, &AnyAttackerClient());
    s.sessionId = v.anchor->sessionId;
    s.authenticationRequirement = v.anchor->authenticationRequirement;
    s.mfaDetail = {"Previously satisfied", "MFA requirement satisfied by claim in the token"};
    Add(std::move(s), "tokenReplay", true);
    Compromised(v.userId, "tokenReplay");
  }

  // --- benign look-alikes: what makes real tenants noisy, added unlabelled -------------------

  // The user turns on a consumer VPN that exits in their own country on a hosting network.
  void ConsumerVpn(const Victim& v) {
    const Pool* pool = nullptr;
    for (const Pool& candidate : hosting_) {
      if (candidate.country == v.country) pool = &candidate;
    }
    if (pool == nullptr) return;
    const std::uint32_t ip = AddressIn(*pool);
    EventTime t = v.anchor->createdDateTime + random_.Between(1, 10) * kMicrosPerHour;
    for (std::int64_t i = random_.Between(1, 3); i > 0; --i) {
      SignIn s = FromAnchor(*v.anchor, t, AnchorAddress(v), nullptr);
      s.ipAddress = Ipv4Text(ip);
      s.deviceDetail = v.anchor->deviceDetail;
      AddBenign(std::move(s));
      t += random_.Between(20, 180) * kMicrosPerMinute;
    }
  }

  // A replacement laptop: a new device id, the same browser, at home.
  void NewLaptop(const Victim& v) {
    EventTime t = v.anchor->createdDateTime + random_.Between(1, 4) * kMicrosPerHour;
    const std::string device = NextId();
    for (std::int64_t i = random_.Between(2, 5); i > 0; --i) {
      SignIn s = FromAnchor(*v.anchor, t, AnchorAddress(v), nullptr);
      s.deviceDetail.deviceId = device;
      s.deviceDetail.displayName = "LAPTOP-" + device.substr(0, 7);
      AddBenign(std::move(s));
      t += random_.Between(1, 20) * kMicrosPerHour;
    }
  }

  // The browser updated itself: a newer version in the user agent, everything else the same.
  void BrowserUpdate(const Victim& v) {
    SignIn s =
        FromAnchor(*v.anchor, v.anchor->createdDateTime + random_.Between(1, 8) * kMicrosPerHour,
                   AnchorAddress(v), nullptr);
    s.deviceDetail = v.anchor->deviceDetail;
    for (const std::string_view from : {"Chrome/131.", "Edg/131.", "Firefox/133.", "Version/18."}) {
      if (const auto at = s.userAgent.find(from); at != std::string::npos) {
        // The major version sits between the slash and the dot; the update adds one.
        const auto slash = from.find('/');
        const auto major = std::stoi(std::string(from.substr(slash + 1, from.size() - slash - 2)));
        std::string to(from.substr(0, slash + 1));
        to.append(std::to_string(major + 1)).push_back('.');
        s.userAgent.replace(at, from.size(), to);
      }
    }
    AddBenign(std::move(s));
  }

  std::uint32_t AnchorAddress(const Victim& v) const {
    const auto address = IpAddress::Parse(v.anchor->ipAddress);
    return address && address->IsV4() ? address->V4() : 0;
  }

  void AddBenign(SignIn sign_in) {
    ++summary_.benignLookAlikes;
    attacks_.push_back(std::move(sign_in));
  }

  // An attacker in the user's own city on a residential network with the user's browser: the
  // documented low-signal case.
  void LowSignal(const Victim& v) {
    std::vector<std::uint32_t> asns;
    for (const auto& isp : simulate::IspNetworks()) {
      if (isp.country == v.country && isp.kind == simulate::IspKind::kResidential) {
        asns.push_back(isp.asn);
      }
    }
    std::uint32_t ip = 0;
    if (!asns.empty()) {
      auto& pool = local_pools_[v.country];
      if (!pool) {
        if (auto built = pools_.Build(v.country, asns, 1500); built.ok()) pool = built.value();
      }
      if (pool) {
        const auto& near = pools_.Near(*pool, HashKey(v.userId), v.latitude, v.longitude, 30, 5);
        if (!near.empty()) ip = pools_.At(*pool, near[random_.Below(near.size())]).ip;
      }
    }
    if (ip == 0) return;
    const EventTime t = v.anchor->createdDateTime + random_.Between(2, 8) * kMicrosPerHour;
    Add(FromAnchor(*v.anchor, t, ip, nullptr), "lowSignalTakeover", true);
    Compromised(v.userId, "lowSignalTakeover");
  }

  // Many accounts, one password each; `successes` of them get in. Fast: one /24 within an hour.
  // Slow: over two days from addresses all over one hosting provider's networks.
  void Spray(bool slow, std::size_t accounts, std::size_t successes) {
    const Pool& pool = hosting_[random_.Below(hosting_.size())];
    const std::uint32_t base_ip = AddressIn(pool) & 0xFFFFFF00u;
    const AttackerClient& client = kAttackerClients[0];
    const std::string type = slow ? "passwordSpraySlow" : "passwordSprayFast";
    EventTime t = start_ + random_.Between(7, days_ - 3) * kMicrosPerDay +
                  random_.Between(0, 23) * kMicrosPerHour;
    const EventTime step = slow ? 2 * kMicrosPerDay / static_cast<EventTime>(accounts)
                                : kMicrosPerHour / static_cast<EventTime>(accounts);
    std::set<std::size_t> hits;
    while (hits.size() < successes) hits.insert(random_.Below(accounts));
    const auto& users = directory_.users();
    std::set<std::string> tried;
    for (std::size_t i = 0, attempts = 0; i < accounts && attempts < accounts * 10; ++attempts) {
      const DirectoryUser& user = users[random_.Below(users.size())];
      if (!tried.insert(user.id).second) continue;
      const std::uint32_t ip =
          slow ? AddressIn(pool) : base_ip | static_cast<std::uint32_t>(10 + random_.Below(40));
      SignIn s = ForUser(user, t, ip, client);
      const bool hit = hits.contains(i);
      if (!hit) {
        Fail(s, 50126, "Error validating credentials due to invalid username or password.",
             "The user didn't enter the right credentials.");
      }
      Add(std::move(s), type, hit);
      if (hit) Compromised(user.id, type);
      t += step;
      ++i;
    }
  }

  void Leaks(std::size_t current, std::size_t stale, std::string& feed) {
    const auto& users = directory_.users();
    std::size_t written_current = 0;
    std::size_t written_stale = 0;
    for (std::size_t attempt = 0;
         (written_current < current || written_stale < stale) && attempt < users.size() * 2;
         ++attempt) {
      const DirectoryUser& user = users[random_.Below(users.size())];
      if (user.passwordHashSha1.empty() || !taken_.insert(user.id).second) continue;
      const bool is_current = written_current < current;
      std::string hash = user.passwordHashSha1;
      if (!is_current) {
        hash = NextId();
        hash += NextId();
        std::erase(hash, '-');
        hash.resize(40);
      }
      std::string line;
      JsonWriter json(line);
      json.BeginObject();
      json.Member("userPrincipalName", user.userPrincipalName);
      json.Member("passwordHashSha1", hash);
      json.MemberTimestamp("discoveredDateTime",
                           start_ + random_.Between(1, days_ - 1) * kMicrosPerDay);
      json.Member("source", is_current ? "breach dump" : "old breach dump");
      json.EndObject();
      feed.append(line).push_back('\n');
      if (is_current) {
        ++written_current;
        Compromised(user.id, "leakedCredentials");
      } else {
        ++written_stale;
      }
    }
  }

  void PickTorExits(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      tor_exits_.push_back(AddressIn(hosting_[random_.Below(hosting_.size())]));
    }
  }
  const std::vector<std::uint32_t>& torExits() const { return tor_exits_; }

  std::vector<SignIn>& attacks() { return attacks_; }
  const std::vector<Label>& labels() const { return labels_; }
  const std::map<std::string, std::string>& compromised() const { return compromised_; }
  AttackSummary& summary() { return summary_; }

 private:
  static std::uint64_t HashKey(const std::string& text) {
    std::uint64_t key = 1469598103934665603ULL;
    for (char c : text) key = (key ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return key;
  }

  const GeoIpDatabase& geoip_;
  AddressPools pools_;
  const Directory& directory_;
  Random random_;
  std::uint64_t id_domain_;
  std::uint64_t ids_ = 0;
  EventTime start_;
  std::int64_t days_;
  std::vector<Pool> hosting_;
  std::vector<Pool> far_;
  std::map<std::string, std::optional<std::size_t>> local_pools_;
  std::vector<std::uint32_t> tor_exits_;
  std::set<std::string> taken_;  // users already chosen as victims
  std::vector<SignIn> attacks_;
  std::vector<Label> labels_;
  std::map<std::string, std::string> compromised_;
  AttackSummary summary_;
};

Status WriteText(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IoError("cannot write " + path.string());
  return Status::Ok();
}

std::optional<EventTime> CreatedOf(std::string_view line) {
  const auto key = line.find("\"createdDateTime\":\"");
  if (key == std::string_view::npos) return std::nullopt;
  const auto begin = key + 19;
  return ParseTimestamp(line.substr(begin, line.find('"', begin) - begin));
}

// Writes the benign log and the attacks (sorted) into one file in createdDateTime order.
Status MergeSignIns(const fs::path& path, std::vector<SignIn>& attacks) {
  std::stable_sort(attacks.begin(), attacks.end(), [](const SignIn& a, const SignIn& b) {
    return a.createdDateTime < b.createdDateTime;
  });
  const fs::path merged = path.string() + ".merging";
  {
    auto benign = MappedFile::Open(path.string());
    if (!benign.ok()) return benign.status();
    std::ofstream out(merged, std::ios::binary | std::ios::trunc);
    std::size_t next = 0;
    std::string json;
    auto write_attacks_until = [&](EventTime limit) {
      while (next < attacks.size() && attacks[next].createdDateTime < limit) {
        json.clear();
        AppendSignInJson(json, attacks[next++]);
        out << json << '\n';
      }
    };
    Status status = ForEachNonBlankLine(
        benign->data(), [&](std::uint64_t line_number, std::string_view line) -> Status {
          const auto created = CreatedOf(line);
          if (!created) {
            return Status::InvalidInput(path.string() + ":" + std::to_string(line_number) +
                                        ": no createdDateTime");
          }
          write_attacks_until(*created);
          out << line << '\n';
          return Status::Ok();
        });
    if (!status.ok()) return status;
    write_attacks_until(std::numeric_limits<EventTime>::max());
    out.close();
    if (!out) return Status::IoError("cannot write " + merged.string());
  }
  std::error_code error;
  fs::rename(merged, path, error);
  if (error) return Status::IoError("cannot replace " + path.string() + ": " + error.message());
  return Status::Ok();
}

std::size_t Scaled(double per_10k_users, std::size_t users, double intensity) {
  const double count = per_10k_users * intensity * static_cast<double>(users) / 10000.0;
  return std::max<std::size_t>(2, static_cast<std::size_t>(std::llround(count)));
}

}  // namespace

Status SimulateAttacks(const AttackOptions& options, const GeoIpDatabase& geoip,
                       const AsnDatabase& asn, AttackSummary* summary) {
  const fs::path dir = options.tenantDirectory;
  auto directory = Directory::LoadFile((dir / "users.ndjson").string());
  if (!directory.ok()) return directory.status();
  if (directory->users().size() < 20) {
    return Status::InvalidInput("attack simulation needs a tenant of at least 20 users");
  }
  const fs::path sign_ins = dir / "signIns.ndjson";
  // The period: from the first to the last benign sign-in.
  std::optional<EventTime> first, last;
  {
    auto file = MappedFile::Open(sign_ins.string());
    if (!file.ok()) return file.status();
    first = CreatedOf(file->data());
    std::string_view text = file->data();
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    last = CreatedOf(text.substr(text.rfind('\n') + 1));
  }
  if (!first || !last || *last - *first < 3 * kMicrosPerDay) {
    return Status::InvalidInput(sign_ins.string() + ": needs at least three days of sign-ins");
  }
  const EventTime start = *first - *first % kMicrosPerDay;
  const std::int64_t days = (*last - start) / kMicrosPerDay;

  AttackWriter writer(options, geoip, asn, directory.value(), start, days);
  if (Status s = writer.BuildPools(); !s.ok()) return s;
  const std::size_t users = directory->users().size();
  auto count = [&](double per_10k) { return Scaled(per_10k, users, options.intensity); };

  std::vector<Victim> foreign = writer.PickVictims(count(20));
  std::vector<Victim> spoofed = writer.PickVictims(count(15));
  std::vector<Victim> brute = writer.PickVictims(count(10));
  std::vector<Victim> tor = writer.PickVictims(count(15));
  std::vector<Victim> fatigue = writer.PickVictims(count(10));
  std::vector<Victim> replay = writer.PickVictims(count(15));
  std::vector<Victim> low = writer.PickVictims(count(5));
  std::vector<Victim> vpn_users = writer.PickVictims(count(100));
  std::vector<Victim> new_laptops = writer.PickVictims(count(100));
  std::vector<Victim> updates = writer.PickVictims(count(200));
  std::vector<Victim*> all;
  for (auto* group : {&foreign, &spoofed, &brute, &tor, &fatigue, &replay, &low, &vpn_users,
                      &new_laptops, &updates}) {
    for (Victim& v : *group) all.push_back(&v);
  }
  if (Status s = writer.FindAnchors(sign_ins.string(), all); !s.ok()) return s;

  writer.PickTorExits(std::max<std::size_t>(20, tor.size() * 2));
  auto each = [](std::vector<Victim>& group, auto&& attack) {
    for (const Victim& v : group) {
      if (v.anchor) attack(v);
    }
  };
  each(foreign, [&](const Victim& v) { writer.ForeignTakeover(v); });
  each(spoofed, [&](const Victim& v) { writer.SpoofedUserAgentTakeover(v); });
  each(brute, [&](const Victim& v) { writer.BruteForce(v); });
  each(tor, [&](const Victim& v) { writer.Anonymizer(v); });
  each(fatigue, [&](const Victim& v) { writer.MfaFatigue(v); });
  each(replay, [&](const Victim& v) { writer.TokenReplay(v); });
  each(low, [&](const Victim& v) { writer.LowSignal(v); });
  each(vpn_users, [&](const Victim& v) { writer.ConsumerVpn(v); });
  each(new_laptops, [&](const Victim& v) { writer.NewLaptop(v); });
  each(updates, [&](const Victim& v) { writer.BrowserUpdate(v); });
  const std::size_t spray_accounts = std::min<std::size_t>(150, users / 3);
  for (std::size_t c = 0; c < count(2); ++c) writer.Spray(false, spray_accounts, 3);
  writer.Spray(true, std::min<std::size_t>(120, users / 3), 2);
  std::string leak_feed;
  writer.Leaks(count(10), count(10), leak_feed);

  std::string netset = "# Tor exit nodes used by the simulated anonymizer attacks\n";
  for (std::uint32_t ip : writer.torExits()) netset.append(Ipv4Text(ip)).push_back('\n');
  if (Status s = WriteText(dir / "anonymizer.netset", netset); !s.ok()) return s;
  if (Status s = WriteText(dir / "leakedCredentials.ndjson", leak_feed); !s.ok()) return s;

  std::string labels;
  JsonWriter json(labels);
  json.BeginObject();
  json.Key("maliciousSignIns");
  json.BeginArray();
  for (const Label& label : writer.labels()) {
    json.BeginObject();
    json.Member("id", label.id);
    json.Member("attackType", label.attackType);
    json.Member("userId", label.userId);
    json.Member("successful", label.successful);
    json.EndObject();
  }
  json.EndArray();
  json.Key("compromisedUsers");
  json.BeginArray();
  for (const auto& [user, type] : writer.compromised()) {
    json.BeginObject();
    json.Member("userId", user);
    json.Member("attackType", type);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  labels.push_back('\n');
  if (Status s = WriteText(dir / "labels.json", labels); !s.ok()) return s;

  writer.summary().attackSignIns = writer.attacks().size() - writer.summary().benignLookAlikes;
  if (Status s = MergeSignIns(sign_ins, writer.attacks()); !s.ok()) return s;
  if (summary != nullptr) *summary = writer.summary();
  return Status::Ok();
}

}  // namespace idguard
