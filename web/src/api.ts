// The portal talks only to idguard's public API. The session cookie authenticates every call;
// X-Requested-With marks calls as the portal's own (the server refuses cookie-authenticated
// changes without it), and enum members newer than unknownFutureValue are asked for by name.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Page<T> {
  value: T[];
  "@odata.count"?: number;
  "@odata.nextLink"?: string;
}

type Listener = () => void;
const signedOutListeners = new Set<Listener>();

// Called when any call answers 401: the session ended (expired, or signed out elsewhere).
export function onSignedOut(listener: Listener): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {
    Accept: "application/json",
    "X-Requested-With": "idguard-portal",
    Prefer: "include-unknown-enum-members",
  };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (response.status === 401 && !path.startsWith("/v1/portal/session")) {
      signedOutListeners.forEach((listener) => listener());
    }
    throw new ApiError(
      response.status,
      error?.code ?? "Error",
      error?.message ?? `${response.status} ${response.statusText}`,
    );
  }
  return parsed as T;
}

export const get = <T>(path: string) => request<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {});

// A path with query options; values are encoded, OData keys keep their '$'.
export function withQuery(path: string, options: Record<string, string | number | undefined>) {
  const parts = Object.entries(options)
    .filter(([, value]) => value !== undefined && value !== "")
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`);
  return parts.length ? `${path}?${parts.join("&")}` : path;
}

// @odata.nextLink is absolute, with the host the server saw; the portal follows it on its own
// origin.
export function relativeLink(link: string): string {
  const url = new URL(link, window.location.origin);
  return url.pathname + url.search;
}

// A string literal in an OData $filter.
export const odataString = (value: string) => `'${value.replace(/'/g, "''")}'`;
