import { odataString, withQuery } from "../api";
import { Column, dayEnd, dayStart, ReportPage, riskLevelOptions, riskStateOptions, type ReportConfig } from "../components/ReportPage";
import { KeyValues } from "../components/KeyValues";
import { LevelBadge } from "../components/States";
import { detectionLabel, detectionTypes } from "../catalog";
import { enumLabel, formatDateTime } from "../format";
import type { RiskDetection } from "../types";
import { DetectionList, Reasons } from "./RiskyUsers";

const columns: Column<RiskDetection>[] = [
  { key: "detected", label: "Detected", render: (d) => formatDateTime(d.detectedDateTime), orderBy: "detectedDateTime", download: "detectedDateTime" },
  { key: "user", label: "User", render: (d) => d.userDisplayName || d.userPrincipalName || d.userId, download: "userDisplayName" },
  { key: "upn", label: "User principal name", render: (d) => d.userPrincipalName, download: "userPrincipalName", hidden: true },
  { key: "type", label: "Detection type", render: (d) => detectionLabel(d.riskEventType), download: "riskEventType" },
  { key: "level", label: "Risk level", render: (d) => <LevelBadge level={d.riskLevel} />, orderBy: "riskLevel", download: "riskLevel" },
  { key: "state", label: "Risk state", render: (d) => enumLabel(d.riskState), download: "riskState" },
  { key: "timing", label: "Timing", render: (d) => enumLabel(d.detectionTimingType), download: "detectionTimingType" },
  { key: "ip", label: "IP address", render: (d) => d.ipAddress, download: "ipAddress" },
  { key: "location", label: "Location", render: (d) => [d.location?.city, d.location?.countryOrRegion].filter(Boolean).join(", "), download: "location", hidden: true },
  { key: "activity", label: "Activity", render: (d) => enumLabel(d.activity), download: "activity", hidden: true },
];

export const riskDetectionsConfig: ReportConfig<RiskDetection> = {
  title: "Risk detections",
  intro: "Every risk idguard detected, real-time and offline, with the reasons behind it.",
  collection: "/v1.0/identityProtection/riskDetections",
  download: "riskDetections",
  defaultOrder: "detectedDateTime desc",
  filters: [
    { key: "from", label: "From", kind: "date", toFilter: (v) => `detectedDateTime ge ${dayStart(v)}` },
    { key: "to", label: "To", kind: "date", toFilter: (v) => `detectedDateTime lt ${dayEnd(v)}` },
    { key: "type", label: "Detection type", kind: "select", options: detectionTypes, toFilter: (v) => `riskEventType eq ${odataString(v)}` },
    { key: "riskLevel", label: "Risk level", kind: "select", options: riskLevelOptions, toFilter: (v) => `riskLevel eq '${v}'` },
    { key: "timing", label: "Timing", kind: "select", options: [["realtime", "Real-time"], ["nearRealtime", "Near real-time"], ["offline", "Offline"]], toFilter: (v) => `detectionTimingType eq '${v}'` },
    { key: "riskState", label: "Risk state", kind: "select", options: riskStateOptions, toFilter: (v) => `riskState eq '${v}'` },
    { key: "user", label: "User", kind: "text", placeholder: "UPN starts with…", toFilter: (v) => `startsWith(userPrincipalName, ${odataString(v)})` },
    { key: "detectionId", label: "Detection id", kind: "text", toFilter: (v) => `id eq ${odataString(v)}` },
  ],
  columns,
  rowKey: (d) => d.id,
  rowLabel: (d) => `${detectionLabel(d.riskEventType)} · ${d.userPrincipalName ?? d.userId}`,
  details: (detection) => <DetectionDetails detection={detection} />,
};

export function RiskDetections() {
  return <ReportPage config={riskDetectionsConfig} />;
}

function sameTimeFilter(detection: RiskDetection): string {
  // Other risks of the same sign-in; for offline detections without one, the same user within
  // five minutes either side.
  if (detection.requestId) return `requestId eq ${odataString(detection.requestId)}`;
  const at = new Date(detection.detectedDateTime).getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  return `userId eq ${odataString(detection.userId)} and detectedDateTime ge ${iso(at - 300000)} and detectedDateTime le ${iso(at + 300000)}`;
}

function DetectionDetails({ detection }: { detection: RiskDetection }) {
  return (
    <>
      <p>
        <a class="button subtle" href={`/riskyUsers?selected=${encodeURIComponent(detection.userId)}&search=${encodeURIComponent(detection.userPrincipalName ?? "")}`}>
          Open the user
        </a>{" "}
        {detection.requestId && (
          <a class="button subtle" href={`/riskySignIns?signInId=${encodeURIComponent(detection.requestId)}&selected=${encodeURIComponent(detection.requestId)}`}>
            Open the sign-in
          </a>
        )}{" "}
        <a class="button subtle" href={`/users/${encodeURIComponent(detection.userId)}/timeline`}>
          User's sign-in timeline
        </a>
      </p>
      <KeyValues
        items={[
          ["Detection", detectionLabel(detection.riskEventType)],
          ["Risk level", <LevelBadge level={detection.riskLevel} />],
          ["Risk state", enumLabel(detection.riskState)],
          ["Risk detail", enumLabel(detection.riskDetail)],
          ["Timing", enumLabel(detection.detectionTimingType)],
          ["Source", detection.source],
          ["Activity", `${enumLabel(detection.activity)} at ${formatDateTime(detection.activityDateTime)}`],
          ["Detected", formatDateTime(detection.detectedDateTime)],
          ["IP address", detection.ipAddress],
          ["Location", [detection.location?.city, detection.location?.state, detection.location?.countryOrRegion].filter(Boolean).join(", ")],
          ["Request id", detection.requestId ? <code>{detection.requestId}</code> : "Not linked to a sign-in"],
          ["Why", <Reasons info={detection.additionalInfo} />],
        ]}
      />
      <h3>Other risks triggered at the same time</h3>
      <DetectionList path={withQuery("/v1.0/identityProtection/riskDetections", { $filter: sameTimeFilter(detection), $top: 50 })} exclude={detection.id} />
    </>
  );
}
