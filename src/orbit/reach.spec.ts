// SPDX-License-Identifier: Apache-2.0
import { siteFrame, sinElevation, STATE_STRIDE } from './propagator';
import { samplesInReach } from './reach';
import { FIXTURE_START, ISS_TLE, SINGAPORE, SSO_TLE, SVALBARD, VIGO } from './test-fixtures';
import { parseTle } from './tle';
import { sampleTrack } from './track';

const MOUNTAIN = { ...VIGO, latitudeDeg: -30, longitudeDeg: -70, altitudeM: 5000 };

describe('samplesInReach', () => {
  it.each([
    ['ISS', ISS_TLE],
    ['sun-synchronous', SSO_TLE],
  ])('keeps every sample above a site horizon and drops most others (%s)', (_label, lines) => {
    const tle = parseTle(lines.line1, lines.line2);
    const track = sampleTrack(tle, FIXTURE_START.getTime(), FIXTURE_START.getTime() + 3 * 86_400_000, 30);
    const frames = [VIGO, SINGAPORE, SVALBARD, MOUNTAIN].map(siteFrame);

    const inReach = samplesInReach(track, frames);

    frames.forEach((frame, j) => {
      const list = Array.from(inReach[j]);
      expect(list).toEqual([...list].sort((a, b) => a - b));
      let above = 0;
      for (let k = 0; k < track.count; k++) {
        const o = k * STATE_STRIDE;
        const sin = sinElevation(frame, track.states[o], track.states[o + 1], track.states[o + 2]);
        if (sin > 0) {
          above++;
          expect(list).toContain(k);
        }
      }
      // The reach is a little wider than the horizon, never the whole orbit.
      expect(list.length).toBeGreaterThanOrEqual(above);
      expect(list.length).toBeLessThan(Math.max(1.6 * above, 20));
      expect(list.length).toBeLessThan(track.count / 5);
    });
  });
});
