import { odataString } from "../api";
import { Column, dayEnd, dayStart, ReportPage, type ReportConfig } from "../components/ReportPage";
import { KeyValues } from "../components/KeyValues";
import { formatDateTime } from "../format";
import type { DirectoryAudit } from "../types";

const actor = (a: DirectoryAudit) => a.initiatedBy?.user?.userPrincipalName || a.initiatedBy?.user?.displayName || a.initiatedBy?.app?.displayName || "—";
const targets = (a: DirectoryAudit) => (a.targetResources ?? []).map((t) => t.displayName || t.id).join(", ");

const columns: Column<DirectoryAudit>[] = [
  { key: "date", label: "Date", render: (a) => formatDateTime(a.activityDateTime), orderBy: "activityDateTime", download: "activityDateTime" },
  { key: "category", label: "Category", render: (a) => a.category, download: "category" },
  { key: "activity", label: "Activity", render: (a) => a.activityDisplayName, download: "activityDisplayName" },
  { key: "actor", label: "Initiated by", render: actor, download: "initiatedBy" },
  { key: "targets", label: "Targets", render: targets, download: "targetResources", wrap: true },
  { key: "result", label: "Result", render: (a) => a.result, download: "result" },
];

const config: ReportConfig<DirectoryAudit> = {
  title: "Audit log",
  intro: "Every change made through idguard: risk actions, account actions, policies, settings, tokens and portal sign-ins.",
  collection: "/v1.0/auditLogs/directoryAudits",
  download: "directoryAudits",
  defaultOrder: "activityDateTime desc",
  filters: [
    { key: "from", label: "From", kind: "date", toFilter: (v) => `activityDateTime ge ${dayStart(v)}` },
    { key: "to", label: "To", kind: "date", toFilter: (v) => `activityDateTime lt ${dayEnd(v)}` },
    {
      key: "category",
      label: "Category",
      kind: "select",
      options: ["IdentityProtection", "UserManagement", "Policy", "Settings", "ApiTokens", "Portal"].map((c) => [c, c]),
      toFilter: (v) => `category eq ${odataString(v)}`,
    },
    { key: "activity", label: "Activity", kind: "text", placeholder: "Starts with…", toFilter: (v) => `startsWith(activityDisplayName, ${odataString(v)})` },
    { key: "result", label: "Result", kind: "select", options: [["success", "Success"], ["failure", "Failure"]], toFilter: (v) => `result eq '${v}'` },
    { key: "target", label: "Target id", kind: "text", toFilter: (v) => `targetResources/id/any(t: t eq ${odataString(v)})` },
  ],
  columns,
  rowKey: (a) => a.id,
  rowLabel: (a) => `${a.activityDisplayName} · ${formatDateTime(a.activityDateTime)}`,
  details: (audit) => (
    <>
      <KeyValues
        items={[
          ["Activity", audit.activityDisplayName],
          ["Category", audit.category],
          ["Date", formatDateTime(audit.activityDateTime)],
          ["Initiated by", actor(audit)],
          ["Result", `${audit.result}${audit.resultReason ? ` (${audit.resultReason})` : ""}`],
          ["Correlation id", audit.correlationId],
        ]}
      />
      <table class="data-table compact">
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col">Type</th>
            <th scope="col">Property</th>
            <th scope="col">Old value</th>
            <th scope="col">New value</th>
          </tr>
        </thead>
        <tbody>
          {(audit.targetResources ?? []).flatMap((target) =>
            (target.modifiedProperties?.length ? target.modifiedProperties : [{ displayName: "", oldValue: "", newValue: "" }]).map((property) => (
              <tr>
                <td>{target.displayName || target.id}</td>
                <td>{target.type}</td>
                <td>{property.displayName}</td>
                <td>{property.oldValue}</td>
                <td>{property.newValue}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </>
  ),
};

export function AuditLog() {
  return <ReportPage config={config} />;
}
