// SPDX-License-Identifier: Apache-2.0
import type { GroundSite } from './horizon';

/**
 * Fixed element sets and ground sites for specs (orbit and any service test that needs a real
 * orbit). Never fetched, never changed: golden numbers in the specs depend on them.
 * All epochs are 2008-09-20 (day 264), so specs search windows starting at `FIXTURE_START`.
 */

/** The ISS element set from the TLE format's textbook example: 51.6°, ~350 km. */
export const ISS_TLE = {
  name: 'ISS (ZARYA)',
  line1: '1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927',
  line2: '2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537',
} as const;

/** A sun-synchronous polar LEO: 98.76°, 14.117 rev/day (~850 km). */
export const SSO_TLE = {
  name: 'SSO-TEST',
  line1: '1 28654U 05018A   08264.50000000  .00000023  00000-0  36771-4 0  9997',
  line2: '2 28654  98.7600 210.4000 0013945 110.2000 250.0600 14.11700000176540',
} as const;

/** A low-inclination LEO: 6.02°, 14.87 rev/day (~600 km). */
export const EQUATORIAL_TLE = {
  name: 'EQUATORIAL-TEST',
  line1: '1 38358U 12031A   08264.50000000  .00000500  00000-0  42000-4 0  9994',
  line2: '2 38358   6.0200 120.5000 0011000 200.1000 160.0000 14.87000000 86540',
} as const;

/** A GPS-like MEO: 55.5°, 2.0056 rev/day (~20,200 km), propagated by SDP4 (deep space). */
export const MEO_TLE = {
  name: 'MEO-TEST',
  line1: '1 24876U 97035A   08264.50000000  .00000000  00000-0  00000-0 0  9996',
  line2: '2 24876  55.5000 120.0000 0040000 250.0000 110.0000  2.00560000    14',
} as const;

export const FIXTURE_START = new Date('2008-09-20T12:00:00Z');

/** Mid-latitude station (Vigo, Spain). */
export const VIGO: GroundSite = {
  latitudeDeg: 42.17,
  longitudeDeg: -8.69,
  altitudeM: 460,
  minElevationDeg: 5,
};

/** Near-equatorial station (Singapore). */
export const SINGAPORE: GroundSite = {
  latitudeDeg: 1.3,
  longitudeDeg: 103.77,
  altitudeM: 20,
  minElevationDeg: 5,
};

/** High-Arctic station (Svalbard, 78°N). */
export const SVALBARD: GroundSite = {
  latitudeDeg: 78.23,
  longitudeDeg: 15.39,
  altitudeM: 500,
  minElevationDeg: 5,
};
