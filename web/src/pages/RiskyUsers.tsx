import { get, odataString, post, withQuery, type Page } from "../api";
import { Column, dayEnd, dayStart, ReportPage, riskDetailOptions, riskLevelOptions, riskStateOptions, type ReportConfig } from "../components/ReportPage";
import { KeyValues } from "../components/KeyValues";
import { RiskHistory } from "../components/RiskHistory";
import { Empty, ErrorState, LevelBadge, Loading } from "../components/States";
import { Tabs } from "../components/Tabs";
import { useAsync } from "../components/useAsync";
import { detectionLabel } from "../catalog";
import { daysAgo, enumLabel, formatDateTime } from "../format";
import { useCan } from "../session";
import type { RiskDetection, RiskyUser, SignIn } from "../types";

const base = "/v1.0/identityProtection/riskyUsers";

const columns: Column<RiskyUser>[] = [
  { key: "user", label: "User", render: (u) => u.userDisplayName || u.id, orderBy: undefined, download: "userDisplayName" },
  { key: "upn", label: "User principal name", render: (u) => u.userPrincipalName, download: "userPrincipalName" },
  { key: "riskLevel", label: "Risk level", render: (u) => <LevelBadge level={u.riskLevel} />, orderBy: "riskLevel", download: "riskLevel" },
  { key: "riskState", label: "Risk state", render: (u) => enumLabel(u.riskState), download: "riskState" },
  { key: "riskDetail", label: "Risk detail", render: (u) => enumLabel(u.riskDetail), download: "riskDetail" },
  { key: "updated", label: "Risk last updated", render: (u) => formatDateTime(u.riskLastUpdatedDateTime), orderBy: "riskLastUpdatedDateTime", download: "riskLastUpdatedDateTime" },
  { key: "id", label: "User id", render: (u) => <code>{u.id}</code>, download: "id", hidden: true },
];

const userIdsAction = (label: string, path: string, permission: string, danger = false) => ({
  label,
  permission,
  danger,
  confirm: (rows: RiskyUser[]) => `${label} for ${rows.length} user(s)?`,
  run: async (rows: RiskyUser[]) => {
    await post(`${base}/${path}`, { userIds: rows.map((row) => row.id) });
    return `${label}: done for ${rows.length} user(s).`;
  },
});

export const riskyUsersConfig: ReportConfig<RiskyUser> = {
  title: "Risky users",
  intro: "Users whose accounts idguard believes may be compromised, with the current risk and how it changed.",
  collection: base,
  download: "riskyUsers",
  defaultOrder: "riskLastUpdatedDateTime desc",
  filters: [
    { key: "riskLevel", label: "Risk level", kind: "select", options: riskLevelOptions, toFilter: (v) => `riskLevel eq '${v}'` },
    { key: "riskState", label: "Risk state", kind: "select", options: riskStateOptions, toFilter: (v) => `riskState eq '${v}'` },
    { key: "riskDetail", label: "Risk detail", kind: "select", options: riskDetailOptions, toFilter: (v) => `riskDetail eq '${v}'` },
    { key: "updatedFrom", label: "Updated from", kind: "date", toFilter: (v) => `riskLastUpdatedDateTime ge ${dayStart(v)}` },
    { key: "updatedTo", label: "Updated to", kind: "date", toFilter: (v) => `riskLastUpdatedDateTime lt ${dayEnd(v)}` },
    {
      key: "search",
      label: "Name",
      kind: "text",
      placeholder: "Starts with…",
      toFilter: (v) => `startsWith(userPrincipalName, ${odataString(v)}) or startsWith(userDisplayName, ${odataString(v)})`,
    },
  ],
  columns,
  rowKey: (u) => u.id,
  rowLabel: (u) => u.userDisplayName || u.userPrincipalName || u.id,
  actions: [
    userIdsAction("Confirm user compromised", "confirmCompromised", "riskActions", true),
    userIdsAction("Confirm user safe", "confirmSafe", "riskActions"),
    userIdsAction("Dismiss user risk", "dismiss", "riskActions"),
    {
      label: "Reset password",
      permission: "resetPassword",
      single: true,
      confirm: (rows) => `Reset the password of ${rows[0].userPrincipalName}? A temporary password is generated.`,
      run: async (rows) => {
        const answer = await post<{ temporaryPassword?: string }>(`/v1/users/${encodeURIComponent(rows[0].id)}/resetPassword`, { mode: "temporaryPassword" });
        return answer?.temporaryPassword
          ? `Temporary password for ${rows[0].userPrincipalName}: ${answer.temporaryPassword} (shown once)`
          : `Password of ${rows[0].userPrincipalName} reset.`;
      },
    },
    {
      label: "Block sign-in",
      permission: "manageUsers",
      danger: true,
      confirm: (rows) => `Block sign-in for ${rows.length} user(s)?`,
      run: async (rows) => {
        for (const row of rows) await post(`/v1/users/${encodeURIComponent(row.id)}/block`);
        return `Sign-in blocked for ${rows.length} user(s).`;
      },
    },
  ],
  details: (user) => <RiskyUserDetails user={user} />,
};

export function RiskyUsers() {
  return <ReportPage config={riskyUsersConfig} />;
}

function RiskyUserDetails({ user }: { user: RiskyUser }) {
  const can = useCan();
  const id = encodeURIComponent(user.id);
  const idLiteral = odataString(user.id);
  return (
    <>
      <p>
        <a class="button" href={`/users/${id}/timeline`}>
          Investigate: sign-in timeline
        </a>{" "}
        <a class="button subtle" href={`/riskySignIns?user=${encodeURIComponent(user.userPrincipalName)}`}>
          All risky sign-ins of this user
        </a>{" "}
        {can("readAccounts") && (
          <a class="button subtle" href={`/accounts?id=${id}`}>
            Manage the account
          </a>
        )}
      </p>
      <Tabs
        label="User details"
        tabs={[
          { id: "basic", label: "Basic info", render: () => <BasicInfo user={user} withAccount={can("readAccounts")} /> },
          {
            id: "signins",
            label: "Recent risky sign-ins",
            render: () => (
              <SignInList path={withQuery("/v1.0/auditLogs/signIns", { $filter: `userId eq ${idLiteral} and riskState ne 'none'`, $top: 20 })} />
            ),
          },
          {
            id: "detections",
            label: "Detections not linked to a sign-in",
            render: () => (
              <DetectionList
                path={withQuery("/v1.0/identityProtection/riskDetections", { $filter: `userId eq ${idLiteral} and requestId eq ''`, $top: 50 })}
              />
            ),
          },
          { id: "history", label: "Risk history", render: () => <History userId={user.id} /> },
          { id: "profile", label: "Familiar properties", render: () => <Profile userId={user.id} /> },
        ]}
      />
    </>
  );
}

function BasicInfo({ user, withAccount }: { user: RiskyUser; withAccount: boolean }) {
  const account = useAsync(
    () => (withAccount ? get<Record<string, unknown>>(`/v1/users/${encodeURIComponent(user.id)}`) : Promise.resolve(undefined)),
    user.id + withAccount,
  );
  const state = account.data;
  return (
    <KeyValues
      items={[
        ["User", user.userDisplayName],
        ["User principal name", user.userPrincipalName],
        ["User id", <code>{user.id}</code>],
        ["Risk level", <LevelBadge level={user.riskLevel} />],
        ["Risk state", enumLabel(user.riskState)],
        ["Risk detail", enumLabel(user.riskDetail)],
        ["Risk last updated", formatDateTime(user.riskLastUpdatedDateTime)],
        ["Sign-in allowed", state ? (state.accountEnabled ? "Yes" : "Blocked") : undefined],
        ["Must change password", state ? (state.mustChangePassword ? "Yes" : "No") : undefined],
        ["Last password reset", state ? formatDateTime(state.lastPasswordResetDateTime as string | null) : undefined],
        ["Sessions revoked", state ? formatDateTime(state.sessionsRevokedDateTime as string | null) : undefined],
      ]}
    />
  );
}

export function SignInList({ path }: { path: string }) {
  const list = useAsync(() => get<Page<SignIn>>(path), path);
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.value.length === 0) return <Empty>No risky sign-ins.</Empty>;
  return (
    <table class="data-table compact">
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Application</th>
          <th scope="col">IP address</th>
          <th scope="col">Location</th>
          <th scope="col">Risk (real-time / aggregated)</th>
          <th scope="col">Risk state</th>
          <th scope="col">Detections</th>
        </tr>
      </thead>
      <tbody>
        {list.data.value.map((signIn) => (
          <tr>
            <td>
              <a href={`/riskySignIns?selected=${encodeURIComponent(signIn.id)}&signInId=${encodeURIComponent(signIn.id)}`}>{formatDateTime(signIn.createdDateTime)}</a>
            </td>
            <td>{signIn.appDisplayName}</td>
            <td>{signIn.ipAddress}</td>
            <td>{[signIn.location?.city, signIn.location?.countryOrRegion].filter(Boolean).join(", ")}</td>
            <td>
              <LevelBadge level={signIn.riskLevelDuringSignIn} /> / <LevelBadge level={signIn.riskLevelAggregated} />
            </td>
            <td>{enumLabel(signIn.riskState)}</td>
            <td>{(signIn.riskEventTypes_v2 ?? []).map(detectionLabel).join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DetectionList({ path, exclude }: { path: string; exclude?: string }) {
  const list = useAsync(() => get<Page<RiskDetection>>(path), path);
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading />;
  const rows = list.data.value.filter((detection) => detection.id !== exclude);
  if (rows.length === 0) return <Empty>No detections.</Empty>;
  return (
    <table class="data-table compact">
      <thead>
        <tr>
          <th scope="col">Detected</th>
          <th scope="col">Detection</th>
          <th scope="col">Level</th>
          <th scope="col">State</th>
          <th scope="col">Timing</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((detection) => (
          <tr>
            <td>
              <a href={`/riskDetections?selected=${encodeURIComponent(detection.id)}&detectionId=${encodeURIComponent(detection.id)}`}>
                {formatDateTime(detection.detectedDateTime)}
              </a>
            </td>
            <td>{detectionLabel(detection.riskEventType)}</td>
            <td>
              <LevelBadge level={detection.riskLevel} />
            </td>
            <td>{enumLabel(detection.riskState)}</td>
            <td>{enumLabel(detection.detectionTimingType)}</td>
            <td>
              <Reasons info={detection.additionalInfo} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// additionalInfo is a JSON string of {Key, Value} pairs; the reasons are listed as text.
export function Reasons({ info }: { info?: string | null }) {
  if (!info) return <>—</>;
  let pairs: { Key: string; Value: unknown }[] = [];
  try {
    pairs = JSON.parse(info);
  } catch {
    return <>{info}</>;
  }
  return (
    <ul class="reasons">
      {pairs.map((pair) => (
        <li>
          <strong>{pair.Key}:</strong> {typeof pair.Value === "string" ? pair.Value : JSON.stringify(pair.Value)}
        </li>
      ))}
    </ul>
  );
}

function History({ userId }: { userId: string }) {
  const path = withQuery(`${base}/${encodeURIComponent(userId)}/history`, {
    $filter: `riskLastUpdatedDateTime ge ${daysAgo(90)}`,
    $top: 100,
  });
  return <RiskHistory path={path} empty="No risk changes in the last 90 days." />;
}

interface FamiliarValue {
  value: string;
  count: number;
  firstSeenDateTime?: string;
  lastSeenDateTime?: string;
}

function Profile({ userId }: { userId: string }) {
  const path = `/v1/users/${encodeURIComponent(userId)}/profile`;
  const profile = useAsync(
    () =>
      get<{ signInCount: number; isLearning: boolean; learningStartDateTime?: string; familiar: Record<string, FamiliarValue[]> }>(path).catch((error) => {
        if (error?.status === 404) return null;
        throw error;
      }),
    path,
  );
  if (profile.error) return <ErrorState error={profile.error} onRetry={profile.reload} />;
  if (profile.data === undefined) return <Loading />;
  if (profile.data === null) return <Empty>idguard has not learned anything about this user yet.</Empty>;
  const { familiar } = profile.data;
  return (
    <>
      <KeyValues
        items={[
          ["Sign-ins learned", String(profile.data.signInCount)],
          ["Learning", profile.data.isLearning ? "Still learning (unfamiliarity does not count yet)" : "Done"],
          ["Learning since", formatDateTime(profile.data.learningStartDateTime)],
        ]}
      />
      <div class="familiar-grid">
        {Object.entries(familiar ?? {}).map(([kind, values]) => (
          <div class="familiar">
            <h3>{enumLabel(kind)}</h3>
            {values.length === 0 ? (
              <p class="muted">None</p>
            ) : (
              <ul>
                {values.slice(0, 8).map((value) => (
                  <li>
                    <span>{value.value}</span>
                    <span class="muted">
                      {value.count}× · last {formatDateTime(value.lastSeenDateTime).slice(0, 10)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        ))}
      </div>
    </>
  );
}
