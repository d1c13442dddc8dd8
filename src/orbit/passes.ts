// SPDX-License-Identifier: Apache-2.0
import { assertValidSite, type GroundSite } from './horizon';
import { siteFrame } from './propagator';
import { samplesInReach } from './reach';
import { SiteScan } from './site-scan';
import type { Tle } from './tle';
import { sampleTrack, type SampledTrack } from './track';

export type { GroundSite, HorizonSector } from './horizon';
export { CROSSING_TOLERANCE_S } from './site-scan';

/**
 * Pass prediction (DESIGN.md §3 "Orbit"): AOS/LOS where the elevation crosses the site's
 * effective horizon (minimum elevation raised by the horizon mask), TCA and maximum elevation.
 *
 * The spacecraft is propagated once per coarse step — no longer than the minimum pass duration,
 * so every visible window at least that long contains a sample — and the samples serve every
 * site. A dot product per sample and site (reach.ts) rules out samples far from a site; per site
 * (site-scan.ts) crossings
 * between samples are narrowed to ≤ CROSSING_TOLERANCE_S (0.1 s), the peak to ≤ 0.5 s, both on the
 * Hermite-interpolated track (track.ts explains why that is accurate to metres). A window
 * shorter than the step may fall between two samples; it is shorter than the minimum duration
 * too, and would be dropped anyway.
 */

export interface Pass {
  aos: Date;
  los: Date;
  /** Time of closest approach, taken as the time of maximum elevation. */
  tca: Date;
  maxElevationDeg: number;
  aosAzimuthDeg: number;
  losAzimuthDeg: number;
  durationS: number;
}

export interface PassSearchOptions {
  /** Passes (after clipping to the search window) shorter than this are dropped. */
  minDurationS: number;
  /** Coarse step; defaults to `minDurationS`, must not exceed it, capped at `MAX_STEP_S`. */
  stepS?: number;
  /** Where the samples come from; sampled afresh by default. */
  tracks?: TrackSource;
}

/** Longest coarse step: keeps the interpolation error of the track at metres (track.ts). */
export const MAX_STEP_S = 120;
/** Shortest coarse step: a minimum duration below 1 s would otherwise mean endless sampling. */
export const MIN_STEP_S = 1;
const DEG = Math.PI / 180;

/** The coarse step actually used for `options` (s). */
export function coarseStepS(options: PassSearchOptions): number {
  const { minDurationS, stepS = minDurationS } = options;
  if (!(minDurationS >= 0) || !(stepS > 0 || minDurationS === 0)) {
    throw new RangeError(`minDurationS must be ≥ 0 and stepS > 0, got ${minDurationS} and ${stepS}`);
  }
  if (stepS > minDurationS) {
    throw new RangeError(
      `stepS (${stepS}) must not exceed minDurationS (${minDurationS}), or passes are missed`,
    );
  }
  return Math.min(Math.max(stepS, MIN_STEP_S), MAX_STEP_S);
}

/** Passes of one spacecraft over one site between `from` and `to`, in time order. */
export function findPasses(
  tle: Tle,
  site: GroundSite,
  from: Date,
  to: Date,
  options: PassSearchOptions,
): Pass[] {
  return findPassesForSites(tle, [site], from, to, options)[0];
}

/**
 * Passes over each of `sites` (one array per site, same order). The spacecraft is propagated
 * once per coarse step for all sites together. Throws `TleError` if SGP4 fails in the window.
 */
export function findPassesForSites(
  tle: Tle,
  sites: readonly GroundSite[],
  from: Date,
  to: Date,
  options: PassSearchOptions,
): Pass[][] {
  const stepS = coarseStepS(options);
  sites.forEach(assertValidSite);
  if (!(to.getTime() >= from.getTime())) {
    throw new RangeError(
      `the search window ends (${to.toISOString()}) before it starts (${from.toISOString()})`,
    );
  }
  if (sites.length === 0 || to.getTime() === from.getTime()) return sites.map(() => []);
  const track = (options.tracks ?? FRESH).track(tle, from.getTime(), to.getTime(), stepS);
  const frames = sites.map(siteFrame);
  const inReach = samplesInReach(track, frames);
  return sites.map((site, j) =>
    passesOver(new SiteScan(track, site, frames[j], inReach[j]), track, options.minDurationS),
  );
}

/** Where a pass search gets its samples: sampleTrack itself, or a source that keeps them (track-cache.ts). */
export interface TrackSource {
  /** Must return exactly what `sampleTrack(tle, startMs, endMs, stepS)` does. */
  track(tle: Tle, startMs: number, endMs: number, stepS: number): SampledTrack;
}

const FRESH: TrackSource = { track: sampleTrack };

function passesOver(scan: SiteScan, track: SampledTrack, minDurationS: number): Pass[] {
  const windows = scan.windows();
  const passes: Pass[] = [];
  for (let i = 0; i < windows.length; i += 2) {
    const [start, end] = [windows[i], windows[i + 1]];
    if (end - start >= minDurationS) passes.push(toPass(track, scan, start, end));
  }
  return passes;
}

function toPass(track: SampledTrack, scan: SiteScan, start: number, end: number): Pass {
  const date = (t: number) => new Date(track.startMs + Math.round(t * 1000));
  const [aos, los] = [date(start), date(end)];
  const [tca, sinMax] = scan.maximum(start, end);
  return {
    aos,
    los,
    tca: date(tca),
    maxElevationDeg: Math.asin(sinMax) / DEG,
    aosAzimuthDeg: scan.azimuthDegAt(start),
    losAzimuthDeg: scan.azimuthDegAt(end),
    durationS: (los.getTime() - aos.getTime()) / 1000,
  };
}
