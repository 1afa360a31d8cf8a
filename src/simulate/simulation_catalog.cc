#include "simulate/simulation_catalog.h"

#include <array>
#include <cassert>

namespace idguard::simulate {
namespace {

constexpr std::array kCities = {
    // Headquarters and branch offices.
    City{"Chicago", "US", 41.8781, -87.6298, -360, DstRule::kUnitedStates},
    City{"London", "GB", 51.5072, -0.1276, 0, DstRule::kEuropeanUnion},
    City{"Toronto", "CA", 43.6532, -79.3832, -300, DstRule::kUnitedStates},
    // Where remote staff live and where people travel.
    City{"New York", "US", 40.7128, -74.0060, -300, DstRule::kUnitedStates},
    City{"San Francisco", "US", 37.7749, -122.4194, -480, DstRule::kUnitedStates},
    City{"Seattle", "US", 47.6062, -122.3321, -480, DstRule::kUnitedStates},
    City{"Dallas", "US", 32.7767, -96.7970, -360, DstRule::kUnitedStates},
    City{"Atlanta", "US", 33.7490, -84.3880, -300, DstRule::kUnitedStates},
    City{"Boston", "US", 42.3601, -71.0589, -300, DstRule::kUnitedStates},
    City{"Denver", "US", 39.7392, -104.9903, -420, DstRule::kUnitedStates},
    City{"Austin", "US", 30.2672, -97.7431, -360, DstRule::kUnitedStates},
    City{"Minneapolis", "US", 44.9778, -93.2650, -360, DstRule::kUnitedStates},
    City{"Manchester", "GB", 53.4808, -2.2426, 0, DstRule::kEuropeanUnion},
    City{"Vancouver", "CA", 49.2827, -123.1207, -480, DstRule::kUnitedStates},
    City{"Frankfurt", "DE", 50.1109, 8.6821, 60, DstRule::kEuropeanUnion},
    City{"Berlin", "DE", 52.5200, 13.4050, 60, DstRule::kEuropeanUnion},
    City{"Munich", "DE", 48.1351, 11.5820, 60, DstRule::kEuropeanUnion},
    City{"Paris", "FR", 48.8566, 2.3522, 60, DstRule::kEuropeanUnion},
    City{"Amsterdam", "NL", 52.3676, 4.9041, 60, DstRule::kEuropeanUnion},
    City{"Dublin", "IE", 53.3498, -6.2603, 0, DstRule::kEuropeanUnion},
    City{"Madrid", "ES", 40.4168, -3.7038, 60, DstRule::kEuropeanUnion},
    City{"Bengaluru", "IN", 12.9716, 77.5946, 330, DstRule::kNone},
    City{"Sydney", "AU", -33.8688, 151.2093, 600, DstRule::kAustralia},
};

constexpr std::array kOfficeSites = {
    OfficeSite{"Headquarters - Chicago", 0},
    OfficeSite{"Branch office - London", 1},
    OfficeSite{"Branch office - Toronto", 2},
};

// Well-known consumer broadband and mobile networks (public ASN assignments).
constexpr std::array kIspNetworks = {
    IspNetwork{"US", 7922, IspKind::kResidential},   // Comcast
    IspNetwork{"US", 20115, IspKind::kResidential},  // Charter
    IspNetwork{"US", 11427, IspKind::kResidential},  // Charter (Spectrum)
    IspNetwork{"US", 7018, IspKind::kResidential},   // AT&T
    IspNetwork{"US", 701, IspKind::kResidential},    // Verizon
    IspNetwork{"US", 22773, IspKind::kResidential},  // Cox
    IspNetwork{"US", 21928, IspKind::kMobile},       // T-Mobile USA
    IspNetwork{"US", 6167, IspKind::kMobile},        // Verizon Wireless
    IspNetwork{"US", 20057, IspKind::kMobile},       // AT&T Mobility
    IspNetwork{"GB", 2856, IspKind::kResidential},   // BT
    IspNetwork{"GB", 5607, IspKind::kResidential},   // Sky UK
    IspNetwork{"GB", 5089, IspKind::kResidential},   // Virgin Media
    IspNetwork{"GB", 13285, IspKind::kResidential},  // TalkTalk
    IspNetwork{"GB", 25135, IspKind::kMobile},       // Vodafone UK
    IspNetwork{"GB", 206067, IspKind::kMobile},      // Three UK
    IspNetwork{"GB", 35228, IspKind::kMobile},       // O2 UK
    IspNetwork{"CA", 812, IspKind::kResidential},    // Rogers
    IspNetwork{"CA", 577, IspKind::kResidential},    // Bell Canada
    IspNetwork{"CA", 6327, IspKind::kResidential},   // Shaw
    IspNetwork{"CA", 5769, IspKind::kResidential},   // Videotron
    IspNetwork{"CA", 852, IspKind::kMobile},         // TELUS
    IspNetwork{"DE", 3320, IspKind::kResidential},   // Deutsche Telekom
    IspNetwork{"DE", 3209, IspKind::kResidential},   // Vodafone Germany
    IspNetwork{"DE", 6805, IspKind::kMobile},        // Telefonica Germany (O2)
    IspNetwork{"FR", 3215, IspKind::kResidential},   // Orange
    IspNetwork{"FR", 12322, IspKind::kResidential},  // Free
    IspNetwork{"FR", 15557, IspKind::kResidential},  // SFR
    IspNetwork{"FR", 5410, IspKind::kMobile},        // Bouygues Telecom
    IspNetwork{"NL", 1136, IspKind::kResidential},   // KPN
    IspNetwork{"NL", 33915, IspKind::kResidential},  // Vodafone Ziggo
    IspNetwork{"NL", 33915, IspKind::kMobile},       // Vodafone Ziggo
    IspNetwork{"IE", 5466, IspKind::kResidential},   // Eir
    IspNetwork{"IE", 6830, IspKind::kResidential},   // Virgin Media Ireland
    IspNetwork{"IE", 15502, IspKind::kMobile},       // Vodafone Ireland
    IspNetwork{"IE", 13280, IspKind::kMobile},       // Three Ireland
    IspNetwork{"ES", 3352, IspKind::kResidential},   // Telefonica (Movistar)
    IspNetwork{"ES", 12479, IspKind::kResidential},  // Orange Spain
    IspNetwork{"ES", 12430, IspKind::kMobile},       // Vodafone Spain
    IspNetwork{"IN", 24560, IspKind::kResidential},  // Bharti Airtel broadband
    IspNetwork{"IN", 55836, IspKind::kMobile},       // Reliance Jio
    IspNetwork{"IN", 45609, IspKind::kMobile},       // Bharti Airtel mobile
    IspNetwork{"AU", 1221, IspKind::kResidential},   // Telstra
    IspNetwork{"AU", 7545, IspKind::kResidential},   // TPG
    IspNetwork{"AU", 4804, IspKind::kMobile},        // Optus
};

// Chrome-based user agents carry a frozen "Windows NT 10.0" and "Mac OS X 10_15_7" platform
// token even on Windows 11 and current macOS, exactly as real browsers send them.
constexpr std::array<ClientProfile, static_cast<std::size_t>(ClientId::kCount)> kClients = {{
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
     "Windows10", "Edge 131.0.0", true},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36",
     "Windows10", "Chrome 131.0.0", true},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
     "Windows10", "Firefox 133.0", true},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0 Teams/24295.605.3225.8804/49",
     "Windows10", "Rich Client 4.66.0.0", false},
    {"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.18227; Pro)", "Windows10",
     "Rich Client 16.0.18227.20152", false},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1.1 Safari/605.1.15",
     "MacOs", "Safari 18.1.1", true},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36",
     "MacOs", "Chrome 131.0.0", true},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Teams/24295.605.3225.8804/49",
     "MacOs", "Rich Client 4.66.0.0", false},
    {"MacOutlook/16.91.24111020 (Intelx64 Mac OS X 15.1.1 (Build 24B91))", "MacOs",
     "Rich Client 16.91.24111020", false},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1",
     "Ios", "Mobile Safari 18.1.1", true},
    {"Outlook-iOS/723.4027091.prod.iphone (4.2447.0)", "Ios", "Rich Client 4.2447.0", false},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Mobile Safari/537.36",
     "Android", "Chrome Mobile 131.0.0", true},
    {"Outlook-Android/2.0", "Android", "Rich Client 4.2446.1", false},
}};

constexpr std::array<Application, static_cast<std::size_t>(AppId::kCount)> kApps = {{
    {"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online",
     "00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"},
    {"1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams",
     "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe", "Microsoft Teams Services"},
    {"00000003-0000-0ff1-ce00-000000000000", "SharePoint Online",
     "00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online"},
    {"c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal", "797f4846-ba00-4fd7-ba43-dac1f8f63013",
     "Windows Azure Service Management API"},
    {"d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office",
     "00000003-0000-0000-c000-000000000000", "Microsoft Graph"},
    {"27922004-5251-4030-b22d-91ecd9a37ea4", "Outlook Mobile",
     "00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"},
}};

constexpr std::array kDepartments = {
    Department{"Engineering", 0.24}, Department{"Sales", 0.18},
    Department{"Operations", 0.14},  Department{"Customer Support", 0.12},
    Department{"Marketing", 0.09},   Department{"Finance", 0.08},
    Department{"IT", 0.07},          Department{"Human Resources", 0.05},
    Department{"Legal", 0.03},
};

constexpr std::array kServicePrincipals = {
    ServicePrincipalProfile{"HR Directory Sync", 60},
    ServicePrincipalProfile{"Backup Service", 240},
    ServicePrincipalProfile{"Monitoring Agent", 30},
    ServicePrincipalProfile{"Payroll Export", 1440},
    ServicePrincipalProfile{"Deployment Pipeline", 120},
    ServicePrincipalProfile{"Ticketing Integration", 60},
    ServicePrincipalProfile{"Mail Archiver", 60},
    ServicePrincipalProfile{"Security Scanner", 360},
};

constexpr std::string_view kFirstNames[] = {
    "James",   "Mary",      "Robert",   "Patricia", "John",    "Jennifer",  "Michael",  "Linda",
    "David",   "Elizabeth", "William",  "Barbara",  "Richard", "Susan",     "Joseph",   "Jessica",
    "Thomas",  "Sarah",     "Charles",  "Karen",    "Daniel",  "Lisa",      "Matthew",  "Nancy",
    "Anthony", "Betty",     "Mark",     "Sandra",   "Steven",  "Ashley",    "Paul",     "Emily",
    "Andrew",  "Michelle",  "Joshua",   "Amanda",   "Kevin",   "Melissa",   "Brian",    "Deborah",
    "George",  "Stephanie", "Timothy",  "Rebecca",  "Ronald",  "Laura",     "Jason",    "Helen",
    "Edward",  "Sharon",    "Jeffrey",  "Cynthia",  "Ryan",    "Kathleen",  "Jacob",    "Amy",
    "Gary",    "Angela",    "Nicholas", "Anna",     "Eric",    "Brenda",    "Jonathan", "Emma",
    "Stephen", "Olivia",    "Larry",    "Sophia",   "Justin",  "Grace",     "Oliver",   "Amelia",
    "Harry",   "Isla",      "Jack",     "Ava",      "Noah",    "Mia",       "Liam",     "Chloe",
    "Lukas",   "Hannah",    "Felix",    "Lena",     "Jonas",   "Lea",       "Hugo",     "Camille",
    "Louis",   "Manon",     "Sem",      "Julia",    "Daan",    "Fleur",     "Sean",     "Aoife",
    "Conor",   "Niamh",     "Pablo",    "Lucia",    "Javier",  "Carmen",    "Arjun",    "Priya",
    "Rahul",   "Ananya",    "Vikram",   "Divya",    "Wei",     "Mei",       "Hiroshi",  "Yuki",
    "Omar",    "Fatima",    "Ahmed",    "Layla",    "Mateo",   "Valentina", "Kwame",    "Amara",
};

constexpr std::string_view kLastNames[] = {
    "Smith",     "Johnson",    "Williams", "Brown",     "Jones",    "Garcia",   "Miller",
    "Davis",     "Rodriguez",  "Martinez", "Hernandez", "Lopez",    "Gonzalez", "Wilson",
    "Anderson",  "Thomas",     "Taylor",   "Moore",     "Jackson",  "Martin",   "Lee",
    "Perez",     "Thompson",   "White",    "Harris",    "Sanchez",  "Clark",    "Ramirez",
    "Lewis",     "Robinson",   "Walker",   "Young",     "Allen",    "King",     "Wright",
    "Scott",     "Torres",     "Nguyen",   "Hill",      "Flores",   "Green",    "Adams",
    "Nelson",    "Baker",      "Hall",     "Rivera",    "Campbell", "Mitchell", "Carter",
    "Roberts",   "Evans",      "Turner",   "Phillips",  "Parker",   "Collins",  "Edwards",
    "Stewart",   "Morris",     "Murphy",   "Cook",      "Rogers",   "Morgan",   "Cooper",
    "Peterson",  "Reed",       "Bailey",   "Bell",      "Kelly",    "Howard",   "Ward",
    "Cox",       "Richardson", "Wood",     "Watson",    "Brooks",   "Bennett",  "Gray",
    "Hughes",    "Price",      "Sanders",  "Patel",     "Shah",     "Sharma",   "Singh",
    "Kumar",     "Iyer",       "Chen",     "Wang",      "Li",       "Zhang",    "Liu",
    "Tanaka",    "Sato",       "Kim",      "Park",      "Muller",   "Schmidt",  "Schneider",
    "Fischer",   "Weber",      "Becker",   "Dubois",    "Laurent",  "Moreau",   "Bernard",
    "de Vries",  "Jansen",     "Bakker",   "Visser",    "O'Brien",  "Byrne",    "Ryan",
    "Fernandez", "Ruiz",       "Navarro",  "Mensah",    "Okafor",   "Haddad",   "Rossi",
    "Novak",
};

constexpr std::string_view kSanctioned[] = {"CU", "IR", "KP", "SY"};

}  // namespace

std::span<const City> Cities() { return kCities; }

std::size_t CityIndex(std::string_view name) {
  for (std::size_t i = 0; i < kCities.size(); ++i) {
    if (kCities[i].name == name) {
      return i;
    }
  }
  assert(false && "CityIndex: the catalog has no city of that name");
  return 0;
}

std::span<const OfficeSite> OfficeSites() { return kOfficeSites; }
std::span<const IspNetwork> IspNetworks() { return kIspNetworks; }
const ClientProfile& Client(ClientId id) { return kClients[static_cast<std::size_t>(id)]; }
const Application& App(AppId id) { return kApps[static_cast<std::size_t>(id)]; }
std::span<const Department> Departments() { return kDepartments; }
std::span<const ServicePrincipalProfile> ServicePrincipalProfiles() { return kServicePrincipals; }
std::span<const std::string_view> FirstNames() { return kFirstNames; }
std::span<const std::string_view> LastNames() { return kLastNames; }
std::span<const std::string_view> SanctionedCountries() { return kSanctioned; }

}  // namespace idguard::simulate
