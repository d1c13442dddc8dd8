// SPDX-License-Identifier: Apache-2.0
import { cspHeaderLength, type CspVersion, decodeCspHeader } from '../csp/csp-header';
import { findPasses, type GroundSite } from '../orbit/passes';
import { TleError, type Tle } from '../orbit/tle';

/**
 * Which spacecraft a non-scheduled frame came from (docs/api.md "Non-scheduled frames"): the one
 * whose CSP addresses hold the frame's source address (its header read as that spacecraft's CSP
 * version) AND that passed over the station within `marginMs` of the frame's time. None, or more
 * than one that fit (two missions sharing an address, both overhead): unattributed.
 *
 * Passes are found once per spacecraft and per cluster of frame times (frames closer than the
 * search windows' overlap share one search), not per frame: a 1,000-frame upload of one pass costs
 * one SGP4 sweep per spacecraft whose address appears in it.
 */

export interface AttributionCandidate {
  spacecraftId: string;
  version: CspVersion;
  addresses: readonly number[];
  tle: Tle | null;
}

export interface AttributableFrame {
  data: Uint8Array;
  gsTime: Date;
}

/** Coarse step of the pass search (s): passes shorter than this above the station's horizon may be missed. */
export const PASS_STEP_S = 10;
/** Searched beyond the margin on both sides, so that a pass clipped by the window is still ≥ PASS_STEP_S. */
const PAD_MS = 3 * PASS_STEP_S * 1000;

interface Interval {
  startMs: number;
  endMs: number;
}

export class Attributor {
  /** version → source address → candidates. */
  private readonly byAddress = new Map<CspVersion, Map<number, AttributionCandidate[]>>();

  constructor(
    candidates: readonly AttributionCandidate[],
    private readonly site: GroundSite,
    private readonly marginMs: number,
  ) {
    for (const candidate of candidates) {
      if (!candidate.tle) continue; // without an orbit, no pass can vouch for it
      const addresses = this.byAddress.get(candidate.version) ?? new Map<number, AttributionCandidate[]>();
      this.byAddress.set(candidate.version, addresses);
      for (const address of new Set(candidate.addresses))
        addresses.set(address, [...(addresses.get(address) ?? []), candidate]);
    }
  }

  /** The spacecraft id of each frame, or null; same order as `frames`. */
  attribute(frames: readonly AttributableFrame[]): (string | null)[] {
    const candidatesOf = frames.map((frame) => this.addressMatches(frame.data));
    const timesOf = new Map<AttributionCandidate, number[]>();
    frames.forEach((frame, i) => {
      for (const candidate of candidatesOf[i]) {
        const times = timesOf.get(candidate) ?? [];
        times.push(frame.gsTime.getTime());
        timesOf.set(candidate, times);
      }
    });
    const visible = new Map<AttributionCandidate, Interval[]>();
    for (const [candidate, times] of timesOf) visible.set(candidate, this.visibleIntervals(candidate, times));
    return frames.map((frame, i) => {
      const t = frame.gsTime.getTime();
      const fitting = candidatesOf[i].filter((candidate) =>
        (visible.get(candidate) ?? []).some((v) => t >= v.startMs && t <= v.endMs),
      );
      return fitting.length === 1 ? fitting[0].spacecraftId : null;
    });
  }

  private addressMatches(data: Uint8Array): AttributionCandidate[] {
    const matches: AttributionCandidate[] = [];
    for (const [version, addresses] of this.byAddress) {
      if (data.length < cspHeaderLength(version)) continue;
      matches.push(...(addresses.get(decodeCspHeader(version, data).source) ?? []));
    }
    return matches;
  }

  /** The candidate's passes near `times`, each widened by the margin. */
  private visibleIntervals(candidate: AttributionCandidate, times: number[]): Interval[] {
    const reach = this.marginMs + PAD_MS;
    const intervals: Interval[] = [];
    for (const cluster of clusters(times, 2 * reach)) {
      const from = new Date(cluster.startMs - reach);
      const to = new Date(cluster.endMs + reach);
      for (const pass of this.passes(candidate.tle as Tle, from, to))
        intervals.push({
          startMs: pass.aos.getTime() - this.marginMs,
          endMs: pass.los.getTime() + this.marginMs,
        });
    }
    return intervals;
  }

  private passes(tle: Tle, from: Date, to: Date) {
    try {
      return findPasses(tle, this.site, from, to, { minDurationS: PASS_STEP_S });
    } catch (error) {
      if (error instanceof TleError) return []; // SGP4 gave up (a decayed orbit): no pass it can vouch for
      throw error;
    }
  }
}

/** Sorted runs of `times` where each is at most `gapMs` after the previous one. */
function clusters(times: readonly number[], gapMs: number): Interval[] {
  const sorted = [...times].sort((a, b) => a - b);
  const runs: Interval[] = [];
  for (const t of sorted) {
    const last = runs.at(-1);
    if (last && t - last.endMs <= gapMs) last.endMs = t;
    else runs.push({ startMs: t, endMs: t });
  }
  return runs;
}
