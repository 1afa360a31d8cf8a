// One user's account in the directory: whether sign-in is allowed, password resets and session
// revocation, with the actions the role may take (user administrators reset passwords; security
// and user administrators block, unblock and revoke sessions).
import { useState } from "preact/hooks";
import { ApiError, get, post } from "../api";
import { KeyValues } from "../components/KeyValues";
import { Empty, ErrorState, Loading, Notice, type Message } from "../components/States";
import { useAsync } from "../components/useAsync";
import { formatDateTime } from "../format";
import { setQuery, useLocation } from "../router";
import { useCan } from "../session";

interface Account {
  id: string;
  userPrincipalName: string | null;
  displayName: string | null;
  accountEnabled: boolean;
  mustChangePassword: boolean;
  temporaryPasswordPending: boolean;
  lastPasswordResetDateTime: string | null;
  sessionsRevokedDateTime: string | null;
}

export function Accounts() {
  const { query } = useLocation();
  const id = query.get("id") ?? "";
  const [draft, setDraft] = useState(id);
  return (
    <section aria-labelledby="accounts-title">
      <header class="page-header">
        <h1 id="accounts-title">User accounts</h1>
        <p class="intro">Look up an account by its user id to see whether it may sign in, and reset its password, block it or revoke its sessions.</p>
      </header>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery({ id: draft.trim() }, false);
        }}
      >
        <label class="filter">
          <span>User id</span>
          <input name="userId" type="search" value={draft} onInput={(event) => setDraft((event.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="button">
          Look up
        </button>
      </form>
      {id ? <AccountDetails key={id} id={id} /> : <Empty>Enter a user id (the risky users report links here too).</Empty>}
    </section>
  );
}

function AccountDetails({ id }: { id: string }) {
  const can = useCan();
  const path = `/v1/users/${encodeURIComponent(id)}`;
  const account = useAsync(() => get<Account>(path), path);
  const [message, setMessage] = useState<Message | null>(null);
  const act = async (label: string, work: () => Promise<string | void>) => {
    if (!window.confirm(`${label}?`)) return;
    setMessage(null);
    try {
      setMessage({ text: (await work()) || `${label}: done.` });
      account.reload();
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    }
  };
  if (account.error) {
    return account.error instanceof ApiError && account.error.status === 404 ? (
      <Empty>No account has the id {id}.</Empty>
    ) : (
      <ErrorState error={account.error} onRetry={account.reload} />
    );
  }
  if (!account.data) return <Loading />;
  const a = account.data;
  const reset = (mode: "temporaryPassword" | "requireChangeAtNextSignIn") => async () => {
    const answer = await post<{ temporaryPassword?: string | null }>(`${path}/resetPassword`, { mode });
    return answer?.temporaryPassword
      ? `Temporary password: ${answer.temporaryPassword} (shown once; give it to the user over a trusted channel)`
      : "The user must change the password at the next sign-in.";
  };
  return (
    <section class="card" aria-label={`Account ${a.userPrincipalName ?? a.id}`}>
      <h2>{a.displayName || a.userPrincipalName || a.id}</h2>
      <KeyValues
        items={[
          ["User principal name", a.userPrincipalName],
          ["User id", <code>{a.id}</code>],
          ["Sign-in", a.accountEnabled ? "Allowed" : "Blocked"],
          ["Must change password", a.mustChangePassword ? "Yes" : "No"],
          ["Temporary password pending", a.temporaryPasswordPending ? "Yes" : "No"],
          ["Last password reset", formatDateTime(a.lastPasswordResetDateTime)],
          ["Sessions revoked", formatDateTime(a.sessionsRevokedDateTime)],
        ]}
      />
      <div class="toolbar">
        <div class="toolbar-group">
          {can("resetPassword") && (
            <>
              <button type="button" class="button" onClick={() => act("Reset the password with a temporary one", reset("temporaryPassword"))}>
                Reset password
              </button>
              <button type="button" class="button subtle" onClick={() => act("Require a password change at the next sign-in", reset("requireChangeAtNextSignIn"))}>
                Require password change
              </button>
            </>
          )}
          {can("manageUsers") && (
            <>
              {a.accountEnabled ? (
                <button type="button" class="button danger" onClick={() => act("Block sign-in", () => post(`${path}/block`))}>
                  Block sign-in
                </button>
              ) : (
                <button type="button" class="button" onClick={() => act("Unblock sign-in", () => post(`${path}/unblock`))}>
                  Unblock sign-in
                </button>
              )}
              <button type="button" class="button subtle" onClick={() => act("Revoke all sessions", () => post(`${path}/revokeSessions`))}>
                Revoke sessions
              </button>
            </>
          )}
        </div>
      </div>
      <Notice message={message} />
    </section>
  );
}
