import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

export interface Tab {
  id: string;
  label: string;
  render: () => ComponentChildren;
}

// Tabs with arrow-key navigation (WAI-ARIA tabs pattern).
export function Tabs({ tabs, label }: { tabs: Tab[]; label: string }) {
  const [active, setActive] = useState(tabs[0]?.id);
  const index = Math.max(0, tabs.findIndex((tab) => tab.id === active));
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const step = event.key === "ArrowRight" ? 1 : tabs.length - 1;
    const next = tabs[(index + step) % tabs.length];
    setActive(next.id);
    (document.getElementById(`tab-${next.id}`) as HTMLElement | null)?.focus();
  };
  return (
    <div class="tabs">
      <div role="tablist" aria-label={label} onKeyDown={onKey}>
        {tabs.map((tab) => (
          <button
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            aria-selected={tab.id === tabs[index].id}
            tabIndex={tab.id === tabs[index].id ? 0 : -1}
            onClick={() => setActive(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-labelledby={`tab-${tabs[index].id}`} class="tab-panel">
        {tabs[index].render()}
      </div>
    </div>
  );
}
