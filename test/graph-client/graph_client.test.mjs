// Microsoft Graph JavaScript client against idguard serve: the calls a SOC script makes against
// Graph work unchanged with idguard's base URL and token. Started by run.mjs.
import assert from "node:assert/strict";
import https from "node:https";
import { test } from "node:test";
import { PageIterator } from "@microsoft/microsoft-graph-client";
import { baseUrl, client, tokens } from "./idguard_server.mjs";

const reader = client(tokens.reader);
const operator = client(tokens.operator);

test("lists risky users with $filter, $top and $count", async () => {
  const page = await reader
    .api("/identityProtection/riskyUsers")
    .filter("riskLevel eq microsoft.graph.riskLevel'high' and riskState eq 'atRisk'")
    .top(3)
    .count(true)
    .get();
  assert.ok(page["@odata.count"] >= 4, `expected several high-risk users, got ${page["@odata.count"]}`);
  assert.equal(page.value.length, 3);
  assert.ok(page["@odata.nextLink"].includes("$skiptoken="));
  for (const user of page.value) {
    assert.equal(user.riskLevel, "high");
    assert.equal(user.riskState, "atRisk");
    assert.match(user.userPrincipalName, /@/);
  }
});

test("pages through every risky user with the page iterator", async () => {
  const counted = await reader.api("/identityProtection/riskyUsers").count(true).top(1).get();
  const first = await reader.api("/identityProtection/riskyUsers").top(7).get();
  const ids = [];
  let pages = 1;
  const iterator = new PageIterator(reader, first, (user) => {
    ids.push(user.id);
    return true;
  });
  const originalNext = iterator.fetchAndUpdateNextPageData.bind(iterator);
  iterator.fetchAndUpdateNextPageData = async () => {
    pages += 1;
    return originalNext();
  };
  await iterator.iterate();
  assert.equal(ids.length, counted["@odata.count"]);
  assert.equal(new Set(ids).size, ids.length, "no user is listed twice");
  assert.ok(pages >= Math.ceil(ids.length / 7), `walked ${pages} pages for ${ids.length} users`);
});

test("reads a risky user's history and its items", async () => {
  const users = await reader.api("/identityProtection/riskyUsers").filter("riskLevel eq 'high'").top(1).get();
  const id = users.value[0].id;
  const history = await reader.api(`/identityProtection/riskyUsers/${id}/history`).get();
  assert.ok(history.value.length >= 1);
  assert.equal(history.value[0].userId, id);
  assert.ok(Array.isArray(history.value[0].activity.riskEventTypes));
  const item = await reader
    .api(`/identityProtection/riskyUsers/${id}/history/${history.value[0].id}`)
    .get();
  assert.equal(item.id, history.value[0].id);
});

test("confirms a user compromised, then dismisses the user's risk", async () => {
  const users = await reader
    .api("/identityProtection/riskyUsers")
    .filter("riskLevel eq 'medium' or riskLevel eq 'low'")
    .select("id,riskLevel,userPrincipalName")
    .top(1)
    .get();
  const id = users.value[0].id;
  assert.deepEqual(Object.keys(users.value[0]).sort(), ["id", "riskLevel", "userPrincipalName"]);

  await operator.api("/identityProtection/riskyUsers/confirmCompromised").post({ userIds: [id] });
  let user = await reader.api(`/identityProtection/riskyUsers/${id}`).get();
  assert.equal(user.riskLevel, "high");
  assert.equal(user.riskState, "confirmedCompromised");
  assert.equal(user.riskDetail, "adminConfirmedUserCompromised");
  const detections = await reader
    .api("/identityProtection/riskDetections")
    .filter(`userId eq '${id}' and riskEventType eq 'adminConfirmedUserCompromised'`)
    .get();
  assert.equal(detections.value.length, 1);

  await operator.api("/identityProtection/riskyUsers/dismiss").post({ userIds: [id] });
  user = await reader.api(`/identityProtection/riskyUsers/${id}`).get();
  assert.equal(user.riskLevel, "none");
  assert.equal(user.riskState, "dismissed");
  assert.equal(user.riskDetail, "adminDismissedAllRiskForUser");
  const history = await reader.api(`/identityProtection/riskyUsers/${id}/history`).top(2).get();
  assert.equal(history.value[0].initiatedBy, "graph-client security-operator");
  assert.equal(history.value[0].activity.detail, "adminDismissedAllRiskForUser");
  assert.equal(history.value[1].activity.detail, "adminConfirmedUserCompromised");

  const audit = await reader
    .api("/auditLogs/directoryAudits")
    .filter(`targetResources/id/any(t: t eq '${id}')`)
    .get();
  assert.deepEqual(
    audit.value.map((a) => a.activityDisplayName),
    ["riskyUsers/dismiss", "riskyUsers/confirmCompromised"],
  );
});

test("Graph errors reach the client as GraphErrors with status and code", async () => {
  await assert.rejects(
    reader.api("/identityProtection/riskyUsers").filter("riskLevel eq 'severe'").get(),
    (error) => error.statusCode === 400 && error.code === "BadRequest" && /severe/.test(error.message),
  );
  await assert.rejects(
    reader.api("/identityProtection/riskyUsers/dismiss").post({ userIds: ["x"] }),
    (error) => error.statusCode === 403 && error.code === "Authorization_RequestDenied",
  );
  await assert.rejects(
    client("not-a-token").api("/identityProtection/riskyUsers").get(),
    (error) => error.statusCode === 401,
  );
  await assert.rejects(
    client(tokens.identityProvider).api("/auditLogs/signIns").get(),
    (error) => error.statusCode === 403,
  );
});

test("reads sign-ins newest first and confirms one safe", async () => {
  const risky = await reader
    .api("/auditLogs/signIns")
    .filter("riskState eq 'atRisk' and riskLevelAggregated eq 'low'")
    .top(1)
    .get();
  assert.equal(risky.value.length, 1);
  const signIn = risky.value[0];
  await operator.api("/auditLogs/signIns/confirmSafe").post({ requestIds: [signIn.id] });
  const after = await reader.api(`/auditLogs/signIns/${signIn.id}`).get();
  assert.equal(after.riskState, "confirmedSafe");
  assert.equal(after.riskDetail, "adminConfirmedSigninSafe");
  assert.equal(after.riskLevelAggregated, "none");
  const all = await reader.api("/auditLogs/signIns").top(50).get();
  const times = all.value.map((s) => s.createdDateTime);
  assert.deepEqual([...times].sort().reverse(), times);
});

// Plain HTTPS requests for what the client library does not show: keep-alive, size limits,
// health and metrics.
function request(path, { method = "GET", body, token = tokens.reader, agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${baseUrl}${path}`,
      { method, agent, headers: token ? { Authorization: `Bearer ${token}` } : {} },
      (res) => {
        let data = "";
        res.on("data", (chunk) => { data += chunk; });
        res.on("end", () => resolve({ status: res.statusCode, body: data, reused: req.reusedSocket }));
      },
    );
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

test("keeps connections alive between requests", async () => {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const first = await request("/healthz", { agent, token: null });
  const second = await request("/v1.0/identityProtection/riskyUsers?$top=1", { agent });
  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  assert.equal(second.reused, true);
  agent.destroy();
});

test("refuses bodies over the limit with 413 and a Graph error", async () => {
  const big = JSON.stringify({ userIds: ["x".repeat(70_000)] });
  const response = await request("/identityProtection/riskyUsers/dismiss".replace(/^/, "/v1.0"), {
    method: "POST",
    body: big,
    token: tokens.operator,
  });
  assert.equal(response.status, 413);
  assert.equal(JSON.parse(response.body).error.code, "RequestEntityTooLarge");
});

test("answers Expect: 100-continue before the body is sent", { timeout: 15_000 }, async () => {
  const body = JSON.stringify({ userIds: ["no-such-user"] });
  const result = await new Promise((resolve, reject) => {
    let continued = false;
    const req = https.request(
      `${baseUrl}/v1.0/identityProtection/riskyUsers/dismiss`,
      {
        method: "POST",
        headers: {
          Authorization: `Bearer ${tokens.operator}`,
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(body),
          Expect: "100-continue",
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode, continued }));
      },
    );
    req.on("continue", () => {
      continued = true;
      req.end(body);
    });
    req.on("error", reject);
  });
  assert.equal(result.continued, true);
  assert.equal(result.status, 204);
});

test("serves health, readiness, metrics and the OpenAPI document", async () => {
  assert.equal((await request("/healthz", { token: null })).status, 200);
  assert.equal((await request("/readyz", { token: null })).status, 200);
  const metrics = await request("/metrics");
  assert.equal(metrics.status, 200);
  assert.match(metrics.body, /idguard_http_requests_total\{route="GET \/v1\.0\/identityProtection\/riskyUsers",status="2xx"\} \d+/);
  assert.match(metrics.body, /idguard_detections\{riskEventType="[A-Za-z]+"\} \d+/);
  assert.equal((await request("/metrics", { token: null })).status, 401);
  const openapi = JSON.parse((await request("/openapi.json", { token: null })).body);
  assert.equal(openapi.openapi, "3.0.3");
  assert.ok(openapi.paths["/v1.0/identityProtection/riskyUsers/confirmCompromised"].post);
});
