/**
 * Pass-prediction benchmark (issue 3, "Performance"): every pass of 100 spacecraft over 50
 * ground stations across 7 days, minimum pass duration 120 s. Target: ≤ 3 s on 2 cores.
 *
 *   npm run bench:passes
 *
 * The element sets are generated (valid layout and checksums, varied inclination, RAAN, mean
 * anomaly, mean motion and eccentricity) so the run needs no network and is reproducible.
 */
import { performance } from 'node:perf_hooks';
import {
  coarseStepS,
  findPassesForSites,
  type GroundSite,
  type PassSearchOptions,
} from '../src/orbit/passes';
import { parseTle, tleChecksum, type Tle } from '../src/orbit/tle';

const SPACECRAFT = 100;
const STATIONS = 50;
const DAYS = 7;
const OPTIONS: PassSearchOptions = { minDurationS: 120 };
const START = new Date('2025-03-01T00:00:00Z');
/** TLE epoch: a day before the window, as a freshly refreshed TLE would be. */
const EPOCH_DAY_OF_YEAR = 59.5;

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same work. */
function random(seed: number): () => number {
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
function generateTle(index: number, next: () => number): Tle {
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
function generateStation(index: number, next: () => number): GroundSite {
  const latitudeDeg = (Math.asin((2 * (index + 0.5)) / STATIONS - 1) * 180) / Math.PI;
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

interface Measurement {
  seconds: number;
  cpuSeconds: number;
  passes: number;
}

/** Times the pass search alone: element sets and stations are built before the clock starts. */
function measure(tles: Tle[], stations: GroundSite[]): Measurement {
  const end = new Date(START.getTime() + DAYS * 86_400_000);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let passes = 0;
  for (const tle of tles) {
    for (const sitePasses of findPassesForSites(tle, stations, START, end, OPTIONS))
      passes += sitePasses.length;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, passes };
}

function report({ seconds, cpuSeconds, passes }: Measurement): void {
  const stepS = coarseStepS(OPTIONS);
  // SGP4 runs once per coarse step and spacecraft, and nowhere else in the search.
  const propagations = SPACECRAFT * (Math.ceil((DAYS * 86_400) / stepS) + 1);
  const perSecond = (count: number) => `${count} (${Math.round(count / seconds).toLocaleString('en')} /s)`;
  const rows: [string, string][] = [
    [
      'scenario',
      `${SPACECRAFT} spacecraft × ${STATIONS} stations × ${DAYS} days, min pass ${OPTIONS.minDurationS} s`,
    ],
    ['coarse step', `${stepS} s`],
    ['wall time', `${seconds.toFixed(3)} s (target ≤ 3 s; pass search only, not ts-node start-up)`],
    // CPU time tells a busy machine from a slow program: wall time far above it means waiting.
    ['cpu time', `${cpuSeconds.toFixed(3)} s`],
    ['passes found', String(passes)],
    ['SGP4 propagations', perSecond(propagations)],
    ['site-steps tested', perSecond(propagations * STATIONS)],
  ];
  console.log('── bench:passes ──────────────────────────────────────────────────────────');
  for (const [label, value] of rows) console.log(`${label.padEnd(20)}${value}`);
  console.log('──────────────────────────────────────────────────────────────────────────');
}

const next = random(20250301);
const tles = Array.from({ length: SPACECRAFT }, (_, i) => generateTle(i, next));
const stations = Array.from({ length: STATIONS }, (_, i) => generateStation(i, next));
report(measure(tles, stations));
