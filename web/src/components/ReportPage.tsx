// One report of the portal: filters across the top (kept in the URL), a column chooser, sorting,
// server-side paging with the API's @odata.nextLink, multi-select with actions, a details pane
// under the selected row, and downloads of the same filters and columns as CSV or JSON.
import type { ComponentChildren } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { get, relativeLink, withQuery, type Page } from "../api";
import { setQuery, useLocation } from "../router";
import { useCan } from "../session";
import { Empty, ErrorState, Loading, Notice, type Message } from "./States";
import { useAsync } from "./useAsync";

export interface Column<T> {
  key: string;
  label: string;
  render: (row: T) => ComponentChildren;
  orderBy?: string;    // the property $orderby takes; absent: not sortable
  download?: string;   // the property the downloads name in `columns`
  hidden?: boolean;    // off until chosen
  wrap?: boolean;      // long text that wraps (cells stay on one line otherwise)
}

export interface Filter {
  key: string;         // the URL parameter
  label: string;
  kind: "select" | "text" | "date";
  options?: [string, string][];  // value, label (select)
  placeholder?: string;
  toFilter: (value: string) => string;  // the OData clause for a non-empty value
}

export interface Action<T> {
  label: string;
  permission: string;
  run: (rows: T[]) => Promise<string | void>;  // resolves to a message to show
  confirm?: (rows: T[]) => string;
  single?: boolean;  // works on one row at a time
  danger?: boolean;
}

export interface ReportConfig<T> {
  title: string;
  intro?: ComponentChildren;
  collection: string;        // the Graph list path
  download?: string;         // the report name of /v1/downloads/{report}
  baseFilter?: string;       // always applied (e.g. only risky sign-ins)
  filters: Filter[];
  columns: Column<T>[];
  defaultOrder: string;      // e.g. "riskLastUpdatedDateTime desc"
  pageSize?: number;
  rowKey: (row: T) => string;
  rowLabel: (row: T) => string;
  actions?: Action<T>[];
  details?: (row: T, reload: () => void) => ComponentChildren;
}

function buildFilter<T>(config: ReportConfig<T>, query: URLSearchParams): string {
  const clauses = config.baseFilter ? [config.baseFilter] : [];
  for (const filter of config.filters) {
    const value = query.get(filter.key);
    if (value) clauses.push(filter.toFilter(value));
  }
  return clauses.map((clause) => (clauses.length > 1 ? `(${clause})` : clause)).join(" and ");
}

export function ReportPage<T>({ config }: { config: ReportConfig<T> }) {
  const { query } = useLocation();
  const can = useCan();
  const filter = buildFilter(config, query);
  const orderBy = query.get("orderby") || config.defaultOrder;
  const visibleKeys = query.get("columns")?.split(",") ??
    config.columns.filter((column) => !column.hidden).map((column) => column.key);
  const columns = config.columns.filter((column) => visibleKeys.includes(column.key));
  const pageSize = config.pageSize ?? 25;

  // Page links: index 0 is the first page; later entries are the nextLinks followed.
  const [pages, setPages] = useState<string[]>([]);
  const [pageIndex, setPageIndex] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const [showColumns, setShowColumns] = useState(false);
  const focusedId = query.get("selected") ?? "";

  const firstPage = withQuery(config.collection, {
    $filter: filter || undefined,
    $orderby: orderBy,
    $top: pageSize,
    $count: "true",
  });
  useEffect(() => {
    setPages([firstPage]);
    setPageIndex(0);
    setSelected(new Set());
  }, [firstPage]);
  const pageLink = pages[pageIndex] ?? firstPage;
  const page = useAsync(() => get<Page<T>>(pageLink), pageLink);
  const rows = page.data?.value ?? [];
  const total = page.data?.["@odata.count"];
  const focused = rows.find((row) => config.rowKey(row) === focusedId);
  const paneRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (focusedId) paneRef.current?.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
  }, [focusedId, Boolean(focused)]);

  const actions = (config.actions ?? []).filter((action) => can(action.permission));
  const selectedRows = rows.filter((row) => selected.has(config.rowKey(row)));

  const runAction = async (action: Action<T>) => {
    if (selectedRows.length === 0) return;
    if (action.confirm && !window.confirm(action.confirm(selectedRows))) return;
    setBusy(true);
    setMessage(null);
    try {
      const text = await action.run(selectedRows);
      setMessage({ text: text || `${action.label}: done for ${selectedRows.length} item(s).` });
      setSelected(new Set());
      page.reload();
    } catch (error) {
      setMessage({ text: error instanceof Error ? error.message : String(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  const downloadLink = (format: "csv" | "json") =>
    withQuery(`/v1/downloads/${config.download}`, {
      $filter: filter || undefined,
      $orderby: orderBy,
      format,
      columns: columns.map((column) => column.download).filter(Boolean).join(",") || undefined,
    });

  const toggleSort = (column: Column<T>) => {
    if (!column.orderBy) return;
    const [property, direction] = orderBy.split(" ");
    const next = property === column.orderBy && direction !== "asc" ? "asc" : "desc";
    setQuery({ orderby: `${column.orderBy} ${next}` });
  };

  const allOnPage = rows.length > 0 && rows.every((row) => selected.has(config.rowKey(row)));
  const tableRef = useRef<HTMLTableElement>(null);
  const onRowKey = (event: KeyboardEvent, row: T) => {
    const target = event.currentTarget as HTMLTableRowElement;
    if (event.key === "Enter") setQuery({ selected: config.rowKey(row) });
    if (event.key === "ArrowDown") (target.nextElementSibling as HTMLElement | null)?.focus();
    if (event.key === "ArrowUp") (target.previousElementSibling as HTMLElement | null)?.focus();
  };

  return (
    <section class="report" aria-labelledby="report-title">
      <header class="page-header">
        <h1 id="report-title">{config.title}</h1>
        {config.intro && <p class="intro">{config.intro}</p>}
      </header>
      <FilterBar filters={config.filters} query={query} />
      <div class="toolbar">
        <div class="toolbar-group">
          {actions.map((action) => (
            <button
              type="button"
              class={action.danger ? "button danger" : "button"}
              disabled={busy || selectedRows.length === 0 || (action.single && selectedRows.length !== 1)}
              onClick={() => runAction(action)}
            >
              {action.label}
            </button>
          ))}
        </div>
        <div class="toolbar-group">
          <span class="count" aria-live="polite">
            {total !== undefined ? `${total.toLocaleString("en-US")} items` : ""}
          </span>
          <div class="menu">
            <button type="button" class="button subtle" aria-expanded={showColumns} onClick={() => setShowColumns(!showColumns)}>
              Columns
            </button>
            {showColumns && (
              <fieldset class="menu-panel" aria-label="Columns">
                {config.columns.map((column) => (
                  <label>
                    <input
                      type="checkbox"
                      checked={visibleKeys.includes(column.key)}
                      onChange={(event) => {
                        const on = (event.target as HTMLInputElement).checked;
                        const keys = config.columns
                          .map((c) => c.key)
                          .filter((key) => (key === column.key ? on : visibleKeys.includes(key)));
                        setQuery({ columns: keys.join(",") });
                      }}
                    />
                    {column.label}
                  </label>
                ))}
              </fieldset>
            )}
          </div>
          {config.download && (
            <>
              <a class="button subtle" href={downloadLink("csv")} download>
                Download CSV
              </a>
              <a class="button subtle" href={downloadLink("json")} download>
                Download JSON
              </a>
            </>
          )}
        </div>
      </div>
      <Notice message={message} />
      {page.error ? (
        <ErrorState error={page.error} onRetry={page.reload} />
      ) : page.loading && !page.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Empty>No items match these filters.</Empty>
      ) : (
        <div class={page.loading ? "table-wrap is-loading" : "table-wrap"}>
          <table ref={tableRef} class="data-table">
            <thead>
              <tr>
                {actions.length > 0 && (
                  <th class="select-cell">
                    <input
                      type="checkbox"
                      aria-label="Select all on this page"
                      checked={allOnPage}
                      onChange={() =>
                        setSelected(allOnPage ? new Set() : new Set(rows.map(config.rowKey)))
                      }
                    />
                  </th>
                )}
                {columns.map((column) => {
                  const [property, direction] = orderBy.split(" ");
                  const sorted = column.orderBy && property === column.orderBy;
                  return (
                    <th
                      scope="col"
                      aria-sort={sorted ? (direction === "asc" ? "ascending" : "descending") : undefined}
                    >
                      {column.orderBy ? (
                        <button type="button" class="sort" onClick={() => toggleSort(column)}>
                          {column.label}
                          <span aria-hidden="true">{sorted ? (direction === "asc" ? " ▲" : " ▼") : ""}</span>
                        </button>
                      ) : (
                        column.label
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const key = config.rowKey(row);
                return (
                  <tr
                    tabIndex={0}
                    class={key === focusedId ? "is-focused" : undefined}
                    aria-selected={key === focusedId}
                    onClick={(event) => {
                      if ((event.target as HTMLElement).closest("input,a,button")) return;
                      setQuery({ selected: key === focusedId ? undefined : key });
                    }}
                    onKeyDown={(event) => onRowKey(event, row)}
                  >
                    {actions.length > 0 && (
                      <td class="select-cell">
                        <input
                          type="checkbox"
                          aria-label={`Select ${config.rowLabel(row)}`}
                          checked={selected.has(key)}
                          onChange={() => {
                            const next = new Set(selected);
                            if (next.has(key)) next.delete(key);
                            else next.add(key);
                            setSelected(next);
                          }}
                        />
                      </td>
                    )}
                    {columns.map((column) => (
                      <td class={column.wrap ? "wrap" : undefined}>{column.render(row)}</td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages">
        <button type="button" class="button subtle" disabled={pageIndex === 0} onClick={() => setPageIndex(pageIndex - 1)}>
          Previous
        </button>
        <span>Page {pageIndex + 1}</span>
        <button
          type="button"
          class="button subtle"
          disabled={!page.data?.["@odata.nextLink"]}
          onClick={() => {
            const next = page.data?.["@odata.nextLink"];
            if (!next) return;
            setPages([...pages.slice(0, pageIndex + 1), relativeLink(next)]);
            setPageIndex(pageIndex + 1);
          }}
        >
          Next
        </button>
      </nav>
      {focused && config.details && (
        <section ref={paneRef} class="details-pane" aria-label={`Details of ${config.rowLabel(focused)}`}>
          <header class="details-header">
            <h2>{config.rowLabel(focused)}</h2>
            <button type="button" class="button subtle" onClick={() => setQuery({ selected: undefined })}>
              Close
            </button>
          </header>
          {config.details(focused, page.reload)}
        </section>
      )}
    </section>
  );
}

function FilterBar({ filters, query }: { filters: Filter[]; query: URLSearchParams }) {
  // Text filters apply on Enter or when leaving the field, not on every key.
  const initial = useMemo(
    () => Object.fromEntries(filters.map((filter) => [filter.key, query.get(filter.key) ?? ""])),
    [query.toString()],
  );
  const [draft, setDraft] = useState<Record<string, string>>(initial);
  useEffect(() => setDraft(initial), [initial]);
  const apply = (key: string, value: string) => setQuery({ [key]: value, selected: undefined });
  const active = filters.some((filter) => query.get(filter.key));
  return (
    <form class="filters" onSubmit={(event) => event.preventDefault()} aria-label="Filters">
      {filters.map((filter) => (
        <label class="filter">
          <span>{filter.label}</span>
          {filter.kind === "select" ? (
            <select
              name={filter.key}
              value={draft[filter.key]}
              onChange={(event) => apply(filter.key, (event.target as HTMLSelectElement).value)}
            >
              <option value="">All</option>
              {filter.options?.map(([value, label]) => (
                <option value={value}>{label}</option>
              ))}
            </select>
          ) : filter.kind === "date" ? (
            <input
              name={filter.key}
              type="date"
              value={draft[filter.key]}
              onChange={(event) => apply(filter.key, (event.target as HTMLInputElement).value)}
            />
          ) : (
            <input
              name={filter.key}
              type="search"
              placeholder={filter.placeholder}
              value={draft[filter.key]}
              onInput={(event) => setDraft({ ...draft, [filter.key]: (event.target as HTMLInputElement).value })}
              onChange={(event) => apply(filter.key, (event.target as HTMLInputElement).value.trim())}
              onKeyDown={(event) => {
                if (event.key === "Enter") apply(filter.key, (event.target as HTMLInputElement).value.trim());
              }}
            />
          )}
        </label>
      ))}
      {active && (
        <button
          type="button"
          class="link-button"
          onClick={() => setQuery(Object.fromEntries(filters.map((filter) => [filter.key, undefined])))}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}

// Filter option lists shared by the reports.
export const riskLevelOptions: [string, string][] = [
  ["high", "High"],
  ["medium", "Medium"],
  ["low", "Low"],
  ["none", "None"],
];
export const riskStateOptions: [string, string][] = [
  ["atRisk", "At risk"],
  ["confirmedCompromised", "Confirmed compromised"],
  ["remediated", "Remediated"],
  ["dismissed", "Dismissed"],
  ["confirmedSafe", "Confirmed safe"],
];
export const riskDetailOptions: [string, string][] = [
  "none",
  "adminGeneratedTemporaryPassword",
  "userPerformedSecuredPasswordChange",
  "userPerformedSecuredPasswordReset",
  "adminConfirmedSigninSafe",
  "aiConfirmedSigninSafe",
  "userPassedMFADrivenByRiskBasedPolicy",
  "adminDismissedAllRiskForUser",
  "adminConfirmedSigninCompromised",
  "adminConfirmedUserCompromised",
  "adminConfirmedAccountSafe",
  "adminDismissedRiskForSignIn",
].map((value) => [value, value]);

// A date filter's day as the start (ge) or the end (lt the next day) of a range.
export const dayStart = (value: string) => `${value}T00:00:00Z`;
export function dayEnd(value: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().replace(".000Z", "Z");
}
