// The real-time stories over HTTPS, against the same running `idguard serve` as
// graph_client.test.mjs: an identity provider calls /v1/evaluate and /v1/signins/{id}/outcome the
// way its login does, and the security team configures policies and reads the results with the
// Microsoft Graph JavaScript client. Started by run.mjs after graph_client.test.mjs, so the users
// these stories add never change the counts that file checks. Every user and policy here is the
// stories' own (story-*), so the tenant's sign-ins are judged as before.
import assert from "node:assert/strict";
import https from "node:https";
import { test } from "node:test";
import { baseUrl, client, tokens } from "./idguard_server.mjs";

// A credential pair in the leaked-credentials feed the server was started with.
const leak = JSON.parse(process.env.IDGUARD_LEAK);
const reader = client(tokens.reader);
const administrator = client(tokens.administrator);

// A POST to idguard's own API as the identity provider; resolves to the status and parsed body.
function postAsIdentityProvider(path, body) {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${baseUrl}${path}`,
      {
        method: "POST",
        headers: {
          Authorization: `Bearer ${tokens.identityProvider}`,
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(text),
        },
      },
      (res) => {
        let data = "";
        res.on("data", (chunk) => { data += chunk; });
        res.on("end", () => resolve({ status: res.statusCode, raw: data, json: JSON.parse(data) }));
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}
const evaluate = (attempt) => postAsIdentityProvider("/v1/evaluate", attempt);
const outcome = (id, what) =>
  postAsIdentityProvider(`/v1/signins/${encodeURIComponent(id)}/outcome`, { outcome: what });

const kDay = 24 * 3600 * 1000;
const start = Date.now() - 10 * kDay;
const kChrome =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Chrome/131.0.0.0 Safari/537.36";
const kFirefoxOnLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

// A sign-in attempt after the first factor succeeded, as an identity provider sends it.
function attempt(id, time, user, ip, country, userAgent = kChrome) {
  return {
    id,
    createdDateTime: new Date(time).toISOString(),
    userId: user,
    userPrincipalName: `${user}@contoso.example`,
    appId: "app-mail",
    appDisplayName: "Mail",
    ipAddress: ip,
    clientAppUsed: "Browser",
    isInteractive: true,
    userAgent,
    location: { city: "", countryOrRegion: country },
  };
}

// After a week at home, a sign-in from another country, network and browser; evaluated, with its
// answer.
async function farAway(user) {
  const signIn = attempt(`${user}-far`, start + 8 * kDay, user, "177.54.144.20", "BR",
    kFirefoxOnLinux);
  const answer = await evaluate(signIn);
  assert.equal(answer.status, 200, answer.raw);
  return { signIn, answer };
}

// A week of sign-ins from home, all allowed: the user's profile leaves learning.
async function learnHome(user) {
  for (let i = 0; i < 14; i += 1) {
    const answer = await evaluate(
      attempt(`${user}-home-${i}`, start + (i * kDay) / 2, user, `145.14.10.${10 + (i % 3)}`, "NL"),
    );
    assert.equal(answer.status, 200, answer.raw);
    assert.equal(answer.json.decision, "allow", answer.raw);
  }
}

// The answer's entry for one policy: the answer lists every enabled and report-only policy, those
// of the other stories as "notApplied".
function applied(answer, policy) {
  const entry = answer.appliedConditionalAccessPolicies.find((p) => p.id === policy.id);
  assert.ok(entry, `policy ${policy.displayName} is not in the answer`);
  return entry;
}

// Evaluations are written a few milliseconds after their answer (up to a quarter second under
// load, docs/EVALUATE.md), so a report read right after one retries until `ready` accepts it, or
// until five seconds have passed.
async function eventually(read, ready = () => true) {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      const result = await read();
      if (ready(result) || Date.now() > deadline) return result;
    } catch (error) {
      if (error.statusCode !== 404 || Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function createPolicy(policy) {
  const created = await administrator.api("/identity/conditionalAccess/policies").post(policy);
  assert.match(created.id, /^[0-9a-f-]{36}$/);
  return created;
}
const signInRiskPolicy = (user, state) => ({
  displayName: `Sign-in risk: MFA for ${user}`,
  state,
  conditions: {
    users: { includeUsers: [user] },
    applications: { includeApplications: ["All"] },
    clientAppTypes: ["all"],
    signInRiskLevels: ["low", "medium", "high"],
  },
  grantControls: { operator: "OR", builtInControls: ["mfa"] },
  sessionControls: {
    signInFrequency: {
      isEnabled: true,
      frequencyInterval: "everyTime",
      authenticationType: "primaryAndSecondaryAuthentication",
    },
  },
});

test("a risky sign-in is challenged with MFA, and passing it remediates the sign-in", async () => {
  const user = "story-alice";
  const policy = await createPolicy(signInRiskPolicy(user, "enabled"));
  await learnHome(user);
  const { signIn: risky, answer } = await farAway(user);
  assert.equal(answer.json.decision, "mfa", answer.raw);
  assert.notEqual(answer.json.riskLevelDuringSignIn, "none");
  assert.ok(answer.json.riskEventTypes_v2.includes("unfamiliarFeatures"), answer.raw);
  assert.ok(answer.json.riskDetections[0].reasons.length > 0, answer.raw);
  assert.deepEqual(applied(answer.json, policy).enforcedGrantControls, ["Mfa"]);
  assert.equal(applied(answer.json, policy).result, "unknown");
  // The same attempt again gets the same answer (idempotent by id).
  assert.equal((await evaluate(risky)).raw, answer.raw);

  const passed = await outcome(risky.id, "mfaPassed");
  assert.equal(passed.status, 200, passed.raw);
  assert.equal(passed.json.riskState, "remediated");
  assert.equal(passed.json.riskDetail, "userPassedMFADrivenByRiskBasedPolicy");
  assert.equal(passed.json.userRiskState, "remediated");

  // The security team's reports agree: the sign-in, its detections and the user.
  const signIn = await reader.api(`/auditLogs/signIns/${risky.id}`).get();
  assert.equal(signIn.riskState, "remediated");
  assert.equal(signIn.riskDetail, "userPassedMFADrivenByRiskBasedPolicy");
  assert.equal(signIn.conditionalAccessStatus, "success");
  assert.equal(applied(signIn, policy).result, "success");
  const detections = await reader
    .api("/identityProtection/riskDetections")
    .filter(`requestId eq '${risky.id}'`)
    .get();
  assert.ok(detections.value.length >= 1);
  for (const detection of detections.value) {
    assert.equal(detection.riskState, "remediated");
    assert.equal(detection.riskDetail, "userPassedMFADrivenByRiskBasedPolicy");
  }
  const riskyUser = await reader.api(`/identityProtection/riskyUsers/${user}`).get();
  assert.equal(riskyUser.riskState, "remediated");
  // An outcome for a sign-in idguard never evaluated is a Graph-style 404.
  const unknown = await outcome("story-never-evaluated", "mfaPassed");
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, "ResourceNotFound");
});

test("a leaked password raises user risk to high, and a secure change remediates the user", async () => {
  const user = "story-dave";
  assert.equal(leak.userPrincipalName, `${user}@contoso.example`);
  const policy = await createPolicy({
    displayName: `User risk high: password change for ${user}`,
    state: "enabled",
    conditions: {
      users: { includeUsers: [user] },
      applications: { includeApplications: ["All"] },
      userRiskLevels: ["high"],
    },
    grantControls: { operator: "AND", builtInControls: ["mfa", "passwordChange"] },
  });
  const withPassword = (id, time, sha1) => ({
    ...attempt(id, time, user, "145.14.10.40", "DE"),
    isMfaRegistered: true,
    passwordSha1: sha1,
  });
  const other = await evaluate(withPassword("story-dave-0", start, "a".repeat(40)));
  assert.equal(other.json.decision, "allow", other.raw);

  const answer = await evaluate(withPassword("story-dave-1", start + 3600_000, leak.sha1));
  assert.equal(answer.status, 200, answer.raw);
  assert.equal(answer.json.userRiskLevel, "high", answer.raw);
  assert.equal(answer.json.decision, "passwordChange", answer.raw);
  assert.deepEqual(applied(answer.json, policy).enforcedGrantControls, ["Mfa", "PasswordChange"]);
  assert.ok(!answer.raw.includes(leak.sha1), "the password hash is never echoed");

  const leaked = await eventually(
    () => reader
      .api("/identityProtection/riskDetections")
      .filter(`riskEventType eq 'leakedCredentials' and userId eq '${user}'`)
      .get(),
    (page) => page.value.length > 0,
  );
  assert.equal(leaked.value.length, 1);
  assert.equal(leaked.value[0].riskLevel, "high");

  // MFA alone leaves the user at risk; the secure password change remediates.
  const afterMfa = await outcome("story-dave-1", "mfaPassed");
  assert.equal(afterMfa.json.userRiskState, "atRisk", afterMfa.raw);
  const changed = await outcome("story-dave-1", "passwordChanged");
  assert.equal(changed.status, 200, changed.raw);
  assert.equal(changed.json.userRiskState, "remediated");
  assert.equal(changed.json.userRiskDetail, "userPerformedSecuredPasswordChange");

  const riskyUser = await reader.api(`/identityProtection/riskyUsers/${user}`).get();
  assert.equal(riskyUser.riskState, "remediated");
  assert.equal(riskyUser.riskDetail, "userPerformedSecuredPasswordChange");
  assert.equal(riskyUser.riskLevel, "none");
  const detection = await reader.api(`/identityProtection/riskDetections/${leaked.value[0].id}`).get();
  assert.equal(detection.riskState, "remediated");
  assert.equal(detection.riskDetail, "userPerformedSecuredPasswordChange");
  // The next sign-in meets no demand.
  const next = await evaluate(withPassword("story-dave-2", start + 2 * 3600_000, "b".repeat(40)));
  assert.equal(next.json.decision, "allow", next.raw);
});

test("report-only policies record their results and never decide", async () => {
  const user = "story-carol";
  const riskTrial = await createPolicy(signInRiskPolicy(user, "enabledForReportingButNotEnforced"));
  const blockTrial = await createPolicy({
    displayName: `Block ${user} - trial`,
    state: "enabledForReportingButNotEnforced",
    conditions: { users: { includeUsers: [user] }, applications: { includeApplications: ["All"] } },
    grantControls: { operator: "OR", builtInControls: ["block"] },
  });
  // Every learning sign-in is allowed although a report-only policy blocks everything.
  await learnHome(user);
  const { signIn: risky, answer } = await farAway(user);
  assert.equal(answer.json.decision, "allow", answer.raw);
  assert.equal(answer.json.conditionalAccessStatus, "notApplied");
  // The sign-in risk trial would have demanded MFA, the block trial would have refused.
  assert.equal(applied(answer.json, riskTrial).result, "reportOnlyInterrupted");
  assert.equal(applied(answer.json, blockTrial).result, "reportOnlyFailure");
  // The stored sign-in keeps them for the reports.
  const signIn = await eventually(() => reader.api(`/auditLogs/signIns/${risky.id}`).get());
  assert.equal(applied(signIn, riskTrial).result, "reportOnlyInterrupted");
  assert.equal(applied(signIn, blockTrial).result, "reportOnlyFailure");
  assert.equal(signIn.conditionalAccessStatus, "notApplied");
});
