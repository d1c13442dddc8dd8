// SPDX-License-Identifier: Apache-2.0
/**
 * The generated network the benchmarks share (bench/passes.ts, bench/planning.ts): element sets
 * with valid layout and checksums and varied inclination, RAAN, mean anomaly, mean motion and
 * eccentricity, and stations spread evenly over the globe, so runs need no network and repeat.
 */
import { type GroundSite } from '../src/orbit/passes';
import { parseTle, tleChecksum, type Tle } from '../src/orbit/tle';

/** The TLEs' epoch is a day before this: as freshly refreshed element sets would be. */
export const NETWORK_START = new Date('2025-03-01T00:00:00Z');
const EPOCH_DAY_OF_YEAR = 59.5;

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same work. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fixed = (value: number, width: number, digits: number) => value.toFixed(digits).padStart(width, ' ');
const withChecksum = (line: string) => line + String(tleChecksum(line));

/** A LEO element set: inclinations from equatorial to retrograde sun-synchronous. */
export function generateTle(index: number, next: () => number): Tle {
  const id = String(90000 + index).padStart(5, '0');
  const inclination = [5, 28.5, 45, 51.6, 65, 82, 97.5, 98.7][index % 8] + next() * 2;
  const meanMotion = 14.2 + next() * 1.4;
  const eccentricity = String(Math.floor(next() * 0.005 * 1e7)).padStart(7, '0');
  const line1 = `1 ${id}U 25001A   25${fixed(EPOCH_DAY_OF_YEAR, 12, 8)}  .00000100  00000-0  10000-3 0  999`;
  const line2 =
    `2 ${id} ${fixed(inclination, 8, 4)} ${fixed(next() * 360, 8, 4)} ${eccentricity} ` +
    `${fixed(next() * 360, 8, 4)} ${fixed(next() * 360, 8, 4)} ${fixed(meanMotion, 11, 8)}    1`;
  return parseTle(withChecksum(line1), withChecksum(line2), `BENCH-${index}`);
}

/** Stations on a Fibonacci lattice (even global spread), a few with a horizon mask. */
export function generateStation(index: number, next: () => number, stations: number): GroundSite {
  const latitudeDeg = (Math.asin((2 * (index + 0.5)) / stations - 1) * 180) / Math.PI;
  const longitudeDeg = ((index * 137.508) % 360) - 180;
  const site: GroundSite = {
    latitudeDeg,
    longitudeDeg,
    altitudeM: Math.round(next() * 1500),
    minElevationDeg: [0, 5, 10][index % 3],
  };
  if (index % 10 === 0) {
    site.horizonMask = [{ fromAzimuthDeg: 330, toAzimuthDeg: 30, minElevationDeg: 20 }];
  }
  return site;
}

/** The same element set with the mean anomaly moved by `degrees`: a TLE update that shifts passes a little. */
export function nudgeMeanAnomaly(tle: Tle, degrees: number): Tle {
  const anomaly = (Number(tle.line2.slice(43, 51)) + degrees + 360) % 360;
  const body = tle.line2.slice(0, 43) + fixed(anomaly, 8, 4) + tle.line2.slice(51, 68);
  return parseTle(tle.line1, withChecksum(body), tle.name);
}
