// SimulateAttacks: adds labelled attacks to a tenant written by SimulateTenant, so detection
// quality can be measured (`idguard score`).
//
// The attacks are those identity-protection products face (docs/DETECTION-QUALITY.md lists them
// with their parameters): account takeover from hosting networks abroad; takeover with the
// user's own user agent shortly after the user signed in far away; fast and slow password-spray
// campaigns with a few right guesses; brute force on one account; sign-ins through Tor exits;
// leaked credentials, current and stale; MFA fatigue; replay of a stolen session; and a
// low-signal takeover from the user's own city on the user's own browser, which nothing in the
// logs can tell from the user. Unlabelled benign look-alikes come with them, because they are what
// makes real tenants noisy: consumer VPNs exiting on hosting networks in the user's own country,
// replacement laptops, browser updates. Victims are chosen among users active after the learning
// period;
// attacker sign-ins copy what the victim's real sign-ins show (application, client) and change
// what the attacker cannot fake.
//
// Files changed or written in the tenant folder:
//   signIns.ndjson        the attack sign-ins merged in createdDateTime order
//   labels.json           {"maliciousSignIns": [{"id", "attackType", "userId", "successful"}],
//                          "compromisedUsers": [{"userId", "attackType"}]}
//   leakedCredentials.ndjson  the leak feed (--feed leaked-credentials=)
//   anonymizer.netset     the Tor exits the anonymizer attacks use (--feed anonymizer=)
// Deterministic: the same tenant and seed give the same bytes.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "idguard/core/status.h"
#include "idguard/enrich/asn_database.h"
#include "idguard/enrich/geoip_database.h"

namespace idguard {

struct AttackOptions {
  std::string tenantDirectory;  // written by SimulateTenant; required
  std::uint64_t seed = 1;
  // Attack counts are given per 10,000 users and scaled to the tenant (at least 2 of each).
  double intensity = 1.0;
};

struct AttackSummary {
  std::map<std::string, std::uint64_t> maliciousSignIns;  // successful ones, per attack type
  std::map<std::string, std::uint64_t> compromisedUsers;  // per attack type
  std::uint64_t attackSignIns = 0;                        // every sign-in added
  std::uint64_t benignLookAlikes = 0;  // unlabelled: consumer VPNs, new laptops, browser updates
};

Status SimulateAttacks(const AttackOptions& options, const GeoIpDatabase& geoip,
                       const AsnDatabase& asn, AttackSummary* summary);

}  // namespace idguard
