// The risk history of a user or a workload identity (Graph riskyUserHistoryItem), newest first.
import { get, type Page } from "../api";
import { detectionLabel } from "../catalog";
import { enumLabel, formatDateTime } from "../format";
import type { RiskyUserHistoryItem } from "../types";
import { Empty, ErrorState, LevelBadge, Loading } from "./States";
import { useAsync } from "./useAsync";

export function RiskHistory({ path, empty }: { path: string; empty: string }) {
  const list = useAsync(() => get<Page<RiskyUserHistoryItem>>(path), path);
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.value.length === 0) return <Empty>{empty}</Empty>;
  return (
    <table class="data-table compact">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Risk level</th>
          <th scope="col">Risk state</th>
          <th scope="col">Risk detail</th>
          <th scope="col">Changed by</th>
          <th scope="col">Detections</th>
        </tr>
      </thead>
      <tbody>
        {list.data.value.map((item) => (
          <tr>
            <td>{formatDateTime(item.riskLastUpdatedDateTime)}</td>
            <td>
              <LevelBadge level={item.riskLevel} />
            </td>
            <td>{enumLabel(item.riskState)}</td>
            <td>{enumLabel(item.riskDetail)}</td>
            <td>{item.initiatedBy || "idguard"}</td>
            <td>{(item.activity?.riskEventTypes ?? []).map(detectionLabel).join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
