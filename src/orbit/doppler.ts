// SPDX-License-Identifier: Apache-2.0
import { lookAnglesAt, type GeodeticPoint } from './propagator';
import type { Tle } from './tle';

/**
 * Doppler shift of a spacecraft link seen from a ground site (DESIGN.md §3 "Orbit"), to first
 * order in ṙ/c (relativistic terms are below 10⁻⁹ of f₀ for LEO and are ignored).
 */

/** Speed of light in vacuum (m/s). */
export const SPEED_OF_LIGHT_MPS = 299_792_458;

/**
 * DOWNLINK: the spacecraft transmits f₀; the station receives f₀·(1 − ṙ/c).
 * UPLINK: the station pre-compensates, transmitting f₀·(1 + ṙ/c), so the spacecraft receives f₀.
 */
export type LinkDirection = 'DOWNLINK' | 'UPLINK';

export interface DopplerResult {
  /**
   * DOWNLINK: received − f₀ (positive while the spacecraft approaches).
   * UPLINK: transmit − f₀ (negative while it approaches).
   */
  shiftHz: number;
  /** Rate of change of the site–spacecraft range; negative while approaching. */
  rangeRateMps: number;
  rangeM: number;
}

/** Shift (Hz) to apply at the ground for a link at `frequencyHz` given a range rate. */
export function dopplerShiftHz(frequencyHz: number, rangeRateMps: number, direction: LinkDirection): number {
  const shift = (frequencyHz * rangeRateMps) / SPEED_OF_LIGHT_MPS;
  switch (direction) {
    case 'DOWNLINK':
      return -shift;
    case 'UPLINK':
      return shift;
  }
}

/**
 * Doppler at `time` for a link at `frequencyHz`. The range rate comes from the SGP4 velocity
 * projected on the line of sight in the Earth-fixed frame, where the site is at rest (so the
 * Earth's rotation under the site is accounted for).
 */
export function doppler(
  tle: Tle,
  site: GeodeticPoint,
  time: Date,
  frequencyHz: number,
  direction: LinkDirection = 'DOWNLINK',
): DopplerResult {
  const { rangeM, rangeRateMps } = lookAnglesAt(tle, site, time);
  return { shiftHz: dopplerShiftHz(frequencyHz, rangeRateMps, direction), rangeRateMps, rangeM };
}
