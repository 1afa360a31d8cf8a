// Detections per day by level, drawn with uPlot.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "preact/hooks";
import type { LevelCounts } from "../types";

export function TrendChart({ days, from, to }: { days: ({ date: string } & LevelCounts)[]; from: string; to: string }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    // Every day of the period, with zero where nothing was detected.
    const byDay = new Map(days.map((day) => [day.date.slice(0, 10), day]));
    const x: number[] = [];
    const series: number[][] = [[], [], []];
    for (let t = Date.parse(from.slice(0, 10)); t < Date.parse(to); t += 86400000) {
      const day = byDay.get(new Date(t).toISOString().slice(0, 10));
      x.push(t / 1000);
      series[0].push(day?.high ?? 0);
      series[1].push(day?.medium ?? 0);
      series[2].push(day?.low ?? 0);
    }
    const style = getComputedStyle(document.documentElement);
    const colour = (name: string) => style.getPropertyValue(name).trim() || "#888";
    const chart = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 220,
        legend: { show: true },
        scales: { x: { time: true } },
        axes: [{}, { label: "Detections", size: 56 }],
        series: [
          {},
          { label: "High", stroke: colour("--high"), width: 2 },
          { label: "Medium", stroke: colour("--medium"), width: 2 },
          { label: "Low", stroke: colour("--low"), width: 2 },
        ],
      },
      [x, ...series],
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(320, element.clientWidth), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [days, from, to]);
  return <div ref={container} class="trend-chart" role="img" aria-label="Detections per day by risk level" />;
}
