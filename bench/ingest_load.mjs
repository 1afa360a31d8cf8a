// POST /v1/signins throughput: sends an NDJSON file in batches over keep-alive connections and
// reports sign-ins per second as the server answered them (202 with counts).
//   node bench/ingest_load.mjs URL TOKEN FILE [batch=10000] [connections=2]
import { readFileSync } from "node:fs";
import http from "node:http";

const [url, token, file, batchArg = "10000", connectionsArg = "2"] = process.argv.slice(2);
const batchSize = Number(batchArg);
const connections = Number(connectionsArg);
const lines = readFileSync(file, "utf8").split("\n").filter((line) => line.length > 0);
const batches = [];
for (let i = 0; i < lines.length; i += batchSize) {
  // Encoded once here: a string body would be encoded to UTF-8 again on every send, on the cores
  // the server is measured on.
  batches.push(Buffer.from(lines.slice(i, i + batchSize).join("\n") + "\n", "utf8"));
}
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const post = (body) =>
  new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/v1/signins`,
      {
        method: "POST",
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": "application/x-ndjson",
          "Content-Length": body.length,
        },
      },
      (response) => {
        let data = "";
        response.on("data", (chunk) => { data += chunk; });
        response.on("end", () => (response.statusCode === 202 ? resolve(JSON.parse(data)) : reject(new Error(`${response.statusCode}: ${data}`))));
      },
    );
    request.on("error", reject);
    request.end(body);
  });

let next = 0;
let accepted = 0;
let rejected = 0;
const started = process.hrtime.bigint();
await Promise.all(
  Array.from({ length: connections }, async () => {
    while (next < batches.length) {
      const result = await post(batches[next++]);
      accepted += result.accepted;
      rejected += result.rejectedCount;
    }
  }),
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  `${lines.length} records in ${batches.length} batches of ${batchSize} over ${connections} connections: ` +
    `${accepted} accepted, ${rejected} rejected in ${seconds.toFixed(2)} s = ${Math.round(accepted / seconds)} sign-ins/s`,
);
agent.destroy();
