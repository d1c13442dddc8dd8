// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainEvents } from '../common/domain-events';
import { NotFoundError, ValidationFailedError } from '../common/errors';
import { assertCanManage } from '../common/ownership';
import { type RequestContext, requireActor } from '../common/request-context';
import type { TimeWindow } from '../common/time-window';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { GroundStationsService, type StationWithChannels } from '../stations/ground-stations.service';
import { type AvailabilityRuleSpec, DEFAULT_RULE_TIME_ZONE, validateRuleSpec } from './availability-rule';
import { AvailabilityRule } from './availability-rule.entity';
import { AvailabilityRulesRepository } from './availability-rules.repository';
import type { AvailabilityQueryDto, RuleDto } from './dto/rule.dto';
import { expandRules } from './expand-rules';

declare module '../common/domain-event-map' {
  interface DomainEventMap {
    'availability.changed': { stationId: string; identifier: string };
  }
}

export type RuleView = Omit<AvailabilityRuleSpec, 'weekdays'> & {
  ruleId: string;
  weekdays?: string[] | null;
};

export interface AvailabilityView {
  groundStation: string;
  channelId: string | null;
  from: string;
  to: string;
  windows: { start: string; end: string }[];
}

/** Availability rules of ground stations and the windows they produce (DESIGN §3 "Availability rules"). */
@Injectable()
export class AvailabilityService {
  private readonly logger = new Logger(AvailabilityService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly stations: GroundStationsService,
    private readonly events: DomainEvents,
    private readonly rules: AvailabilityRulesRepository,
  ) {}

  async addRule(ctx: RequestContext, identifier: string, dto: RuleDto): Promise<RuleView> {
    const spec: AvailabilityRuleSpec = { ...dto, timeZone: dto.timeZone ?? DEFAULT_RULE_TIME_ZONE };
    const problems = validateRuleSpec(spec);
    if (problems.length > 0)
      throw new ValidationFailedError(problems.map((p) => ({ ...p, field: `rule.${p.field}` })));
    const rule = await this.db.transaction(async () => {
      const loaded = await this.loadOwned(ctx, identifier);
      if (dto.channelId && !loaded.channels.some((channel) => channel.channelId === dto.channelId))
        throw new ValidationFailedError([
          { field: 'rule.channelId', message: `station "${identifier}" has no channel "${dto.channelId}"` },
        ]);
      const saved = await this.rules.save(toEntity(loaded.station.id, spec, this.clock.now()));
      await this.events.publish('availability.changed', { stationId: loaded.station.id, identifier });
      return saved;
    });
    this.logger.log({ station: identifier, ruleId: rule.id }, 'availability rule added');
    return ruleView(rule);
  }

  /**
   * Adds each rule the station does not already have (an equal rule is not added twice), in one
   * transaction: Annex C's `availability[]` of a ground-station document, which may be sent again
   * unchanged. `field` names where the rules came from, for error messages.
   */
  async addRulesOnce(
    ctx: RequestContext,
    identifier: string,
    dtos: RuleDto[],
    field: string,
  ): Promise<number> {
    const specs = dtos.map((dto) => ({ ...dto, timeZone: dto.timeZone ?? DEFAULT_RULE_TIME_ZONE }));
    const problems = specs.flatMap((spec, i) =>
      validateRuleSpec(spec).map((p) => ({ ...p, field: `${field}.${i}.${p.field}` })),
    );
    if (problems.length > 0) throw new ValidationFailedError(problems);
    const added = await this.db.transaction(async () => {
      const loaded = await this.loadOwned(ctx, identifier);
      const unknown = specs.findIndex(
        (spec) => spec.channelId && !loaded.channels.some((channel) => channel.channelId === spec.channelId),
      );
      if (unknown >= 0)
        throw new ValidationFailedError([
          {
            field: `${field}.${unknown}.channelId`,
            message: `station "${identifier}" has no channel "${specs[unknown].channelId}"`,
          },
        ]);
      const have = new Set((await this.rules.listOfStation(loaded.station.id)).map(ruleKey));
      const now = this.clock.now();
      const fresh = specs
        .map((spec) => toEntity(loaded.station.id, spec, now))
        .filter((rule) => !have.has(ruleKey(rule)) && have.add(ruleKey(rule)));
      for (const rule of fresh) await this.rules.save(rule);
      if (fresh.length > 0)
        await this.events.publish('availability.changed', { stationId: loaded.station.id, identifier });
      return fresh.length;
    });
    this.logger.log({ station: identifier, added }, 'availability rules added from a configuration document');
    return added;
  }

  async removeRule(ctx: RequestContext, identifier: string, ruleId: string): Promise<void> {
    await this.db.transaction(async () => {
      const { station } = await this.loadOwned(ctx, identifier);
      const rule = await this.rules.findOfStation(station.id, ruleId);
      if (!rule) throw new NotFoundError('RULE_NOT_FOUND', `station "${identifier}" has no rule ${ruleId}`);
      await this.rules.delete(ruleId);
      await this.events.publish('availability.changed', { stationId: station.id, identifier });
    });
    this.logger.log({ station: identifier, ruleId }, 'availability rule removed');
  }

  /**
   * Removes the station's rules equal to `dto` (every field, the time zone defaulting to UTC), as
   * Annex D's remove_rule names a rule by its configuration; returns how many there were.
   */
  async removeMatchingRules(ctx: RequestContext, identifier: string, dto: RuleDto): Promise<number> {
    const wanted = ruleKey(
      toEntity('', { ...dto, timeZone: dto.timeZone ?? DEFAULT_RULE_TIME_ZONE }, new Date(0)),
    );
    const removed = await this.db.transaction(async () => {
      const { station } = await this.loadOwned(ctx, identifier);
      const matching = (await this.rules.listOfStation(station.id)).filter(
        (rule) => ruleKey(rule) === wanted,
      );
      if (matching.length === 0)
        throw new NotFoundError(
          'RULE_NOT_FOUND',
          `station "${identifier}" has no rule equal to the one given`,
        );
      for (const rule of matching) await this.rules.delete(rule.id);
      await this.events.publish('availability.changed', { stationId: station.id, identifier });
      return matching.map((rule) => rule.id);
    });
    this.logger.log({ station: identifier, ruleIds: removed }, 'availability rules removed by configuration');
    return removed.length;
  }

  /** The station's rules; with `channelId`, the station-wide ones and that channel's. */
  async getRules(ctx: RequestContext, identifier: string, channelId?: string): Promise<RuleView[]> {
    const loaded = await this.loadOwned(ctx, identifier);
    const { station } = loaded;
    if (channelId) requireChannel(loaded, channelId);
    const rules = await this.rules.listOfStation(station.id);
    return rules
      .filter((rule) => !channelId || !rule.channelId || rule.channelId === channelId)
      .map(ruleView);
  }

  /** When a station is available: visible to every user, so M-operators can plan. */
  async availability(
    ctx: RequestContext,
    identifier: string,
    query: AvailabilityQueryDto,
  ): Promise<AvailabilityView> {
    requireActor(ctx);
    const from = query.from ? new Date(query.from) : this.clock.now();
    const to = query.to
      ? new Date(query.to)
      : new Date(from.getTime() + this.config.booking.horizonDays * 86_400_000);
    if (to <= from) throw new ValidationFailedError([{ field: 'to', message: 'must be after from' }]);
    if (to.getTime() - from.getTime() > 62 * 86_400_000)
      throw new ValidationFailedError([{ field: 'to', message: 'the window may span at most 62 days' }]);
    const loaded = await this.stations.load(identifier);
    if (query.channelId) requireChannel(loaded, query.channelId);
    const rules = await this.rules.ofStation(loaded.station.id);
    const windows = expandRules(rules, from, to, query.channelId);
    return {
      groundStation: identifier,
      channelId: query.channelId ?? null,
      from: from.toISOString(),
      to: to.toISOString(),
      windows: windows.map((w) => ({ start: w.start.toISOString(), end: w.end.toISOString() })),
    };
  }

  /** Availability of each channel of each station between `from` and `to`, keyed by station id. */
  async windowsByStation(
    stations: StationWithChannels[],
    from: Date,
    to: Date,
  ): Promise<Map<string, Map<string, TimeWindow[]>>> {
    const ids = stations.map(({ station }) => station.id);
    const rules = await this.rules.ofStations(ids);
    const result = new Map<string, Map<string, TimeWindow[]>>();
    for (const { station, channels } of stations) {
      const own = rules.filter((rule) => rule.stationId === station.id);
      result.set(
        station.id,
        new Map(channels.map((c) => [c.channelId, expandRules(own, from, to, c.channelId)])),
      );
    }
    return result;
  }

  private async loadOwned(ctx: RequestContext, identifier: string): Promise<StationWithChannels> {
    const loaded = await this.stations.load(identifier);
    assertCanManage(requireActor(ctx), loaded.station.ownerId, `ground station "${identifier}"`);
    return loaded;
  }
}

function requireChannel({ station, channels }: StationWithChannels, channelId: string): void {
  if (!channels.some((channel) => channel.channelId === channelId))
    throw new NotFoundError(
      'CHANNEL_NOT_FOUND',
      `station "${station.identifier}" has no channel "${channelId}"`,
    );
}

function toEntity(stationId: string, spec: AvailabilityRuleSpec, now: Date): AvailabilityRule {
  return {
    id: randomUUID(),
    stationId,
    channelId: spec.channelId ?? null,
    operation: spec.operation,
    periodicity: spec.periodicity,
    date: spec.date ?? null,
    weekdays: spec.weekdays?.length ? [...spec.weekdays] : null,
    validFrom: spec.validFrom ?? null,
    validUntil: spec.validUntil ?? null,
    startTime: spec.startTime,
    endTime: spec.endTime,
    timeZone: spec.timeZone ?? DEFAULT_RULE_TIME_ZONE,
    createdAt: now,
  };
}

/** A rule's configuration, whatever its id and station: what remove_rule by configuration compares. */
function ruleKey(rule: AvailabilityRule): string {
  const { id: _, stationId: __, createdAt: ___, ...spec } = rule;
  return JSON.stringify(Object.entries(spec).sort(([a], [b]) => a.localeCompare(b)));
}

function ruleView(rule: AvailabilityRule): RuleView {
  const { id, stationId: _, createdAt: __, ...spec } = rule;
  return Object.fromEntries(
    Object.entries({ ruleId: id, ...spec }).filter(([, value]) => value !== null),
  ) as RuleView;
}
