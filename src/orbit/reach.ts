// SPDX-License-Identifier: Apache-2.0
import { STATE_STRIDE, type SiteFrame } from './propagator';
import type { SampledTrack } from './track';

/** Slack on the reach (rad): geodetic vs geocentric vertical, height changes between samples. */
const REACH_MARGIN_RAD = 1 * (Math.PI / 180);

/**
 * The pre-test of pass search: for each site, the indices of the samples at which the
 * spacecraft is within the site's reach — the only samples that can be above its horizon.
 *
 * A spacecraft at geocentric distance r is above a site's horizon plane only within the central
 * angle acos(r_site / r) of the site; taking r as the track's largest distance (plus a margin)
 * bounds visibility for every elevation ≥ 0. The test is one dot product of precomputed unit
 * vectors per sample and site, run for all sites while the sample is at hand.
 */
export function samplesInReach(track: SampledTrack, frames: readonly SiteFrame[]): Int32Array[] {
  const { states, count } = track;
  const sites = frames.length;
  const { units, cosReach } = siteUnits(track, frames);
  const lists = frames.map(() => new Int32Array(count));
  const sizes = new Int32Array(sites);
  for (let k = 0; k < count; k++) {
    const o = k * STATE_STRIDE;
    const scale = 1 / Math.hypot(states[o], states[o + 1], states[o + 2]);
    const ux = states[o] * scale;
    const uy = states[o + 1] * scale;
    const uz = states[o + 2] * scale;
    for (let j = 0; j < sites; j++) {
      if (ux * units[3 * j] + uy * units[3 * j + 1] + uz * units[3 * j + 2] >= cosReach[j]) {
        lists[j][sizes[j]++] = k;
      }
    }
  }
  return lists.map((list, j) => list.subarray(0, sizes[j]));
}

/** Each site's geocentric unit vector (x, y, z per site) and the cosine of its reach. */
function siteUnits(track: SampledTrack, frames: readonly SiteFrame[]) {
  const units = new Float64Array(frames.length * 3);
  const cosReach = new Float64Array(frames.length);
  frames.forEach((frame, j) => {
    const radius = Math.hypot(frame.x, frame.y, frame.z);
    units.set([frame.x / radius, frame.y / radius, frame.z / radius], 3 * j);
    cosReach[j] = Math.cos(Math.acos(Math.min(1, radius / track.maxRadiusKm)) + REACH_MARGIN_RAD);
  });
  return { units, cosReach };
}
