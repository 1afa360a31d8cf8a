import type { ComponentChildren } from "preact";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="state state-empty">{children}</div>;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="state state-error" role="alert">
      <strong>Something went wrong.</strong> {message}
      {onRetry && (
        <button type="button" class="link-button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function LevelBadge({ level }: { level?: string | null }) {
  const value = level ?? "none";
  return <span class={`badge level-${value}`}>{value === "none" ? "None" : value.charAt(0).toUpperCase() + value.slice(1)}</span>;
}

export interface Message {
  text: string;
  error?: boolean;
}

// The outcome of an action, announced to screen readers.
export function Notice({ message }: { message: Message | null }) {
  if (!message) return null;
  return (
    <div class={message.error ? "notice notice-error" : "notice"} role="status">
      {message.text}
    </div>
  );
}
