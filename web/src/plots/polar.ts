// SPDX-License-Identifier: Apache-2.0
/**
 * The sky seen from a station, drawn as a polar plot: the zenith at the centre, the horizon on the
 * outer circle, north up and east to the right (as an observer looking up sees a map turned over:
 * the usual convention of pass-prediction tools). Pure geometry: degrees in, SVG units out.
 */
export interface Point {
  x: number;
  y: number;
}

const RAD = Math.PI / 180;

/** Where azimuth `azDeg` (0 = north, 90 = east) and elevation `elDeg` fall in a plot of `radius`. */
export function polarPoint(azDeg: number, elDeg: number, radius: number): Point {
  const r = (radius * (90 - Math.min(90, Math.max(0, elDeg)))) / 90;
  return { x: round(r * Math.sin(azDeg * RAD)), y: round(-r * Math.cos(azDeg * RAD)) };
}

/** An SVG path through the points, in order (M then L). */
export function polyline(points: Point[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' ');
}

/** Circles of the grid: the horizon, 30° and 60° of elevation. */
export function elevationRings(radius: number): { elevation: number; r: number }[] {
  return [0, 30, 60].map((elevation) => ({ elevation, r: round((radius * (90 - elevation)) / 90) }));
}

export function round(value: number): number {
  return Math.round(value * 100) / 100 + 0;
}
