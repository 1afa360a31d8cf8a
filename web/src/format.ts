// Display helpers: dates, enum labels and distances.

export function formatDateTime(value?: string | null): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

export function formatDate(value?: string | null): string {
  return value ? formatDateTime(value).slice(0, 10) : "—";
}

// camelCase enum members as words: "adminConfirmedUserCompromised" → "Admin confirmed user
// compromised".
export function enumLabel(value?: string | null): string {
  if (!value) return "—";
  const words = value.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase().replace(/\bip\b/g, "IP").replace(/\bmfa\b/g, "MFA");
}

export function formatNumber(value: number): string {
  return value.toLocaleString("en-US");
}

// Great-circle distance in kilometres.
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

// An ISO timestamp `days` before now, at the start of that day (UTC).
export function daysAgo(days: number): string {
  const date = new Date(Date.now() - days * 86400000);
  date.setUTCHours(0, 0, 0, 0);
  return date.toISOString().replace(".000Z", "Z");
}
