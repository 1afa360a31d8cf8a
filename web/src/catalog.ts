// The detection types idguard raises (docs/detectors/), for filters and labels.
export const detectionTypes: [string, string][] = [
  ["unfamiliarFeatures", "Unfamiliar sign-in properties"],
  ["unlikelyTravel", "Atypical travel"],
  ["newCountry", "New country"],
  ["anonymizedIPAddress", "Anonymous IP address"],
  ["maliciousIPAddress", "Malicious IP address"],
  ["nationStateIP", "Threat-actor IP"],
  ["passwordSpray", "Password spray"],
  ["bruteForce", "Brute force"],
  ["mfaFatigue", "MFA fatigue"],
  ["anomalousToken", "Anomalous token"],
  ["suspiciousBrowser", "Suspicious browser"],
  ["userReportedSuspiciousActivity", "User-reported suspicious activity"],
  ["leakedCredentials", "Leaked credentials"],
  ["adminConfirmedUserCompromised", "Admin confirmed user compromised"],
];

export function detectionLabel(type: string): string {
  return detectionTypes.find(([value]) => value === type)?.[1] ?? type;
}
