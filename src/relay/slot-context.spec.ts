// SPDX-License-Identifier: Apache-2.0
import type { OperationalSlot } from '../booking/operational-slot.entity';
import * as dopplerModule from '../orbit/doppler';
import { findPasses } from '../orbit/passes';
import { FIXTURE_START, ISS_TLE, VIGO } from '../orbit/test-fixtures';
import { parseTle } from '../orbit/tle';
import type { ScChannel } from '../spacecraft/sc-channel.entity';
import { DOPPLER_STEP_MS, SlotContext } from './slot-context';

const iss = parseTle(ISS_TLE.line1, ISS_TLE.line2);
const csp = { version: 1 as const, addresses: [10], uplinkPorts: [10], downlinkPorts: [10] };
const slot = { scChannelId: 'tm' } as OperationalSlot;
const channels = [
  { channelId: 'tm', direction: 'DOWNLINK', frequencyHz: 437.5e6 },
  { channelId: 'tc', direction: 'UPLINK', frequencyHz: 436e6 },
] as ScChannel[];
const FREQUENCY = { DOWNLINK: 437.5e6, UPLINK: 436e6 } as const;

/** The highest pass over Vigo in the fixture day: the fastest-changing Doppler there is. */
const pass = findPasses(iss, VIGO, FIXTURE_START, new Date(FIXTURE_START.getTime() + 86_400_000), {
  minDurationS: 60,
}).reduce((best, p) => (p.maxElevationDeg > best.maxElevationDeg ? p : best));

const exact = (direction: dopplerModule.LinkDirection, ms: number) =>
  dopplerModule.doppler(iss, VIGO, new Date(ms), FREQUENCY[direction], direction).shiftHz;

describe('SlotContext.dopplerHz', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each(['DOWNLINK', 'UPLINK'] as const)(
    '%s: within 1 Hz of the exact shift at any instant of a high pass',
    (direction) => {
      expect(pass.maxElevationDeg).toBeGreaterThan(70);
      const context = new SlotContext(slot, csp, iss, VIGO, channels);
      let worst = 0;
      for (let ms = pass.aos.getTime(); ms <= pass.los.getTime(); ms += 37) {
        worst = Math.max(worst, Math.abs(context.dopplerHz(direction, new Date(ms)) - exact(direction, ms)));
      }
      expect(worst).toBeLessThanOrEqual(1); // rounding (0.5) and interpolation together
    },
  );

  it('is 0 when the TLE cannot be propagated to the frame time (a decayed orbit), then recovers', () => {
    const context = new SlotContext(slot, csp, iss, VIGO, channels);
    expect(context.dopplerHz('DOWNLINK', new Date('2100-01-01T00:00:00Z'))).toBe(0);
    expect(context.dopplerHz('DOWNLINK', pass.tca)).toBe(Math.round(exact('DOWNLINK', pass.tca.getTime())));
  });

  it('runs the propagator once per second of frame time going forward, and copes going back', () => {
    const context = new SlotContext(slot, csp, iss, VIGO, channels);
    const computed = jest.spyOn(dopplerModule, 'doppler');
    const start = pass.tca.getTime();
    for (let ms = start; ms < start + 10 * DOPPLER_STEP_MS; ms += 10)
      context.dopplerHz('DOWNLINK', new Date(ms));
    const end = start + 10 * DOPPLER_STEP_MS - 10;
    const steps = Math.floor(end / DOPPLER_STEP_MS) - Math.floor(start / DOPPLER_STEP_MS) + 1;
    expect(computed.mock.calls.length).toBe(steps + 1); // both ends of the first, then one each
    computed.mockClear();
    const back = start - 5 * DOPPLER_STEP_MS + 250;
    expect(
      Math.abs(context.dopplerHz('DOWNLINK', new Date(back)) - exact('DOWNLINK', back)),
    ).toBeLessThanOrEqual(1);
    expect(computed.mock.calls.length).toBeLessThanOrEqual(2 + 1); // + the reference above
  });

  it('is exact at whole seconds and 0 without a TLE or a channel for the direction', () => {
    const whole = Math.ceil(pass.tca.getTime() / DOPPLER_STEP_MS) * DOPPLER_STEP_MS;
    const context = new SlotContext(slot, csp, iss, VIGO, channels);
    expect(context.dopplerHz('UPLINK', new Date(whole))).toBe(Math.round(exact('UPLINK', whole)));
    expect(new SlotContext(slot, csp, null, VIGO, channels).dopplerHz('DOWNLINK', pass.tca)).toBe(0);
    const downOnly = new SlotContext(slot, csp, iss, VIGO, channels.slice(0, 1));
    expect(downOnly.dopplerHz('UPLINK', pass.tca)).toBe(0);
  });
});
