// How fast the risky users report shows its first page with 100,000 risky users: Debian's Chromium
// (playwright-core) against a real `idguard serve`, release build. The store is filled by replaying
// one Graph riskDetection per user (`replay --detections`), dated over the last 30 days.
//
//   node web/tests/first_page_bench.mjs --idguard build/release/idguard [--users 100000] [--runs 7]
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const idguard = option("--idguard");
const users = Number(option("--users", "100000"));
const runs = Number(option("--runs", "7"));
if (!idguard) {
  console.error("usage: node first_page_bench.mjs --idguard PATH [--users N] [--runs N]");
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), "idguard-first-page-"));
const run = (command, commandArgs) => {
  const result = spawnSync(command, commandArgs, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(" ")}:\n${result.stderr}`);
  return result.stdout;
};

// One detection per user; a deterministic mix of types and levels.
const levels = ["low", "low", "medium", "high"];
const types = ["unfamiliarFeatures", "anonymizedIPAddress", "unlikelyTravel", "leakedCredentials"];
const detections = join(work, "detections.ndjson");
const out = createWriteStream(detections);
const now = Date.now();
for (let i = 0; i < users; i++) {
  const when = new Date(now - ((i * 7919) % (30 * 86400)) * 1000).toISOString();
  const id = `user-${String(i).padStart(6, "0")}`;
  out.write(JSON.stringify({
    id: `detection-${i}`, riskEventType: types[i % 4], riskLevel: levels[(i * 31) % 4],
    riskState: "atRisk", riskDetail: "none", detectionTimingType: "offline", activity: "user",
    source: "identityProtection", activityDateTime: when, detectedDateTime: when,
    lastUpdatedDateTime: when, userId: id, userDisplayName: `User ${i}`,
    userPrincipalName: `${id}@contoso.example`, requestId: null, correlationId: null,
    ipAddress: null, additionalInfo: "[]", tokenIssuerType: "AzureAD",
  }) + "\n");
}
await new Promise((resolve) => out.end(resolve));
writeFileSync(join(work, "empty.ndjson"), "");
const db = join(work, "store.db");
let started = Date.now();
run(idguard, ["replay", "--input", join(work, "empty.ndjson"), "--detections", detections, "--db", db,
  "--out", join(work, "out"), "--quiet"]);
console.log(`store: ${users} risky users replayed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
writeFileSync(join(work, "password"), "benchmark passphrase\n");
run(idguard, ["admin", "create", "--db", db, "--name", "bench", "--role", "security-reader",
  "--password-file", join(work, "password")]);

const portFile = join(work, "port");
const server = spawn(idguard, ["serve", "--db", db, "--listen", "127.0.0.1:0", "--port-file", portFile,
  "--web-root", join(here, "..", "dist"), "--quiet"], { stdio: "inherit" });
try {
  while (!existsSync(portFile)) await new Promise((resolve) => setTimeout(resolve, 100));
  const base = `http://127.0.0.1:${readFileSync(portFile, "utf8").trim()}`;
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(base + "/");
  await page.getByLabel("User name").fill("bench");
  await page.getByLabel("Password").fill("benchmark passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Overview" }).waitFor();

  const views = [
    ["all risky users, newest first", "/riskyUsers"],
    ["high risk only", "/riskyUsers?riskLevel=high"],
    ["name search", "/riskyUsers?search=user-0999"],
    ["ordered by risk level", "/riskyUsers?orderby=riskLevel%20desc"],
  ];
  console.log(`| view (${users.toLocaleString("en-US")} risky users) | first page shown, p50 | max of ${runs} |`);
  console.log("|---|---|---|");
  for (const [name, path] of views) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      // A full page load each time: script, session check, the list call with $count, rendering.
      started = performance.now();
      await page.goto(base + path);
      await page.locator("table.data-table tbody tr").first().waitFor();
      await page.locator(".count").filter({ hasText: "items" }).waitFor();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(`| ${name} | ${times[Math.floor(times.length / 2)].toFixed(0)} ms | ${times[times.length - 1].toFixed(0)} ms |`);
  }
  await browser.close();
} finally {
  server.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
