// SPDX-License-Identifier: Apache-2.0
import * as satellite from 'satellite.js';
import { doppler, dopplerShiftHz, SPEED_OF_LIGHT_MPS } from './doppler';
import { findPasses } from './passes';
import { EQUATORIAL_TLE, FIXTURE_START, ISS_TLE, SINGAPORE, VIGO } from './test-fixtures';
import { parseTle } from './tle';
import type { GroundSite } from './horizon';

const F0 = 437e6;
const DEG = 180 / Math.PI;
const iss = parseTle(ISS_TLE.line1, ISS_TLE.line2);
const after = (time: Date, seconds: number) => new Date(time.getTime() + seconds * 1000);

/** Range (m) computed by satellite.js alone, for a numerical derivative. */
function referenceRangeM(lines: { line1: string; line2: string }, site: GroundSite, time: Date): number {
  const pv = satellite.propagate(satellite.twoline2satrec(lines.line1, lines.line2), time)!;
  const observer = {
    latitude: site.latitudeDeg / DEG,
    longitude: site.longitudeDeg / DEG,
    height: site.altitudeM / 1000,
  };
  return (
    satellite.ecfToLookAngles(observer, satellite.eciToEcf(pv.position, satellite.gstime(time))).rangeSat *
    1000
  );
}

describe('doppler around a high ISS pass over Vigo at 437 MHz', () => {
  const passes = findPasses(iss, VIGO, FIXTURE_START, after(FIXTURE_START, 86_400), { minDurationS: 60 });
  const pass = passes.find((p) => p.maxElevationDeg > 70)!;

  it('is positive while approaching and negative after TCA', () => {
    for (const seconds of [-240, -120, -30])
      expect(doppler(iss, VIGO, after(pass.tca, seconds), F0).shiftHz).toBeGreaterThan(0);
    for (const seconds of [30, 120, 240])
      expect(doppler(iss, VIGO, after(pass.tca, seconds), F0).shiftHz).toBeLessThan(0);
    expect(Math.abs(doppler(iss, VIGO, pass.tca, F0).shiftHz)).toBeLessThan(1000);
  });

  it('peaks near ±10 kHz', () => {
    const shifts: number[] = [];
    for (let t = pass.aos.getTime(); t <= pass.los.getTime(); t += 1000)
      shifts.push(doppler(iss, VIGO, new Date(t), F0).shiftHz);
    // A LEO at ~7.5 km/s: |ṙ| ≤ ~7 km/s near the horizon, f₀·ṙ/c ≈ 10 kHz.
    expect(Math.max(...shifts)).toBeGreaterThan(9_000);
    expect(Math.max(...shifts)).toBeLessThan(11_000);
    expect(Math.min(...shifts)).toBeLessThan(-9_000);
    expect(Math.min(...shifts)).toBeGreaterThan(-11_000);
  });

  it('uses the range rate that numerically differentiating the range gives', () => {
    for (const seconds of [-200, -50, 0, 70, 190]) {
      const time = after(pass.tca, seconds);
      const result = doppler(iss, VIGO, time, F0);
      const numeric =
        (referenceRangeM(ISS_TLE, VIGO, after(time, 0.5)) -
          referenceRangeM(ISS_TLE, VIGO, after(time, -0.5))) /
        1;
      expect(Math.abs(result.rangeRateMps - numeric)).toBeLessThan(0.5);
      expect(Math.abs(result.rangeM - referenceRangeM(ISS_TLE, VIGO, time))).toBeLessThan(0.01);
      expect(result.shiftHz).toBeCloseTo((-F0 * result.rangeRateMps) / SPEED_OF_LIGHT_MPS, 6);
    }
  });
});

describe('doppler where the Earth rotation of the site matters most', () => {
  it('matches the range derivative for an equatorial orbit over an equatorial site', () => {
    const tle = parseTle(EQUATORIAL_TLE.line1, EQUATORIAL_TLE.line2);
    const [pass] = findPasses(tle, SINGAPORE, FIXTURE_START, after(FIXTURE_START, 86_400), {
      minDurationS: 60,
    });
    const time = after(pass.aos, 60);
    const numeric =
      referenceRangeM(EQUATORIAL_TLE, SINGAPORE, after(time, 0.5)) -
      referenceRangeM(EQUATORIAL_TLE, SINGAPORE, after(time, -0.5));
    expect(Math.abs(doppler(tle, SINGAPORE, time, F0).rangeRateMps - numeric)).toBeLessThan(0.5);
  });
});

describe('dopplerShiftHz', () => {
  it('shifts a downlink up and pre-compensates an uplink down while approaching', () => {
    expect(dopplerShiftHz(F0, -7000, 'DOWNLINK')).toBeCloseTo(10_203.73, 1);
    expect(dopplerShiftHz(F0, -7000, 'UPLINK')).toBeCloseTo(-10_203.73, 1);
    expect(dopplerShiftHz(F0, 7000, 'DOWNLINK')).toBeCloseTo(-10_203.73, 1);
  });

  it('gives the same range rate and opposite shifts for the two directions', () => {
    const time = new Date('2008-09-20T19:52:00Z');
    const down = doppler(iss, VIGO, time, F0, 'DOWNLINK');
    const up = doppler(iss, VIGO, time, F0, 'UPLINK');
    expect(up.rangeRateMps).toBe(down.rangeRateMps);
    expect(up.shiftHz).toBe(-down.shiftHz);
  });
});
