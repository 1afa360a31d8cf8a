import type { ComponentChildren } from "preact";

// A definition list of label → value pairs for details panes.
export function KeyValues({ items }: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="key-values">
      {items.map(([label, value]) => (
        <div class="key-value">
          <dt>{label}</dt>
          <dd>{value === undefined || value === null || value === "" ? "—" : value}</dd>
        </div>
      ))}
    </dl>
  );
}
