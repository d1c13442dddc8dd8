// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { UserDeletion } from '../accounts/user-deletion';
import { Clock } from '../common/clock';
import { DomainEvents } from '../common/domain-events';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors';
import { Identifiers } from '../common/identifiers';
import { assertCanManage, canManage } from '../common/ownership';
import { type RequestContext, requireActor } from '../common/request-context';
import { Database } from '../database/database.service';
import { channelRowId, findChannel } from '../radio/channel-rules';
import type { GroundStationConfigDto, GsChannelDto } from './dto/ground-station.dto';
import type { GroundStation } from './ground-station.entity';
import { GroundStationsRepository } from './ground-stations.repository';
import type { GsChannel } from './gs-channel.entity';
import './station-events';
import {
  applyStationConfig,
  checkGsChannel,
  checkStationConfig,
  type GroundStationSummary,
  type GroundStationView,
  gsChannelFromDto,
  gsChannelView,
  type GsChannelView,
  stationSummary,
  stationView,
} from './station-mapper';

export interface StationWithChannels {
  station: GroundStation;
  channels: GsChannel[];
}

/** Ground stations and their channels (DESIGN §3 "Configuration"): owners manage, everyone sees a summary. */
@Injectable()
export class GroundStationsService implements OnModuleInit {
  private readonly logger = new Logger(GroundStationsService.name);

  constructor(
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly stations: GroundStationsRepository,
    private readonly events: DomainEvents,
    private readonly deletion: UserDeletion,
    private readonly identifiers: Identifiers,
  ) {}

  onModuleInit(): void {
    this.identifiers.register({
      name: 'ground stations',
      has: (identifier) => this.stations.hasIdentifier(identifier),
    });
    this.deletion.register({
      name: 'ground stations',
      order: 50,
      deleteUserData: async (_, userId) => {
        for (const station of await this.stations.list({ ownerId: userId }))
          await this.deleteStation(station);
      },
    });
  }

  async create(ctx: RequestContext, dto: GroundStationConfigDto): Promise<GroundStationView> {
    const actor = requireActor(ctx);
    checkStationConfig(dto);
    const now = this.clock.now();
    const created = await this.db.transaction(async () => {
      if (await this.identifiers.taken(dto.identifier))
        throw new ConflictError('IDENTIFIER_TAKEN', `the identifier "${dto.identifier}" is already in use`);
      const blank = {
        id: randomUUID(),
        identifier: dto.identifier,
        ownerId: actor.userId,
        createdAt: now,
        updatedAt: now,
      };
      const station = await this.stations.save(applyStationConfig(blank as GroundStation, dto));
      const channels = dto.channels.map((channel) => gsChannelFromDto(station.id, channel));
      await this.stations.replaceChannels(station.id, channels);
      await this.changed(station);
      return { station, channels };
    });
    this.logger.log({ owner: actor.username, station: dto.identifier }, 'ground station created');
    return stationView(created.station, created.channels);
  }

  /** The full configuration for its owner or an admin, the public summary for anyone else. */
  async get(ctx: RequestContext, identifier: string): Promise<GroundStationView | GroundStationSummary> {
    const actor = requireActor(ctx);
    const { station, channels } = await this.load(identifier);
    return canManage(actor, station.ownerId)
      ? stationView(station, channels)
      : stationSummary(station, channels);
  }

  async list(ctx: RequestContext, mine = false): Promise<(GroundStationView | GroundStationSummary)[]> {
    const actor = requireActor(ctx);
    const stations = await this.stations.list(mine ? { ownerId: actor.userId } : {});
    const channels = await this.stations.channelsOf(stations.map((s) => s.id));
    return stations.map((station) =>
      canManage(actor, station.ownerId)
        ? stationView(station, channels.get(station.id) ?? [])
        : stationSummary(station, channels.get(station.id) ?? []),
    );
  }

  async replace(
    ctx: RequestContext,
    identifier: string,
    dto: GroundStationConfigDto,
  ): Promise<GroundStationView> {
    if (dto.identifier !== identifier)
      throw new ValidationFailedError([
        { field: 'identifier', message: `must be "${identifier}"; identifiers cannot be renamed` },
      ]);
    checkStationConfig(dto);
    const updated = await this.db.transaction(async () => {
      const { station } = await this.loadForChange(ctx, identifier);
      const saved = await this.stations.save({
        ...applyStationConfig(station, dto),
        updatedAt: this.clock.now(),
      });
      const channels = dto.channels.map((channel) => gsChannelFromDto(station.id, channel));
      await this.stations.replaceChannels(station.id, channels);
      await this.changed(saved);
      return { station: saved, channels };
    });
    return stationView(updated.station, updated.channels);
  }

  async delete(ctx: RequestContext, identifier: string): Promise<void> {
    await this.db.transaction(async () =>
      this.deleteStation((await this.loadForChange(ctx, identifier)).station),
    );
    this.logger.log({ by: ctx.actor?.username, station: identifier }, 'ground station deleted');
  }

  async listChannels(ctx: RequestContext, identifier: string): Promise<GsChannelView[]> {
    requireActor(ctx);
    return (await this.load(identifier)).channels.map(gsChannelView);
  }

  async getChannel(ctx: RequestContext, identifier: string, channelId: string): Promise<GsChannelView> {
    requireActor(ctx);
    return gsChannelView(
      findChannel((await this.load(identifier)).channels, channelId, `station "${identifier}"`),
    );
  }

  /** Adds a channel, or replaces the one with the same id when `replaceId` names it. */
  async putChannel(
    ctx: RequestContext,
    identifier: string,
    dto: GsChannelDto,
    replaceId?: string,
  ): Promise<GsChannelView> {
    checkGsChannel(dto);
    return this.db.transaction(async () => {
      const loaded = await this.loadForChange(ctx, identifier);
      const id = channelRowId(loaded.channels, dto.channelId, replaceId, `station "${identifier}"`);
      const channel = await this.stations.saveChannel({ ...gsChannelFromDto(loaded.station.id, dto), id });
      await this.changed(loaded.station);
      return gsChannelView(channel);
    });
  }

  async deleteChannel(ctx: RequestContext, identifier: string, channelId: string): Promise<void> {
    await this.db.transaction(async () => {
      const loaded = await this.loadForChange(ctx, identifier);
      findChannel(loaded.channels, channelId, `station "${identifier}"`);
      await this.stations.deleteChannel(loaded.station.id, channelId);
      await this.changed(loaded.station);
    });
  }

  /** Stations with channels for other modules (passes, booking, spacecraft); all when `identifiers` is omitted. */
  async loadMany(identifiers?: string[]): Promise<StationWithChannels[]> {
    const stations = await this.stations.list(identifiers ? { identifiers } : {});
    const channels = await this.stations.channelsOf(stations.map((s) => s.id));
    return stations.map((station) => ({ station, channels: channels.get(station.id) ?? [] }));
  }

  /** The station with this identifier, or null (for other modules; no ownership check). */
  findByIdentifier(identifier: string): Promise<GroundStation | null> {
    return this.stations.findByIdentifier(identifier);
  }

  findById(id: string): Promise<GroundStation | null> {
    return this.stations.findById(id);
  }

  /** Whether a station has this identifier (for the configuration facade; no ownership check). */
  exists(identifier: string): Promise<boolean> {
    return this.stations.hasIdentifier(identifier);
  }

  async load(identifier: string): Promise<StationWithChannels> {
    const station = await this.stations.findByIdentifier(identifier);
    if (!station) throw new NotFoundError('GROUND_STATION_NOT_FOUND', `no ground station "${identifier}"`);
    return { station, channels: (await this.stations.channelsOf([station.id])).get(station.id) ?? [] };
  }

  private async loadForChange(ctx: RequestContext, identifier: string): Promise<StationWithChannels> {
    const loaded = await this.load(identifier);
    assertCanManage(requireActor(ctx), loaded.station.ownerId, `ground station "${identifier}"`);
    return loaded;
  }

  private async deleteStation(station: GroundStation): Promise<void> {
    await this.stations.delete(station.id);
    await this.events.publish('station.deleted', {
      stationId: station.id,
      identifier: station.identifier,
      ownerId: station.ownerId,
    });
  }

  private changed(station: GroundStation): Promise<void> {
    return this.events.publish('station.changed', { stationId: station.id, identifier: station.identifier });
  }
}
