// SPDX-License-Identifier: Apache-2.0
import { assertValidSite, edgesSwept, horizonElevationDeg, type GroundSite } from './horizon';
import { VIGO } from './test-fixtures';

const site: GroundSite = {
  ...VIGO,
  minElevationDeg: 5,
  horizonMask: [
    { fromAzimuthDeg: 350, toAzimuthDeg: 20, minElevationDeg: 30 },
    { fromAzimuthDeg: 10, toAzimuthDeg: 90, minElevationDeg: 15 },
    { fromAzimuthDeg: 180, toAzimuthDeg: 200, minElevationDeg: 2 },
  ],
};

describe('horizonElevationDeg', () => {
  it.each([
    [100, 5], // no sector: the minimum elevation
    [355, 30], // inside a sector that wraps through north
    [0, 30],
    [15, 30], // two sectors overlap: the higher wins
    [50, 15],
    [190, 5], // a sector below the minimum elevation changes nothing
    [350, 30], // edges belong to the sector
    [90, 15],
  ])('at azimuth %d° is %d°', (azimuth, expected) => {
    expect(horizonElevationDeg(site, azimuth)).toBe(expected);
  });

  it('is the minimum elevation without a mask', () => {
    expect(horizonElevationDeg(VIGO, 42)).toBe(VIGO.minElevationDeg);
  });
});

describe('edgesSwept', () => {
  const mask = site.horizonMask!;

  it('lists the edges met turning clockwise, as angles turned, each once', () => {
    // From 340° clockwise to 30°: meets 350 (10°), 10 (30°), 20 (40°).
    expect(edgesSwept(mask, 340, 30, 1)).toEqual([10, 30, 40]);
  });

  it('lists the edges met turning counter-clockwise', () => {
    // From 95° back to 5°: meets 90 (5°), 20 (75°), 10 (85°).
    expect(edgesSwept(mask, 95, 5, -1)).toEqual([5, 75, 85]);
  });

  it('is empty when no edge lies between the two azimuths', () => {
    expect(edgesSwept(mask, 100, 170, 1)).toEqual([]);
    expect(edgesSwept(mask, 170, 100, -1)).toEqual([]);
  });

  it('counts an edge at the end azimuth but not one at the start', () => {
    expect(edgesSwept(mask, 90, 180, 1)).toEqual([90]);
  });
});

describe('assertValidSite', () => {
  it('accepts a sane site', () => {
    expect(() => assertValidSite(site)).not.toThrow();
  });

  it.each([
    [{ ...VIGO, latitudeDeg: -91 }, /latitudeDeg must be between -90 and 90, got -91/],
    [{ ...VIGO, longitudeDeg: 181 }, /longitudeDeg/],
    [{ ...VIGO, minElevationDeg: Number.NaN }, /minElevationDeg/],
    [
      { ...VIGO, horizonMask: [{ fromAzimuthDeg: 10, toAzimuthDeg: 400, minElevationDeg: 5 }] },
      /horizonMask\[0\]\.toAzimuthDeg/,
    ],
    [
      { ...VIGO, horizonMask: [{ fromAzimuthDeg: 10, toAzimuthDeg: 10, minElevationDeg: 5 }] },
      /horizonMask\[0\] is empty/,
    ],
  ])('rejects %j', (bad, message) => {
    expect(() => assertValidSite(bad)).toThrow(message);
  });
});
