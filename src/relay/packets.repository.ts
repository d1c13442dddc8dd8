// SPDX-License-Identifier: Apache-2.0
import { Injectable } from '@nestjs/common';
import { type EntityManager, QueryFailedError } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { Database } from '../database/database.service';
import { Packet, type PacketOutcome } from './packet.entity';
import { packetReadIndex } from './packet-read-index';

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

/** Keys per `IN (…)` read: well under SQLite's 32,766 placeholders and MySQL's packet size. */
const KEYS_PER_QUERY = 500;

/** What is stored under a dedupKey. */
export interface StoredKey {
  id: number;
  spacecraftId: string | null;
}

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
  /** Only numbered packets (relayed in a slot) with a sequence number above this one. */
  sequenceAfter?: number;
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
  private readShape: ReadShape | undefined;
  private readonly sqliteStatements = new Map<string, SqliteStatement>();

  constructor(private readonly db: Database) {}

  /**
   * Inserts `rows` in one transaction, in order, ROWS_PER_STATEMENT (and 1 MB) per statement, and
   * returns their ids, in the same order (PacketLog publishes the committed rows with them).
   */
  insertMany(rows: readonly PacketRecord[]): Promise<number[]> {
    // On MySQL one statement is atomic by itself, on a connection of its own: its BEGIN and
    // COMMIT were two more round trips, and half the CPU of a one-frame write (1,000 frames/s). On
    // SQLite the transaction stays: it queues the write behind any other on the one connection.
    if (this.db.kind === 'mysql' && oneStatement(rows)) return this.insert(this.db.manager(), rows);
    return this.db.transaction(() => this.insert(this.db.manager(), rows));
  }

  /**
   * Inserts the rows whose dedupKey is not stored yet (in the caller's transaction, if any).
   * Returns the rows this call stored, as packets with their ids, and the id stored under each
   * key of `rows` (new or not). The unique index idx_packets_dedup is the guard: a row another
   * writer committed meanwhile is skipped by the database, not refused.
   */
  async insertNewByDedupKey(
    rows: readonly PacketRecord[],
  ): Promise<{ stored: Packet[]; byKey: Map<string, StoredKey> }> {
    const keyOf = (row: PacketRecord) => {
      if (row.dedupKey === null) throw new Error('insertNewByDedupKey needs a dedupKey on every row');
      return row.dedupKey;
    };
    const before = await this.byDedupKey(rows.map(keyOf));
    const fresh = rows.filter((row) => !before.has(keyOf(row)));
    if (fresh.length === 0) return { stored: [], byKey: before };
    await this.insert(this.db.manager(), fresh, { ignoreDuplicates: true });
    const after = await this.byDedupKey(fresh.map(keyOf));
    const stored = fresh.map((row) => ({
      ...row,
      id: (after.get(keyOf(row)) as StoredKey).id,
      storeError: null,
    }));
    return { stored, byKey: new Map([...before, ...after]) };
  }

  /**
   * dedupKey → id and spacecraft of the stored packets with these keys. Plain SQL: three columns,
   * no blob, and no query builder looking up a named parameter per key (see insert()).
   */
  async byDedupKey(keys: readonly string[]): Promise<Map<string, StoredKey>> {
    const manager = this.db.manager();
    const driver = manager.connection.driver;
    const table = driver.escape(manager.connection.getMetadata(Packet).tableName);
    const [id, key, spacecraft] = ['id', 'dedupKey', 'spacecraftId'].map((name) => driver.escape(name));
    const found = new Map<string, StoredKey>();
    for (let start = 0; start < keys.length; start += KEYS_PER_QUERY) {
      const chunk = keys.slice(start, start + KEYS_PER_QUERY);
      const rows = await manager.query<{ id: number | string; k: string; s: string | null }[]>(
        `SELECT ${id} AS id, ${key} AS k, ${spacecraft} AS s FROM ${table} WHERE ${key} IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      );
      for (const row of rows) found.set(row.k, { id: Number(row.id), spacecraftId: row.s });
    }
    return found;
  }

  /**
   * The archive's read: packets matching `query` in (serverReceivedAt, id) order, at most
   * `limit`. Paging by position, not offset: a page costs the same at any depth, and rows
   * committed meanwhile are neither skipped nor repeated.
   *
   * One plain SELECT, values through the driver's own conversions (as insert() does): the query
   * builder's getMany spent most of a 1,000-row page hydrating entities in bench/history.ts.
   */
  page(query: PacketQuery): Promise<Packet[]>;
  /**
   * Only `fields` (and the position): a replay reads a dozen of the table's columns, and each
   * column read and converted costs on SQLite, where the read runs on the event loop.
   */
  page<K extends keyof Packet>(query: PacketQuery, fields: readonly K[]): Promise<PacketFields<K>[]>;
  async page(query: PacketQuery, fields?: readonly (keyof Packet)[]): Promise<Partial<Packet>[]> {
    const manager = this.db.manager();
    const shape = (this.readShape ??= readShape(manager));
    const driver = manager.connection.driver;
    const where: string[] = [];
    const params: unknown[] = [];
    const condition = (sql: string, ...values: [string, unknown][]) => {
      where.push(sql);
      for (const [property, value] of values)
        params.push(driver.preparePersistentValue(value, shape.byProperty[property]));
    };
    const name = (property: string) => driver.escape(shape.byProperty[property].databaseName);
    const [time, id] = [name('serverReceivedAt'), name('id')];
    for (const field of ['spacecraftId', 'stationId', 'slotId', 'direction'] as const)
      if (query[field] !== undefined) condition(`${name(field)} = ?`, [field, query[field]]);
    if (query.outcomes)
      condition(
        `${name('outcome')} IN (${query.outcomes.map(() => '?').join(', ')})`,
        ...query.outcomes.map((outcome): [string, unknown] => ['outcome', outcome]),
      );
    if (query.sequenceAfter !== undefined)
      condition(`${name('sequence')} > ?`, ['sequence', query.sequenceAfter]);
    // One lower bound on the time, the later of `from` and the position: given both, a planner
    // may start the index range at `from` and step over every earlier page again on each page.
    const after = query.after;
    const lower = after && (!query.from || after.time >= query.from) ? after.time : query.from;
    if (lower) condition(`${time} >= ?`, ['serverReceivedAt', lower]);
    if (query.to) condition(`${time} < ?`, ['serverReceivedAt', query.to]);
    if (after)
      condition(
        `(${time} > ? OR (${time} = ? AND ${id} > ?))`,
        ['serverReceivedAt', after.time],
        ['serverReceivedAt', after.time],
        ['id', after.id],
      );
    const limit = Math.max(0, Math.floor(query.limit));
    const wanted = fields && new Set<string>(['id', 'serverReceivedAt', ...fields]);
    const columns = wanted
      ? shape.columns.filter((column) => wanted.has(column.propertyName))
      : shape.columns;
    const rows = await this.selectRows(
      manager,
      `SELECT ${columns.map((column) => driver.escape(column.databaseName)).join(', ')} FROM ${shape.table}` +
        `${this.indexHint(query)}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ` +
        `ORDER BY ${time} ASC, ${id} ASC LIMIT ${limit}`,
      params,
    );
    const names = columns.map((column) => column.propertyName);
    const hydrators = columns.map((column) => shape.hydrators[column.propertyName]);
    return rows.map((row) => {
      const packet: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) packet[names[i]] = hydrators[i](row[i]);
      return packet as unknown as Packet;
    });
  }

  /**
   * The rows of one SELECT as arrays in its columns' order, from the driver itself: better-sqlite3
   * building an object per row (in its `all()`, on the event loop) and mysql2 building one per
   * row cost more than the rest of a replayed packet's work (bench/replay.ts). In the caller's
   * transaction when there is one; logged as TypeORM logs its queries, and failing with TypeORM's
   * QueryFailedError (src/database/retry.ts and others read the driver's code from it).
   */
  private async selectRows(manager: EntityManager, sql: string, params: unknown[]): Promise<unknown[][]> {
    manager.connection.logger.logQuery(sql, params);
    const driver = manager.connection.driver as unknown as {
      databaseConnection?: SqliteConnection;
      pool?: MysqlQueryable;
    };
    try {
      if (this.db.kind === 'sqlite')
        return this.sqliteStatement(driver.databaseConnection!, sql).all(...params);
      const connection: MysqlQueryable = manager.queryRunner
        ? ((await manager.queryRunner.connect()) as MysqlQueryable)
        : driver.pool!;
      return await new Promise<unknown[][]>((resolve, reject) =>
        connection.query({ sql, values: params, rowsAsArray: true }, (error, rows) =>
          error ? reject(error) : resolve(rows as unknown[][]),
        ),
      );
    } catch (error) {
      manager.connection.logger.logQueryError(error as Error, sql, params);
      throw new QueryFailedError(sql, params, error as Error);
    }
  }

  /** A prepared statement returning arrays; its own, since TypeORM's cached ones return objects. */
  private sqliteStatement(connection: SqliteConnection, sql: string): SqliteStatement {
    let statement = this.sqliteStatements.get(sql);
    if (!statement) {
      statement = connection.prepare(sql).raw(true);
      this.sqliteStatements.set(sql, statement);
      // Oldest first out: page sizes and filters make a bounded variety of statements.
      if (this.sqliteStatements.size > SQLITE_STATEMENTS_KEPT)
        this.sqliteStatements.delete(this.sqliteStatements.keys().next().value as string);
    }
    return statement;
  }

  /**
   * Names the index that walks the read (packetReadIndex: the one whose order is the page's).
   * Left to themselves, MariaDB scanned the owner's index from its first packet and SQLite read a
   * slot's page through the spacecraft's index and one outcome's through the owner's time index.
   */
  private indexHint(query: PacketQuery): string {
    const index = packetReadIndex(query);
    if (!index) return '';
    return this.db.kind === 'mysql' ? ` FORCE INDEX (${index})` : ` INDEXED BY ${index}`;
  }

  /**
   * Deletes at most `maxRows` of the oldest packets received before `cutoff` (one batch of the
   * retention purge; idx_packets_time finds them) and returns how many went. Two statements
   * rather than DELETE … LIMIT, which MySQL allows but SQLite only in a compile option.
   */
  deleteOlderThan(cutoff: Date, maxRows: number): Promise<number> {
    return this.db.transaction(async () => {
      const repository = this.db.manager().getRepository(Packet);
      const rows: { id: number }[] = await repository
        .createQueryBuilder('p')
        .select('p.id', 'id')
        .where('p.serverReceivedAt < :cutoff', { cutoff })
        .orderBy('p.serverReceivedAt', 'ASC')
        .limit(maxRows)
        .getRawMany();
      if (rows.length > 0) await repository.delete(rows.map((row) => Number(row.id)));
      return rows.length;
    });
  }

  /**
   * Relayed frames of a slot that did not reach the other instance after all (docs/protocol.md
   * §17): RELAYED becomes NOT_DELIVERED.
   */
  async markNotDelivered(slotId: string, direction: Packet['direction'], sequences: number[]): Promise<void> {
    await this.db
      .manager()
      .getRepository(Packet)
      .createQueryBuilder()
      .update()
      .set({ outcome: 'NOT_DELIVERED' })
      .where('slotId = :slotId AND direction = :direction AND outcome = :relayed', {
        slotId,
        direction,
        relayed: 'RELAYED',
      })
      .andWhere('sequence IN (:...sequences)', { sequences })
      .execute();
  }

  /** The highest sequence number stored for each direction of a slot (0 for a direction without any). */
  async lastSequences(slotId: string): Promise<Record<Packet['direction'], number>> {
    const rows = await this.db
      .manager()
      .getRepository(Packet)
      .createQueryBuilder('p')
      .select('p.direction', 'direction')
      .addSelect('MAX(p.sequence)', 'last')
      .where('p.slotId = :slotId', { slotId })
      .groupBy('p.direction')
      .getRawMany<{ direction: Packet['direction']; last: number | string | null }>();
    const last = { DOWNLINK: 0, UPLINK: 0 };
    for (const row of rows) last[row.direction] = Number(row.last ?? 0);
    return last;
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
  private async insert(
    manager: EntityManager,
    batch: readonly PacketRecord[],
    options: { ignoreDuplicates?: boolean } = {},
  ): Promise<number[]> {
    const { columns, prefix, row } = (this.shape ??= insertShape(manager));
    const driver = manager.connection.driver;
    const statement = options.ignoreDuplicates ? ignoringDuplicates(prefix, this.db.kind) : prefix;
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
        statement +
          Array<string>(end - start)
            .fill(row)
            .join(', '),
        values,
      );
      // A statement that skipped duplicates numbers only the rows it stored: no ids to tell.
      if (options.ignoreDuplicates) continue;
      const first = firstInsertedId(result, end - start);
      for (let i = 0; i < end - start; i++) ids.push(first + i);
    }
    return ids;
  }
}

/** Whether MySQL takes all of `rows` in one INSERT (see statementEnd). */
function oneStatement(rows: readonly PacketRecord[]): boolean {
  return rows.length > 0 && statementEnd(rows, 0, ROWS_PER_STATEMENT.mysql) === rows.length;
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
 * The same INSERT, skipping rows that would break a unique index. MySQL's IGNORE also turns other
 * errors into warnings: only rows whose values are already checked against their columns may use it.
 */
function ignoringDuplicates(prefix: string, kind: 'sqlite' | 'mysql'): string {
  return prefix.replace(/^INSERT /, kind === 'mysql' ? 'INSERT IGNORE ' : 'INSERT OR IGNORE ');
}

/** Prepared SQLite statements page() keeps (see sqliteStatement). */
const SQLITE_STATEMENTS_KEPT = 100;

/** What selectRows needs of a better-sqlite3 connection and its statements. */
interface SqliteConnection {
  prepare(sql: string): { raw(toggle: boolean): SqliteStatement };
}
interface SqliteStatement {
  all(...params: unknown[]): unknown[][];
}

/** What selectRows needs of a mysql2 pool or connection. */
interface MysqlQueryable {
  query(
    options: { sql: string; values: unknown[]; rowsAsArray: boolean },
    callback: (error: Error | null, rows: unknown) => void,
  ): void;
}

/** The packets table as page() reads it: every column, by property, and the table's name. */
interface ReadShape {
  columns: ColumnMetadata[];
  byProperty: Record<string, ColumnMetadata>;
  /** By property: a value as the driver returns it → as TypeORM would hydrate it. */
  hydrators: Record<string, (value: unknown) => unknown>;
  /** The table's name, escaped. */
  table: string;
}

function readShape(manager: EntityManager): ReadShape {
  const metadata = manager.connection.getMetadata(Packet);
  const driver = manager.connection.driver;
  const columns = metadata.columns;
  const sqlite = driver.options.type === 'better-sqlite3';
  return {
    columns,
    byProperty: Object.fromEntries(columns.map((column) => [column.propertyName, column])),
    hydrators: Object.fromEntries(
      columns.map((column) => {
        const hydrate = (value: unknown): unknown => driver.prepareHydratedValue(value, column) as unknown;
        return [column.propertyName, sqlite && column.type === 'datetime' ? sqliteTime(hydrate) : hydrate];
      }),
    ),
    table: driver.escape(metadata.tableName),
  };
}

/**
 * A DATETIME as SQLite stores it ('2030-01-01 00:00:00.000', UTC, as TypeORM writes it) read
 * straight into a Date; anything else through TypeORM's own conversion (`fallback`), whose
 * format checks cost more than the rest of a replayed row's hydration.
 */
function sqliteTime(fallback: (value: unknown) => unknown): (value: unknown) => unknown {
  return (value) =>
    typeof value === 'string' && value.length === 23 && value[10] === ' ' && value[19] === '.'
      ? new Date(`${value.slice(0, 10)}T${value.slice(11)}Z`)
      : fallback(value);
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
