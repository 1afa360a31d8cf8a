// Starts a real `idguard serve` (TLS, a simulated tenant replayed into SQLite, one token per
// role, a leaked-credentials feed) and runs graph_client.test.mjs, then
// risk_policy_stories.test.mjs, against it with the official Microsoft Graph JavaScript client,
// then stops the server with SIGTERM and checks it shut down cleanly.
//
//   node run.mjs --idguard PATH [--data-dir DIR]
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const idguard = option("--idguard");
const dataDir = option("--data-dir");
if (!idguard) {
  console.error("usage: node run.mjs --idguard PATH [--data-dir DIR]");
  process.exit(2);
}
if (!existsSync(join(here, "node_modules", "@microsoft", "microsoft-graph-client"))) {
  console.error(
    "the Microsoft Graph client is not installed in test/graph-client/node_modules; run scripts/setup",
  );
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), "idguard-graph-client-"));
const run = (command, commandArgs, options = {}) => {
  const result = spawnSync(command, commandArgs, { encoding: "utf8", ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${commandArgs.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
};
const dataArgs = dataDir ? ["--data-dir", dataDir] : [];
const db = join(work, "store.db");
let server;
let exitCode = 1;
try {
  // A small tenant with attacks, so there are risky users at every level.
  run(idguard, ["simulate", "--users", "300", "--days", "21", "--seed", "11", "--attacks",
    "--attack-intensity", "20", "--out", join(work, "tenant"), ...dataArgs]);
  run(idguard, ["replay", "--input", join(work, "tenant", "signIns.ndjson"), "--directory",
    join(work, "tenant", "users.ndjson"), "--db", db, "--out", join(work, "out"), "--quiet",
    ...dataArgs]);
  const token = (role) =>
    run(idguard, ["token", "create", "--db", db, "--name", `graph-client ${role}`, "--role", role])
      .trim();
  const tokens = {
    reader: token("security-reader"),
    operator: token("security-operator"),
    identityProvider: token("identity-provider"),
    administrator: token("security-administrator"),
  };
  // A credential pair found in a breach, for the leaked-password story: the feed holds the SHA-1
  // of the password, the name in another case than the identity provider sends.
  const leak = {
    userPrincipalName: "story-dave@contoso.example",
    sha1: createHash("sha1").update("Correct-Horse-Battery-1").digest("hex"),
  };
  const feed = join(work, "leaks.ndjson");
  writeFileSync(feed, `${JSON.stringify({ userPrincipalName: "Story-Dave@Contoso.example",
    passwordHashSha1: leak.sha1.toUpperCase(), source: "a paste site" })}\n`);

  // A self-signed certificate for localhost: the Graph client sends tokens only over https.
  const cert = join(work, "cert.pem");
  const key = join(work, "key.pem");
  run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]);

  const portFile = join(work, "port");
  const accessLog = join(work, "access.log");
  server = spawn(idguard, ["serve", "--db", db, "--listen", "127.0.0.1:0", "--port-file",
    portFile, "--tls-cert", cert, "--tls-key", key, "--access-log", accessLog,
    "--max-body-bytes", "65536", "--threads", "2", "--feed", `leaked-credentials=${feed}`,
    ...dataArgs], { stdio: ["ignore", "inherit", "pipe"] });
  let serverErr = "";
  server.stderr.on("data", (chunk) => { serverErr += chunk; });
  const serverExit = new Promise((resolve) => server.on("exit", (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 60_000;
  while (!existsSync(portFile)) {
    if (Date.now() > deadline || server.exitCode !== null) {
      throw new Error(`idguard serve did not start:\n${serverErr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const port = readFileSync(portFile, "utf8").trim();

  // One file after the other: the stories add risky users, which the first file counts.
  const testEnv = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: cert,
    IDGUARD_URL: `https://localhost:${port}`,
    IDGUARD_TOKENS: JSON.stringify(tokens),
    IDGUARD_ACCESS_LOG: accessLog,
    IDGUARD_LEAK: JSON.stringify(leak),
  };
  const testsPassed = ["graph_client.test.mjs", "risk_policy_stories.test.mjs"]
    .map((file) => spawnSync(process.execPath, ["--test", join(here, file)], {
      stdio: "inherit",
      env: testEnv,
    }).status === 0)
    .every(Boolean);

  // Graceful shutdown: SIGTERM ends the server with status 0 and a last line saying so.
  server.kill("SIGTERM");
  const ended = await Promise.race([
    serverExit,
    new Promise((resolve) => setTimeout(() => resolve({ code: "timeout" }), 15_000)),
  ]);
  server = undefined;
  if (ended.code !== 0 || !serverErr.includes("idguard serve: stopped")) {
    console.error(`idguard serve did not stop cleanly on SIGTERM (${JSON.stringify(ended)}):\n${serverErr}`);
  } else {
    console.log("ok - idguard serve stopped cleanly on SIGTERM");
  }
  // The access log has a JSON line per request and never a token.
  const log = readFileSync(accessLog, "utf8");
  const lines = log.trim().split("\n");
  const leaked = Object.values(tokens).some((t) => log.includes(t));
  const parsed = lines.every((line) => { try { JSON.parse(line); return true; } catch { return false; } });
  if (leaked || !parsed || lines.length < 20) {
    console.error(`access log check failed: ${lines.length} lines, all JSON: ${parsed}, token leaked: ${leaked}`);
  } else {
    console.log(`ok - access log: ${lines.length} JSON lines, no token in it`);
  }
  exitCode = testsPassed && ended.code === 0 && !leaked && parsed && lines.length >= 20 ? 0 : 1;
} catch (error) {
  console.error(error.message);
} finally {
  if (server) server.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
