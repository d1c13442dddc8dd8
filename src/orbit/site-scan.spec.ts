// SPDX-License-Identifier: Apache-2.0
import { type GroundSite } from './horizon';
import { siteFrame, STATE_STRIDE } from './propagator';
import { samplesInReach } from './reach';
import { CROSSING_TOLERANCE_S, SiteScan } from './site-scan';
import { type SampledTrack } from './track';

/**
 * SiteScan on synthetic tracks whose geometry is solvable by hand. The site sits on the equator
 * at longitude 0, so up = +x, east = +y, north = +z; the spacecraft flies 500 km above it,
 * 100 km north of the site, along y. Linear and quadratic paths are interpolated exactly.
 */
const EARTH_EQUATORIAL_RADIUS_KM = 6378.137;
const SITE: GroundSite = { latitudeDeg: 0, longitudeDeg: 0, altitudeM: 0, minElevationDeg: 30 };

function syntheticTrack(y: (t: number) => number, yRate: (t: number) => number): SampledTrack {
  const [stepS, count] = [120, 11];
  const times = Float64Array.from({ length: count }, (_, k) => k * stepS);
  const states = new Float64Array(count * STATE_STRIDE);
  let maxRadiusKm = 0;
  times.forEach((t, k) => {
    states.set([EARTH_EQUATORIAL_RADIUS_KM + 500, y(t), 100, 0, yRate(t), 0], k * STATE_STRIDE);
    maxRadiusKm = Math.max(maxRadiusKm, Math.hypot(EARTH_EQUATORIAL_RADIUS_KM + 500, y(t), 100));
  });
  return { startMs: 0, stepS, times, states, count, maxRadiusKm };
}

/** Time at which y(t) = v·(t − 600) reaches `yKm`. */
const straightAt = (yKm: number) => 600 + yKm / 7;
/** y at which the azimuth atan2(y, 100 km) equals `azimuthDeg` (between 270° and 90° via north). */
const yAtAzimuth = (azimuthDeg: number) => 100 * Math.tan((azimuthDeg * Math.PI) / 180);
/** |y| inside which elevation exceeds 30°: 500 / √(500² + y² + 100²) > ½. */
const Y_VISIBLE = Math.sqrt(1000 ** 2 - 500 ** 2 - 100 ** 2);

function scan(track: SampledTrack, site: GroundSite): SiteScan {
  const frame = siteFrame(site);
  return new SiteScan(track, site, frame, samplesInReach(track, [frame])[0]);
}

function expectWindows(actual: readonly number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((t, i) => expect(Math.abs(actual[i] - t)).toBeLessThanOrEqual(CROSSING_TOLERANCE_S));
}

describe('SiteScan on a straight pass', () => {
  const track = syntheticTrack(
    (t) => 7 * (t - 600),
    () => 7,
  );

  it('finds the window above the minimum elevation', () => {
    expectWindows(scan(track, SITE).windows(), [straightAt(-Y_VISIBLE), straightAt(Y_VISIBLE)]);
  });

  it('splits the window where the azimuth runs through a tall mask sector', () => {
    const site = { ...SITE, horizonMask: [{ fromAzimuthDeg: 330, toAzimuthDeg: 340, minElevationDeg: 85 }] };
    expectWindows(scan(track, site).windows(), [
      straightAt(-Y_VISIBLE),
      straightAt(yAtAzimuth(330)),
      straightAt(yAtAzimuth(340)),
      straightAt(Y_VISIBLE),
    ]);
  });

  it('merges a gap shorter than MERGE_GAP_S (a 1° sector crossed in 0.33 s)', () => {
    const site = { ...SITE, horizonMask: [{ fromAzimuthDeg: 330, toAzimuthDeg: 331, minElevationDeg: 85 }] };
    expectWindows(scan(track, site).windows(), [straightAt(-Y_VISIBLE), straightAt(Y_VISIBLE)]);
  });

  it('reports the peak at the closest approach', () => {
    const [t, sin] = scan(track, SITE).maximum(400, 800);
    expect(Math.abs(t - 600)).toBeLessThanOrEqual(0.5);
    expect(sin).toBeCloseTo(500 / Math.hypot(500, 100), 6);
  });
});

describe('SiteScan when the azimuth turns back between two samples', () => {
  // y = −200 + 0.01 (t − 630)²: comes within 200 km south of the site's track line at t = 630
  // and turns back, so the azimuth reverses inside the sample interval [600, 720].
  const track = syntheticTrack(
    (t) => -200 + 0.01 * (t - 630) ** 2,
    (t) => 0.02 * (t - 630),
  );
  const at = (yKm: number) => [630 - Math.sqrt((yKm + 200) / 0.01), 630 + Math.sqrt((yKm + 200) / 0.01)];

  it('finds both passages through a mask sector (the second by the fine-scan fallback)', () => {
    const site = { ...SITE, horizonMask: [{ fromAzimuthDeg: 300, toAzimuthDeg: 320, minElevationDeg: 85 }] };
    const [aos, los] = at(Y_VISIBLE);
    const [enter1, leave2] = at(yAtAzimuth(320));
    const [leave1, enter2] = at(yAtAzimuth(300));
    // The input forces the fine-scan fallback: the second entry into the sector lies inside the
    // sample interval [600, 720], in which y's rate (and so the azimuth's) changes sign, so the
    // sector edges met there cannot be told from the azimuths at its ends.
    const k = track.times.findIndex((t) => t > enter2);
    const [t0, t1] = [track.times[k - 1], track.times[k]];
    expect([t0, t1]).toEqual([600, 720]);
    expect(track.states[(k - 1) * STATE_STRIDE + 4]).toBeLessThan(0);
    expect(track.states[k * STATE_STRIDE + 4]).toBeGreaterThan(0);

    expectWindows(scan(track, site).windows(), [aos, enter1, leave1, enter2, leave2, los]);
  });
});
