import { get, withQuery } from "../api";
import { ErrorState, Loading } from "../components/States";
import { TrendChart } from "../components/TrendChart";
import { useAsync } from "../components/useAsync";
import { WorldMap } from "../components/WorldMap";
import { detectionLabel } from "../catalog";
import { formatDate, formatNumber } from "../format";
import { setQuery, useLocation } from "../router";
import type { LevelCounts, Overview as OverviewData } from "../types";

const periods: [string, string][] = [
  ["7", "Last 7 days"],
  ["30", "Last 30 days"],
  ["90", "Last 90 days"],
];

function LevelCard({ title, counts, link }: { title: string; counts: LevelCounts; link: (level: string) => string }) {
  const total = counts.high + counts.medium + counts.low;
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      <p class="card-total">{formatNumber(total)}</p>
      <ul class="level-counts">
        {(["high", "medium", "low"] as const).map((level) => (
          <li>
            <a href={link(level)} class={`level-link level-${level}`}>
              <span class="level-name">{level.charAt(0).toUpperCase() + level.slice(1)}</span>
              <span class="level-count" data-level={level}>
                {formatNumber(counts[level])}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Overview() {
  const { query } = useLocation();
  const days = Number(query.get("days") ?? "30") || 30;
  const to = new Date();
  const from = new Date(to.getTime() - days * 86400000);
  from.setUTCHours(0, 0, 0, 0);
  const fromDay = from.toISOString().slice(0, 10);
  const path = withQuery("/v1/reports/overview", { from: `${fromDay}T00:00:00Z` });
  const overview = useAsync(() => get<OverviewData>(path), path);
  const data = overview.data;
  const maxPlace = Math.max(1, ...(data?.riskySignInLocations ?? []).map((place) => place.riskySignIns));
  return (
    <section aria-labelledby="overview-title">
      <header class="page-header row">
        <div>
          <h1 id="overview-title">Overview</h1>
          <p class="intro">Identity risk in your organisation{data ? `, ${formatDate(data.from)} to ${formatDate(data.to)}` : ""}.</p>
        </div>
        <label class="filter">
          <span>Period</span>
          <select value={String(days)} onChange={(event) => setQuery({ days: (event.target as HTMLSelectElement).value })}>
            {periods.map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </label>
      </header>
      {overview.error ? (
        <ErrorState error={overview.error} onRetry={overview.reload} />
      ) : !data ? (
        <Loading />
      ) : (
        <>
          <div class="cards">
            <LevelCard title="Users at risk" counts={data.riskyUsers} link={(level) => `/riskyUsers?riskLevel=${level}`} />
            <LevelCard title="Risky sign-ins" counts={data.riskySignIns} link={(level) => `/riskySignIns?riskLevelAggregated=${level}&from=${fromDay}`} />
            <LevelCard title="Risk detections" counts={data.riskDetections} link={(level) => `/riskDetections?riskLevel=${level}&from=${fromDay}`} />
          </div>
          <div class="panels">
            <section class="card wide" aria-label="Detections per day">
              <h2>Detections per day</h2>
              {data.detectionsByDay.length === 0 ? <p class="muted">No detections in this period.</p> : <TrendChart days={data.detectionsByDay} from={data.from} to={data.to} />}
            </section>
            <section class="card" aria-label="Top detection types">
              <h2>Top detection types</h2>
              {data.topRiskEventTypes.length === 0 ? (
                <p class="muted">No detections in this period.</p>
              ) : (
                <ol class="bar-list">
                  {data.topRiskEventTypes.map((type) => (
                    <li>
                      <a href={`/riskDetections?type=${type.riskEventType}&from=${fromDay}`}>
                        <span>{detectionLabel(type.riskEventType)}</span>
                        <span class="bar" style={{ width: `${(100 * type.count) / data.topRiskEventTypes[0].count}%` }} />
                        <span class="bar-count">{formatNumber(type.count)}</span>
                      </a>
                    </li>
                  ))}
                </ol>
              )}
            </section>
          </div>
          <section class="card" aria-label="Where risky sign-ins came from">
            <h2>Where risky sign-ins came from</h2>
            <WorldMap
              label="World map of risky sign-in locations"
              points={data.riskySignInLocations.map((place) => ({
                latitude: place.latitude,
                longitude: place.longitude,
                radius: 3 + 9 * Math.sqrt(place.riskySignIns / maxPlace),
                className: `level-${place.highestRiskLevel}`,
                label: `${[place.city, place.countryOrRegion].filter(Boolean).join(", ")}: ${place.riskySignIns} risky sign-in(s), highest risk ${place.highestRiskLevel}`,
              }))}
            />
            <p class="muted">Circle size: risky sign-ins; colour: the highest risk level seen there. Select a country in the risky sign-ins report to see them.</p>
          </section>
        </>
      )}
    </section>
  );
}
