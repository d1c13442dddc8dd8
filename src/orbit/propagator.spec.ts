// SPDX-License-Identifier: Apache-2.0
import * as satellite from 'satellite.js';
import {
  azimuthRateRadS,
  ecfStateAt,
  gmstAtMs,
  lookAnglesAt,
  propagateEcfInto,
  siteFrame,
  sinElevation,
  sinElevationRate,
  STATE_STRIDE,
} from './propagator';
import { FIXTURE_START, ISS_TLE, SINGAPORE, VIGO } from './test-fixtures';
import { parseTle, TleError, tleChecksum } from './tle';

const DEG = 180 / Math.PI;
const tle = parseTle(ISS_TLE.line1, ISS_TLE.line2);
const satrec = satellite.twoline2satrec(ISS_TLE.line1, ISS_TLE.line2);

/** Reference ECF position (m) straight from satellite.js. */
function referenceEcfM(time: Date): { x: number; y: number; z: number } {
  const pv = satellite.propagate(satrec, time)!;
  const ecf = satellite.eciToEcf(pv.position, satellite.gstime(time));
  return { x: ecf.x * 1000, y: ecf.y * 1000, z: ecf.z * 1000 };
}

const observer = (site: typeof VIGO) => ({
  latitude: site.latitudeDeg / DEG,
  longitude: site.longitudeDeg / DEG,
  height: site.altitudeM / 1000,
});

/** A time when the ISS is above Vigo's horizon (found with the pass search in passes.spec.ts). */
const OVERHEAD = new Date('2008-09-20T19:53:40Z');

describe('ecfStateAt', () => {
  it('matches satellite.js propagate + eciToEcf to the millimetre', () => {
    for (const minutes of [0, 37, 720, 1440 * 3]) {
      const time = new Date(FIXTURE_START.getTime() + minutes * 60_000);
      const { positionM } = ecfStateAt(tle, time);
      const reference = referenceEcfM(time);
      expect(Math.abs(positionM.x - reference.x)).toBeLessThan(1e-3);
      expect(Math.abs(positionM.y - reference.y)).toBeLessThan(1e-3);
      expect(Math.abs(positionM.z - reference.z)).toBeLessThan(1e-3);
    }
  });

  it('gives the Earth-relative velocity: the derivative of the ECF position', () => {
    const time = new Date(FIXTURE_START.getTime() + 5_000_000);
    const [before, after] = [-500, 500].map((ms) => referenceEcfM(new Date(time.getTime() + ms)));
    const { velocityMps } = ecfStateAt(tle, time);

    // SGP4's analytic velocity and its positions agree to ~1e-5 (a few cm/s); forgetting the
    // Earth's rotation (ω × r) would be off by hundreds of m/s.
    expect(Math.abs(velocityMps.x - (after.x - before.x))).toBeLessThan(0.1);
    expect(Math.abs(velocityMps.y - (after.y - before.y))).toBeLessThan(0.1);
    expect(Math.abs(velocityMps.z - (after.z - before.z))).toBeLessThan(0.1);
  });

  it('throws PROPAGATION_FAILED once SGP4 declares the orbit decayed', () => {
    const line1 = ISS_TLE.line1.slice(0, 53) + ' 10000-1' + ISS_TLE.line1.slice(61, 68);
    const draggy = parseTle(line1 + String(tleChecksum(line1)), ISS_TLE.line2);
    const late = new Date(FIXTURE_START.getTime() + 30 * 86_400_000);
    expect(() => ecfStateAt(draggy, late)).toThrow(TleError);
    expect(() => ecfStateAt(draggy, late)).toThrow(/cannot be propagated to .*orbit has decayed/);
  });
});

describe('gmstAtMs', () => {
  it('equals satellite.js gstime', () => {
    expect(gmstAtMs(OVERHEAD.getTime())).toBeCloseTo(satellite.gstime(OVERHEAD), 12);
  });
});

describe('siteFrame', () => {
  it('builds an orthonormal east/north/up frame with up along the ellipsoid normal', () => {
    const frame = siteFrame({ latitudeDeg: 0, longitudeDeg: 90, altitudeM: 0 });
    expect(frame.up.x).toBeCloseTo(0, 12);
    expect(frame.up.y).toBeCloseTo(1, 12);
    expect(frame.east).toEqual({ x: -1, y: expect.closeTo(0, 12) as number, z: 0 });
    expect(frame.north.z).toBeCloseTo(1, 12);
    expect(frame.y).toBeCloseTo(6378.137, 6);
  });
});

describe('lookAnglesAt', () => {
  it('matches satellite.js ecfToLookAngles', () => {
    for (const site of [VIGO, SINGAPORE]) {
      const look = lookAnglesAt(tle, site, OVERHEAD);
      const reference = satellite.ecfToLookAngles(
        observer(site),
        satellite.eciToEcf(satellite.propagate(satrec, OVERHEAD)!.position, satellite.gstime(OVERHEAD)),
      );
      expect(look.azimuthDeg).toBeCloseTo(reference.azimuth * DEG, 8);
      expect(look.elevationDeg).toBeCloseTo(reference.elevation * DEG, 8);
      expect(look.rangeM).toBeCloseTo(reference.rangeSat * 1000, 3);
    }
    expect(lookAnglesAt(tle, VIGO, OVERHEAD).elevationDeg).toBeGreaterThan(30);
  });
});

describe('rates from the velocity', () => {
  const state = new Float64Array(STATE_STRIDE);
  const frame = siteFrame(VIGO);
  const at = (ms: number) => {
    propagateEcfInto(tle, OVERHEAD.getTime() + ms, state, 0);
    return {
      sin: sinElevation(frame, state[0], state[1], state[2]),
      azimuth: lookAnglesAt(tle, VIGO, new Date(OVERHEAD.getTime() + ms)).azimuthDeg / DEG,
      sinRate: sinElevationRate(frame, state, 0),
      azimuthRate: azimuthRateRadS(frame, state, 0),
    };
  };

  it('sinElevationRate and azimuthRateRadS match numerical derivatives', () => {
    const [before, now, after] = [at(-100), at(0), at(100)];
    expect(now.sinRate).toBeCloseTo((after.sin - before.sin) / 0.2, 5);
    expect(now.azimuthRate).toBeCloseTo((after.azimuth - before.azimuth) / 0.2, 5);
    expect(Math.abs(now.azimuthRate)).toBeGreaterThan(1e-3);
  });
});
