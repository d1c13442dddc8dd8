// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { Database } from '../database/database.service';
import { Packet, type PacketOutcome } from './packet.entity';

/** A frame to log; `storeError` is the log's own (see PacketLog's storeRepaired). */
export type PacketRecord = Omit<Packet, 'id' | 'storeError'>;

/**
 * Rows per INSERT statement. SQLite: 15 columns x 100 rows = 1,500 placeholders (its limit is
 * 32,766), and one such statement with its commit held the event loop for 1 to 3 ms in
 * bench/relay.ts (1 to 200 slots), where a 500-frame batch took 5 to 15 ms. MySQL (asynchronous;
 * the client formats the values into the statement): larger statements insert faster, about
 * 24,000 rows/s at 100 rows against 31,000 at 1,000 on MariaDB 10.11 here.
 */
export const ROWS_PER_STATEMENT = { sqlite: 100, mysql: 1000 } as const;

/**
 * Frame bytes per statement at most: hex-encoded, even the largest frames keep a statement well
 * under MySQL's max_allowed_packet (4 MB in MySQL 5.7, the smallest default in use).
 */
const DATA_BYTES_PER_STATEMENT = 1024 * 1024;

/** A position in the archive's order: (serverReceivedAt, id). */
export interface PacketPosition {
  time: Date;
  id: number;
}

/** Which packets to read; every field given narrows the result (at least one owner field is expected). */
export interface PacketQuery {
  spacecraftId?: string;
  stationId?: string;
  slotId?: string;
  direction?: Packet['direction'];
  outcomes?: readonly PacketOutcome[];
  /** serverReceivedAt at or after. */
  from?: Date;
  /** serverReceivedAt before. */
  to?: Date;
  /** Strictly after this position (the last packet of the previous page). */
  after?: PacketPosition;
  limit: number;
}

/** A packet with only some of its fields (its position always): what page() reads when told `fields`. */
export type PacketFields<K extends keyof Packet> = Pick<Packet, K | 'id' | 'serverReceivedAt'>;

/** The packets table as one INSERT needs it: its columns (id excluded) and `INSERT … VALUES `. */
interface InsertShape {
  columns: ColumnMetadata[];
  prefix: string;
  row: string;
}

/** A column of the packets table that a row written by insertMany fills, and its declared length. */
export interface PacketColumnLength {
  propertyName: string;
  /** 0 when the column declares no length. */
  length: number;
}

/** The packet log's table: written in bulk by PacketLog (its queueing and retries live there). */
@Injectable()
export class PacketsRepository {
  private shape: InsertShape | undefined;

  constructor(private readonly db: Database) {}

  /**
   * Inserts `rows` in one transaction, in order, ROWS_PER_STATEMENT (and 1 MB) per statement, and
   * returns their ids, in the same order (PacketLog publishes the committed rows with them).
   */
  insertMany(rows: readonly PacketRecord[]): Promise<number[]> {
    return this.db.transaction(() => this.insert(this.db.manager(), rows));
  }

  /**
   * The archive's read: packets matching `query` in (serverReceivedAt, id) order, at most
   * `limit`. Paging by position, not offset: a page costs the same at any depth, and rows
   * committed meanwhile are neither skipped nor repeated.
   */
  page(query: PacketQuery): Promise<Packet[]>;
  /**
   * Only `fields` (and the position): a replay reads a dozen of the table's columns, and each
   * column read and converted costs on SQLite, where the read runs on the event loop.
   */
  page<K extends keyof Packet>(query: PacketQuery, fields: readonly K[]): Promise<PacketFields<K>[]>;
  async page(query: PacketQuery, fields?: readonly (keyof Packet)[]): Promise<Partial<Packet>[]> {
    const manager = this.db.manager();
    const select = manager.getRepository(Packet).createQueryBuilder('p');
    if (fields) select.select(['id', 'serverReceivedAt', ...fields].map((field) => `p.${field}`));
    const equal = ['spacecraftId', 'stationId', 'slotId', 'direction'] as const;
    for (const field of equal)
      if (query[field] !== undefined) select.andWhere(`p.${field} = :${field}`, { [field]: query[field] });
    if (query.outcomes) select.andWhere('p.outcome IN (:...outcomes)', { outcomes: query.outcomes });
    if (query.to) select.andWhere('p.serverReceivedAt < :to', { to: query.to });
    // One lower bound on serverReceivedAt, the later of `from` and `after`: given both, SQLite
    // started its index range at `from` and scanned up to `after` on every page, so a replay's
    // cost grew with the square of its length (bench/replay.ts). The `>=` before the OR is what
    // bounds the range.
    const after = query.after;
    if (after && !(query.from && query.from > after.time))
      select.andWhere(
        'p.serverReceivedAt >= :afterTime AND (p.serverReceivedAt > :afterTime OR p.id > :afterId)',
        { afterTime: after.time, afterId: after.id },
      );
    else if (query.from) select.andWhere('p.serverReceivedAt >= :from', { from: query.from });
    const [sql, parameters] = select
      .orderBy('p.serverReceivedAt', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(query.limit)
      .getQueryAndParameters();
    return this.hydrate(await manager.query(sql, parameters), 'p', fields);
  }

  /**
   * Rows selected as `alias` into Packets, each value through the driver's own conversion (as
   * getMany does): TypeORM's entity transformer cost more than the query itself on a replay
   * (bench/replay.ts), and a page has no relations to join.
   */
  private hydrate(
    rows: Record<string, unknown>[],
    alias: string,
    fields: readonly (keyof Packet)[] | undefined,
  ): Packet[] {
    const manager = this.db.manager();
    const driver = manager.connection.driver;
    const wanted = fields && new Set<string>(['id', 'serverReceivedAt', ...fields]);
    const columns = manager.connection
      .getMetadata(Packet)
      .columns.filter((column) => !wanted || wanted.has(column.propertyName))
      .map((column) => ({ column, key: `${alias}_${column.databaseName}` }));
    return rows.map((row) => {
      const packet = new Packet();
      const target = packet as unknown as Record<string, unknown>;
      for (const { column, key } of columns)
        target[column.propertyName] = driver.prepareHydratedValue(row[key], column);
      return packet;
    });
  }

  /** The columns insertMany fills, with their declared lengths (to cut a refused row's strings). */
  columnLengths(): PacketColumnLength[] {
    const { columns } = (this.shape ??= insertShape(this.db.manager()));
    return columns.map((column) => ({ propertyName: column.propertyName, length: Number(column.length) }));
  }

  /**
   * Plain multi-row INSERTs instead of the repository's insert(): TypeORM's query builder cost
   * about 50 µs per row (a named parameter per value, each looked up among all the others), more
   * than relaying the frame did, and on SQLite it runs on the event loop. Values still go through
   * the driver's preparePersistentValue, so they are stored exactly as TypeORM would store them.
   */
  private async insert(manager: EntityManager, batch: readonly PacketRecord[]): Promise<number[]> {
    const { columns, prefix, row } = (this.shape ??= insertShape(manager));
    const driver = manager.connection.driver;
    const ids: number[] = [];
    for (let start = 0, end = 0; start < batch.length; start = end) {
      end = statementEnd(batch, start, ROWS_PER_STATEMENT[this.db.kind]);
      const values: unknown[] = [];
      for (let i = start; i < end; i++) {
        const record = batch[i] as unknown as Record<string, unknown>;
        for (const column of columns)
          values.push(driver.preparePersistentValue(record[column.propertyName] ?? null, column));
      }
      const result: unknown = await manager.query(
        prefix +
          Array<string>(end - start)
            .fill(row)
            .join(', '),
        values,
      );
      const first = firstInsertedId(result, end - start);
      for (let i = 0; i < end - start; i++) ids.push(first + i);
    }
    return ids;
  }
}

/** Where the statement starting at `start` ends: at `maxRows` rows or DATA_BYTES_PER_STATEMENT. */
function statementEnd(batch: readonly PacketRecord[], start: number, maxRows: number): number {
  const last = Math.min(batch.length, start + maxRows);
  let bytes = batch[start].data.length;
  let end = start + 1;
  while (end < last && bytes + batch[end].data.length <= DATA_BYTES_PER_STATEMENT)
    bytes += batch[end++].data.length;
  return end;
}

/**
 * The id of a multi-row INSERT's first row; one statement's rows get consecutive ids. MySQL's OK
 * packet carries the first row's id (`insertId`; consecutive for a multi-row INSERT with
 * innodb_autoinc_lock_mode 0 or 1, MariaDB's default, and 2 too while the packet log is the
 * table's only concurrent writer of multi-row statements); better-sqlite3 returns the last row's
 * rowid (SQLite numbers a statement's rows one after the other).
 */
function firstInsertedId(result: unknown, rows: number): number {
  if (typeof result === 'number' || typeof result === 'bigint') return Number(result) - rows + 1;
  const insertId = (result as { insertId?: unknown } | null)?.insertId;
  if (typeof insertId === 'number' || typeof insertId === 'bigint') return Number(insertId);
  throw new Error('the database did not say which ids the packets got');
}

function insertShape(manager: EntityManager): InsertShape {
  const metadata = manager.connection.getMetadata(Packet);
  const driver = manager.connection.driver;
  const columns = metadata.columns.filter((column) => !column.isGenerated);
  const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
  return {
    columns,
    prefix: `INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES `,
    row: `(${columns.map(() => '?').join(', ')})`,
  };
}
