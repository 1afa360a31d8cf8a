// How an OpenID Connect identity provider puts idguard into its login (docs/integrations/oidc.md).
//
// The provider checks the password as it always does, then asks idguard about the attempt
// (POST /v1/evaluate) and acts on the decision:
//   allow           issue the authorization code
//   mfa             challenge the second factor; report how it went; issue the code only if it
//                   passed
//   passwordChange  challenge the second factor, then make the user change the password (a
//                   secure change); report both, which remediates the user's risk
//   block           refuse with the OIDC error access_denied
// and reports what happened (POST /v1/signins/{id}/outcome).
//
// Each answer also carries a fail mode for this user and client: "closed" when an enforced
// policy that disables resilience defaults covers them. The provider remembers the "closed" pairs
// and forgets a pair when an answer says "open"; while idguard cannot answer, a remembered pair
// (up to a week old) is refused, and everything else gets the provider's own default.
//
// Run as a script it plays one login against a running idguard and prints each step as a JSON
// line:
//   node idguard_login.mjs --url http://127.0.0.1:8080 --token-file idp.token --user alice \
//        --ip 81.2.69.160 [--mfa passed|failed|denied] [--fail open|closed] [--timeout-ms 2000]
//        [--fail-modes fail-modes.json]
import { randomUUID } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";

const FAIL_MODE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

// The pairs answered "closed", kept in a JSON file for the example script. Each use reads the
// file and each change is written back at once (to a temporary file of this process, renamed into
// place, so the file is never torn): two logins at once lose an update only if one's read and
// write fall between the other's, microseconds rather than a whole login. A provider keeps them
// where it keeps sessions, with that store's own concurrency: its database or cache. Any object
// with get(key), set(key, entry) and delete(key) will do.
export function failModesInFile(path) {
  const read = () => {
    try {
      const modes = JSON.parse(readFileSync(path, "utf8"));
      if (modes && typeof modes === "object" && !Array.isArray(modes)) return modes;
    } catch {
      // none kept yet, or unreadable: start afresh
    }
    return {};
  };
  const save = (modes) => {
    const pending = `${path}.${process.pid}.pending`;
    writeFileSync(pending, JSON.stringify(modes), { mode: 0o600 });
    renameSync(pending, path);
  };
  return {
    get: (key) => read()[key],
    set: (key, entry) => {
      const modes = read();
      modes[key] = entry;
      save(modes);
    },
    delete: (key) => {
      const modes = read();
      if (key in modes) {
        delete modes[key];
        save(modes);
      }
    },
  };
}

// Records idguard's fail mode for a client and user. A failure to record never changes the
// login's result, which idguard has just given.
function recordFailMode(idguard, key, failMode) {
  if (!idguard.failModes || (failMode !== "open" && failMode !== "closed")) return;
  try {
    if (failMode === "closed") idguard.failModes.set(key, { at: Date.now() });
    else idguard.failModes.delete(key);
  } catch (error) {
    console.error(`cannot record the fail mode: ${error.message}`);
  }
}

// Whether a login idguard cannot answer for fails open: closed when idguard recently answered
// "closed" for this client and user, else as idguard.failOpen says.
function failsOpen(idguard, key) {
  let kept;
  try {
    kept = idguard.failModes?.get(key);
  } catch {
    kept = undefined;
  }
  const age = kept ? Date.now() - Number(kept.at) : NaN;
  // An entry from the future (a clock set back) or without a time cannot say how old it is.
  if (age >= 0 && age <= FAIL_MODE_MAX_AGE_MS) {
    return { open: false, source: "a policy covers this user, as idguard answered" };
  }
  return { open: Boolean(idguard.failOpen), source: "the provider's default" };
}

// One call to idguard; throws on timeouts, refused connections and non-2xx answers.
async function post(idguard, path, body) {
  const response = await fetch(idguard.url + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${idguard.token}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(idguard.timeoutMs ?? 2000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`idguard answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

// Asks idguard about a login whose first factor passed. When idguard cannot answer, the decision
// is "allow" (fail open) or "block" (fail closed): as the kept fail mode for this client and user
// says, else as idguard.failOpen (default: closed).
export async function evaluateLogin(idguard, attempt) {
  const signInId = randomUUID();
  const key = `${attempt.clientId}\n${attempt.userId}`;
  try {
    const answer = await post(idguard, "/v1/evaluate", {
      id: signInId,
      createdDateTime: new Date().toISOString(),
      userId: attempt.userId,
      userPrincipalName: attempt.userPrincipalName,
      appId: attempt.clientId,
      appDisplayName: attempt.clientName,
      ipAddress: attempt.ipAddress,
      userAgent: attempt.userAgent,
      clientAppUsed: "Browser",
      isInteractive: true,
      sessionId: attempt.sessionId,
    });
    recordFailMode(idguard, key, answer.failMode);
    return { signInId, ...answer };
  } catch (error) {
    const { open, source } = failsOpen(idguard, key);
    return {
      signInId,
      decision: open ? "allow" : "block",
      reason: `idguard unavailable (${error.message}); failing ${open ? "open" : "closed"} (${source})`,
      unavailable: true,
    };
  }
}

// Tells idguard what happened; a failure here never changes the login's result.
export async function reportOutcome(idguard, signInId, outcome, authMethod = "") {
  try {
    return await post(idguard, `/v1/signins/${signInId}/outcome`, { outcome, authMethod });
  } catch (error) {
    return { error: error.message };
  }
}

// The whole login after the password check. `challengeMfa()` returns "passed", "failed",
// "denied" or "timedOut"; `changePassword()` returns true when the user set a new password.
export async function guardLogin(idguard, attempt, { challengeMfa, changePassword, log }) {
  const evaluation = await evaluateLogin(idguard, attempt);
  log({ step: "evaluate", signInId: evaluation.signInId, decision: evaluation.decision,
        riskLevelDuringSignIn: evaluation.riskLevelDuringSignIn, reason: evaluation.reason });
  if (evaluation.unavailable) return { issued: evaluation.decision === "allow" };
  const report = async (outcome, method) => {
    const after = await reportOutcome(idguard, evaluation.signInId, outcome, method);
    log({ step: "outcome", outcome, result: after });
  };
  switch (evaluation.decision) {
    case "allow":
      await report("completed");
      return { issued: true };
    case "block":
      return { issued: false, error: "access_denied" };
    case "mfa":
    case "passwordChange": {
      const mfa = await challengeMfa();
      const outcome = { passed: "mfaPassed", failed: "mfaFailed", denied: "mfaDenied",
                        timedOut: "mfaTimedOut" }[mfa];
      await report(outcome, "authenticatorApp");
      if (mfa !== "passed") return { issued: false, error: "access_denied" };
      if (evaluation.decision === "passwordChange") {
        if (!(await changePassword())) {
          await report("abandoned");
          return { issued: false, error: "access_denied" };
        }
        await report("passwordChanged");
      }
      return { issued: true };
    }
    default:
      return { issued: false, error: "server_error" };
  }
}

function argumentsOf(argv) {
  const args = { mfa: "passed", fail: "closed", timeoutMs: 2000, passwordChange: "done" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "").replace(/-(.)/g, (_, c) => c.toUpperCase());
    args[key] = argv[i + 1];
  }
  for (const required of ["url", "tokenFile", "user", "ip"]) {
    if (!args[required]) throw new Error(`--${required.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())} is required`);
  }
  return args;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = argumentsOf(process.argv.slice(2));
  const idguard = {
    url: args.url.replace(/\/+$/, ""),
    token: readFileSync(args.tokenFile, "utf8").trim(),
    timeoutMs: Number(args.timeoutMs),
    failOpen: args.fail === "open",
    failModes: args.failModes ? failModesInFile(args.failModes) : undefined,
  };
  const log = (entry) => console.log(JSON.stringify(entry));
  const result = await guardLogin(
    idguard,
    {
      userId: args.user,
      userPrincipalName: `${args.user}@contoso.example`,
      clientId: "oidc-example-client",
      clientName: "OIDC example",
      ipAddress: args.ip,
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
      sessionId: randomUUID(),
    },
    {
      challengeMfa: async () => args.mfa,
      changePassword: async () => args.passwordChange === "done",
      log,
    },
  );
  log({ step: "result", ...result });
  process.exitCode = result.issued ? 0 : 1;
}
