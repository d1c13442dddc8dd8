// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { UserDeletion } from '../accounts/user-deletion';
import { Clock } from '../common/clock';
import { DomainEvents } from '../common/domain-events';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors';
import { Identifiers } from '../common/identifiers';
import { assertCanManage } from '../common/ownership';
import { type RequestContext, requireActor } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { channelRowId, findChannel } from '../radio/channel-rules';
import { compatiblePairs } from '../radio/compatibility';
import type { Direction } from '../radio/radio';
import { GroundStationsService } from '../stations/ground-stations.service';
import type { ScChannelDto, SpacecraftConfigDto } from './dto/spacecraft.dto';
import type { ScChannel } from './sc-channel.entity';
import './spacecraft-events';
import {
  applySpacecraftConfig,
  checkSpacecraftConfig,
  scChannelFromDto,
  scChannelView,
  type ScChannelView,
  spacecraftView,
  type SpacecraftView,
  withTle,
} from './spacecraft-mapper';
import type { Spacecraft } from './spacecraft.entity';
import { SpacecraftRepository } from './spacecraft.repository';
import { TleRefreshService } from './tle-refresh.service';

export interface CompatibilityView {
  groundStation: string;
  gsChannel: string;
  scChannel: string;
  direction: Direction;
}

export interface SpacecraftWithChannels {
  spacecraft: Spacecraft;
  channels: ScChannel[];
}

/** Spacecraft, their channels, TLE and CSP settings (DESIGN §3): private to their owner and admins. */
@Injectable()
export class SpacecraftService implements OnModuleInit {
  private readonly logger = new Logger(SpacecraftService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly repository: SpacecraftRepository,
    private readonly stations: GroundStationsService,
    private readonly tleRefresh: TleRefreshService,
    private readonly events: DomainEvents,
    private readonly deletion: UserDeletion,
    private readonly identifiers: Identifiers,
  ) {}

  onModuleInit(): void {
    this.identifiers.register({
      name: 'spacecraft',
      has: (identifier) => this.repository.hasIdentifier(identifier),
    });
    this.deletion.register({
      name: 'spacecraft',
      order: 50,
      deleteUserData: async (_, userId) => {
        for (const spacecraft of await this.repository.list(userId)) await this.deleteSpacecraft(spacecraft);
      },
    });
  }

  async create(ctx: RequestContext, dto: SpacecraftConfigDto): Promise<SpacecraftView> {
    const actor = requireActor(ctx);
    const tle = checkSpacecraftConfig(dto);
    const now = this.clock.now();
    let created = await this.db.transaction(async () => {
      if (await this.identifiers.taken(dto.identifier))
        throw new ConflictError('IDENTIFIER_TAKEN', `the identifier "${dto.identifier}" is already in use`);
      const blank = {
        id: randomUUID(),
        identifier: dto.identifier,
        ownerId: actor.userId,
        createdAt: now,
        updatedAt: now,
      };
      let spacecraft = applySpacecraftConfig(blank as Spacecraft, dto);
      if (tle) spacecraft = withTle(spacecraft, tle, now);
      return this.saveWithChannels(spacecraft, dto.channels);
    });
    this.logger.log({ owner: actor.username, spacecraft: dto.identifier }, 'spacecraft created');
    if (!tle) created = { ...created, spacecraft: await this.tleRefresh.refreshQuietly(created.spacecraft) };
    return this.view(created);
  }

  async get(ctx: RequestContext, identifier: string): Promise<SpacecraftView> {
    return this.view(await this.loadOwned(ctx, identifier));
  }

  /** Your spacecraft (an admin sees all). */
  async list(ctx: RequestContext): Promise<SpacecraftView[]> {
    const actor = requireActor(ctx);
    const all = await this.repository.list(actor.role === 'ADMIN' ? undefined : actor.userId);
    return Promise.all(
      all.map(async (spacecraft) =>
        this.view({ spacecraft, channels: await this.repository.channelsOf(spacecraft.id) }),
      ),
    );
  }

  async replace(ctx: RequestContext, identifier: string, dto: SpacecraftConfigDto): Promise<SpacecraftView> {
    if (dto.identifier !== identifier)
      throw new ValidationFailedError([
        { field: 'identifier', message: `must be "${identifier}"; identifiers cannot be renamed` },
      ]);
    const tle = checkSpacecraftConfig(dto);
    let updated = await this.db.transaction(async () => {
      const { spacecraft } = await this.loadOwned(ctx, identifier);
      let next = { ...applySpacecraftConfig(spacecraft, dto), updatedAt: this.clock.now() };
      if (tle) next = withTle(next, tle, this.clock.now());
      return this.saveWithChannels(next, dto.channels);
    });
    const source = updated.spacecraft;
    if (!tle) updated = { ...updated, spacecraft: await this.tleRefresh.refreshQuietly(source) };
    return this.view(updated);
  }

  async delete(ctx: RequestContext, identifier: string): Promise<void> {
    await this.db.transaction(async () =>
      this.deleteSpacecraft((await this.loadOwned(ctx, identifier)).spacecraft),
    );
    this.logger.log({ by: ctx.actor?.username, spacecraft: identifier }, 'spacecraft deleted');
  }

  /** Fetches the TLE from the tracking URL now; on failure the last good TLE stays in use. */
  async refreshTle(ctx: RequestContext, identifier: string): Promise<SpacecraftView> {
    const { spacecraft, channels } = await this.loadOwned(ctx, identifier);
    return this.view({ spacecraft: await this.tleRefresh.refresh(spacecraft), channels });
  }

  async listChannels(ctx: RequestContext, identifier: string): Promise<ScChannelView[]> {
    return (await this.loadOwned(ctx, identifier)).channels.map(scChannelView);
  }

  async getChannel(ctx: RequestContext, identifier: string, channelId: string): Promise<ScChannelView> {
    return scChannelView(
      findChannel((await this.loadOwned(ctx, identifier)).channels, channelId, `spacecraft "${identifier}"`),
    );
  }

  /** Adds a channel, or replaces the one named by `replaceId`. */
  async putChannel(
    ctx: RequestContext,
    identifier: string,
    dto: ScChannelDto,
    replaceId?: string,
  ): Promise<ScChannelView> {
    return this.db.transaction(async () => {
      const loaded = await this.loadOwned(ctx, identifier);
      const id = channelRowId(loaded.channels, dto.channelId, replaceId, `spacecraft "${identifier}"`);
      const channel = { ...scChannelFromDto(loaded.spacecraft.id, dto), id };
      await this.repository.saveChannel(channel);
      await this.changed(loaded.spacecraft);
      return scChannelView(channel);
    });
  }

  async deleteChannel(ctx: RequestContext, identifier: string, channelId: string): Promise<void> {
    await this.db.transaction(async () => {
      const loaded = await this.loadOwned(ctx, identifier);
      findChannel(loaded.channels, channelId, `spacecraft "${identifier}"`);
      await this.repository.deleteChannel(loaded.spacecraft.id, channelId);
      await this.changed(loaded.spacecraft);
    });
  }

  /** Every (station, station channel, spacecraft channel) that can work together. */
  async compatibility(ctx: RequestContext, identifier: string): Promise<CompatibilityView[]> {
    const { channels } = await this.loadOwned(ctx, identifier);
    const stations = await this.stations.loadMany();
    return stations.flatMap(({ station, channels: gsChannels }) =>
      compatiblePairs(gsChannels, channels).map((pair) => ({
        groundStation: station.identifier,
        gsChannel: pair.gsChannelId,
        scChannel: pair.scChannelId,
        direction: pair.direction,
      })),
    );
  }

  /** The spacecraft with its channels, if the caller may manage it. */
  async loadOwned(ctx: RequestContext, identifier: string): Promise<SpacecraftWithChannels> {
    const loaded = await this.load(identifier);
    assertCanManage(requireActor(ctx), loaded.spacecraft.ownerId, `spacecraft "${identifier}"`);
    return loaded;
  }

  /** The spacecraft with this identifier, or null (for other modules; no ownership check). */
  findByIdentifier(identifier: string): Promise<Spacecraft | null> {
    return this.repository.findByIdentifier(identifier);
  }

  /** The spacecraft with this id, or null (for other modules; no ownership check). */
  findById(id: string): Promise<Spacecraft | null> {
    return this.repository.findById(id);
  }

  /** A spacecraft's channels by its id, ordered by channel id (for other modules; no ownership check). */
  channelsOf(spacecraftId: string): Promise<ScChannel[]> {
    return this.repository.channelsOf(spacecraftId);
  }

  /** Whether a spacecraft has this identifier (for the configuration facade; no ownership check). */
  exists(identifier: string): Promise<boolean> {
    return this.repository.hasIdentifier(identifier);
  }

  /** Every spacecraft, without channels (for other modules; no ownership check). */
  all(): Promise<Spacecraft[]> {
    return this.repository.list();
  }

  /** Spacecraft with channels for other modules (booking); all when `ids` is omitted. */
  async loadMany(ids?: readonly string[]): Promise<SpacecraftWithChannels[]> {
    const loaded: SpacecraftWithChannels[] = [];
    for (const spacecraft of await this.repository.list())
      if (!ids || ids.includes(spacecraft.id))
        loaded.push({ spacecraft, channels: await this.repository.channelsOf(spacecraft.id) });
    return loaded;
  }

  async load(identifier: string): Promise<SpacecraftWithChannels> {
    const spacecraft = await this.repository.findByIdentifier(identifier);
    if (!spacecraft) throw new NotFoundError('SPACECRAFT_NOT_FOUND', `no spacecraft "${identifier}"`);
    return { spacecraft, channels: await this.repository.channelsOf(spacecraft.id) };
  }

  private async saveWithChannels(
    spacecraft: Spacecraft,
    channels: ScChannelDto[],
  ): Promise<SpacecraftWithChannels> {
    const saved = await this.repository.save(spacecraft);
    const rows = channels.map((channel) => scChannelFromDto(saved.id, channel));
    await this.repository.replaceChannels(saved.id, rows);
    await this.changed(saved);
    return { spacecraft: saved, channels: rows };
  }

  private async deleteSpacecraft(spacecraft: Spacecraft): Promise<void> {
    await this.repository.delete(spacecraft.id);
    await this.events.publish('spacecraft.deleted', {
      spacecraftId: spacecraft.id,
      identifier: spacecraft.identifier,
      ownerId: spacecraft.ownerId,
    });
  }

  private changed(spacecraft: Spacecraft): Promise<void> {
    return this.events.publish('spacecraft.changed', {
      spacecraftId: spacecraft.id,
      identifier: spacecraft.identifier,
    });
  }

  private view({ spacecraft, channels }: SpacecraftWithChannels): SpacecraftView {
    return spacecraftView(spacecraft, channels, this.clock.now(), this.config.orbit.tleMaxAgeDays);
  }
}
