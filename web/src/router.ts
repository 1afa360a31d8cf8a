// A small router over the History API: the path picks the page, the query string holds the
// page's filters, so every view can be bookmarked and shared.
import { useEffect, useState } from "preact/hooks";

const listeners = new Set<() => void>();

export function navigate(url: string, replace = false) {
  if (url === window.location.pathname + window.location.search) return;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  listeners.forEach((listener) => listener());
}

window.addEventListener("popstate", () => listeners.forEach((listener) => listener()));

export interface Location {
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return location;
}

// Replaces some query parameters of the current page (empty values are removed).
export function setQuery(changes: Record<string, string | undefined>, replace = true) {
  const query = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === "") query.delete(key);
    else query.set(key, value);
  }
  const search = query.toString();
  navigate(window.location.pathname + (search ? `?${search}` : ""), replace);
}

// Links inside the portal navigate without a page load.
export function linkHandler(event: MouseEvent) {
  const anchor = (event.target as HTMLElement).closest("a");
  if (!anchor || anchor.target || anchor.hasAttribute("download")) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(anchor.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith("/v1")) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
