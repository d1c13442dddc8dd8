// SPDX-License-Identifier: Apache-2.0
import { propagateEcfInto, STATE_STRIDE } from './propagator';
import { EQUATORIAL_TLE, FIXTURE_START, ISS_TLE, SSO_TLE } from './test-fixtures';
import { parseTle } from './tle';
import { intervalIndex, sampleTrack, stateAt } from './track';

const START = FIXTURE_START.getTime();
const DAY_MS = 86_400_000;

describe('sampleTrack', () => {
  const tle = parseTle(ISS_TLE.line1, ISS_TLE.line2);

  it('samples every step and ends exactly at the end of the window', () => {
    const track = sampleTrack(tle, START, START + 1000 * 1000, 120);

    expect(track.count).toBe(10);
    expect(Array.from(track.times)).toEqual([0, 120, 240, 360, 480, 600, 720, 840, 960, 1000]);
    const exact = new Float64Array(STATE_STRIDE);
    propagateEcfInto(tle, START + 1000 * 1000, exact, 0);
    expect(Array.from(track.states.subarray(9 * STATE_STRIDE))).toEqual(Array.from(exact));
  });

  it('records the largest geocentric distance, which bounds the reach test', () => {
    const track = sampleTrack(tle, START, START + DAY_MS, 120);
    // ISS in 2008: ~350 km up.
    expect(track.maxRadiusKm).toBeGreaterThan(6700);
    expect(track.maxRadiusKm).toBeLessThan(6760);
  });

  it('locates the interval of a time, clamped to the track', () => {
    const track = sampleTrack(tle, START, START + 1000 * 1000, 120);
    expect(intervalIndex(track, 130)).toBe(1);
    expect(intervalIndex(track, 1000)).toBe(8);
    expect(intervalIndex(track, -5)).toBe(0);
  });
});

describe('stateAt (cubic Hermite between samples)', () => {
  it.each([
    ['ISS', ISS_TLE],
    ['sun-synchronous', SSO_TLE],
    ['equatorial', EQUATORIAL_TLE],
  ])('stays within 10 m and 0.5 m/s of SGP4 between 120-s samples (%s)', (_label, lines) => {
    const tle = parseTle(lines.line1, lines.line2);
    const track = sampleTrack(tle, START, START + DAY_MS, 120);
    const [interpolated, exact] = [new Float64Array(STATE_STRIDE), new Float64Array(STATE_STRIDE)];
    let [worstPositionM, worstVelocityMps] = [0, 0];
    for (let t = 17; t < 86_400; t += 60) {
      stateAt(track, t, interpolated);
      propagateEcfInto(tle, START + t * 1000, exact, 0);
      const error = (from: number) =>
        1000 *
        Math.hypot(
          interpolated[from] - exact[from],
          interpolated[from + 1] - exact[from + 1],
          interpolated[from + 2] - exact[from + 2],
        );
      worstPositionM = Math.max(worstPositionM, error(0));
      worstVelocityMps = Math.max(worstVelocityMps, error(3));
    }
    expect(worstPositionM).toBeLessThan(10);
    expect(worstVelocityMps).toBeLessThan(0.5);
    // The bound in track.ts is about 7 m for a LEO; the error is real, not zero.
    expect(worstPositionM).toBeGreaterThan(0.1);
  });

  it('reproduces the samples exactly at the nodes', () => {
    const tle = parseTle(ISS_TLE.line1, ISS_TLE.line2);
    const track = sampleTrack(tle, START, START + 3600 * 1000, 120);
    const out = new Float64Array(STATE_STRIDE);
    stateAt(track, 240, out);
    expect(Array.from(out)).toEqual(Array.from(track.states.subarray(2 * STATE_STRIDE, 3 * STATE_STRIDE)));
  });
});
