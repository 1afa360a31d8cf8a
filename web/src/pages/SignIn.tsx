import { useState } from "preact/hooks";
import { ApiError, request } from "../api";
import type { Session } from "../session";

// Sign-in with a local portal account (idguard admin create) or an API token.
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [mode, setMode] = useState<"password" | "token">("password");
  const [userName, setUserName] = useState("");
  const [password, setPassword] = useState("");
  const [token, setToken] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      const body = mode === "password" ? { userName, password } : { token };
      onSignedIn(await request<Session>("POST", "/v1/portal/session", body));
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? "The user name and password, or the token, are not valid."
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <form class="card sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <p class="brand">idguard</p>
        <h1 id="sign-in-title">Sign in</h1>
        <div class="segmented" role="radiogroup" aria-label="Sign in with">
          <label>
            <input type="radio" name="mode" checked={mode === "password"} onChange={() => setMode("password")} /> Account
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === "token"} onChange={() => setMode("token")} /> API token
          </label>
        </div>
        {mode === "password" ? (
          <>
            <label class="field">
              <span>User name</span>
              <input name="userName" autocomplete="username" required value={userName} onInput={(e) => setUserName((e.target as HTMLInputElement).value)} />
            </label>
            <label class="field">
              <span>Password</span>
              <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
            </label>
          </>
        ) : (
          <label class="field">
            <span>API token</span>
            <input name="token" type="password" autocomplete="off" required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
          </label>
        )}
        {error && (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button wide" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
