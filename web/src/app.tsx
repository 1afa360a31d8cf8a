import { useEffect, useState } from "preact/hooks";
import { ApiError, onSignedOut, request } from "./api";
import { ErrorState, Loading } from "./components/States";
import { Accounts } from "./pages/Accounts";
import { AuditLog } from "./pages/AuditLog";
import { NamedLocations } from "./pages/NamedLocations";
import { Notifications } from "./pages/Notifications";
import { Overview } from "./pages/Overview";
import { Policies, PolicyEditor } from "./pages/Policies";
import { RiskDetections } from "./pages/RiskDetections";
import { RiskySignIns } from "./pages/RiskySignIns";
import { RiskyUsers } from "./pages/RiskyUsers";
import { SignIn } from "./pages/SignIn";
import { UserTimeline } from "./pages/UserTimeline";
import { WorkloadIdentities } from "./pages/WorkloadIdentities";
import { linkHandler, navigate, useLocation } from "./router";
import { SessionContext, type Session } from "./session";

// The pages and the permission each needs to be shown.
const navigation: [string, string, string][] = [
  ["/", "Overview", "readReports"],
  ["/riskyUsers", "Risky users", "readReports"],
  ["/riskySignIns", "Risky sign-ins", "readReports"],
  ["/riskDetections", "Risk detections", "readReports"],
  ["/riskyServicePrincipals", "Risky workload identities", "readReports"],
  ["/policies", "Policies", "readReports"],
  ["/namedLocations", "Named locations", "readReports"],
  ["/notifications", "Notifications", "readReports"],
  ["/auditLogs", "Audit log", "readReports"],
  ["/accounts", "User accounts", "readAccounts"],
];


function Page({ path, query }: { path: string; query: URLSearchParams }) {
  const timeline = path.match(/^\/users\/([^/]+)\/timeline$/);
  if (timeline) return <UserTimeline userId={decodeURIComponent(timeline[1])} />;
  const policy = path.match(/^\/policies\/([^/]+)$/);
  if (policy) {
    return policy[1] === "new" ? <PolicyEditor kind={query.get("kind") ?? "signInRisk"} /> : <PolicyEditor id={decodeURIComponent(policy[1])} kind="" />;
  }
  switch (path) {
    case "/":
      return <Overview />;
    case "/riskyUsers":
      return <RiskyUsers />;
    case "/riskySignIns":
      return <RiskySignIns />;
    case "/riskDetections":
      return <RiskDetections />;
    case "/riskyServicePrincipals":
      return <WorkloadIdentities />;
    case "/policies":
      return <Policies />;
    case "/namedLocations":
      return <NamedLocations />;
    case "/notifications":
      return <Notifications />;
    case "/auditLogs":
      return <AuditLog />;
    case "/accounts":
      return <Accounts />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no page at {path}. <a href="/">Go to the overview</a>.
          </p>
        </section>
      );
  }
}

export function App() {
  const location = useLocation();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [menuOpen, setMenuOpen] = useState(false);

  const load = () => {
    setError(null);
    request<Session>("GET", "/v1/portal/session").then(setSession, (caught) => {
      if (caught instanceof ApiError && caught.status === 401) setSession(null);
      else setError(caught);
    });
  };
  useEffect(load, []);
  useEffect(() => onSignedOut(() => setSession(null)), []);
  useEffect(() => setMenuOpen(false), [location.path, location.query.toString()]);

  if (error) return <ErrorState error={error} onRetry={load} />;
  if (session === undefined) return <Loading label="Starting…" />;
  if (session === null) return <SignIn onSignedIn={setSession} />;

  const signOut = async () => {
    try {
      await request("DELETE", "/v1/portal/session");
    } finally {
      setSession(null);
      navigate("/");
    }
  };
  const readsReports = session.permissions.includes("readReports");
  const active = (href: string) => (href === "/" ? location.path === "/" : location.path.startsWith(href));
  return (
    <SessionContext.Provider value={session}>
      <div class="shell" onClick={linkHandler}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="top-bar">
          <button type="button" class="menu-button" aria-expanded={menuOpen} aria-controls="side-nav" onClick={() => setMenuOpen(!menuOpen)}>
            Menu
          </button>
          <a class="brand" href="/">
            idguard
          </a>
          <span class="who">
            {session.userName} · <span class="role">{session.role}</span>
          </span>
          <button type="button" class="button subtle" onClick={signOut}>
            Sign out
          </button>
        </header>
        <nav id="side-nav" class={menuOpen ? "side-nav open" : "side-nav"} aria-label="Main">
          <ul>
            {navigation.filter(([, , permission]) => session.permissions.includes(permission)).map(([href, label]) => (
              <li>
                <a href={href} aria-current={active(href) ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" class="content" tabIndex={-1}>
          {readsReports || location.path === "/accounts" ? <Page path={location.path} query={location.query} /> : <Accounts />}
        </main>
      </div>
    </SessionContext.Provider>
  );
}
