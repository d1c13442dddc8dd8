import type { OperationalSlot } from '../booking/operational-slot.entity';
import type { CspSettings } from '../csp/csp-frame';
import { doppler, type LinkDirection } from '../orbit/doppler';
import type { GroundSite } from '../orbit/horizon';
import type { Tle } from '../orbit/tle';
import type { ScChannel } from '../spacecraft/sc-channel.entity';

/** How long a Doppler value is reused: LEO shifts change by < 200 Hz/s at 437 MHz, so < 10 Hz. */
const DOPPLER_REUSE_MS = 50;

/**
 * What the relay needs of a reserved slot while its sessions run, loaded once at startRemote:
 * the spacecraft's CSP settings, its TLE and channels, and the station's site.
 */
export class SlotContext {
  private readonly frequency: Record<LinkDirection, number | null>;
  private readonly cache: Record<LinkDirection, { at: number; shiftHz: number } | null> = {
    DOWNLINK: null,
    UPLINK: null,
  };

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
   * spacecraft has no channel for that direction or no TLE.
   */
  dopplerHz(direction: LinkDirection, time: Date): number {
    const frequency = this.frequency[direction];
    if (frequency === null || this.tle === null) return 0;
    const cached = this.cache[direction];
    const at = time.getTime();
    if (cached && Math.abs(cached.at - at) < DOPPLER_REUSE_MS) return cached.shiftHz;
    const shiftHz = Math.round(doppler(this.tle, this.site, time, frequency, direction).shiftHz);
    this.cache[direction] = { at, shiftHz };
    return shiftHz;
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
