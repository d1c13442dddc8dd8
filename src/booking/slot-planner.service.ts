import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { AvailabilityService } from '../availability/availability.service';
import { Clock } from '../common/clock';
import { DomainEvents } from '../common/domain-events';
import { JobRunner } from '../common/jobs';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { retryOnConflict } from '../database/retry';
import { findPassesForSites } from '../orbit/passes';
import { TleError } from '../orbit/tle';
import { compatiblePairs } from '../radio/compatibility';
import type { ScChannel } from '../spacecraft/sc-channel.entity';
import { tleOf } from '../spacecraft/spacecraft-mapper';
import type { Spacecraft } from '../spacecraft/spacecraft.entity';
import { SpacecraftService } from '../spacecraft/spacecraft.service';
import { GroundStationsService, type StationWithChannels } from '../stations/ground-stations.service';
import { groundSite } from '../stations/station-mapper';
import type { OperationalSlot } from './operational-slot.entity';
import { changeRecord, newSlotId, SlotLedger } from './slot-ledger';
import { generateSlots, reconcileSlots, type SlotCandidate } from './slot-generation';
import { effectiveState, isOccupying } from './slot-transitions';
import { type SlotScope, SlotsRepository } from './slots.repository';

/** Passes reaching back this far are computed whole, so a slot in progress is seen unchanged. */
const LOOK_BACK_MS = 3 * 3600_000;
/** The periodic replanning of everything, which rolls the horizon forward. */
export const REPLAN_JOB = 'booking.replan-all';

export interface PlanResult {
  created: number;
  updated: number;
  removed: number;
}

interface Planned extends SlotCandidate {
  stationIdentifier: string;
  spacecraftIdentifier: string;
  stationOwnerId: string;
  spacecraftOwnerId: string;
}

/**
 * Derives operational slots from passes, availability and channel compatibility, and keeps the
 * stored slots in step (DESIGN §3): recomputed when a station, spacecraft, TLE, channel or rule
 * changes and as the horizon rolls. A booked slot that no longer exists becomes REMOVED (both
 * owners told); one that moved by at most the tolerance keeps its booking with new times.
 */
@Injectable()
export class SlotPlanner implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(SlotPlanner.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly slots: SlotsRepository,
    private readonly ledger: SlotLedger,
    private readonly stations: GroundStationsService,
    private readonly spacecraft: SpacecraftService,
    private readonly availability: AvailabilityService,
    private readonly events: DomainEvents,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    const station = ({ stationId }: { stationId: string }) =>
      this.replan({ stationIds: [stationId] }).then(() => undefined);
    const spacecraft = ({ spacecraftId }: { spacecraftId: string }) =>
      this.replan({ spacecraftIds: [spacecraftId] }).then(() => undefined);
    this.events.subscribe('station.changed', station);
    this.events.subscribe('station.deleted', station);
    this.events.subscribe('availability.changed', station);
    this.events.subscribe('spacecraft.changed', spacecraft);
    this.events.subscribe('spacecraft.deleted', spacecraft);
  }

  onApplicationBootstrap(): void {
    if (this.config.booking.replanMinutes === 0) return;
    // Rolls the horizon forward; a failure is logged by the runner and the next run retries.
    this.jobs.every(REPLAN_JOB, this.config.booking.replanMinutes * 60_000, () => this.replan({}));
  }

  /** Recomputes the slots of the given stations and/or spacecraft (everything when empty). */
  async replan(scope: SlotScope): Promise<PlanResult> {
    const now = this.clock.now();
    const planned = await this.candidates(scope, now);
    const result = await retryOnConflict(() =>
      this.db.transaction(() => this.store(scope, planned, now), { readCommitted: true }),
    );
    if (result.created + result.updated + result.removed > 0)
      this.logger.log({ scope, ...result }, 'operational slots replanned');
    return result;
  }

  private async candidates(scope: SlotScope, now: Date): Promise<Planned[]> {
    const from = new Date(now.getTime() - LOOK_BACK_MS);
    const horizonEnd = new Date(now.getTime() + this.config.booking.horizonDays * 86_400_000);
    // Passes are followed past the horizon so one starting just before it is not cut short.
    const to = new Date(horizonEnd.getTime() + LOOK_BACK_MS);
    const stations = (await this.stations.loadMany()).filter(
      (s) => !scope.stationIds || scope.stationIds.includes(s.station.id),
    );
    const spacecraft = await this.spacecraft.loadMany(scope.spacecraftIds);
    const availability = await this.availability.windowsByStation(stations, from, to);
    const planned: Planned[] = [];
    for (const { spacecraft: sc, channels } of spacecraft) {
      for (const candidate of this.plan(sc, channels, stations, availability, from, to))
        if (candidate.start < horizonEnd) planned.push(candidate);
    }
    return planned;
  }

  private plan(
    sc: Spacecraft,
    channels: ScChannel[],
    stations: StationWithChannels[],
    availability: Map<string, Map<string, { start: Date; end: Date }[]>>,
    from: Date,
    to: Date,
  ): Planned[] {
    const tle = tleOf(sc);
    const usable = stations
      .map((station) => ({ ...station, pairs: compatiblePairs(station.channels, channels) }))
      .filter((station) => station.pairs.length > 0);
    if (!tle || usable.length === 0) return [];
    let passes;
    try {
      passes = findPassesForSites(
        tle,
        usable.map(({ station }) => groundSite(station)),
        from,
        to,
        { minDurationS: this.config.booking.minSlotSeconds },
      );
    } catch (error) {
      if (!(error instanceof TleError)) throw error;
      this.logger.warn(
        { spacecraft: sc.identifier, problem: error.message },
        'cannot predict passes; no slots',
      );
      return [];
    }
    return usable.flatMap(({ station, pairs }, index) =>
      generateSlots({
        stationId: station.id,
        spacecraftId: sc.id,
        passes: passes[index],
        availability: availability.get(station.id) ?? new Map(),
        channelPairs: pairs,
        minDurationS: this.config.booking.minSlotSeconds,
      }).map((candidate) => ({
        ...candidate,
        stationIdentifier: station.identifier,
        spacecraftIdentifier: sc.identifier,
        stationOwnerId: station.ownerId,
        spacecraftOwnerId: sc.ownerId,
      })),
    );
  }

  private async store(scope: SlotScope, planned: Planned[], now: Date): Promise<PlanResult> {
    const existingBefore = await this.slots.live(scope, now);
    await this.slots.lockStations([
      ...existingBefore.map((s) => s.stationId),
      ...planned.map((p) => p.stationId),
    ]);
    const existing = (await this.slots.live(scope, now)).map((slot) => ({
      ...slot,
      start: slot.startAt,
      end: slot.endAt,
    }));
    const plan = reconcileSlots(existing, planned, {
      now,
      toleranceS: this.config.booking.rescheduleToleranceSeconds,
    });
    await this.slots.insert(plan.created.map((candidate) => this.newSlot(candidate as Planned, now)));
    const rescheduled = [];
    for (const { slot, candidate } of plan.updated) {
      const moved = {
        ...stored(slot),
        startAt: candidate.start,
        endAt: candidate.end,
        tca: candidate.tca,
        maxElevationDeg: candidate.maxElevationDeg,
        updatedAt: now,
      };
      await this.slots.save(moved);
      const state = effectiveState(moved, now);
      if (isOccupying(state)) rescheduled.push(changeRecord(moved, state, state, 'reschedule', null, now));
    }
    await this.ledger.record(rescheduled);
    const booked = plan.vanished.filter((slot) => isOccupying(effectiveState(slot, now)));
    await this.ledger.apply(
      booked.map((slot) => ({ slot: stored(slot), to: 'REMOVED', reason: 'remove' })),
      null,
    );
    await this.slots.delete(plan.vanished.filter((slot) => !booked.includes(slot)).map((slot) => slot.id));
    return { created: plan.created.length, updated: plan.updated.length, removed: plan.vanished.length };
  }

  private newSlot(candidate: Planned, now: Date): OperationalSlot {
    return {
      id: newSlotId(),
      stationId: candidate.stationId,
      spacecraftId: candidate.spacecraftId,
      stationIdentifier: candidate.stationIdentifier,
      spacecraftIdentifier: candidate.spacecraftIdentifier,
      stationOwnerId: candidate.stationOwnerId,
      spacecraftOwnerId: candidate.spacecraftOwnerId,
      gsChannelId: candidate.gsChannelId,
      scChannelId: candidate.scChannelId,
      startAt: candidate.start,
      endAt: candidate.end,
      tca: candidate.tca,
      maxElevationDeg: candidate.maxElevationDeg,
      state: 'FREE',
      holdExpiresAt: null,
      bookedBy: null,
      createdAt: now,
      updatedAt: now,
    };
  }
}

/** Strips the reconciliation's window fields off a stored slot. */
function stored<T extends OperationalSlot & { start: Date; end: Date }>(slot: T): OperationalSlot {
  const { start: _, end: __, ...row } = slot;
  return row;
}
