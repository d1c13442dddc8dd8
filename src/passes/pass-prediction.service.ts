// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainError, ValidationFailedError } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { compatiblePairs, type CompatiblePair } from '../radio/compatibility';
import type { ScChannel } from '../spacecraft/sc-channel.entity';
import { tleOf } from '../spacecraft/spacecraft-mapper';
import { SpacecraftService } from '../spacecraft/spacecraft.service';
import { GroundStationsService, type StationWithChannels } from '../stations/ground-stations.service';
import { groundSite } from '../stations/station-mapper';
import { doppler, type LinkDirection } from '../orbit/doppler';
import { findPassesForSites, type Pass } from '../orbit/passes';
import type { Tle } from '../orbit/tle';

export interface PassQuery {
  /** ISO 8601; default now. */
  from?: string;
  /** ISO 8601; default from + 24 h. */
  to?: string;
  /** Station identifiers; all stations when omitted. */
  groundStations?: string[];
}

export interface ChannelDoppler {
  gsChannel: string;
  scChannel: string;
  direction: LinkDirection;
  frequency: number;
  /** DOWNLINK: received − f₀ (positive while approaching). UPLINK: the transmit offset to apply. */
  dopplerHz: { aos: number; tca: number; los: number };
}

export interface PassView {
  groundStation: string;
  aos: string;
  tca: string;
  los: string;
  durationSeconds: number;
  maxElevation: number;
  aosAzimuth: number;
  losAzimuth: number;
  /** Compatible channel pairs over this station; empty when none fits. */
  channels: ChannelDoppler[];
}

/** Upcoming passes of a spacecraft over stations, with Doppler for each compatible channel (DESIGN §3 "Orbit"). */
@Injectable()
export class PassPredictionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly spacecraft: SpacecraftService,
    private readonly stations: GroundStationsService,
  ) {}

  async passes(ctx: RequestContext, identifier: string, query: PassQuery): Promise<PassView[]> {
    const from = query.from ? new Date(query.from) : this.clock.now();
    const to = query.to ? new Date(query.to) : new Date(from.getTime() + 86_400_000);
    this.checkWindow(from, to);
    const { spacecraft, channels } = await this.spacecraft.loadOwned(ctx, identifier);
    const tle = tleOf(spacecraft);
    if (!tle)
      throw new DomainError(
        'STATE',
        'NO_TLE',
        `spacecraft "${identifier}" has no TLE yet; give one or refresh it`,
      );
    const stations = await this.stationsFor(query.groundStations);
    const passes = findPassesForSites(
      tle,
      stations.map(({ station }) => groundSite(station)),
      from,
      to,
      { minDurationS: this.config.orbit.minPassSeconds },
    );
    return stations
      .flatMap((station, index) => passes[index].map((pass) => this.passView(tle, station, channels, pass)))
      .sort((a, b) => a.aos.localeCompare(b.aos) || a.groundStation.localeCompare(b.groundStation));
  }

  private passView(
    tle: Tle,
    { station, channels: gsChannels }: StationWithChannels,
    scChannels: ScChannel[],
    pass: Pass,
  ): PassView {
    const site = groundSite(station);
    const byId = new Map(scChannels.map((channel) => [channel.channelId, channel]));
    const dopplerAt = (time: Date, frequency: number, direction: LinkDirection) =>
      Math.round(doppler(tle, site, time, frequency, direction).shiftHz);
    const links = compatiblePairs(gsChannels, scChannels).flatMap((pair) => linkDirections(pair));
    return {
      groundStation: station.identifier,
      aos: pass.aos.toISOString(),
      tca: pass.tca.toISOString(),
      los: pass.los.toISOString(),
      durationSeconds: Math.round(pass.durationS),
      maxElevation: round(pass.maxElevationDeg),
      aosAzimuth: round(pass.aosAzimuthDeg),
      losAzimuth: round(pass.losAzimuthDeg),
      channels: links.map(({ pair, direction }) => {
        const frequency = byId.get(pair.scChannelId)?.frequencyHz ?? 0;
        return {
          gsChannel: pair.gsChannelId,
          scChannel: pair.scChannelId,
          direction,
          frequency,
          dopplerHz: {
            aos: dopplerAt(pass.aos, frequency, direction),
            tca: dopplerAt(pass.tca, frequency, direction),
            los: dopplerAt(pass.los, frequency, direction),
          },
        };
      }),
    };
  }

  private async stationsFor(identifiers?: string[]): Promise<StationWithChannels[]> {
    if (!identifiers) return this.stations.loadMany();
    return Promise.all([...new Set(identifiers)].map((identifier) => this.stations.load(identifier)));
  }

  private checkWindow(from: Date, to: Date): void {
    const maxDays = this.config.orbit.maxPassWindowDays;
    if (!(to.getTime() > from.getTime()))
      throw new ValidationFailedError([{ field: 'to', message: 'must be after from' }]);
    if (to.getTime() - from.getTime() > maxDays * 86_400_000)
      throw new ValidationFailedError([
        { field: 'to', message: `the window may span at most ${maxDays} days` },
      ]);
  }
}

/** A pair that carries BOTH directions gets a Doppler line for each. */
function linkDirections(pair: CompatiblePair): { pair: CompatiblePair; direction: LinkDirection }[] {
  return pair.direction === 'BOTH'
    ? [
        { pair, direction: 'DOWNLINK' },
        { pair, direction: 'UPLINK' },
      ]
    : [{ pair, direction: pair.direction }];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
