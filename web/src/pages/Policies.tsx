// Risk-based conditional access policies (sign-in risk, user risk) and the MFA registration
// policy: list, create, edit, switch state, and preview the impact before saving.
import { useState } from "preact/hooks";
import { ApiError, get, request, type Page } from "../api";
import { Empty, ErrorState, Loading, Notice, type Message } from "../components/States";
import { useAsync } from "../components/useAsync";
import { enumLabel, formatDateTime, formatNumber } from "../format";
import { navigate, useLocation } from "../router";
import { useCan } from "../session";

const base = "/v1.0/identity/conditionalAccess/policies";

interface Policy {
  id?: string;
  displayName: string;
  state: "enabled" | "disabled" | "enabledForReportingButNotEnforced";
  createdDateTime?: string;
  modifiedDateTime?: string;
  conditions: {
    users: { includeUsers: string[]; excludeUsers: string[]; includeGroups: string[]; excludeGroups: string[] };
    applications: { includeApplications: string[]; excludeApplications?: string[] };
    clientAppTypes: string[];
    signInRiskLevels: string[];
    userRiskLevels: string[];
    [other: string]: unknown;
  };
  grantControls: { operator: "AND" | "OR"; builtInControls: string[] } | null;
  // Graph's conditionalAccessSessionControls; the editor changes disableResilienceDefaults and
  // keeps the rest as it came.
  sessionControls?: { disableResilienceDefaults?: boolean | null; [other: string]: unknown } | null;
}

const stateLabels: Record<Policy["state"], string> = {
  enabled: "On",
  disabled: "Off",
  enabledForReportingButNotEnforced: "Report-only",
};

const splitIds = (text: string) => text.split(/[\s,]+/).map((id) => id.trim()).filter(Boolean);

export function Policies() {
  const can = useCan();
  const list = useAsync(() => get<Page<Policy>>(base), "policies");
  return (
    <section aria-labelledby="policies-title">
      <header class="page-header row">
        <div>
          <h1 id="policies-title">Policies</h1>
          <p class="intro">Risk-based conditional access: what a risky sign-in or a risky user must do. Try a policy in report-only and preview its impact before turning it on.</p>
        </div>
        {can("managePolicies") && (
          <div class="toolbar-group">
            <a class="button" href="/policies/new?kind=signInRisk">New sign-in risk policy</a>
            <a class="button" href="/policies/new?kind=userRisk">New user risk policy</a>
          </div>
        )}
      </header>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.value.length === 0 ? (
        <Empty>No conditional access policies yet.</Empty>
      ) : (
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">State</th>
              <th scope="col">Conditions</th>
              <th scope="col">Grant</th>
              <th scope="col">Modified</th>
            </tr>
          </thead>
          <tbody>
            {list.data.value.map((policy) => (
              <tr>
                <td>
                  <a href={`/policies/${encodeURIComponent(policy.id ?? "")}`}>{policy.displayName}</a>
                </td>
                <td>
                  <span class={`badge state-${policy.state}`}>{stateLabels[policy.state]}</span>
                </td>
                <td>{describeConditions(policy)}</td>
                <td>{policy.grantControls ? policy.grantControls.builtInControls.join(` ${policy.grantControls.operator} `) : "—"}</td>
                <td>{formatDateTime(policy.modifiedDateTime ?? policy.createdDateTime)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <MfaRegistration />
    </section>
  );
}

function describeConditions(policy: Policy): string {
  const parts: string[] = [];
  if (policy.conditions.signInRiskLevels?.length) parts.push(`sign-in risk ${policy.conditions.signInRiskLevels.join("/")}`);
  if (policy.conditions.userRiskLevels?.length) parts.push(`user risk ${policy.conditions.userRiskLevels.join("/")}`);
  const users = policy.conditions.users;
  parts.push(users.includeUsers.includes("All") ? "all users" : `${users.includeUsers.length + users.includeGroups.length} users/groups`);
  const excluded = users.excludeUsers.length + users.excludeGroups.length;
  if (excluded) parts.push(`${excluded} excluded`);
  return parts.join(", ");
}

function draftPolicy(kind: string): Policy {
  const userRisk = kind === "userRisk";
  return {
    displayName: userRisk ? "User risk policy" : "Sign-in risk policy",
    state: "enabledForReportingButNotEnforced",
    conditions: {
      users: { includeUsers: ["All"], excludeUsers: [], includeGroups: [], excludeGroups: [] },
      applications: { includeApplications: ["All"] },
      clientAppTypes: ["all"],
      signInRiskLevels: userRisk ? [] : ["high", "medium"],
      userRiskLevels: userRisk ? ["high"] : [],
    },
    grantControls: { operator: "AND", builtInControls: userRisk ? ["mfa", "passwordChange"] : ["mfa"] },
  };
}

interface Impact {
  signIns: Record<string, number>;
  users: Record<string, number>;
  from: string;
  to: string;
  elapsedMilliseconds: number;
}

export function PolicyEditor({ id, kind }: { id?: string; kind: string }) {
  const can = useCan();
  const editable = can("managePolicies");
  const loaded = useAsync(() => (id ? get<Policy>(`${base}/${encodeURIComponent(id)}`) : Promise.resolve(draftPolicy(kind))), `${id}|${kind}`);
  if (loaded.error) return <ErrorState error={loaded.error} onRetry={loaded.reload} />;
  // While another policy loads, the previous one's data must not seed the form.
  if (loaded.loading || !loaded.data) return <Loading />;
  return <PolicyForm key={id ?? kind} initial={loaded.data} id={id} editable={editable} />;
}

const savedMessage = { text: "Policy saved. Evaluate uses it from the next sign-in." };

function PolicyForm({ initial, id, editable }: { initial: Policy; id?: string; editable: boolean }) {
  const { query } = useLocation();
  const [policy, setPolicy] = useState<Policy>(initial);
  // A new policy reopens at its own address; the flag carries the confirmation across.
  const [message, setMessage] = useState<Message | null>(query.get("saved") ? savedMessage : null);
  const [impact, setImpact] = useState<Impact | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const userRisk = policy.conditions.userRiskLevels.length > 0 || (policy.conditions.signInRiskLevels.length === 0 && policy.grantControls?.builtInControls.includes("passwordChange"));
  const levels = userRisk ? policy.conditions.userRiskLevels : policy.conditions.signInRiskLevels;
  const controls = policy.grantControls?.builtInControls ?? [];
  const grant = controls.includes("block") ? "block" : controls.includes("passwordChange") ? "passwordChange" : controls.includes("riskRemediation") ? "riskRemediation" : "mfa";

  const update = (change: (draft: Policy) => void) => {
    const next: Policy = structuredClone(policy);
    change(next);
    setPolicy(next);
    setImpact(null);
  };
  const setLevels = (level: string, on: boolean) =>
    update((draft) => {
      const key = userRisk ? "userRiskLevels" : "signInRiskLevels";
      const current = new Set(draft.conditions[key]);
      if (on) current.add(level);
      else current.delete(level);
      draft.conditions[key] = ["high", "medium", "low"].filter((value) => current.has(value));
    });
  const setGrant = (value: string) =>
    update((draft) => {
      const builtIn = value === "block" ? ["block"] : value === "passwordChange" ? ["mfa", "passwordChange"] : value === "riskRemediation" ? ["riskRemediation"] : ["mfa"];
      draft.grantControls = { operator: "AND", builtInControls: builtIn };
    });

  const body = () => {
    const { id: _id, createdDateTime: _c, modifiedDateTime: _m, ...rest } = policy;
    void _id;
    void _c;
    void _m;
    return rest;
  };
  const preview = async () => {
    setPreviewing(true);
    setMessage(null);
    try {
      setImpact(await request<Impact>("POST", "/v1/policies/impact", { policy: body(), samples: 0 }));
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    } finally {
      setPreviewing(false);
    }
  };
  const save = async (event: Event) => {
    event.preventDefault();
    setMessage(null);
    try {
      if (id) await request("PATCH", `${base}/${encodeURIComponent(id)}`, body());
      else {
        const created = await request<Policy>("POST", base, body());
        navigate(`/policies/${encodeURIComponent(created.id ?? "")}?saved=1`, true);
        return;
      }
      setMessage(savedMessage);
    } catch (error) {
      setMessage({ text: error instanceof ApiError ? error.message : String(error), error: true });
    }
  };
  const remove = async () => {
    if (!id || !window.confirm(`Delete the policy "${policy.displayName}"?`)) return;
    try {
      await request("DELETE", `${base}/${encodeURIComponent(id)}`);
      navigate("/policies");
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    }
  };
  const users = policy.conditions.users;
  return (
    <section aria-labelledby="policy-title">
      <header class="page-header">
        <p>
          <a href="/policies">← Policies</a>
        </p>
        <h1 id="policy-title">{id ? policy.displayName : `New ${userRisk ? "user" : "sign-in"} risk policy`}</h1>
      </header>
      <form class="policy-form" onSubmit={save}>
        <fieldset disabled={!editable}>
          <label class="field">
            <span>Name</span>
            <input name="displayName" required maxLength={256} value={policy.displayName} onInput={(e) => update((d) => (d.displayName = (e.target as HTMLInputElement).value))} />
          </label>
          <fieldset class="field">
            <legend>Users</legend>
            <label class="inline">
              <input type="radio" name="include" checked={users.includeUsers.includes("All")} onChange={() => update((d) => (d.conditions.users.includeUsers = ["All"]))} /> All users
            </label>
            <label class="inline">
              <input type="radio" name="include" checked={!users.includeUsers.includes("All")} onChange={() => update((d) => (d.conditions.users.includeUsers = []))} /> Selected users and groups
            </label>
            {!users.includeUsers.includes("All") && (
              <>
                <label class="field">
                  <span>Include user ids</span>
                  <textarea name="includeUsers" value={users.includeUsers.join("\n")} onChange={(e) => update((d) => (d.conditions.users.includeUsers = splitIds((e.target as HTMLTextAreaElement).value)))} />
                </label>
                <label class="field">
                  <span>Include group ids</span>
                  <textarea name="includeGroups" value={users.includeGroups.join("\n")} onChange={(e) => update((d) => (d.conditions.users.includeGroups = splitIds((e.target as HTMLTextAreaElement).value)))} />
                </label>
              </>
            )}
            <label class="field">
              <span>Exclude user ids (for example break-glass accounts)</span>
              <textarea name="excludeUsers" value={users.excludeUsers.join("\n")} onChange={(e) => update((d) => (d.conditions.users.excludeUsers = splitIds((e.target as HTMLTextAreaElement).value)))} />
            </label>
            <label class="field">
              <span>Exclude group ids</span>
              <textarea name="excludeGroups" value={users.excludeGroups.join("\n")} onChange={(e) => update((d) => (d.conditions.users.excludeGroups = splitIds((e.target as HTMLTextAreaElement).value)))} />
            </label>
          </fieldset>
          <fieldset class="field">
            <legend>{userRisk ? "User risk levels" : "Sign-in risk levels"}</legend>
            {["high", "medium", "low"].map((level) => (
              <label class="inline">
                <input type="checkbox" name={`level-${level}`} checked={levels.includes(level)} onChange={(e) => setLevels(level, (e.target as HTMLInputElement).checked)} /> {enumLabel(level)}
              </label>
            ))}
          </fieldset>
          <fieldset class="field">
            <legend>Grant</legend>
            <label class="inline">
              <input type="radio" name="grant" checked={grant === "mfa"} onChange={() => setGrant("mfa")} /> Require multifactor authentication
            </label>
            {userRisk && (
              <>
                <label class="inline">
                  <input type="radio" name="grant" checked={grant === "passwordChange"} onChange={() => setGrant("passwordChange")} /> Require MFA and a secure password change
                </label>
              </>
            )}
            <label class="inline">
              <input type="radio" name="grant" checked={grant === "block"} onChange={() => setGrant("block")} /> Block access
            </label>
          </fieldset>
          <fieldset class="field">
            <legend>When idguard cannot be reached</legend>
            <label class="inline">
              <input
                type="checkbox"
                name="disableResilienceDefaults"
                checked={policy.sessionControls?.disableResilienceDefaults === true}
                onChange={(e) =>
                  update((d) => {
                    const failClosed = (e.target as HTMLInputElement).checked;
                    d.sessionControls = { ...(d.sessionControls ?? {}), disableResilienceDefaults: failClosed };
                  })
                }
              />{" "}
              Refuse sign-ins of the users and applications this policy covers (disable resilience defaults)
            </label>
            <p class="muted">Otherwise each identity provider fails as its own setting says. Applies only while the policy is on.</p>
          </fieldset>
          <fieldset class="field">
            <legend>Enable policy</legend>
            {(Object.keys(stateLabels) as Policy["state"][]).map((state) => (
              <label class="inline">
                <input type="radio" name="state" value={state} checked={policy.state === state} onChange={() => update((d) => (d.state = state))} /> {stateLabels[state]}
              </label>
            ))}
          </fieldset>
        </fieldset>
        <div class="toolbar">
          <div class="toolbar-group">
            <button type="button" class="button subtle" onClick={preview} disabled={previewing}>
              {previewing ? "Previewing…" : "Preview impact (last 30 days)"}
            </button>
            {editable && (
              <button type="submit" class="button">
                Save
              </button>
            )}
            {editable && id && (
              <button type="button" class="button danger" onClick={remove}>
                Delete
              </button>
            )}
          </div>
        </div>
        <Notice message={message} />
        {impact && (
          <section class="card impact" aria-label="Impact preview">
            <h2>Impact over the last 30 days</h2>
            <table class="data-table compact">
              <thead>
                <tr>
                  <th scope="col"></th>
                  <th scope="col">Evaluated</th>
                  <th scope="col">Applied</th>
                  <th scope="col">MFA</th>
                  <th scope="col">Password change</th>
                  <th scope="col">Block</th>
                </tr>
              </thead>
              <tbody>
                {(["signIns", "users"] as const).map((kind) => (
                  <tr>
                    <th scope="row">{kind === "signIns" ? "Sign-ins" : "Users"}</th>
                    {["evaluated", "applied", "mfa", "passwordChange", "block"].map((key) => (
                      <td data-impact={`${kind}.${key}`}>{formatNumber(impact[kind][key] ?? 0)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <p class="muted">Computed in {formatNumber(impact.elapsedMilliseconds)} ms over the stored sign-ins.</p>
          </section>
        )}
      </form>
    </section>
  );
}

interface MfaRegistrationPolicy {
  isEnabled: boolean;
  includeUsers: string[];
  excludeUsers: string[];
  includeGroups: string[];
  excludeGroups: string[];
  gracePeriodDays: number;
}

function MfaRegistration() {
  const can = useCan();
  const loaded = useAsync(() => get<MfaRegistrationPolicy>("/v1/policies/mfaRegistration"), "mfaRegistration");
  const [message, setMessage] = useState<Message | null>(null);
  const [draft, setDraft] = useState<MfaRegistrationPolicy | null>(null);
  const policy = draft ?? loaded.data;
  const save = async (event: Event) => {
    event.preventDefault();
    if (!policy) return;
    try {
      await request("PUT", "/v1/policies/mfaRegistration", policy);
      setMessage({ text: "MFA registration policy saved." });
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    }
  };
  return (
    <section class="card" aria-labelledby="mfa-title">
      <h2 id="mfa-title">MFA registration policy</h2>
      <p class="muted">Users in scope without an MFA method are asked to register at their next interactive sign-in; they may skip it during the grace period.</p>
      {loaded.error ? (
        <ErrorState error={loaded.error} onRetry={loaded.reload} />
      ) : !policy ? (
        <Loading />
      ) : (
        <form onSubmit={save}>
          <fieldset disabled={!can("managePolicies")}>
            <label class="inline">
              <input type="checkbox" name="mfaRegistrationEnabled" checked={policy.isEnabled} onChange={(e) => setDraft({ ...policy, isEnabled: (e.target as HTMLInputElement).checked })} /> Enabled
            </label>
            <label class="inline">
              <input type="checkbox" checked={policy.includeUsers.includes("All")} onChange={(e) => setDraft({ ...policy, includeUsers: (e.target as HTMLInputElement).checked ? ["All"] : [] })} /> All users
            </label>
            <label class="field">
              <span>Exclude user ids</span>
              <textarea value={policy.excludeUsers.join("\n")} onChange={(e) => setDraft({ ...policy, excludeUsers: splitIds((e.target as HTMLTextAreaElement).value) })} />
            </label>
            <label class="field narrow">
              <span>Grace period (days)</span>
              <input type="number" min={0} max={14} value={policy.gracePeriodDays} onChange={(e) => setDraft({ ...policy, gracePeriodDays: Number((e.target as HTMLInputElement).value) })} />
            </label>
            {can("managePolicies") && (
              <button type="submit" class="button">
                Save
              </button>
            )}
          </fieldset>
          <Notice message={message} />
        </form>
      )}
    </section>
  );
}
