// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import {
  And,
  type EntityTarget,
  type FindOptionsWhere,
  In,
  LessThan,
  LessThanOrEqual,
  MoreThan,
  MoreThanOrEqual,
  type ObjectLiteral,
} from 'typeorm';
import { Database } from '../database/database.service';
import { columnValue, placeholders, selectEntities } from '../database/plain-sql';
import { GroundStation } from '../stations/ground-station.entity';
import { OperationalSlot } from './operational-slot.entity';
import { SlotChange } from './slot-change.entity';
import { LIVE_STATES, OCCUPYING_STATES, OPERABLE_STATES, type SlotState } from './slot-transitions';

export interface SlotScope {
  stationIds?: string[];
  spacecraftIds?: string[];
}

/** One page of a station's or a spacecraft's live slots, in (startAt, id) order. */
export interface SlotPageQuery {
  /** Only slots ending after this instant (now, or a later window start). */
  endsAfter: Date;
  /** Only slots starting before this instant, when given. */
  startsBefore?: Date;
  /** Resume after this slot of the (startAt, id) order (keyset pagination). */
  after?: { startAt: Date; id: string };
  limit: number;
}

/** A station row locked for a booking transaction, with what booking needs to know of it. */
export interface LockedStation {
  id: string;
  autoConfirm: boolean;
}

const CHANGES_PAGE = 500;
/** Slots whose station is remembered (see stationsOf); beyond, the oldest are forgotten. */
const STATION_OF_SLOT_ENTRIES = 100_000;
/** Every column of a slot, for the plain SELECTs of booking's hot path. */
const SLOT_COLUMNS =
  'id, stationId, spacecraftId, stationIdentifier, spacecraftIdentifier, stationOwnerId, ' +
  'spacecraftOwnerId, gsChannelId, scChannelId, startAt, endAt, tca, maxElevationDeg, state, ' +
  'holdExpiresAt, bookedBy, failureReason, createdAt, updatedAt';
/** Rows per INSERT: 500 × 17 values stays far below SQLite's and MySQL's bound-value limits. */
const ROWS_PER_INSERT = 500;

/** `slot` (an alias) is a selection whose hold ran out by the next `?` (slot-transitions.ts isHoldExpired). */
function expiredHold(slot: string): string {
  return `(${slot}.state = 'SELECTED' AND ${slot}.holdExpiresAt IS NOT NULL AND ${slot}.holdExpiresAt <= ?)`;
}

@Injectable()
export class SlotsRepository {
  constructor(private readonly db: Database) {}

  /**
   * The station of each slot read lately. A slot never moves to another station and its id is
   * never reused, so this needs no invalidation: booking learns which stations to wait for without
   * a query for a slot it listed before (bounded: the oldest entries go first).
   */
  private readonly stationOfSlot = new Map<string, string>();

  private get slots() {
    return this.db.manager().getRepository(OperationalSlot);
  }

  private get changes() {
    return this.db.manager().getRepository(SlotChange);
  }

  /**
   * Serialises booking on these stations until the transaction ends (MySQL row locks, always in
   * id order so two transactions never wait on each other in a cycle). SQLite needs none: its
   * transactions already run one at a time. Returns the stations (deleted ones are absent), with
   * `autoConfirm`, so the booking needs no second look at them.
   */
  async lockStations(stationIds: string[]): Promise<LockedStation[]> {
    if (stationIds.length === 0) return [];
    const ids = [...new Set(stationIds)].sort();
    const lock = this.db.kind === 'mysql' ? ' FOR UPDATE' : '';
    const rows = await selectEntities(
      this.db.manager(),
      GroundStation,
      `SELECT id, autoConfirm FROM ground_stations WHERE id IN (${placeholders(ids.length)}) ORDER BY id${lock}`,
      ids,
    );
    return rows.map(({ id, autoConfirm }) => ({ id, autoConfirm }));
  }

  /**
   * The stations these slots are on (what to lock before reading them again): remembered from
   * earlier reads, the others read with one plain query.
   */
  async stationsOf(slotIds: string[]): Promise<string[]> {
    const unknown = slotIds.filter((id) => !this.stationOfSlot.has(id));
    if (unknown.length > 0)
      await this.selectSlots(
        `SELECT id, stationId FROM operational_slots WHERE id IN (${placeholders(unknown.length)})`,
        unknown,
      );
    return [...new Set(slotIds.flatMap((id) => this.stationOfSlot.get(id) ?? []))];
  }

  findByIds(ids: string[]): Promise<OperationalSlot[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.selectSlots(
      `SELECT ${SLOT_COLUMNS} FROM operational_slots WHERE id IN (${placeholders(ids.length)})`,
      ids,
    );
  }

  /**
   * These slots, and in the same query every slot holding one of these stations (SELECTED,
   * RESERVED…, expired holds included) that ends after `after`: what a selection checks.
   */
  withOccupants(ids: string[], stationIds: string[], after: Date): Promise<OperationalSlot[]> {
    if (ids.length === 0) return Promise.resolve([]);
    if (stationIds.length === 0) return this.findByIds(ids);
    return this.selectSlots(
      `SELECT ${SLOT_COLUMNS} FROM operational_slots WHERE id IN (${placeholders(ids.length)}) ` +
        `OR (stationId IN (${placeholders(stationIds.length)}) AND state IN (${placeholders(OCCUPYING_STATES.length)}) AND endAt > ?)`,
      [...ids, ...stationIds, ...OCCUPYING_STATES, this.value('endAt', after)],
    );
  }

  /**
   * Live slots (FREE, SELECTED, RESERVED…) of the scope that end after `after` and, when
   * `starting` is given, start within [from, to).
   */
  live(
    scope: SlotScope,
    after: Date,
    starting: { from: Date; to: Date } | null = null,
  ): Promise<OperationalSlot[]> {
    const where: FindOptionsWhere<OperationalSlot>[] = [];
    const base = {
      state: In([...LIVE_STATES]),
      endAt: MoreThan(after),
      ...(starting ? { startAt: And(MoreThanOrEqual(starting.from), LessThan(starting.to)) } : {}),
    };
    if (scope.stationIds) where.push({ ...base, stationId: In(scope.stationIds) });
    if (scope.spacecraftIds) where.push({ ...base, spacecraftId: In(scope.spacecraftIds) });
    if (!scope.stationIds && !scope.spacecraftIds) where.push(base);
    return this.slots.find({ where, order: { startAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Up to `limit` live slots of one station or spacecraft, in (startAt, id) order from `after`:
   * a reader loads no more rows than a page needs. `visibleAt`: only what the spacecraft's
   * M-operator may see at that instant (docs/api.md "Holds, autoConfirm, exclusivity, visibility"): its own selections and
   * reservations, and FREE slots (an expired hold reads as FREE, slot-transitions.ts) that no
   * selection or reservation of the same station overlaps, whoever holds it; filtered in the
   * same statement (idx_slots_station_occupancy), so a page is one read.
   */
  page(
    owner: { stationId: string } | { spacecraftId: string },
    query: SlotPageQuery,
    visibleAt?: Date,
  ): Promise<OperationalSlot[]> {
    const where = ['stationId' in owner ? 's.stationId = ?' : 's.spacecraftId = ?'];
    const params: unknown[] = ['stationId' in owner ? owner.stationId : owner.spacecraftId];
    where.push(`s.state IN (${placeholders(LIVE_STATES.length)})`, 's.endAt > ?');
    params.push(...LIVE_STATES, this.value('endAt', query.endsAfter));
    if (query.startsBefore) {
      where.push('s.startAt < ?');
      params.push(this.value('startAt', query.startsBefore));
    }
    if (query.after) {
      const start = this.value('startAt', query.after.startAt);
      where.push('(s.startAt > ? OR (s.startAt = ? AND s.id > ?))');
      params.push(start, start, query.after.id);
    }
    if (visibleAt) {
      const now = this.value('holdExpiresAt', visibleAt);
      const occupying = `s.state IN (${placeholders(OCCUPYING_STATES.length)}) AND NOT ${expiredHold('s')}`;
      // One NOT EXISTS per occupying state, each served by idx_slots_station_occupancy on
      // (stationId, state = one constant, endAt): with `o.state IN (…)` both databases walked
      // every slot of the station through idx_slots_station_time for each listed slot (issue 13:
      // 57 ms of MariaDB per spacecraft page, 33 ms of SQLite). MariaDB is told the index: its
      // statistics average (stationId, state) over FREE slots too, so it expects ~70 rows where a
      // station has a handful of holds, and prefers idx_slots_station_time with a rowid filter.
      const occupancyIndex = this.db.kind === 'mysql' ? ' FORCE INDEX (idx_slots_station_occupancy)' : '';
      const blockers = OCCUPYING_STATES.map(
        (state) =>
          `NOT EXISTS (SELECT 1 FROM operational_slots o${occupancyIndex} WHERE o.stationId = s.stationId AND o.state = '${state}' ` +
          `AND o.endAt > s.startAt AND o.startAt < s.endAt AND o.id <> s.id` +
          `${state === 'SELECTED' ? ` AND NOT ${expiredHold('o')}` : ''})`,
      );
      where.push(`((${occupying}) OR (${blockers.join(' AND ')}))`);
      params.push(...OCCUPYING_STATES, now, now);
    }
    const columns = SLOT_COLUMNS.split(', ')
      .map((column) => `s.${column}`)
      .join(', ');
    return this.selectSlots(
      `SELECT ${columns} FROM operational_slots s WHERE ${where.join(' AND ')} ORDER BY s.startAt, s.id LIMIT ?`,
      [...params, query.limit],
    );
  }

  /** The spacecraft's RESERVED or EXECUTING slots that start by `startsBy` and end after `endsAfter`. */
  reservedOf(spacecraftId: string, startsBy: Date, endsAfter: Date): Promise<OperationalSlot[]> {
    return this.slots.find({
      where: {
        spacecraftId,
        state: In([...OPERABLE_STATES]),
        startAt: LessThanOrEqual(startsBy),
        endAt: MoreThan(endsAfter),
      },
      order: { startAt: 'ASC', id: 'ASC' },
    });
  }

  /** The stations that have live slots ending after `after`. */
  async stationsWithLiveSlots(after: Date): Promise<string[]> {
    const rows: { stationId: string }[] = await this.slots
      .createQueryBuilder('slot')
      .select('DISTINCT slot.stationId', 'stationId')
      .where('slot.state IN (:...live)', { live: [...LIVE_STATES] })
      .andWhere('slot.endAt > :after', { after })
      .getRawMany();
    return rows.map((row) => row.stationId);
  }

  /** Slots in one of `states` that ended by `endedBy`, the earliest end first, at most `limit` (idx_slots_state). */
  endedIn(states: readonly SlotState[], endedBy: Date, limit: number): Promise<OperationalSlot[]> {
    return this.slots.find({
      where: { state: In([...states]), endAt: LessThanOrEqual(endedBy) },
      order: { endAt: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  /** Selections whose hold ran out by `now`. */
  expiredHolds(now: Date): Promise<OperationalSlot[]> {
    return this.slots.find({
      where: { state: 'SELECTED', holdExpiresAt: LessThanOrEqual(now) },
      order: { id: 'ASC' },
    });
  }

  ownedBy(userId: string): Promise<OperationalSlot[]> {
    return this.slots.find({ where: [{ stationOwnerId: userId }, { spacecraftOwnerId: userId }] });
  }

  insert(slots: OperationalSlot[]): Promise<void> {
    return this.insertMany(OperationalSlot, slots);
  }

  /** Writes a changed slot row (a plain UPDATE: save() would first SELECT it again). */
  async save(slot: OperationalSlot): Promise<void> {
    const fields = SLOT_COLUMNS.split(', ').filter(
      (name): name is keyof OperationalSlot => name !== 'id' && name in slot,
    );
    await this.db
      .manager()
      .query(`UPDATE operational_slots SET ${fields.map((name) => `${name} = ?`).join(', ')} WHERE id = ?`, [
        ...fields.map((name) => this.value(name, slot[name])),
        slot.id,
      ]);
  }

  /**
   * Stores new times and pass figures for many slots in few statements (one UPDATE per
   * ROWS_PER_INSERT rows, a CASE per column): a TLE update moves every slot of its spacecraft a
   * little, ~1,700 of them in a week over 50 stations, which one UPDATE each made take seconds.
   */
  async moveMany(
    slots: readonly Pick<OperationalSlot, 'id' | 'startAt' | 'endAt' | 'tca' | 'maxElevationDeg'>[],
    updatedAt: Date,
  ): Promise<void> {
    const manager = this.db.manager();
    const { driver } = manager.connection;
    const metadata = manager.connection.getMetadata(OperationalSlot);
    const fields = ['startAt', 'endAt', 'tca', 'maxElevationDeg'] as const;
    const column = (name: string) => metadata.findColumnWithPropertyName(name)!;
    const value = (name: string, raw: unknown): unknown => driver.preparePersistentValue(raw, column(name));
    for (let i = 0; i < slots.length; i += ROWS_PER_INSERT) {
      const chunk = slots.slice(i, i + ROWS_PER_INSERT);
      const params: unknown[] = [];
      const sets = fields.map((field) => {
        for (const slot of chunk) params.push(slot.id, value(field, slot[field]));
        const cases = chunk.map(() => 'WHEN ? THEN ?').join(' ');
        return `${driver.escape(column(field).databaseName)} = CASE ${driver.escape('id')} ${cases} END`;
      });
      params.push(value('updatedAt', updatedAt), ...chunk.map((slot) => slot.id));
      await manager.query(
        `UPDATE ${driver.escape(metadata.tableName)} SET ${sets.join(', ')}, ${driver.escape('updatedAt')} = ? ` +
          `WHERE ${driver.escape('id')} IN (${chunk.map(() => '?').join(', ')})`,
        params,
      );
    }
  }

  /** Every station's id (the purge of ended FREE slots goes station by station). */
  async stationIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.db
      .manager()
      .query('SELECT id FROM ground_stations ORDER BY id');
    return rows.map((row) => row.id);
  }

  /**
   * Deletes at most `maxRows` FREE slots of the station that ended by `endedBy` (found through
   * idx_slots_station_occupancy) and returns how many went. Two statements rather than
   * DELETE … LIMIT, which SQLite allows only in a compile option.
   */
  async deleteEndedFree(stationId: string, endedBy: Date, maxRows: number): Promise<number> {
    const rows: { id: string }[] = await this.db
      .manager()
      .query(
        `SELECT id FROM operational_slots WHERE stationId = ? AND state = 'FREE' AND endAt <= ? LIMIT ${Number(maxRows)}`,
        [stationId, this.value('endAt', endedBy)],
      );
    await this.delete(rows.map((row) => row.id));
    return rows.length;
  }

  async delete(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) await this.slots.delete({ id: In(ids.slice(i, i + 500)) });
  }

  appendChanges(changes: Omit<SlotChange, 'id'>[]): Promise<void> {
    return this.insertMany(SlotChange, changes);
  }

  /** The ids of the committed changes after `after`, in order, at most `limit` (the primary key alone). */
  async changeIdsAfter(after: number, limit: number): Promise<number[]> {
    const rows = await this.changes.find({
      select: { id: true },
      where: { id: MoreThan(after) },
      order: { id: 'ASC' },
      take: limit,
    });
    return rows.map((row) => Number(row.id));
  }

  /** The largest change id committed so far (0 when there is none). */
  async lastChangeId(): Promise<number> {
    const last = await this.changes.find({ select: { id: true }, order: { id: 'DESC' }, take: 1 });
    return last.length === 0 ? 0 : Number(last[0].id);
  }

  /**
   * Many rows in few statements, each value converted by the driver as TypeORM's own insert
   * does, and bound by position. TypeORM's insert builder names every value as a parameter and
   * copies its whole parameter map for each one, which grows with the square of the rows: it was
   * most of a first full plan's time (bench/planning.ts, issue 13). Auto-increment ids are left
   * to the database.
   */
  private async insertMany<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    rows: readonly T[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const manager = this.db.manager();
    const { driver } = manager.connection;
    const metadata = manager.connection.getMetadata(target);
    const columns = metadata.columns.filter((column) => column.generationStrategy !== 'increment');
    const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
    const row = `(${columns.map(() => '?').join(', ')})`;
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const chunk = rows.slice(i, i + ROWS_PER_INSERT);
      const values = chunk.flatMap((entity) =>
        columns.map((column): unknown => {
          const value: unknown = driver.preparePersistentValue(column.getEntityValue(entity), column);
          return value ?? null;
        }),
      );
      await manager.query(
        `INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES ${chunk.map(() => row).join(', ')}`,
        values,
      );
    }
  }

  /** One page of changes after `cursor` for one side (the station's or the spacecraft's owner). */
  changesSince(
    side: 'station' | 'spacecraft',
    ownerId: string,
    identifier: string,
    cursor: number,
    upTo: number,
  ): Promise<SlotChange[]> {
    const id = And(MoreThan(cursor), LessThanOrEqual(upTo));
    const where =
      side === 'station'
        ? { stationOwnerId: ownerId, stationIdentifier: identifier, id }
        : { spacecraftOwnerId: ownerId, spacecraftIdentifier: identifier, id };
    return this.changes.find({ where, order: { id: 'ASC' }, take: CHANGES_PAGE });
  }

  /**
   * Changes after `cursor` and up to `upTo` on slots of this owner's stations or spacecraft (every
   * change when null), oldest first.
   */
  changesOfOwner(ownerId: string | null, cursor: number, upTo: number, limit: number): Promise<SlotChange[]> {
    const after = { id: And(MoreThan(cursor), LessThanOrEqual(upTo)) };
    const where = ownerId
      ? [
          { ...after, stationOwnerId: ownerId },
          { ...after, spacecraftOwnerId: ownerId },
        ]
      : after;
    return this.changes.find({ where, order: { id: 'ASC' }, take: limit });
  }

  /** Slots read by plain SQL (plain-sql.ts); each one's station is remembered for stationsOf. */
  private async selectSlots(sql: string, params: unknown[]): Promise<OperationalSlot[]> {
    const slots = await selectEntities(this.db.manager(), OperationalSlot, sql, params);
    for (const slot of slots) this.rememberStation(slot.id, slot.stationId);
    return slots;
  }

  private rememberStation(slotId: string, stationId: string): void {
    if (this.stationOfSlot.has(slotId)) return;
    if (this.stationOfSlot.size >= STATION_OF_SLOT_ENTRIES)
      this.stationOfSlot.delete(this.stationOfSlot.keys().next().value as string);
    this.stationOfSlot.set(slotId, stationId);
  }

  private value(property: keyof OperationalSlot, value: unknown): unknown {
    return columnValue(this.db.manager(), OperationalSlot, property, value);
  }
}
