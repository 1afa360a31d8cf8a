import { odataString, post, withQuery } from "../api";
import { Column, ReportPage, riskLevelOptions, riskStateOptions, type ReportConfig } from "../components/ReportPage";
import { KeyValues } from "../components/KeyValues";
import { RiskHistory } from "../components/RiskHistory";
import { LevelBadge } from "../components/States";
import { enumLabel, formatDateTime } from "../format";
import type { RiskyServicePrincipal } from "../types";

const base = "/v1.0/identityProtection/riskyServicePrincipals";

const columns: Column<RiskyServicePrincipal>[] = [
  { key: "name", label: "Name", render: (s) => s.displayName, download: "displayName" },
  { key: "appId", label: "Application id", render: (s) => <code>{s.appId}</code>, download: "appId" },
  { key: "level", label: "Risk level", render: (s) => <LevelBadge level={s.riskLevel} />, orderBy: "riskLevel", download: "riskLevel" },
  { key: "state", label: "Risk state", render: (s) => enumLabel(s.riskState), download: "riskState" },
  { key: "detail", label: "Risk detail", render: (s) => enumLabel(s.riskDetail), download: "riskDetail" },
  { key: "updated", label: "Risk last updated", render: (s) => formatDateTime(s.riskLastUpdatedDateTime), orderBy: "riskLastUpdatedDateTime", download: "riskLastUpdatedDateTime" },
];

const action = (label: string, path: string, danger = false) => ({
  label,
  permission: "riskActions",
  danger,
  confirm: (rows: RiskyServicePrincipal[]) => `${label} for ${rows.length} workload identit(ies)?`,
  run: async (rows: RiskyServicePrincipal[]) => {
    await post(`${base}/${path}`, { servicePrincipalIds: rows.map((row) => row.id) });
    return `${label}: done for ${rows.length} workload identit(ies).`;
  },
});

const config: ReportConfig<RiskyServicePrincipal> = {
  title: "Risky workload identities",
  intro: "Service principals (applications and managed identities) at risk.",
  collection: base,
  download: "riskyServicePrincipals",
  defaultOrder: "riskLastUpdatedDateTime desc",
  filters: [
    { key: "riskLevel", label: "Risk level", kind: "select", options: riskLevelOptions, toFilter: (v) => `riskLevel eq '${v}'` },
    { key: "riskState", label: "Risk state", kind: "select", options: riskStateOptions, toFilter: (v) => `riskState eq '${v}'` },
    { key: "search", label: "Name", kind: "text", placeholder: "Starts with…", toFilter: (v) => `startsWith(displayName, ${odataString(v)})` },
  ],
  columns,
  rowKey: (s) => s.id,
  rowLabel: (s) => s.displayName || s.appId,
  actions: [action("Confirm compromised", "confirmCompromised", true), action("Dismiss risk", "dismiss")],
  details: (principal) => <Details principal={principal} />,
};

export function WorkloadIdentities() {
  return <ReportPage config={config} />;
}

function Details({ principal }: { principal: RiskyServicePrincipal }) {
  return (
    <>
      <KeyValues
        items={[
          ["Name", principal.displayName],
          ["Service principal id", <code>{principal.id}</code>],
          ["Application id", <code>{principal.appId}</code>],
          ["Type", principal.servicePrincipalType],
          ["Risk level", <LevelBadge level={principal.riskLevel} />],
          ["Risk state", enumLabel(principal.riskState)],
          ["Risk detail", enumLabel(principal.riskDetail)],
          ["Risk last updated", formatDateTime(principal.riskLastUpdatedDateTime)],
        ]}
      />
      <h3>Risk history</h3>
      <RiskHistory path={withQuery(`${base}/${encodeURIComponent(principal.id)}/history`, { $top: 50 })} empty="No risk changes recorded." />
    </>
  );
}
