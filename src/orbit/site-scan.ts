// SPDX-License-Identifier: Apache-2.0
import {
  angleTurnedDeg,
  edgesSwept,
  horizonElevationDeg,
  type GroundSite,
  type HorizonSector,
} from './horizon';
import {
  azimuthDeg,
  azimuthRateRadS,
  sinElevation,
  sinElevationRate,
  STATE_STRIDE,
  type SiteFrame,
} from './propagator';
import { bracketRoot } from './root-bracket';
import { stateAt, type SampledTrack } from './track';

/**
 * AOS/LOS brackets are narrowed until they are at most this wide (s): a reported AOS or LOS is
 * within this of the true crossing (issue 13; pass-timing.spec.ts checks it against a
 * 10-millisecond scan). Each halving costs one interpolated evaluation, not a propagation.
 */
export const CROSSING_TOLERANCE_S = 0.1;
/** Fallback sub-step where a mask is crossed while the azimuth turns back (s); see scanFinely. */
export const MASK_SCAN_STEP_S = 2;
const TCA_TOLERANCE_S = 0.5;
/**
 * Gaps shorter than this are not reported: the windows either side are merged. A spacecraft
 * skimming a mask edge can dip behind it for a fraction of a second; splitting a pass there
 * would say more than the crossing precision can back (and could drop both halves as short).
 */
export const MERGE_GAP_S = 1;
const DEG = Math.PI / 180;

/**
 * One ground site's visibility over a shared sampled track: the windows in which the
 * spacecraft is above the site's effective horizon, and what a pass needs to know about them.
 * Times are seconds after the track start.
 *
 * Visibility is the sign of a margin, sin(elevation) − sin(horizon at that azimuth). Without a
 * mask the horizon is constant and the margin smooth, so a crossing between two samples is
 * bracketed to ≤ CROSSING_TOLERANCE_S by `bracketRoot`. A mask makes the margin jump where the
 * azimuth meets a sector edge, and can split one geometric pass into several windows: the
 * instants of those edges are located first (edgeBrackets), and the pieces between them, each
 * of constant horizon, are handled like the maskless case. Gaps under MERGE_GAP_S are merged.
 */
export class SiteScan {
  private readonly sinMinElevation: number;
  /** Sectors that actually raise the horizon; empty when the mask changes nothing. */
  private readonly mask: readonly HorizonSector[];
  private readonly sinMaxHorizon: number;
  private readonly state = new Float64Array(STATE_STRIDE);
  /** Visible windows as [start, end] pairs. */
  private readonly found: number[] = [];
  private scanned = false;
  private openedAt = Number.NaN;

  /**
   * @param inReach ascending indices of the samples within the site's reach (reach.ts); every
   *   other sample is taken as below the horizon.
   */
  constructor(
    private readonly track: SampledTrack,
    private readonly site: GroundSite,
    private readonly frame: SiteFrame,
    private readonly inReach: Int32Array,
  ) {
    this.sinMinElevation = Math.sin(site.minElevationDeg * DEG);
    this.mask = (site.horizonMask ?? []).filter((sector) => sector.minElevationDeg > site.minElevationDeg);
    const maxHorizon = Math.max(site.minElevationDeg, ...this.mask.map((sector) => sector.minElevationDeg));
    this.sinMaxHorizon = Math.sin(maxHorizon * DEG);
  }

  /** Visible windows in time order, as [start, end] pairs (s). */
  windows(): readonly number[] {
    if (!this.scanned) this.scanSamples();
    this.scanned = true;
    return this.found;
  }

  azimuthDegAt(t: number): number {
    stateAt(this.track, t, this.state);
    return azimuthDeg(this.frame, this.state[0], this.state[1], this.state[2]);
  }

  sinElevationAt(t: number): number {
    stateAt(this.track, t, this.state);
    return sinElevation(this.frame, this.state[0], this.state[1], this.state[2]);
  }

  /**
   * Time and sine of the highest elevation in [start, end]. The best sample brackets the peak
   * (elevation is unimodal within a pass); the root of the elevation rate pins it down.
   */
  maximum(start: number, end: number): [number, number] {
    const { times, states, stepS, count } = this.track;
    let best = -1;
    let bestSin = -2;
    for (let k = Math.ceil(start / stepS); k < count && times[k] <= end; k++) {
      const o = k * STATE_STRIDE;
      const sin = sinElevation(this.frame, states[o], states[o + 1], states[o + 2]);
      if (sin > bestSin) [best, bestSin] = [k, sin];
    }
    const lo = best < 0 ? start : Math.max(start, times[best - 1] ?? start);
    const hi = best < 0 ? end : Math.min(end, times[best + 1] ?? end);
    const rate = (t: number) => {
      stateAt(this.track, t, this.state);
      return sinElevationRate(this.frame, this.state, 0);
    };
    const [rateLo, rateHi] = [rate(lo), rate(hi)];
    if (rateLo > 0 && rateHi < 0) {
      const peak = bracketRoot(rate, lo, rateLo, hi, rateHi, TCA_TOLERANCE_S);
      const t = (peak.lo + peak.hi) / 2;
      return [t, this.sinElevationAt(t)];
    }
    // No turning point inside: the peak is at an end (a pass clipped by the window or a mask).
    const [sinLo, sinHi] = [this.sinElevationAt(lo), this.sinElevationAt(hi)];
    return sinLo >= sinHi ? [lo, sinLo] : [hi, sinHi];
  }

  /**
   * Walks the samples within reach; those between are below the horizon. A visibility change
   * between two neighbouring samples (or a mask that may cut in between) is refined.
   */
  private scanSamples(): void {
    const { times, states, count } = this.track;
    let [prevK, prevVisible, prevSin] = [-1, false, -1];
    for (const k of this.inReach) {
      if (prevVisible && k !== prevK + 1) {
        // Left the reach while visible: sample prevK + 1 is below the horizon.
        this.refineInterval(prevK + 1);
        prevVisible = false;
      }
      const o = k * STATE_STRIDE;
      const sin = sinElevation(this.frame, states[o], states[o + 1], states[o + 2]);
      const visible = sin > this.sinMinElevation && this.margin(sin, states, o) > 0;
      // From here prevVisible describes sample k − 1: in reach and visible, or else invisible.
      if (k === 0) {
        if (visible) this.openedAt = 0;
      } else if (visible !== prevVisible || (visible && this.maskMayIntrude(prevSin, sin))) {
        this.refineInterval(k);
      }
      [prevK, prevVisible, prevSin] = [k, visible, sin];
    }
    if (!prevVisible) return;
    if (prevK === count - 1) this.found.push(this.openedAt, times[count - 1]);
    else this.refineInterval(prevK + 1);
  }

  /** Both samples visible, but low enough that a mask sector could cut in between them. */
  private maskMayIntrude(prevSin: number, sin: number): boolean {
    return this.mask.length > 0 && Math.min(prevSin, sin) < this.sinMaxHorizon;
  }

  /** sin(elevation) − sin(effective horizon) for a point at `state[o…]` whose sine is `sin`. */
  private margin(sin: number, state: Float64Array, o: number): number {
    if (this.mask.length === 0) return sin - this.sinMinElevation;
    const azimuth = azimuthDeg(this.frame, state[o], state[o + 1], state[o + 2]);
    return sin - Math.sin(horizonElevationDeg(this.site, azimuth) * DEG);
  }

  /** The visibility margin on the interpolated track; positive means visible. */
  private marginAt(t: number): number {
    const state = this.state;
    stateAt(this.track, t, state);
    return this.margin(sinElevation(this.frame, state[0], state[1], state[2]), state, 0);
  }

  /**
   * Records the visibility changes between samples k−1 and k. With a mask, the instants where
   * the azimuth meets a sector edge split the interval into pieces of constant horizon.
   */
  private refineInterval(k: number): void {
    const [t0, t1] = [this.track.times[k - 1], this.track.times[k]];
    const edges = this.mask.length === 0 ? [] : this.edgeBrackets(k);
    if (!edges) return this.scanFinely(t0, t1);
    let [a, marginA] = [t0, this.marginAt(t0)];
    for (let i = 0; i < edges.length; i += 2) {
      const before = Math.max(a, edges[i]);
      const after = Math.max(before, edges[i + 1]);
      const marginBefore = this.marginAt(before);
      this.crossing(a, marginA, before, marginBefore);
      [a, marginA] = [after, this.marginAt(after)];
      this.crossing(before, marginBefore, after, marginA);
    }
    this.crossing(a, marginA, t1, this.marginAt(t1));
  }

  /** Narrows a visibility change in [lo, hi], if any, and opens or closes a window there. */
  private crossing(lo: number, marginLo: number, hi: number, marginHi: number): void {
    const visibleLo = marginLo > 0;
    if (visibleLo === marginHi > 0) return;
    const bracket = bracketRoot((t) => this.marginAt(t), lo, marginLo, hi, marginHi, CROSSING_TOLERANCE_S);
    // Report the visible end of the bracket, so AOS and LOS are never below the horizon.
    if (visibleLo) this.found.push(this.openedAt, bracket.lo);
    else this.open(bracket.hi);
  }

  /** Opens a window at t, or resumes the last one if it closed less than MERGE_GAP_S before. */
  private open(t: number): void {
    const n = this.found.length;
    if (n > 0 && t - this.found[n - 1] < MERGE_GAP_S) {
      this.openedAt = this.found[n - 2];
      this.found.length = n - 2;
    } else {
      this.openedAt = t;
    }
  }

  /**
   * Brackets [before, after] (≤ CROSSING_TOLERANCE_S wide) of the instants between samples
   * k−1 and k at which the azimuth meets a mask sector edge; undefined when the azimuth does not
   * turn the same way at both samples, so the edges met cannot be told from the end azimuths.
   */
  private edgeBrackets(k: number): number[] | undefined {
    const { states, times } = this.track;
    const [o0, o1] = [(k - 1) * STATE_STRIDE, k * STATE_STRIDE];
    const [rate0, rate1] = [azimuthRateRadS(this.frame, states, o0), azimuthRateRadS(this.frame, states, o1)];
    if (!(rate0 * rate1 > 0)) return undefined;
    const turn = rate0 > 0 ? 1 : -1;
    const az0 = azimuthDeg(this.frame, states[o0], states[o0 + 1], states[o0 + 2]);
    const az1 = azimuthDeg(this.frame, states[o1], states[o1 + 1], states[o1 + 2]);
    const sweep = angleTurnedDeg(az0, az1, turn);
    // Angle turned since sample k−1; small overshoots past either end stay continuous.
    const turned = (t: number) => {
      const angle = angleTurnedDeg(az0, this.azimuthDegAt(t), turn);
      return angle > sweep + (360 - sweep) / 2 ? angle - 360 : angle;
    };
    const brackets: number[] = [];
    for (const offset of edgesSwept(this.mask, az0, az1, turn)) {
      const edge = bracketRoot(
        (t) => turned(t) - offset,
        times[k - 1],
        -offset,
        times[k],
        sweep - offset,
        CROSSING_TOLERANCE_S,
      );
      brackets.push(edge.lo, edge.hi);
    }
    return brackets;
  }

  /**
   * Fallback when the azimuth turns back between two samples (rare: near-stationary or
   * strongly curved geometry), so which edges it met is unknown: sample every
   * MASK_SCAN_STEP_S. Mask windows or gaps shorter than that may be missed here.
   */
  private scanFinely(t0: number, t1: number): void {
    const n = Math.ceil((t1 - t0) / MASK_SCAN_STEP_S);
    let [a, marginA] = [t0, this.marginAt(t0)];
    for (let j = 1; j <= n; j++) {
      const b = j === n ? t1 : t0 + j * MASK_SCAN_STEP_S;
      const marginB = this.marginAt(b);
      this.crossing(a, marginA, b, marginB);
      [a, marginA] = [b, marginB];
    }
  }
}
