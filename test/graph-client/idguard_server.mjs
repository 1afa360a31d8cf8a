// The server run.mjs started, as the test files see it: its URL, a token per role, and a Microsoft
// Graph client for a token.
import { Client } from "@microsoft/microsoft-graph-client";

export const baseUrl = process.env.IDGUARD_URL;
export const tokens = JSON.parse(process.env.IDGUARD_TOKENS);
const host = new URL(baseUrl).hostname;

export function client(token) {
  return Client.initWithMiddleware({
    baseUrl,
    defaultVersion: "v1.0",
    customHosts: new Set([host]),
    authProvider: { getAccessToken: async () => token },
  });
}
