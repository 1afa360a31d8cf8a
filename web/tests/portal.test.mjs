// The admin portal in a real browser: Debian's Chromium driven by playwright-core against a real
// `idguard serve` holding a simulated tenant with attacks. Each test checks what the page shows
// against what the API answers.
//
//   node web/tests/portal.test.mjs --idguard PATH [--data-dir DIR] [--screenshots DIR]
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const webRoot = join(here, "..", "dist");
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const idguard = option("--idguard");
const dataArgs = option("--data-dir") ? ["--data-dir", option("--data-dir")] : [];
const chromiumPath = process.env.IDGUARD_CHROMIUM ?? "/usr/bin/chromium";
const work = mkdtempSync(join(tmpdir(), "idguard-portal-"));
const shots = option("--screenshots") ?? join(work, "screenshots");
mkdirSync(shots, { recursive: true });

const password = "portal test passphrase";
let server;
let browser;
let base;
let readerToken;
const pageErrors = [];

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { encoding: "utf8", ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${commandArgs.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

// The API as a reader token sees it: what every page is checked against.
async function api(path) {
  const response = await fetch(base + path, {
    headers: { Authorization: `Bearer ${readerToken}`, Prefer: "include-unknown-enum-members" },
  });
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return response.json();
}

async function signIn(userName, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(`${userName}: ${error.message}`));
  await page.goto(base + "/");
  await page.getByLabel("User name").fill(userName);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
  return page;
}

const shoot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });

before(async () => {
  assert.ok(idguard, "usage: node portal.test.mjs --idguard PATH [--data-dir DIR]");
  assert.ok(existsSync(join(webRoot, "index.html")), "the portal is not built: run scripts/setup");
  assert.ok(existsSync(chromiumPath), `no browser at ${chromiumPath}: scripts/setup installs chromium`);
  // A tenant whose last day is today, so the portal's default periods hold it.
  const start = new Date(Date.now() - 20 * 86400000);
  start.setUTCHours(0, 0, 0, 0);
  const tenant = join(work, "tenant");
  const db = join(work, "store.db");
  run(idguard, ["simulate", "--users", "400", "--days", "20", "--seed", "5", "--attacks",
    "--attack-intensity", "10", "--start", start.toISOString().replace(".000Z", "Z"), "--out", tenant,
    ...dataArgs]);
  run(idguard, ["replay", "--input", join(tenant, "signIns.ndjson"), "--directory",
    join(tenant, "users.ndjson"), "--feed", `anonymizer=${join(tenant, "anonymizer.netset")}`,
    "--db", db, "--out", join(work, "out"), "--quiet", ...dataArgs]);
  const passwordFile = join(work, "password");
  writeFileSync(passwordFile, `${password}\n`);
  for (const [name, role] of [["ada", "security-administrator"], ["olivia", "security-operator"], ["rita", "security-reader"], ["uma", "user-administrator"]]) {
    run(idguard, ["admin", "create", "--db", db, "--name", name, "--role", role, "--password-file", passwordFile]);
  }
  readerToken = run(idguard, ["token", "create", "--db", db, "--name", "portal test", "--role", "security-reader"]).trim();

  const portFile = join(work, "port");
  server = spawn(idguard, ["serve", "--db", db, "--listen", "127.0.0.1:0", "--port-file", portFile,
    "--web-root", webRoot, "--named-locations", join(tenant, "namedLocations.json"), "--directory",
    join(tenant, "users.ndjson"), "--quiet", ...dataArgs], { stdio: ["ignore", "inherit", "inherit"] });
  const deadline = Date.now() + 60_000;
  while (!existsSync(portFile)) {
    assert.ok(Date.now() < deadline && server.exitCode === null, "idguard serve did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  base = `http://127.0.0.1:${readFileSync(portFile, "utf8").trim()}`;
  browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
});

after(async () => {
  assert.deepEqual(pageErrors, [], "no script errors on any page");
  await browser?.close();
  server?.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
});

describe("admin portal", () => {
  test("a wrong password is refused on the page and the overview matches the API", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base + "/riskyUsers");
    await page.getByLabel("User name").fill("ada");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor();
    await shoot(page, "sign-in");
    await context.close();

    const admin = await signIn("ada");
    const overview = await api("/v1/reports/overview");
    const card = admin.getByRole("region", { name: "Users at risk" });
    await card.locator('[data-level="high"]').filter({ hasText: String(overview.riskyUsers.high) }).waitFor();
    assert.equal(await card.locator('[data-level="medium"]').textContent(), String(overview.riskyUsers.medium));
    assert.ok(overview.riskyUsers.high > 0, "the tenant has high-risk users");
    assert.ok((await admin.locator("svg.world-map circle.marker").count()) > 0, "the map shows risky places");
    assert.ok(await admin.locator(".trend-chart canvas").count(), "the trend chart is drawn");
    await admin.waitForTimeout(300);
    await shoot(admin, "overview");
    await admin.context().close();
  });

  test("risky users: filter by level, details pane tabs, and the URL keeps the filter", async () => {
    const page = await signIn("olivia");
    await page.getByRole("link", { name: "Risky users" }).click();
    await page.getByLabel("Risk level").selectOption("high");
    await page.waitForURL(/riskLevel=high/);
    const expected = await api("/v1.0/identityProtection/riskyUsers?$filter=riskLevel%20eq%20'high'&$count=true&$top=25");
    await page.locator(".count").filter({ hasText: `${expected["@odata.count"]} items` }).waitFor();
    const badges = await page.locator("table.data-table tbody .badge").allTextContents();
    assert.ok(badges.length > 0 && badges.every((text) => text === "High"), badges.join(","));
    const first = expected.value[0];
    await page.locator("table.data-table tbody tr").first().click();
    const pane = page.getByRole("region", { name: `Details of ${first.userDisplayName}` });
    await pane.getByText(first.userPrincipalName).first().waitFor();
    await pane.getByRole("tab", { name: "Risk history" }).click();
    await pane.locator("table tbody tr").first().waitFor();
    await pane.getByRole("tab", { name: "Familiar properties" }).click();
    await pane.getByText("Sign-ins learned").waitFor();
    await shoot(page, "risky-users");
    // The view is shareable: opening the URL again gives the same filter and selection.
    const url = page.url();
    assert.match(url, /selected=/);
    await page.goto(url);
    await page.getByRole("region", { name: `Details of ${first.userDisplayName}` }).waitFor();
    assert.equal(await page.getByLabel("Risk level").inputValue(), "high");
    await page.context().close();
  });

  test("an action on the selection changes the user's risk", async () => {
    const page = await signIn("olivia");
    await page.goto(base + "/riskyUsers?riskLevel=high&riskState=atRisk");
    const before = await api("/v1.0/identityProtection/riskyUsers?$filter=riskLevel%20eq%20'high'%20and%20riskState%20eq%20'atRisk'&$top=25");
    const target = before.value[0];
    await page.getByLabel(`Select ${target.userDisplayName}`).check();
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Dismiss user risk" }).click();
    await page.getByRole("status").filter({ hasText: "Dismiss user risk: done for 1 user(s)." }).waitFor();
    const afterwards = await api(`/v1.0/identityProtection/riskyUsers/${target.id}`);
    assert.equal(afterwards.riskState, "dismissed");
    assert.equal(afterwards.riskLevel, "none");
    assert.equal(afterwards.riskDetail, "adminDismissedAllRiskForUser");
    // The list, filtered on users at risk, no longer shows the user.
    await page.getByLabel(`Select ${target.userDisplayName}`).waitFor({ state: "detached" });
    const audit = await api(`/v1.0/auditLogs/directoryAudits?$filter=targetResources/id/any(t:t%20eq%20'${target.id}')`);
    assert.ok(audit.value.some((entry) => entry.initiatedBy?.app?.displayName === "olivia" || JSON.stringify(entry).includes("olivia")), "audited as olivia");
    await page.context().close();
  });

  test("risky sign-ins and detections show details with reasons and related risks", async () => {
    const page = await signIn("olivia");
    await page.goto(base + "/riskySignIns?riskLevelDuringSignIn=high");
    const expected = await api("/v1.0/auditLogs/signIns?$filter=riskState%20ne%20'none'%20and%20riskLevelDuringSignIn%20eq%20'high'&$top=25&$count=true");
    await page.locator(".count").filter({ hasText: `${expected["@odata.count"]} items` }).waitFor();
    await page.locator("table.data-table tbody tr").first().click();
    const pane = page.locator(".details-pane");
    await pane.getByRole("tab", { name: "Detections and reasons" }).click();
    await pane.locator("ul.reasons li").first().waitFor();
    await shoot(page, "risky-sign-ins");

    await page.getByRole("link", { name: "Risk detections" }).click();
    await page.getByLabel("Detection type").selectOption("unlikelyTravel");
    await page.locator("table.data-table tbody tr").first().click();
    await page.getByRole("heading", { name: "Other risks triggered at the same time" }).waitFor();
    await page.locator(".details-pane").getByRole("link", { name: "Open the sign-in" }).waitFor();
    await shoot(page, "risk-detections");
    await page.context().close();
  });

  test("a CSV download holds the rows the API lists for the same filter", async () => {
    const page = await signIn("rita");
    await page.goto(base + "/riskyUsers?riskLevel=medium");
    await page.locator("table.data-table tbody tr").first().waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    const csv = readFileSync(await download.path(), "utf8").trim().split("\n");
    const header = csv[0].split(",");
    assert.ok(header.includes("userPrincipalName") && header.includes("riskLevel"), csv[0]);
    const listed = [];
    for (let path = "/v1.0/identityProtection/riskyUsers?$filter=riskLevel%20eq%20'medium'&$top=500"; path; ) {
      const pageOfUsers = await api(path);
      listed.push(...pageOfUsers.value.map((user) => user.userPrincipalName));
      path = pageOfUsers["@odata.nextLink"] ? new URL(pageOfUsers["@odata.nextLink"]).pathname + new URL(pageOfUsers["@odata.nextLink"]).search : "";
    }
    assert.equal(csv.length - 1, listed.length);
    const upnColumn = header.indexOf("userPrincipalName");
    assert.deepEqual(csv.slice(1).map((line) => line.split(",")[upnColumn]).sort(), listed.sort());
    await page.context().close();
  });

  test("a reader sees no action buttons; a user administrator resets a risky user's password", async () => {
    const page = await signIn("rita");
    await page.goto(base + "/riskyUsers");
    await page.locator("table.data-table tbody tr").first().waitFor();
    assert.equal(await page.getByRole("button", { name: "Confirm user compromised" }).count(), 0);
    assert.equal(await page.getByRole("button", { name: "Dismiss user risk" }).count(), 0);
    assert.equal(await page.locator("table.data-table tbody input[type=checkbox]").count(), 0);
    await page.goto(base + "/riskySignIns");
    await page.locator("table.data-table tbody tr").first().waitFor();
    assert.equal(await page.getByRole("button", { name: "Confirm sign-in safe" }).count(), 0);
    await page.goto(base + "/policies");
    await page.getByRole("heading", { name: "MFA registration policy" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "New user risk policy" }).count(), 0);
    assert.equal(await page.getByRole("button", { name: "Save" }).count(), 0);
    await page.context().close();

    // A user administrator cannot read reports: the portal opens on the account page, where the
    // password reset remediates a risky user.
    const atRisk = await api("/v1.0/identityProtection/riskyUsers?$filter=riskLevel%20eq%20'medium'%20and%20riskState%20eq%20'atRisk'&$top=1");
    const target = atRisk.value[0];
    const context = await browser.newContext();
    const userAdmin = await context.newPage();
    await userAdmin.goto(base + "/");
    await userAdmin.getByLabel("User name").fill("uma");
    await userAdmin.getByLabel("Password").fill(password);
    await userAdmin.getByRole("button", { name: "Sign in" }).click();
    await userAdmin.getByRole("heading", { name: "User accounts" }).waitFor();
    const links = await userAdmin.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
    assert.deepEqual(links, ["User accounts"]);
    await userAdmin.getByLabel("User id").fill(target.id);
    await userAdmin.getByRole("button", { name: "Look up" }).click();
    await userAdmin.getByText(target.userPrincipalName).waitFor();
    userAdmin.once("dialog", (dialog) => dialog.accept());
    await userAdmin.getByRole("button", { name: "Reset password", exact: true }).click();
    await userAdmin.getByRole("status").filter({ hasText: "Temporary password:" }).waitFor();
    const remediated = await api(`/v1.0/identityProtection/riskyUsers/${target.id}`);
    assert.equal(remediated.riskState, "remediated");
    assert.equal(remediated.riskDetail, "adminGeneratedTemporaryPassword");
    await shoot(userAdmin, "user-accounts");
    await context.close();
  });

  test("an administrator creates a user risk policy in report-only after previewing its impact", async () => {
    const page = await signIn("ada");
    await page.getByRole("link", { name: "Policies" }).click();
    await page.getByRole("link", { name: "New user risk policy" }).click();
    await page.getByLabel("Name").fill("User risk high: secure password change");
    assert.ok(await page.getByRole("radio", { name: "Report-only" }).isChecked());
    await page.getByRole("radio", { name: "Require MFA and a secure password change" }).check();
    await page.getByRole("button", { name: /Preview impact/ }).click();
    const evaluated = page.locator('[data-impact="signIns.evaluated"]');
    await evaluated.waitFor();
    assert.ok(Number((await evaluated.textContent()).replace(/,/g, "")) > 1000);
    await shoot(page, "policy-editor");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Policy saved" }).waitFor();
    const policies = await api("/v1.0/identity/conditionalAccess/policies");
    const saved = policies.value.find((policy) => policy.displayName === "User risk high: secure password change");
    assert.ok(saved, "the policy is stored");
    assert.equal(saved.state, "enabledForReportingButNotEnforced");
    assert.deepEqual(saved.conditions.userRiskLevels, ["high"]);
    assert.deepEqual(saved.grantControls.builtInControls.sort(), ["mfa", "passwordChange"]);
    assert.equal(saved.sessionControls?.disableResilienceDefaults ?? null, null, "resilience defaults kept unless asked");
    // Switch it on from the editor, failing closed while idguard cannot be reached.
    await page.getByRole("radio", { name: "On", exact: true }).check();
    await page.getByRole("checkbox", { name: /Refuse sign-ins of the users and applications/ }).check();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Policy saved" }).waitFor();
    const updated = await api(`/v1.0/identity/conditionalAccess/policies/${saved.id}`);
    assert.equal(updated.state, "enabled");
    assert.equal(updated.sessionControls.disableResilienceDefaults, true);
    await page.getByRole("link", { name: "← Policies" }).click();
    await page.getByRole("link", { name: "User risk high: secure password change" }).waitFor();
    await shoot(page, "policies");
    await page.context().close();
  });

  test("the other pages load with their data", async () => {
    const page = await signIn("ada");
    const checks = [
      ["/namedLocations", "named-locations", async () => page.locator("table.data-table tbody tr").first().waitFor()],
      ["/notifications", "notifications", async () => page.getByLabel("Send the alert email").waitFor()],
      ["/auditLogs", "audit-log", async () => page.locator("table.data-table tbody tr").first().waitFor()],
      ["/riskyServicePrincipals", "workload-identities", async () => page.getByRole("heading", { name: "Risky workload identities" }).waitFor()],
    ];
    for (const [path, name, ready] of checks) {
      await page.goto(base + path);
      await ready();
      await shoot(page, name);
    }
    const travel = await api("/v1.0/identityProtection/riskDetections?$filter=riskEventType%20eq%20'unlikelyTravel'&$top=1");
    assert.ok(travel.value.length, "the tenant has an atypical travel detection");
    await page.goto(`${base}/users/${travel.value[0].userId}/timeline`);
    await page.getByRole("heading", { name: "Travel between sign-ins" }).waitFor();
    assert.ok((await page.locator("svg.world-map path.route").count()) === 1);
    await shoot(page, "user-timeline");
    await page.context().close();
  });

  test("on a narrow screen the navigation folds behind a menu button; sign-out ends the session", async () => {
    const page = await signIn("olivia", { width: 390, height: 844 });
    const nav = page.getByRole("navigation", { name: "Main" });
    assert.equal(await nav.isVisible(), false);
    await page.getByRole("button", { name: "Menu" }).click();
    assert.equal(await nav.isVisible(), true);
    await shoot(page, "narrow");
    await nav.getByRole("link", { name: "Risky users" }).click();
    await page.getByRole("heading", { name: "Risky users" }).waitFor();
    assert.equal(await nav.isVisible(), false);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    const who = await page.evaluate(async () => (await fetch("/v1/portal/session")).status);
    assert.equal(who, 401);
    await page.context().close();
  });
});
