import { odataString, post, withQuery } from "../api";
import { Column, dayEnd, dayStart, ReportPage, riskLevelOptions, riskStateOptions, type ReportConfig } from "../components/ReportPage";
import { KeyValues } from "../components/KeyValues";
import { LevelBadge } from "../components/States";
import { Tabs } from "../components/Tabs";
import { detectionLabel, detectionTypes } from "../catalog";
import { enumLabel, formatDateTime } from "../format";
import type { SignIn } from "../types";
import { DetectionList } from "./RiskyUsers";

const place = (s: SignIn) => [s.location?.city, s.location?.state, s.location?.countryOrRegion].filter(Boolean).join(", ");

const columns: Column<SignIn>[] = [
  { key: "date", label: "Date", render: (s) => formatDateTime(s.createdDateTime), orderBy: "createdDateTime", download: "createdDateTime" },
  { key: "user", label: "User", render: (s) => s.userDisplayName || s.userPrincipalName, download: "userDisplayName" },
  { key: "upn", label: "User principal name", render: (s) => s.userPrincipalName, download: "userPrincipalName", hidden: true },
  { key: "app", label: "Application", render: (s) => s.appDisplayName, download: "appDisplayName" },
  { key: "ip", label: "IP address", render: (s) => s.ipAddress, download: "ipAddress" },
  { key: "location", label: "Location", render: place, download: "location" },
  { key: "during", label: "Risk during sign-in", render: (s) => <LevelBadge level={s.riskLevelDuringSignIn} />, orderBy: "riskLevelDuringSignIn", download: "riskLevelDuringSignIn" },
  { key: "aggregated", label: "Aggregated risk", render: (s) => <LevelBadge level={s.riskLevelAggregated} />, orderBy: "riskLevelAggregated", download: "riskLevelAggregated" },
  { key: "state", label: "Risk state", render: (s) => enumLabel(s.riskState), download: "riskState" },
  { key: "detail", label: "Risk detail", render: (s) => enumLabel(s.riskDetail), download: "riskDetail", hidden: true },
  { key: "types", label: "Detections", render: (s) => (s.riskEventTypes_v2 ?? []).map(detectionLabel).join(", "), download: "riskEventTypes_v2", wrap: true },
  { key: "interactive", label: "Interactive", render: (s) => (s.isInteractive ? "Yes" : "No"), download: "isInteractive", hidden: true },
  { key: "status", label: "Status", render: (s) => (s.status?.errorCode ? `Failure (${s.status.errorCode})` : "Success"), download: "status", hidden: true },
];

const requestIdsAction = (label: string, path: string, danger = false) => ({
  label,
  permission: "riskActions",
  danger,
  confirm: (rows: SignIn[]) => `${label} for ${rows.length} sign-in(s)?`,
  run: async (rows: SignIn[]) => {
    await post(`/v1.0/auditLogs/signIns/${path}`, { requestIds: rows.map((row) => row.id) });
    return `${label}: done for ${rows.length} sign-in(s).`;
  },
});

export const riskySignInsConfig: ReportConfig<SignIn> = {
  title: "Risky sign-ins",
  intro: "Sign-ins with risk, real-time or found later, and what was done about them.",
  collection: "/v1.0/auditLogs/signIns",
  download: "signIns",
  baseFilter: "riskState ne 'none'",
  defaultOrder: "createdDateTime desc",
  filters: [
    { key: "from", label: "From", kind: "date", toFilter: (v) => `createdDateTime ge ${dayStart(v)}` },
    { key: "to", label: "To", kind: "date", toFilter: (v) => `createdDateTime lt ${dayEnd(v)}` },
    { key: "riskLevelDuringSignIn", label: "Risk during sign-in", kind: "select", options: riskLevelOptions, toFilter: (v) => `riskLevelDuringSignIn eq '${v}'` },
    { key: "riskLevelAggregated", label: "Aggregated risk", kind: "select", options: riskLevelOptions, toFilter: (v) => `riskLevelAggregated eq '${v}'` },
    { key: "riskState", label: "Risk state", kind: "select", options: riskStateOptions, toFilter: (v) => `riskState eq '${v}'` },
    { key: "detection", label: "Detection type", kind: "select", options: detectionTypes, toFilter: (v) => `riskEventTypes_v2/any(t: t eq ${odataString(v)})` },
    { key: "interactive", label: "Sign-in type", kind: "select", options: [["true", "Interactive"], ["false", "Non-interactive"]], toFilter: (v) => `isInteractive eq ${v === "true"}` },
    { key: "user", label: "User", kind: "text", placeholder: "UPN starts with…", toFilter: (v) => `startsWith(userPrincipalName, ${odataString(v)})` },
    { key: "app", label: "Application", kind: "text", placeholder: "Starts with…", toFilter: (v) => `startsWith(appDisplayName, ${odataString(v)})` },
    { key: "country", label: "Country", kind: "text", placeholder: "e.g. US", toFilter: (v) => `location/countryOrRegion eq ${odataString(v.toUpperCase())}` },
    { key: "ip", label: "IP address", kind: "text", placeholder: "Starts with…", toFilter: (v) => `startsWith(ipAddress, ${odataString(v)})` },
    { key: "signInId", label: "Sign-in id", kind: "text", toFilter: (v) => `id eq ${odataString(v)}` },
  ],
  columns,
  rowKey: (s) => s.id,
  rowLabel: (s) => `${s.userPrincipalName} · ${formatDateTime(s.createdDateTime)}`,
  actions: [requestIdsAction("Confirm sign-in compromised", "confirmCompromised", true), requestIdsAction("Confirm sign-in safe", "confirmSafe")],
  details: (signIn) => <SignInDetails signIn={signIn} />,
};

export function RiskySignIns() {
  return <ReportPage config={riskySignInsConfig} />;
}

export function SignInDetails({ signIn }: { signIn: SignIn }) {
  const coordinates = signIn.location?.geoCoordinates;
  const policies = signIn.appliedConditionalAccessPolicies ?? [];
  return (
    <>
      <p>
        <a class="button" href={`/users/${encodeURIComponent(signIn.userId)}/timeline`}>
          Investigate the user's sign-ins
        </a>{" "}
        <a class="button subtle" href={`/riskyUsers?selected=${encodeURIComponent(signIn.userId)}&search=${encodeURIComponent(signIn.userPrincipalName)}`}>
          Open the risky user
        </a>
      </p>
      <Tabs
        label="Sign-in details"
        tabs={[
          {
            id: "basic",
            label: "Basic info",
            render: () => (
              <KeyValues
                items={[
                  ["Date", formatDateTime(signIn.createdDateTime)],
                  ["Request id", <code>{signIn.id}</code>],
                  ["User", `${signIn.userDisplayName ?? ""} (${signIn.userPrincipalName})`],
                  ["Application", signIn.appDisplayName],
                  ["Client app", signIn.clientAppUsed],
                  ["Interactive", signIn.isInteractive ? "Yes" : "No"],
                  ["Status", signIn.status?.errorCode ? `Failure ${signIn.status.errorCode}: ${signIn.status.failureReason ?? ""}` : "Success"],
                  ["Risk during sign-in", <LevelBadge level={signIn.riskLevelDuringSignIn} />],
                  ["Aggregated risk", <LevelBadge level={signIn.riskLevelAggregated} />],
                  ["Risk state", enumLabel(signIn.riskState)],
                  ["Risk detail", enumLabel(signIn.riskDetail)],
                ]}
              />
            ),
          },
          {
            id: "location",
            label: "Location and device",
            render: () => (
              <KeyValues
                items={[
                  ["IP address", signIn.ipAddress],
                  ["Location", place(signIn)],
                  ["Coordinates", coordinates?.latitude != null ? `${coordinates.latitude.toFixed(3)}, ${coordinates.longitude?.toFixed(3)}` : undefined],
                  ["Operating system", signIn.deviceDetail?.operatingSystem],
                  ["Browser", signIn.deviceDetail?.browser],
                  ["Device", signIn.deviceDetail?.displayName || signIn.deviceDetail?.deviceId],
                  ["Compliant", signIn.deviceDetail?.isCompliant ? "Yes" : "No"],
                  ["Managed", signIn.deviceDetail?.isManaged ? "Yes" : "No"],
                  ["Join type", signIn.deviceDetail?.trustType],
                  ["User agent", signIn.userAgent],
                ]}
              />
            ),
          },
          {
            id: "mfa",
            label: "Authentication and policies",
            render: () => (
              <>
                <KeyValues
                  items={[
                    ["Requirement", enumLabel(signIn.authenticationRequirement)],
                    ["MFA method", signIn.mfaDetail?.authMethod],
                    ["MFA detail", signIn.mfaDetail?.authDetail],
                    ["Conditional access", enumLabel(signIn.conditionalAccessStatus)],
                  ]}
                />
                {policies.length === 0 ? (
                  <p class="muted">No conditional access policy applied.</p>
                ) : (
                  <table class="data-table compact">
                    <thead>
                      <tr>
                        <th scope="col">Policy</th>
                        <th scope="col">Result</th>
                        <th scope="col">Controls</th>
                      </tr>
                    </thead>
                    <tbody>
                      {policies.map((policy) => (
                        <tr>
                          <td>{policy.displayName}</td>
                          <td>{enumLabel(policy.result)}</td>
                          <td>{(policy.enforcedGrantControls ?? []).join(", ")}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </>
            ),
          },
          {
            id: "detections",
            label: "Detections and reasons",
            render: () => (
              <DetectionList path={withQuery("/v1.0/identityProtection/riskDetections", { $filter: `requestId eq ${odataString(signIn.id)}`, $top: 50 })} />
            ),
          },
        ]}
      />
    </>
  );
}
