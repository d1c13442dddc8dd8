// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { UserDeletion } from '../accounts/user-deletion';
import { Clock } from '../common/clock';
import { NotFoundError, ValidationFailedError } from '../common/errors';
import { JobRunner } from '../common/jobs';
import { KeyedQueue } from '../common/keyed-queue';
import { type Actor, type RequestContext, requireActor } from '../common/request-context';
import { windowsOverlap } from '../common/time-window';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { retryOnConflict } from '../database/retry';
import { Metrics } from '../metrics/metrics.service';
import { BookingParties, type Party } from './booking-parties';
import { ChangeLogWatermark } from './change-log-watermark';
import { SLOT_PAGE, type SlotListQueryDto } from './dto/booking.dto';
import type { OperationalSlot } from './operational-slot.entity';
import { slotFailure, type SlotFailure, SlotsRejectedError } from './slot-rejections';
import { decodeSlotCursor, encodeSlotCursor } from './slot-cursor';
import { SlotLedger } from './slot-ledger';
import {
  canTransition,
  effectiveState,
  IllegalSlotTransitionError,
  isHoldExpired,
  isOccupying,
  type SlotAction,
  type SlotState,
  transition,
} from './slot-transitions';
import { type SlotChangeView, slotChangeView, slotView, type SlotView } from './slot-views';
import { SlotsRepository } from './slots.repository';

export interface SlotPage {
  slots: SlotView[];
  nextCursor: string | null;
}

/** Which side may take each booking action, and whether the window returns to FREE afterwards. */
const ACTIONS = {
  select: { side: 'spacecraft', freesWindow: false },
  confirm: { side: 'station', freesWindow: false },
  deny: { side: 'station', freesWindow: true },
  cancelSelection: { side: 'spacecraft', freesWindow: true },
  cancelReservation: { side: 'either', freesWindow: true },
} as const;
type BookingAction = keyof typeof ACTIONS;

const SWEEP_MS = 15_000;
/** The periodic release of holds whose time ran out. */
export const HOLD_SWEEP_JOB = 'booking.sweep-expired-holds';

/** The booking cycle over operational slots (DESIGN §3 "Operational slots and booking"). */
@Injectable()
export class BookingService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(BookingService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly slots: SlotsRepository,
    private readonly ledger: SlotLedger,
    private readonly parties: BookingParties,
    private readonly deletion: UserDeletion,
    private readonly jobs: JobRunner,
    private readonly metrics: Metrics,
    private readonly watermark: ChangeLogWatermark,
  ) {}

  /** Booking calls wait here per station, holding no connection (see KeyedQueue). */
  private readonly stationQueue = new KeyedQueue();

  onModuleInit(): void {
    // Before stations and spacecraft go: the other party of each booking is told it was cancelled.
    this.deletion.register({
      name: 'bookings',
      order: 10,
      deleteUserData: (_, userId) => this.releaseUser(userId),
    });
  }

  onApplicationBootstrap(): void {
    this.jobs.every(HOLD_SWEEP_JOB, SWEEP_MS, () => this.sweepExpiredHolds(), { once: true });
  }

  select(ctx: RequestContext, spacecraft: string, ids: string[]): Promise<SlotView[]> {
    return this.act(ctx, 'select', spacecraft, ids);
  }

  confirm(ctx: RequestContext, station: string, ids: string[]): Promise<SlotView[]> {
    return this.act(ctx, 'confirm', station, ids);
  }

  deny(ctx: RequestContext, station: string, ids: string[]): Promise<SlotView[]> {
    return this.act(ctx, 'deny', station, ids);
  }

  cancelSelections(ctx: RequestContext, spacecraft: string, ids: string[]): Promise<SlotView[]> {
    return this.act(ctx, 'cancelSelection', spacecraft, ids);
  }

  /** By either side: the station's owner or the spacecraft's. */
  cancelReservations(ctx: RequestContext, identifier: string, ids: string[]): Promise<SlotView[]> {
    return this.act(ctx, 'cancelReservation', identifier, ids);
  }

  /**
   * One page of slots. For a spacecraft: its FREE slots (minus any overlapping a hold or
   * reservation on the same station — held slots are invisible to everyone else) and its own
   * selections and reservations. For a station: everything on it, with the M-operator of each
   * selection or reservation. Filtered, ordered and cut in the database (docs/api.md "Paging
   * through slots"); `nextCursor` is null on the last page.
   */
  async operationalSlots(
    ctx: RequestContext,
    identifier: string,
    query: SlotListQueryDto = {},
  ): Promise<SlotPage> {
    const after = query.cursor === undefined ? undefined : decodeSlotCursor(query.cursor);
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && to <= from)
      throw new ValidationFailedError([{ field: 'to', message: 'must be after from' }]);
    const party = await this.parties.resolve(ctx, identifier, 'either');
    const now = this.clock.now();
    const limit = query.limit ?? SLOT_PAGE.defaultLimit;
    const owner = party.side === 'station' ? { stationId: party.id } : { spacecraftId: party.id };
    const span = { endsAfter: from && from > now ? from : now, startsBefore: to, after };
    // One more than shown tells whether another page follows. A spacecraft sees only what its
    // M-operator may see (docs/api.md "Holds, autoConfirm, exclusivity, visibility"), filtered in the same read.
    const rows = await this.slots.page(
      owner,
      { ...span, limit: limit + 1 },
      party.side === 'spacecraft' ? now : undefined,
    );
    const page = rows.slice(0, limit);
    return {
      slots:
        party.side === 'station'
          ? await this.parties.withMOperators(page, now)
          : page.map((slot) => slotView(slot, now)),
      nextCursor: rows.length > limit ? encodeSlotCursor(page[limit - 1]) : null,
    };
  }

  /** The slot with this id, or null (for the relay; no access check: the caller decides who may use it). */
  async findSlot(id: string): Promise<OperationalSlot | null> {
    return (await this.slots.findByIds([id]))[0] ?? null;
  }

  /**
   * A slot of the caller's station or spacecraft `identifier` (either owner, or an admin, may read
   * it; docs/api.md "Slot report"). SLOT_NOT_FOUND when it is not on that station or spacecraft.
   */
  async slotOf(
    ctx: RequestContext,
    identifier: string,
    slotId: string,
    side: 'station' | 'spacecraft' | 'either',
  ): Promise<OperationalSlot> {
    const party = await this.parties.resolve(ctx, identifier, side);
    const slot = await this.findSlot(slotId);
    const belongs =
      slot && (party.side === 'station' ? slot.stationId === party.id : slot.spacecraftId === party.id);
    if (!slot || !belongs) throw new NotFoundError('SLOT_NOT_FOUND', `${party.label} has no slot ${slotId}`);
    return slot;
  }

  /** The spacecraft's RESERVED or EXECUTING slots in progress at `now`, counting `earlyMs` before each start (for the relay). */
  reservedInProgress(spacecraftId: string, now: Date, earlyMs: number): Promise<OperationalSlot[]> {
    return this.slots.reservedOf(spacecraftId, new Date(now.getTime() + earlyMs), now);
  }

  /** Every state change on the caller's station or spacecraft after `cursor`, and the next cursor. */
  async changes(
    ctx: RequestContext,
    identifier: string,
    cursor = 0,
  ): Promise<{ changes: SlotChangeView[]; nextCursor: number }> {
    const { changes, nextCursor } = await this.changesBySide(ctx, identifier, cursor);
    return { changes, nextCursor };
  }

  /** The same, saying whether the identifier named a station or a spacecraft (Annex D wraps them apart). */
  async changesBySide(
    ctx: RequestContext,
    identifier: string,
    cursor = 0,
  ): Promise<{ side: 'station' | 'spacecraft'; changes: SlotChangeView[]; nextCursor: number }> {
    const party = await this.parties.resolve(ctx, identifier, 'either');
    const upTo = await this.watermark.current();
    const page = await this.slots.changesSince(party.side, party.ownerId, identifier, cursor, upTo);
    return { side: party.side, changes: page.map(slotChangeView), nextCursor: page.at(-1)?.id ?? cursor };
  }

  /**
   * Every change the actor may see after `cursor` (on their stations and spacecraft; an admin sees
   * all), oldest first, at most `limit`: what /ws/events pushes.
   */
  async changesVisibleTo(actor: Actor, cursor: number, limit: number): Promise<SlotChangeView[]> {
    const owner = actor.role === 'ADMIN' ? null : actor.userId;
    const upTo = await this.watermark.current();
    return (await this.slots.changesOfOwner(owner, cursor, upTo, limit)).map(slotChangeView);
  }

  /**
   * `listener` runs when changes held back behind one that never committed become readable (see
   * ChangeLogWatermark): no new change announces them.
   */
  onHeldChangesReleased(listener: () => void): void {
    this.watermark.onMovedPastHole(listener);
  }

  /** Releases selections whose hold ran out; reads already treat them as FREE, this stores it. */
  async sweepExpiredHolds(): Promise<number> {
    return retryOnConflict(() =>
      this.db.transaction(
        async () => {
          const candidates = await this.slots.expiredHolds(this.clock.now());
          if (candidates.length === 0) return 0;
          await this.slots.lockStations(candidates.map((slot) => slot.stationId));
          const expired = (await this.slots.findByIds(candidates.map((s) => s.id))).filter((s) =>
            isHoldExpired(s, this.clock.now()),
          );
          await this.ledger.apply(
            expired.map((slot) => ({ slot: { ...slot, bookedBy: null }, to: 'FREE', reason: 'expireHold' })),
            null,
          );
          return expired.length;
        },
        { readCommitted: true },
      ),
    );
  }

  /** Every booking action, counted by result (README "Metrics"). */
  private act(
    ctx: RequestContext,
    action: BookingAction,
    identifier: string,
    ids: string[],
  ): Promise<SlotView[]> {
    return this.metrics.bookingOperation(action, this.actOnSlots(ctx, action, identifier, ids));
  }

  private async actOnSlots(
    ctx: RequestContext,
    action: BookingAction,
    identifier: string,
    ids: string[],
  ): Promise<SlotView[]> {
    checkSlotIds(ids);
    // Which stations to wait for is read beside the caller's side, not after it: one round trip.
    const [party, stationIds] = await Promise.all([
      this.parties.resolve(ctx, identifier, ACTIONS[action].side),
      this.slots.stationsOf(ids),
    ]);
    const actorId = requireActor(ctx).userId;
    // The next request for these stations goes at commit, not after the emails of this one.
    // MySQL's default REPEATABLE READ suffices, and spares a SET TRANSACTION round trip: the
    // transaction's first statement locks the stations, a locking read, which starts no snapshot;
    // the reads after it see every commit of the lock's previous holders.
    const changed = await this.stationQueue.run(stationIds, (release) => {
      // Unknown slots name no station: such a call holds none (it fails under no lock).
      const held = stationIds.length > 0 ? this.metrics.bookingStationsTaken(action) : () => undefined;
      const giveBack = () => {
        held();
        release();
      };
      return retryOnConflict(() =>
        this.db.transaction(() => this.actLocked(party, action, ids, stationIds, actorId), {
          afterCommit: giveBack,
        }),
      ).finally(held);
    });
    this.logger.log({ by: ctx.actor?.username, action, identifier, slots: ids }, `slots: ${action}`);
    return changed.map((slot) => slotView(slot, this.clock.now()));
  }

  private async actLocked(
    party: Party,
    action: BookingAction,
    ids: string[],
    stationIds: string[],
    actorId: string,
  ): Promise<OperationalSlot[]> {
    // Lock first (nothing may read before), then read: the slots as the previous holder of the
    // station's lock left them.
    // A selection reads, in the same query, what holds those stations (for exclusivity).
    const stations = await this.slots.lockStations(stationIds);
    const now = this.clock.now();
    const read =
      action === 'select'
        ? await this.slots.withOccupants(ids, stationIds, now)
        : await this.slots.findByIds(ids);
    const wanted = new Set(ids);
    const byId = new Map(read.filter((slot) => wanted.has(slot.id)).map((slot) => [slot.id, slot]));
    // Selecting on an autoConfirm station reserves at once (each slot's own station decides).
    const autoConfirm = new Set(
      action === 'select' ? stations.filter((s) => s.autoConfirm).map((station) => station.id) : [],
    );
    const actionFor = (slot: OperationalSlot | undefined): SlotAction =>
      slot && autoConfirm.has(slot.stationId) ? 'autoReserve' : action;
    const failures = ids.flatMap((id) => this.check(byId.get(id), id, party, actionFor(byId.get(id)), now));
    if (failures.length === 0 && action === 'select')
      failures.push(...exclusivity([...byId.values()], read, now));
    if (failures.length > 0) throw new SlotsRejectedError(failures);
    const updates = ids.map((id) => {
      const slot = byId.get(id) as OperationalSlot;
      const effective = actionFor(slot);
      const to = transition(effectiveState(slot, now), effective, id);
      const hold =
        to === 'SELECTED' ? new Date(now.getTime() + this.config.booking.holdMinutes * 60_000) : null;
      // The M-operator who books it; the station owner confirming a selection does not take it over.
      const bookedBy = effective === 'select' || effective === 'autoReserve' ? actorId : slot.bookedBy;
      return { slot: { ...slot, holdExpiresAt: hold, bookedBy }, to, reason: effective };
    });
    const saved = await this.ledger.apply(updates, actorId);
    if (ACTIONS[action].freesWindow)
      await this.slots.insert(
        saved.filter((slot) => slot.endAt > now).map((slot) => this.ledger.freeCopy(slot)),
      );
    return saved;
  }

  private check(
    slot: OperationalSlot | undefined,
    id: string,
    party: Party,
    action: SlotAction,
    now: Date,
  ): SlotFailure[] {
    const belongs =
      slot && (party.side === 'station' ? slot.stationId === party.id : slot.spacecraftId === party.id);
    if (!slot || !belongs) return [slotFailure.notFound(id, party.label)];
    if (slot.endAt <= now) return [slotFailure.past(id, slot.endAt)];
    if (action === 'confirm' && isHoldExpired(slot, now) && slot.holdExpiresAt)
      return [slotFailure.holdExpired(id, slot.holdExpiresAt)];
    const state = effectiveState(slot, now);
    return canTransition(state, action)
      ? []
      : [slotFailure.illegal(id, new IllegalSlotTransitionError(state, action, id).message)];
  }

  /**
   * Unregistering: cancel every selection and reservation of the user's objects (complete those
   * being operated), then drop their slots.
   */
  private async releaseUser(userId: string): Promise<void> {
    const now = this.clock.now();
    const slots = await this.slots.ownedBy(userId);
    const active = slots.filter((slot) => slot.endAt > now && isOccupying(effectiveState(slot, now)));
    // A slot being operated cannot be cancelled: the departure ends its use (complete) instead.
    const release: Partial<Record<SlotState, SlotAction>> = {
      SELECTED: 'cancelSelection',
      RESERVED: 'cancelReservation',
      EXECUTING: 'complete',
    };
    await this.ledger.apply(
      active.map((slot) => {
        const state = effectiveState(slot, now);
        const reason = release[state] ?? 'cancelReservation';
        return { slot, to: transition(state, reason, slot.id), reason };
      }),
      userId,
    );
    await this.slots.delete(slots.map((slot) => slot.id));
  }
}

/**
 * A station serves one slot at a time: no overlap with a hold or reservation among `others`
 * (read under the station's lock), nor within the request.
 */
function exclusivity(wanted: OperationalSlot[], others: OperationalSlot[], now: Date): SlotFailure[] {
  return wanted.flatMap((slot) => {
    const overlaps = (other: OperationalSlot) =>
      other.stationId === slot.stationId && windowsOverlap(window(other), window(slot));
    const blocker =
      others.find(
        (other) => other.id !== slot.id && isOccupying(effectiveState(other, now)) && overlaps(other),
      ) ?? wanted.find((other) => other.id < slot.id && overlaps(other));
    return blocker ? [slotFailure.busy(slot.id, slot.stationIdentifier, blocker)] : [];
  });
}

function window(slot: OperationalSlot) {
  return { start: slot.startAt, end: slot.endAt };
}

function checkSlotIds(ids: string[]): void {
  const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (duplicates.length > 0)
    throw new ValidationFailedError([
      { field: 'slots', message: `lists ${[...new Set(duplicates)].join(', ')} more than once` },
    ]);
}
