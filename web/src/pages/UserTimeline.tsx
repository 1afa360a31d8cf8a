import { get, odataString, withQuery, type Page } from "../api";
import { Empty, ErrorState, LevelBadge, Loading } from "../components/States";
import { useAsync } from "../components/useAsync";
import { WorldMap, type MapPoint } from "../components/WorldMap";
import { detectionLabel } from "../catalog";
import { daysAgo, distanceKm, formatDateTime, formatNumber } from "../format";
import { setQuery, useLocation } from "../router";
import type { SignIn } from "../types";

// Faster than a commercial flight between two sign-ins: shown as an impossible hop.
const impossibleKmPerHour = 900;

interface Hop {
  from: SignIn;
  to: SignIn;
  km: number;
  kmPerHour: number;
}

export function UserTimeline({ userId }: { userId: string }) {
  const { query } = useLocation();
  const days = Number(query.get("days") ?? "30") || 30;
  const onlyRisky = query.get("risky") === "true";
  const clauses = [`userId eq ${odataString(userId)}`, `createdDateTime ge ${daysAgo(days)}`];
  if (onlyRisky) clauses.push("riskState ne 'none'");
  const path = withQuery("/v1.0/auditLogs/signIns", { $filter: clauses.join(" and "), $orderby: "createdDateTime desc", $top: 500 });
  const list = useAsync(() => get<Page<SignIn>>(path), path);
  const signIns = list.data?.value ?? [];
  const located = signIns
    .filter((s) => s.location?.geoCoordinates?.latitude != null && s.location?.geoCoordinates?.longitude != null)
    .slice()
    .reverse();
  const hops: Hop[] = [];
  for (let i = 1; i < located.length; i++) {
    const a = located[i - 1];
    const b = located[i];
    const km = distanceKm(a.location!.geoCoordinates!.latitude!, a.location!.geoCoordinates!.longitude!, b.location!.geoCoordinates!.latitude!, b.location!.geoCoordinates!.longitude!);
    if (km < 50) continue;
    const hours = Math.max(1 / 60, (Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime)) / 3600000);
    hops.push({ from: a, to: b, km, kmPerHour: km / hours });
  }
  const points: MapPoint[] = located.map((s) => ({
    latitude: s.location!.geoCoordinates!.latitude!,
    longitude: s.location!.geoCoordinates!.longitude!,
    radius: s.riskLevelAggregated !== "none" ? 6 : 4,
    className: `level-${s.riskLevelAggregated}`,
    label: `${formatDateTime(s.createdDateTime)} · ${[s.location?.city, s.location?.countryOrRegion].filter(Boolean).join(", ")} · ${s.ipAddress}`,
  }));
  const user = signIns[0];
  return (
    <section aria-labelledby="timeline-title">
      <header class="page-header row">
        <div>
          <h1 id="timeline-title">Sign-in timeline{user ? `: ${user.userDisplayName || user.userPrincipalName}` : ""}</h1>
          <p class="intro">
            Where and when the user signed in. Hops faster than {impossibleKmPerHour} km/h are marked impossible.
          </p>
        </div>
        <div class="filters">
          <label class="filter">
            <span>Period</span>
            <select value={String(days)} onChange={(event) => setQuery({ days: (event.target as HTMLSelectElement).value })}>
              <option value="7">Last 7 days</option>
              <option value="30">Last 30 days</option>
              <option value="90">Last 90 days</option>
            </select>
          </label>
          <label class="filter checkbox">
            <input type="checkbox" checked={onlyRisky} onChange={(event) => setQuery({ risky: (event.target as HTMLInputElement).checked ? "true" : undefined })} />
            <span>Risky sign-ins only</span>
          </label>
        </div>
      </header>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : signIns.length === 0 ? (
        <Empty>No sign-ins of this user in the period.</Empty>
      ) : (
        <>
          <section class="card">
            <WorldMap label="Map of the user's sign-ins with the path between them" points={points} path={points} />
          </section>
          {hops.length > 0 && (
            <section class="card">
              <h2>Travel between sign-ins</h2>
              <table class="data-table compact">
                <thead>
                  <tr>
                    <th scope="col">From</th>
                    <th scope="col">To</th>
                    <th scope="col">Distance</th>
                    <th scope="col">Time</th>
                    <th scope="col">Implied speed</th>
                  </tr>
                </thead>
                <tbody>
                  {hops.map((hop) => (
                    <tr class={hop.kmPerHour > impossibleKmPerHour ? "impossible" : undefined}>
                      <td>
                        {[hop.from.location?.city, hop.from.location?.countryOrRegion].filter(Boolean).join(", ")} · {formatDateTime(hop.from.createdDateTime)}
                      </td>
                      <td>
                        {[hop.to.location?.city, hop.to.location?.countryOrRegion].filter(Boolean).join(", ")} · {formatDateTime(hop.to.createdDateTime)}
                      </td>
                      <td>{formatNumber(Math.round(hop.km))} km</td>
                      <td>{((Date.parse(hop.to.createdDateTime) - Date.parse(hop.from.createdDateTime)) / 3600000).toFixed(1)} h</td>
                      <td>
                        {formatNumber(Math.round(hop.kmPerHour))} km/h
                        {hop.kmPerHour > impossibleKmPerHour && <strong class="flag"> impossible</strong>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          <section class="card">
            <h2>Sign-ins ({signIns.length}{list.data["@odata.nextLink"] ? "+, newest shown" : ""})</h2>
            <table class="data-table compact">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Application</th>
                  <th scope="col">IP address</th>
                  <th scope="col">Location</th>
                  <th scope="col">Device</th>
                  <th scope="col">Status</th>
                  <th scope="col">Risk</th>
                  <th scope="col">Detections</th>
                </tr>
              </thead>
              <tbody>
                {signIns.map((s) => (
                  <tr>
                    <td>
                      {s.riskState !== "none" ? (
                        <a href={`/riskySignIns?signInId=${encodeURIComponent(s.id)}&selected=${encodeURIComponent(s.id)}`}>{formatDateTime(s.createdDateTime)}</a>
                      ) : (
                        formatDateTime(s.createdDateTime)
                      )}
                    </td>
                    <td>{s.appDisplayName}</td>
                    <td>{s.ipAddress}</td>
                    <td>{[s.location?.city, s.location?.countryOrRegion].filter(Boolean).join(", ")}</td>
                    <td>{[s.deviceDetail?.operatingSystem, s.deviceDetail?.browser].filter(Boolean).join(" · ")}</td>
                    <td>{s.status?.errorCode ? `Failure ${s.status.errorCode}` : "Success"}</td>
                    <td>
                      <LevelBadge level={s.riskLevelAggregated} />
                    </td>
                    <td>{(s.riskEventTypes_v2 ?? []).map(detectionLabel).join(", ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </section>
  );
}
