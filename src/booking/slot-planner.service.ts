// SPDX-License-Identifier: Apache-2.0
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { AvailabilityService } from '../availability/availability.service';
import { Clock } from '../common/clock';
import { DomainEvents } from '../common/domain-events';
import { JobRunner } from '../common/jobs';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { retryOnConflict } from '../database/retry';
import { coarseStepS, findPassesForSites } from '../orbit/passes';
import { TleError } from '../orbit/tle';
import { TrackCache } from '../orbit/track-cache';
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
/** Stations a full replan stores at once on MySQL (storeByStation); SQLite stores one at a time. */
const STORES_AT_ONCE = 2;
/** The periodic replanning of everything, which rolls the horizon forward. */
export const REPLAN_JOB = 'booking.replan-all';

export interface PlanResult {
  created: number;
  updated: number;
  removed: number;
}

/** Slots starting in [from, to): the part of the horizon a roll plans. */
interface StartRange {
  from: Date;
  to: Date;
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
  /**
   * Where the last full plan or roll ended: slots starting before it are planned. A cache of
   * this process (a restart begins with a full replan), never needed for correctness.
   */
  private plannedUntil: Date | undefined;
  /** Each spacecraft's sampled track, for the next replan of a station or rule (memory: TRACK_CACHE_ENTRIES). */
  private readonly tracks = new TrackCache();

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
    this.jobs.every(REPLAN_JOB, this.config.booking.replanMinutes * 60_000, () => this.rollHorizon(), {
      once: true,
    });
  }

  /**
   * Recomputes the slots of the given stations and/or spacecraft (everything when empty). A full
   * replan stores station by station, each in its own short transaction, so booking on a station
   * waits for that station's share only, never for the whole network.
   */
  async replan(scope: SlotScope): Promise<PlanResult> {
    const now = this.clock.now();
    const horizonEnd = this.horizonEnd(now);
    const planned = await this.candidates(scope, { searchFrom: now, startsFrom: null, horizonEnd });
    const full = !scope.stationIds && !scope.spacecraftIds;
    const result = full
      ? await this.storeByStation(planned, now)
      : await this.storeInTransaction(scope, planned, now, null);
    if (full) this.plannedUntil = horizonEnd;
    if (result.created + result.updated + result.removed > 0)
      this.logger.log({ scope, ...result }, 'operational slots replanned');
    return result;
  }

  /**
   * The periodic job: plans the hour(s) the horizon moved into since the last full plan or roll
   * (passes starting from there on), rather than the whole network again. Stations, spacecraft,
   * TLEs, channels and rules replan their own slots as they change, so nothing before that point
   * is stale. The first run after a start (the point lives in memory) is a full replan.
   */
  async rollHorizon(): Promise<PlanResult> {
    const now = this.clock.now();
    const startsFrom = this.plannedUntil;
    if (!startsFrom || startsFrom.getTime() <= now.getTime()) return this.replan({});
    const horizonEnd = this.horizonEnd(now);
    if (horizonEnd.getTime() <= startsFrom.getTime()) return { created: 0, updated: 0, removed: 0 };
    const planned = await this.candidates({}, { searchFrom: startsFrom, startsFrom, horizonEnd });
    const range = { from: startsFrom, to: horizonEnd };
    const result = await this.storeInTransaction({}, planned, now, range);
    this.plannedUntil = horizonEnd;
    if (result.created + result.updated + result.removed > 0)
      this.logger.log({ from: startsFrom, to: horizonEnd, ...result }, 'planning horizon rolled');
    return result;
  }

  private horizonEnd(now: Date): Date {
    return new Date(now.getTime() + this.config.booking.horizonDays * 86_400_000);
  }

  /**
   * Candidate slots starting before `horizonEnd` (and from `startsFrom` on, when given), from
   * passes searched from LOOK_BACK_MS before `searchFrom`, so a pass under way is seen whole.
   */
  private async candidates(
    scope: SlotScope,
    span: { searchFrom: Date; startsFrom: Date | null; horizonEnd: Date },
  ): Promise<Planned[]> {
    // The search starts on a multiple of the coarse step, so every replan samples the orbit at
    // the same instants and finds an unchanged pass to the millisecond: otherwise each pass moved
    // by a fraction of a second as the clock moved, and every replan rewrote every slot.
    const stepMs = coarseStepS({ minDurationS: this.config.booking.minSlotSeconds }) * 1000;
    const from = new Date(Math.floor((span.searchFrom.getTime() - LOOK_BACK_MS) / stepMs) * stepMs);
    // Passes are followed past the horizon so one starting just before it is not cut short. On
    // the step grid too, so that the tracks kept from one plan serve the next (track-cache.ts).
    const to = new Date(Math.ceil((span.horizonEnd.getTime() + LOOK_BACK_MS) / stepMs) * stepMs);
    const stations = (await this.stations.loadMany()).filter(
      (s) => !scope.stationIds || scope.stationIds.includes(s.station.id),
    );
    const spacecraft = await this.spacecraft.loadMany(scope.spacecraftIds);
    const availability = await this.availability.windowsByStation(stations, from, to);
    const planned: Planned[] = [];
    const startsFrom = span.startsFrom?.getTime() ?? -Infinity;
    const horizonEndMs = span.horizonEnd.getTime();
    for (const { spacecraft: sc, channels } of spacecraft) {
      for (const candidate of this.plan(sc, channels, stations, availability, from, to)) {
        const start = candidate.start.getTime();
        if (start >= startsFrom && start < horizonEndMs) planned.push(candidate);
      }
      // Pass search is CPU work: let requests in between spacecraft (tens of ms each), or a
      // full plan would hold every booking call for seconds.
      await nextTurn();
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
        { minDurationS: this.config.booking.minSlotSeconds, tracks: this.tracks.source(sc.id) },
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

  /** Every station with slots planned or stored, one transaction each. */
  private async storeByStation(planned: Planned[], now: Date): Promise<PlanResult> {
    const byStation = new Map<string, Planned[]>();
    for (const station of await this.slots.stationsWithLiveSlots(now)) byStation.set(station, []);
    for (const candidate of planned) {
      const list = byStation.get(candidate.stationId);
      if (list) list.push(candidate);
      else byStation.set(candidate.stationId, [candidate]);
    }
    const total: PlanResult = { created: 0, updated: 0, removed: 0 };
    const queue = [...byStation];
    // Two stations at a time, on two connections: while the database stores one station's rows,
    // this process builds the next one's statements (bench/planning.ts (1): one at a time left
    // each side idle while the other worked). SQLite runs transactions one after the other
    // anyway: a second store queued there would only make a booking call wait for two.
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [stationId, ofStation] = next;
        const result = await this.storeInTransaction({ stationIds: [stationId] }, ofStation, now, null);
        total.created += result.created;
        total.updated += result.updated;
        total.removed += result.removed;
        // On SQLite every statement completes at once, so the stores chain as promise callbacks
        // and the event loop would not read a request until the last station was stored (booking
        // during a full replan waited ~10 s, bench/planning.ts): requests get a turn between stations.
        await nextTurn();
      }
    };
    await Promise.all(Array.from({ length: this.db.kind === 'mysql' ? STORES_AT_ONCE : 1 }, worker));
    return total;
  }

  private storeInTransaction(
    scope: SlotScope,
    planned: Planned[],
    now: Date,
    range: StartRange | null,
  ): Promise<PlanResult> {
    return retryOnConflict(() =>
      this.db.transaction(() => this.store(scope, planned, now, range), { readCommitted: true }),
    );
  }

  /** Reconciles the stored live slots of `scope` (starting within `range`, if given) with `planned`. */
  private async store(
    scope: SlotScope,
    planned: Planned[],
    now: Date,
    range: StartRange | null,
  ): Promise<PlanResult> {
    const existingBefore = await this.slots.live(scope, now, range);
    await this.slots.lockStations([
      ...existingBefore.map((s) => s.stationId),
      ...planned.map((p) => p.stationId),
    ]);
    // Read again under the locks on MySQL; SQLite runs one transaction at a time, so what was
    // read is still what is stored.
    const current = this.db.kind === 'mysql' ? await this.slots.live(scope, now, range) : existingBefore;
    const existing = current.map((slot) => ({
      ...slot,
      start: slot.startAt,
      end: slot.endAt,
    }));
    const plan = reconcileSlots(existing, planned, {
      now,
      toleranceS: this.config.booking.rescheduleToleranceSeconds,
    });
    await this.slots.insert(plan.created.map((candidate) => this.newSlot(candidate as Planned, now)));
    const moved = plan.updated.map(({ slot, candidate }) => ({
      ...stored(slot),
      startAt: candidate.start,
      endAt: candidate.end,
      tca: candidate.tca,
      maxElevationDeg: candidate.maxElevationDeg,
      updatedAt: now,
    }));
    await this.slots.moveMany(moved, now);
    const rescheduled = moved.flatMap((slot) => {
      const state = effectiveState(slot, now);
      return isOccupying(state) ? [changeRecord(slot, state, state, 'reschedule', null, now)] : [];
    });
    await this.ledger.record(rescheduled);
    // A slot being served (EXECUTING) is neither removed nor deleted when its window moves away:
    // its pass is happening, and it completes at its end like any other (slot-transitions.ts).
    const vanished = plan.vanished.filter((slot) => slot.state !== 'EXECUTING');
    const booked = vanished.filter((slot) => isOccupying(effectiveState(slot, now)));
    await this.ledger.apply(
      booked.map((slot) => ({ slot: stored(slot), to: 'REMOVED', reason: 'remove' })),
      null,
    );
    await this.slots.delete(vanished.filter((slot) => !booked.includes(slot)).map((slot) => slot.id));
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
      failureReason: null,
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
