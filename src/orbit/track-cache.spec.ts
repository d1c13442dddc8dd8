// SPDX-License-Identifier: Apache-2.0
import { findPassesForSites } from './passes';
import { FIXTURE_START, ISS_TLE, SSO_TLE, SVALBARD, VIGO } from './test-fixtures';
import { parseTle } from './tle';
import { sampleTrack, type SampledTrack } from './track';
import { TrackCache } from './track-cache';

const START = FIXTURE_START.getTime();
const HOUR_MS = 3_600_000;
const STEP_S = 120;

function plain(track: SampledTrack) {
  return { ...track, times: Array.from(track.times), states: Array.from(track.states) };
}

describe('TrackCache', () => {
  const iss = parseTle(ISS_TLE.line1, ISS_TLE.line2);
  const sso = parseTle(SSO_TLE.line1, SSO_TLE.line2);

  it('answers a later window inside a kept track with exactly the samples a new sampling gives', () => {
    const cache = new TrackCache();
    const first = cache.track('sc', iss, START, START + 48 * HOUR_MS, STEP_S);
    const later = [START + 2 * HOUR_MS, START + 60 * HOUR_MS] as const; // into the margin kept after the first
    const view = cache.track('sc', iss, ...later, STEP_S);
    expect(view.states.buffer).toBe(first.states.buffer); // served from the kept samples
    expect(plain(view)).toEqual(plain(sampleTrack(iss, ...later, STEP_S)));
  });

  it('finds the same passes, to the millisecond, from a kept track as from a new one', () => {
    const cache = new TrackCache();
    const sites = [VIGO, SVALBARD];
    const options = { minDurationS: STEP_S };
    cache.track('sc', sso, START, START + 72 * HOUR_MS, STEP_S);
    const from = new Date(START + 6 * HOUR_MS);
    const to = new Date(START + 54 * HOUR_MS);
    const kept = findPassesForSites(sso, sites, from, to, { ...options, tracks: cache.source('sc') });
    expect(kept).toEqual(findPassesForSites(sso, sites, from, to, options));
    expect(kept.flat().length).toBeGreaterThan(10);
  });

  it('samples again for a new TLE, a window off its grid or beyond it, and never mixes spacecraft', () => {
    const cache = new TrackCache();
    const first = cache.track('sc', iss, START, START + 24 * HOUR_MS, STEP_S);
    const window = [START, START + 24 * HOUR_MS] as const;
    expect(plain(cache.track('sc', sso, ...window, STEP_S))).toEqual(
      plain(sampleTrack(sso, ...window, STEP_S)),
    );
    expect(plain(cache.track('other', iss, ...window, STEP_S))).toEqual(plain(first));
    const offGrid = [START + 1000, START + 5 * HOUR_MS + 1000] as const;
    expect(plain(cache.track('other', iss, ...offGrid, STEP_S))).toEqual(
      plain(sampleTrack(iss, ...offGrid, STEP_S)),
    );
    const endOffGrid = [START, START + 5 * HOUR_MS + 30_000] as const;
    expect(plain(cache.track('other', iss, ...endOffGrid, STEP_S))).toEqual(
      plain(sampleTrack(iss, ...endOffGrid, STEP_S)),
    );
    const beyond = [START, START + 30 * 24 * HOUR_MS] as const;
    expect(plain(cache.track('other', iss, ...beyond, STEP_S))).toEqual(
      plain(sampleTrack(iss, ...beyond, STEP_S)),
    );
  });

  it('keeps at most its number of tracks: a new one waits until a kept one has been idle long enough', () => {
    let now = 0;
    const cache = new TrackCache(2, undefined, 1000, () => now);
    const window = [START, START + 6 * HOUR_MS] as const;
    const buffer = (key: string) => cache.track(key, iss, ...window, STEP_S).states.buffer;
    const a = buffer('a');
    const b = buffer('b');
    // Full of tracks in use: c is sampled each time, a and b stay (a replan of a larger network
    // than the cache still finds these two).
    const c = buffer('c');
    expect(buffer('c')).not.toBe(c);
    expect(buffer('a')).toBe(a);
    now = 600;
    expect(buffer('b')).toBe(b); // b is now the most recently used
    now = 1100; // a idle for 1100 ms, b for 500
    const kept = buffer('c'); // takes a's place
    expect(buffer('c')).toBe(kept);
    expect(buffer('b')).toBe(b);
    expect(buffer('a')).not.toBe(a);
  });
});
