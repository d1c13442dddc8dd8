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
/** Rows per INSERT: 500 × 17 values stays far below SQLite's and MySQL's bound-value limits. */
const ROWS_PER_INSERT = 500;

@Injectable()
export class SlotsRepository {
  constructor(private readonly db: Database) {}

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
    const query = this.db
      .manager()
      .getRepository(GroundStation)
      .createQueryBuilder('station')
      .select(['station.id', 'station.autoConfirm'])
      .where('station.id IN (:...ids)', { ids: [...new Set(stationIds)].sort() })
      .orderBy('station.id');
    if (this.db.kind === 'mysql') query.setLock('pessimistic_write');
    return (await query.getMany()).map(({ id, autoConfirm }) => ({ id, autoConfirm }));
  }

  /** The stations these slots are on (a plain read: what to lock before reading them again). */
  async stationsOf(slotIds: string[]): Promise<string[]> {
    if (slotIds.length === 0) return [];
    const rows: { stationId: string }[] = await this.slots
      .createQueryBuilder('slot')
      .select('DISTINCT slot.stationId', 'stationId')
      .where('slot.id IN (:...ids)', { ids: slotIds })
      .getRawMany();
    return rows.map((row) => row.stationId);
  }

  findByIds(ids: string[]): Promise<OperationalSlot[]> {
    return ids.length ? this.slots.findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /**
   * These slots, and in the same query every slot holding one of these stations (SELECTED,
   * RESERVED…, expired holds included) that ends after `after`: what a selection checks.
   */
  withOccupants(ids: string[], stationIds: string[], after: Date): Promise<OperationalSlot[]> {
    if (ids.length === 0) return Promise.resolve([]);
    if (stationIds.length === 0) return this.findByIds(ids);
    return this.slots.find({
      where: [
        { id: In(ids) },
        { stationId: In(stationIds), state: In([...OCCUPYING_STATES]), endAt: MoreThan(after) },
      ],
    });
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
   * a reader loads no more rows than a page needs.
   */
  page(
    owner: { stationId: string } | { spacecraftId: string },
    query: SlotPageQuery,
  ): Promise<OperationalSlot[]> {
    const builder = this.slots
      .createQueryBuilder('slot')
      .where('stationId' in owner ? 'slot.stationId = :owner' : 'slot.spacecraftId = :owner', {
        owner: 'stationId' in owner ? owner.stationId : owner.spacecraftId,
      })
      .andWhere('slot.state IN (:...live)', { live: [...LIVE_STATES] })
      .andWhere('slot.endAt > :endsAfter', { endsAfter: query.endsAfter });
    if (query.startsBefore)
      builder.andWhere('slot.startAt < :startsBefore', { startsBefore: query.startsBefore });
    if (query.after)
      builder.andWhere(
        '(slot.startAt > :afterStart OR (slot.startAt = :afterStart AND slot.id > :afterId))',
        {
          afterStart: query.after.startAt,
          afterId: query.after.id,
        },
      );
    return builder.orderBy('slot.startAt', 'ASC').addOrderBy('slot.id', 'ASC').limit(query.limit).getMany();
  }

  /**
   * Slots holding these stations (SELECTED, RESERVED…) that end after `after`. Expired holds are
   * included: callers judge them by effectiveState, and overlaps in memory. No bound on the start:
   * with one, SQLite's planner walks idx_slots_station_time through every slot the stations ever
   * had (5 ms a call in bench/booking.ts) instead of idx_slots_station_occupancy (1 ms).
   */
  occupying(stationIds: string[], after: Date): Promise<OperationalSlot[]> {
    if (stationIds.length === 0) return Promise.resolve([]);
    return this.slots.find({
      where: { stationId: In(stationIds), state: In([...OCCUPYING_STATES]), endAt: MoreThan(after) },
    });
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
    const { id, ...fields } = slot;
    await this.slots.update({ id }, fields);
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

  async delete(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) await this.slots.delete({ id: In(ids.slice(i, i + 500)) });
  }

  appendChanges(changes: Omit<SlotChange, 'id'>[]): Promise<void> {
    return this.insertMany(SlotChange, changes);
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
  ): Promise<SlotChange[]> {
    const where =
      side === 'station'
        ? { stationOwnerId: ownerId, stationIdentifier: identifier, id: MoreThan(cursor) }
        : { spacecraftOwnerId: ownerId, spacecraftIdentifier: identifier, id: MoreThan(cursor) };
    return this.changes.find({ where, order: { id: 'ASC' }, take: CHANGES_PAGE });
  }

  /** Changes after `cursor` on slots of this owner's stations or spacecraft (every change when null), oldest first. */
  changesOfOwner(ownerId: string | null, cursor: number, limit: number): Promise<SlotChange[]> {
    const after = { id: MoreThan(cursor) };
    const where = ownerId
      ? [
          { ...after, stationOwnerId: ownerId },
          { ...after, spacecraftOwnerId: ownerId },
        ]
      : after;
    return this.changes.find({ where, order: { id: 'ASC' }, take: limit });
  }
}
