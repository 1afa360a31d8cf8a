// A world map drawn from Natural Earth boundaries (world-atlas, bundled; no tile server), with
// points and an optional path between consecutive points projected on the client with d3-geo.
import { geoNaturalEarth1, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import type { FeatureCollection } from "geojson";
import { useMemo } from "preact/hooks";
import countries110m from "world-atlas/countries-110m.json";

export interface MapPoint {
  latitude: number;
  longitude: number;
  radius: number;
  className: string;   // colour by class (e.g. level-high)
  label: string;       // the tooltip
}

const width = 960;
const height = 500;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const topology = countries110m as any;
const land = feature(topology, topology.objects.countries) as unknown as FeatureCollection;

export function WorldMap({ points, path, label }: { points: MapPoint[]; path?: MapPoint[]; label: string }) {
  const projection = useMemo(() => geoNaturalEarth1().fitSize([width, height], { type: "Sphere" }), []);
  const draw = useMemo(() => geoPath(projection), [projection]);
  const countries = useMemo(() => land.features.map((country) => draw(country) ?? ""), [draw]);
  const line = path && path.length > 1
    ? draw({ type: "LineString", coordinates: path.map((p) => [p.longitude, p.latitude]) }) ?? ""
    : "";
  return (
    <svg class="world-map" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <path class="sphere" d={draw({ type: "Sphere" }) ?? ""} />
      {countries.map((d) => (
        <path class="country" d={d} />
      ))}
      {line && <path class="route" d={line} />}
      {points.map((point) => {
        const xy = projection([point.longitude, point.latitude]);
        if (!xy) return null;
        return (
          <circle class={`marker ${point.className}`} cx={xy[0]} cy={xy[1]} r={point.radius}>
            <title>{point.label}</title>
          </circle>
        );
      })}
    </svg>
  );
}
