// SPDX-License-Identifier: Apache-2.0
import { propagateEcfInto, STATE_STRIDE } from './propagator';
import type { Tle } from './tle';

/**
 * A spacecraft's Earth-fixed trajectory sampled once per coarse step, shared by every ground
 * site of a pass search, plus cubic Hermite interpolation between samples.
 *
 * Why interpolate instead of calling SGP4 again while refining AOS/LOS/TCA: refinement needs
 * ~30 evaluations per pass and per site, which would cost several times the coarse scan itself.
 * Each sample carries position and velocity, so the cubic through two neighbours matches
 * both; its error is about h⁴·|r⁗|/384 — for a LEO at h = 120 s (ω·h ≈ 0.14 rad) about
 * 0.14⁴ × 6 800 km / 384 ≈ 7 m, i.e. a few milliseconds of along-track time. `track.spec.ts`
 * checks the bound against SGP4 directly; `MAX_STEP_S` in passes.ts keeps h in that regime.
 */
export interface SampledTrack {
  readonly startMs: number;
  /** Distance between samples (s); the last interval may be shorter so it ends exactly at the end. */
  readonly stepS: number;
  /** Sample times, seconds after `startMs`. */
  readonly times: Float64Array;
  /** `STATE_STRIDE` numbers per sample: ECF x, y, z (km) and vx, vy, vz (km/s). */
  readonly states: Float64Array;
  readonly count: number;
  /** Largest geocentric distance over the samples (km): bounds how far the spacecraft can see. */
  readonly maxRadiusKm: number;
}

/** Propagates once per step from `startMs` to `endMs` inclusive (`endMs` > `startMs`). */
export function sampleTrack(tle: Tle, startMs: number, endMs: number, stepS: number): SampledTrack {
  const durationS = (endMs - startMs) / 1000;
  const count = Math.ceil(durationS / stepS - 1e-9) + 1;
  const times = new Float64Array(count);
  const states = new Float64Array(count * STATE_STRIDE);
  for (let k = 0; k < count; k++) {
    const t = k === count - 1 ? durationS : k * stepS;
    times[k] = t;
    propagateEcfInto(tle, startMs + t * 1000, states, k * STATE_STRIDE);
  }
  return { startMs, stepS, times, states, count, maxRadiusKm: maxRadiusKm(states) };
}

/** The largest geocentric distance (km) among `states` (STATE_STRIDE numbers per sample). */
export function maxRadiusKm(states: Float64Array): number {
  let max = 0;
  for (let o = 0; o < states.length; o += STATE_STRIDE)
    max = Math.max(max, Math.hypot(states[o], states[o + 1], states[o + 2]));
  return max;
}

/** Index k of the sample interval [times[k], times[k+1]] containing t (clamped to the track). */
export function intervalIndex(track: SampledTrack, t: number): number {
  const k = Math.floor(t / track.stepS);
  return k < 0 ? 0 : k > track.count - 2 ? track.count - 2 : k;
}

/**
 * Interpolated Earth-fixed state at t seconds after `startMs`: position (km) in `out[0…2]`,
 * velocity (km/s, the cubic's derivative) in `out[3…5]` — the layout of one sample.
 */
export function stateAt(track: SampledTrack, t: number, out: Float64Array): void {
  const k = intervalIndex(track, t);
  const { times, states } = track;
  const h = times[k + 1] - times[k];
  const s = (t - times[k]) / h;
  const s2 = s * s;
  const s3 = s2 * s;
  // Cubic Hermite basis (value and slope at each end) and its derivative per second.
  const h00 = 2 * s3 - 3 * s2 + 1;
  const h10 = (s3 - 2 * s2 + s) * h;
  const h01 = 3 * s2 - 2 * s3;
  const h11 = (s3 - s2) * h;
  const d00 = (6 * s2 - 6 * s) / h;
  const d10 = 3 * s2 - 4 * s + 1;
  const d11 = 3 * s2 - 2 * s;
  const a = k * STATE_STRIDE;
  const b = a + STATE_STRIDE;
  for (let i = 0; i < 3; i++) {
    const p0 = states[a + i];
    const v0 = states[a + 3 + i];
    const p1 = states[b + i];
    const v1 = states[b + 3 + i];
    out[i] = h00 * p0 + h10 * v0 + h01 * p1 + h11 * v1;
    out[3 + i] = d00 * (p0 - p1) + d10 * v0 + d11 * v1;
  }
}
