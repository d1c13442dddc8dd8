// SPDX-License-Identifier: Apache-2.0
import type { OperationalSlot } from '../booking/operational-slot.entity';
import { DomainError } from '../common/errors';
import type { CspSettings } from '../csp/csp-frame';
import { doppler, type LinkDirection } from '../orbit/doppler';
import type { GroundSite } from '../orbit/horizon';
import type { Tle } from '../orbit/tle';
import type { ScChannel } from '../spacecraft/sc-channel.entity';

/**
 * Doppler is computed exactly at whole seconds of frame time and interpolated linearly between.
 * Over one second a LEO pass's Doppler curve leaves a straight line by well under 1 Hz (at 437 MHz
 * its second derivative stays within a few Hz/s², and the error is at most f''·(1 s)²/8), where
 * reusing one value for 50 ms was off by up to ~10 Hz. And a computation (SGP4 and look angles,
 * ~25 µs) per frame cost 5-7% of the server at 200 slots x 10 frames/s (bench/relay.ts (c)); this
 * costs one per second of frame time and direction.
 */
export const DOPPLER_STEP_MS = 1000;

/** The exact shifts at the two ends of one step. */
interface DopplerStep {
  startMs: number;
  startHz: number;
  endHz: number;
}

/**
 * What the relay needs of a reserved slot while its sessions run, loaded once at startRemote:
 * the spacecraft's CSP settings, its TLE and channels, and the station's site.
 */
export class SlotContext {
  private readonly frequency: Record<LinkDirection, number | null>;
  private readonly steps: Record<LinkDirection, DopplerStep | null> = { DOWNLINK: null, UPLINK: null };

  constructor(
    readonly slot: OperationalSlot,
    readonly csp: CspSettings,
    private readonly tle: Tle | null,
    private readonly site: GroundSite,
    channels: ScChannel[],
  ) {
    this.frequency = {
      DOWNLINK: channelFrequency(slot, channels, 'DOWNLINK'),
      UPLINK: channelFrequency(slot, channels, 'UPLINK'),
    };
  }

  /**
   * Doppler shift (Hz, rounded) of the channel in use for this direction at `time`: the received
   * offset for downlink, the transmit pre-compensation for uplink (DESIGN §3 "Orbit"). 0 when the
   * spacecraft has no channel for that direction or no TLE, or when its TLE cannot be propagated
   * to that time (a decayed orbit): the frame still travels, with its shift unknown.
   */
  dopplerHz(direction: LinkDirection, time: Date): number {
    const frequency = this.frequency[direction];
    if (frequency === null || this.tle === null) return 0;
    const at = time.getTime();
    const startMs = Math.floor(at / DOPPLER_STEP_MS) * DOPPLER_STEP_MS;
    let step = this.steps[direction];
    if (step?.startMs !== startMs) {
      try {
        step = this.stepAt(this.tle, frequency, direction, startMs, step);
      } catch (error) {
        if (error instanceof DomainError) return 0; // INVALID_TLE: SGP4 gave up at this time
        throw error;
      }
      this.steps[direction] = step;
    }
    const shift = Math.round(step.startHz + ((step.endHz - step.startHz) * (at - startMs)) / DOPPLER_STEP_MS);
    return Number.isFinite(shift) ? shift : 0;
  }

  /** Frame times move forward: the previous step's end is usually this one's start (one SGP4 run). */
  private stepAt(
    tle: Tle,
    frequency: number,
    direction: LinkDirection,
    startMs: number,
    previous: DopplerStep | null,
  ): DopplerStep {
    const exact = (ms: number) => doppler(tle, this.site, new Date(ms), frequency, direction).shiftHz;
    const endMs = startMs + DOPPLER_STEP_MS;
    return {
      startMs,
      startHz: previous?.startMs === startMs - DOPPLER_STEP_MS ? previous.endHz : exact(startMs),
      endHz: previous?.startMs === endMs ? previous.startHz : exact(endMs),
    };
  }
}

/** The slot's own spacecraft channel when it carries this direction, else the first one that does. */
function channelFrequency(
  slot: OperationalSlot,
  channels: ScChannel[],
  direction: LinkDirection,
): number | null {
  const carries = (channel: ScChannel) => channel.direction === direction || channel.direction === 'BOTH';
  const own = channels.find((channel) => channel.channelId === slot.scChannelId);
  const chosen = own && carries(own) ? own : channels.find(carries);
  return chosen?.frequencyHz ?? null;
}
