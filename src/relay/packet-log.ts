import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { DomainError } from '../common/errors';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { Packet } from './packet.entity';

export type PacketRecord = Omit<Packet, 'id'>;

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

/** Most batches written in one transaction while the log is behind (see writeBatch). */
const CATCH_UP_BATCHES = 8;

/** Pause after a failed write before the next attempt. */
const RETRY_MS = 500;

/** The packets table as one INSERT needs it: its columns (id excluded) and `INSERT … VALUES `. */
interface InsertShape {
  columns: ColumnMetadata[];
  prefix: string;
  row: string;
}

/**
 * The packet log's write path, kept off the relay's hot path: frames are queued in memory and
 * written in batches (every `packetLogFlushMs` or `packetLogBatchSize` frames). A log that falls
 * behind while its writes succeed holds the relay back (`caughtUp()`): senders are slowed by TCP
 * backpressure. The queue is bounded: when the database cannot keep up at all (writes failing),
 * new frames are refused (the client is told) rather than dropped silently. A failed write keeps
 * its frames for the next attempt; `flush()` empties the queue, and runs at slot end and at
 * shutdown, so a graceful restart loses nothing.
 */
@Injectable()
export class PacketLog implements OnModuleDestroy {
  private readonly logger = new Logger(PacketLog.name);
  private queue: PacketRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The pending timer is a 0 ms one: later frames need not reset it. */
  private timerUrgent = false;
  private writing: Promise<void> | undefined;
  private shape: InsertShape | undefined;
  /** The last write failed: the log cannot catch up, so nobody is held back (frames get refused). */
  private failing = false;
  private caughtUpWaiters: (() => void)[] = [];
  private readonly highWater: number;
  private readonly lowWater: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
  ) {
    const { packetLogBatchSize: batch, packetLogMaxQueue: max } = config.relay;
    this.highWater = Math.max(1, Math.min(CATCH_UP_BATCHES * batch, Math.floor(max / 2)));
    this.lowWater = Math.floor(this.highWater / 4);
  }

  /**
   * Undefined while the log keeps up; once it falls behind (a high-water mark of frames waiting),
   * a promise that resolves when it is back under a quarter of that, or when its writes fail.
   */
  caughtUp(): Promise<void> | undefined {
    if (this.queue.length < this.highWater || this.failing) return undefined;
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve));
  }

  /** Queues a frame; throws PACKET_LOG_BACKLOG (nothing queued) when the queue is full. */
  append(record: PacketRecord): void {
    if (this.queue.length >= this.config.relay.packetLogMaxQueue)
      throw new DomainError(
        'UNAVAILABLE',
        'PACKET_LOG_BACKLOG',
        'the packet log is behind; the frame was not accepted, send it again shortly',
      );
    this.queue.push(record);
    if (this.queue.length >= this.config.relay.packetLogBatchSize) this.writeSoon(0);
    else this.writeSoon(this.config.relay.packetLogFlushMs);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Writes everything queued so far (and waits for a write already under way). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (let attempt = 0; this.queue.length > 0 || this.writing; attempt++) {
      await (this.writing ?? this.writeBatch());
      if (attempt > 1000) throw new Error('packet log flush made no progress');
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  /** Starts a write after `delayMs`, unless one is under way or a timer already fires as soon. */
  private writeSoon(delayMs: number): void {
    if (this.writing || (this.timer && (delayMs > 0 || this.timerUrgent))) return;
    clearTimeout(this.timer);
    this.timerUrgent = delayMs === 0;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeBatch();
    }, delayMs);
  }

  private writeBatch(): Promise<void> {
    if (this.writing || this.queue.length === 0) return this.writing ?? Promise.resolve();
    const size = this.config.relay.packetLogBatchSize;
    // Behind (a whole batch waiting): up to CATCH_UP_BATCHES batches in one go, so that the
    // further the log falls behind, the larger its share of the event loop, and sockets are
    // read less often: a sender faster than the log is slowed down, not refused once the queue
    // is full (bench/relay.ts (a): it was, at about 60,000 frames/s against 35,000 logged).
    const behind = this.queue.length >= size;
    const batch = this.take(behind ? size * CATCH_UP_BATCHES : size);
    this.writing = this.commit(batch, behind).finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0)
        this.writeSoon(
          this.queue.length >= this.config.relay.packetLogBatchSize ? 0 : this.config.relay.packetLogFlushMs,
        );
    });
    return this.writing;
  }

  /** The oldest `count` frames; the whole queue without copying when it is no longer than that. */
  private take(count: number): PacketRecord[] {
    if (this.queue.length <= count) {
      const all = this.queue;
      this.queue = [];
      return all;
    }
    return this.queue.splice(0, count);
  }

  /**
   * Commits the batch in groups. On SQLite every statement runs on the event loop, so, unless
   * the log is catching up, a group is one statement and the loop gets a turn between groups:
   * relayed frames wait behind one statement's worth of logging, not a whole batch's. On MySQL
   * (asynchronous) and when catching up, the batch is one transaction.
   * Never rejects: what was not committed goes back to the front of the queue, in order, for a
   * later attempt; what was committed is not written twice.
   */
  private async commit(batch: PacketRecord[], catchingUp: boolean): Promise<void> {
    const group = this.db.kind === 'sqlite' && !catchingUp ? ROWS_PER_STATEMENT.sqlite : batch.length;
    let written = 0;
    try {
      for (; written < batch.length; written += group) {
        if (written > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const rows = batch.slice(written, written + group);
        await this.db.transaction(() => this.insert(this.db.manager(), rows));
        this.failing = false;
        this.releaseWaiters();
      }
    } catch (error) {
      const unwritten = batch.length - written;
      this.queue = batch.slice(written).concat(this.queue);
      this.failing = true;
      this.releaseWaiters();
      this.logger.error({ err: error, frames: unwritten }, 'packet log write failed; will retry');
      await new Promise<void>((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  private releaseWaiters(): void {
    if (this.caughtUpWaiters.length === 0 || (this.queue.length > this.lowWater && !this.failing)) return;
    const waiters = this.caughtUpWaiters;
    this.caughtUpWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Plain multi-row INSERTs instead of the repository's insert(): TypeORM's query builder cost
   * about 50 µs per row (a named parameter per value, each looked up among all the others), more
   * than relaying the frame did, and on SQLite it runs on the event loop. Values still go through
   * the driver's preparePersistentValue, so they are stored exactly as TypeORM would store them.
   */
  private async insert(manager: EntityManager, batch: PacketRecord[]): Promise<void> {
    const { columns, prefix, row } = (this.shape ??= insertShape(manager));
    const driver = manager.connection.driver;
    for (let start = 0, end = 0; start < batch.length; start = end) {
      end = statementEnd(batch, start, ROWS_PER_STATEMENT[this.db.kind]);
      const values: unknown[] = [];
      for (let i = start; i < end; i++) {
        const record = batch[i] as unknown as Record<string, unknown>;
        for (const column of columns)
          values.push(driver.preparePersistentValue(record[column.propertyName], column));
      }
      await manager.query(
        prefix +
          Array<string>(end - start)
            .fill(row)
            .join(', '),
        values,
      );
    }
  }
}

/** Where the statement starting at `start` ends: at `maxRows` rows or DATA_BYTES_PER_STATEMENT. */
function statementEnd(batch: PacketRecord[], start: number, maxRows: number): number {
  const last = Math.min(batch.length, start + maxRows);
  let bytes = batch[start].data.length;
  let end = start + 1;
  while (end < last && bytes + batch[end].data.length <= DATA_BYTES_PER_STATEMENT)
    bytes += batch[end++].data.length;
  return end;
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
