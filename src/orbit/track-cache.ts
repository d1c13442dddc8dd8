// SPDX-License-Identifier: Apache-2.0
import type { TrackSource } from './passes';
import { STATE_STRIDE } from './propagator';
import { TleError, type Tle } from './tle';
import { maxRadiusKm, sampleTrack, type SampledTrack } from './track';

/** Tracks kept at most: ~290 KB each for 8 days at 120 s. */
export const TRACK_CACHE_ENTRIES = 256;
/** A track unused this long may make room for another (a deleted spacecraft's, say). */
export const TRACK_CACHE_IDLE_MS = 3_600_000;
/** A track is sampled this far past the window asked for, so the next windows, a little later, fit in it. */
export const TRACK_CACHE_MARGIN_MS = 86_400_000;

interface Entry {
  readonly line1: string;
  readonly line2: string;
  readonly track: SampledTrack;
  usedAt: number;
}

/**
 * Sampled tracks kept per spacecraft (issue 13): a station or availability change replans one
 * station against every spacecraft, and propagating each of them over the whole horizon again was
 * a third of that replan (bench/planning.ts (3)). A track is kept with its TLE; a later window on
 * the same step grid that lies inside it gets a view of the same samples: the same numbers a new
 * sampling would give (times are whole steps from the window's start, and every sample sits at
 * the same instant), so the passes found are identical to the millisecond. A window off the grid,
 * or a different TLE or step, is sampled afresh.
 *
 * When it is full of tracks in use, a new spacecraft's track is not kept (rather than dropping the
 * least recently used): a replan goes through every spacecraft in turn, and in a network larger
 * than the cache, dropping the oldest would make every look-up miss; this way as many hit as fit.
 */
export class TrackCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = TRACK_CACHE_ENTRIES,
    private readonly marginMs = TRACK_CACHE_MARGIN_MS,
    private readonly idleMs = TRACK_CACHE_IDLE_MS,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** The pass search's source of samples for the spacecraft `key` (PassSearchOptions.tracks). */
  source(key: string): TrackSource {
    return { track: (tle, startMs, endMs, stepS) => this.track(key, tle, startMs, endMs, stepS) };
  }

  /** What `sampleTrack(tle, startMs, endMs, stepS)` returns, from the track kept under `key` when it can. */
  track(key: string, tle: Tle, startMs: number, endMs: number, stepS: number): SampledTrack {
    const stepMs = stepS * 1000;
    const onGrid = Number.isInteger(stepMs) && (endMs - startMs) % stepMs === 0;
    if (!onGrid) return sampleTrack(tle, startMs, endMs, stepS);
    const now = this.nowMs();
    const kept = this.entries.get(key);
    if (kept) {
      this.entries.delete(key); // most recently used last
      if (kept.line1 === tle.line1 && kept.line2 === tle.line2) {
        const view = viewOf(kept.track, startMs, endMs, stepMs);
        if (view) {
          kept.usedAt = now;
          this.entries.set(key, kept);
          return view;
        }
      }
    } else if (!this.makeRoom(now)) {
      return sampleTrack(tle, startMs, endMs, stepS);
    }
    const track = this.sampleWithMargin(tle, startMs, endMs, stepMs);
    this.entries.set(key, { line1: tle.line1, line2: tle.line2, track, usedAt: now });
    return viewOf(track, startMs, endMs, stepMs) as SampledTrack;
  }

  /** Whether a new track may be kept: there is room, or the least recently used one has been idle long enough to go. */
  private makeRoom(now: number): boolean {
    if (this.entries.size < this.maxEntries) return true;
    const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
    if (now - oldest.usedAt < this.idleMs) return false;
    this.entries.delete(oldestKey);
    return true;
  }

  /** The window and the margin after it; only the window when SGP4 fails in the margin (a decaying orbit). */
  private sampleWithMargin(tle: Tle, startMs: number, endMs: number, stepMs: number): SampledTrack {
    const extendedEndMs = endMs + Math.ceil(this.marginMs / stepMs) * stepMs;
    try {
      return sampleTrack(tle, startMs, extendedEndMs, stepMs / 1000);
    } catch (error) {
      if (!(error instanceof TleError)) throw error;
      return sampleTrack(tle, startMs, endMs, stepMs / 1000);
    }
  }
}

/**
 * The samples of `track` from `startMs` to `endMs` (both on its grid, within it) as a track of
 * its own: the states are shared, not copied. Undefined when the window is not inside it.
 */
function viewOf(
  track: SampledTrack,
  startMs: number,
  endMs: number,
  stepMs: number,
): SampledTrack | undefined {
  const trackEndMs = track.startMs + track.times[track.count - 1] * 1000;
  const first = (startMs - track.startMs) / stepMs;
  const count = (endMs - startMs) / stepMs + 1;
  // The track's last interval may be shorter than a step: a view may not reach into it.
  const lastOnGrid = track.startMs + (track.count - 1) * stepMs === trackEndMs;
  const usable = lastOnGrid ? track.count : track.count - 1;
  if (!Number.isInteger(first) || first < 0 || first + count > usable || stepMs !== track.stepS * 1000)
    return undefined;
  const stepS = stepMs / 1000;
  const times = new Float64Array(count);
  for (let k = 0; k < count; k++) times[k] = k * stepS;
  const states = track.states.subarray(first * STATE_STRIDE, (first + count) * STATE_STRIDE);
  return { startMs, stepS, times, states, count, maxRadiusKm: maxRadiusKm(states) };
}
