// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '../common/errors';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { isRowRefusal } from '../database/row-refusal';
import { Metrics } from '../metrics/metrics.service';
import { PacketFeed } from './packet-feed';
import type { Packet } from './packet.entity';
import { type PacketRecord, PacketsRepository, ROWS_PER_STATEMENT } from './packets.repository';
import { type Stored, StoredSignal } from './relay-port';

// Part of PacketLog's API (append's argument, the statement size its SQLite groups follow); they
// live with the INSERTs that use them.
export { type PacketRecord, ROWS_PER_STATEMENT } from './packets.repository';

/** Most batches written in one transaction while the log is behind (see writeBatch). */
const CATCH_UP_BATCHES = 8;

/** Pause after a failed write before the next attempt. */
const RETRY_MS = 500;

/** How long shutdown keeps trying to write what is queued while the database fails. */
export const SHUTDOWN_FLUSH_MS = 15_000;

/** The frames appended between two writes: they are acknowledged together, once all are committed. */
class GroupCommit extends StoredSignal {
  /** `lastSeq`: the sequence number of the group's last frame; grows while the group is open. */
  constructor(public lastSeq: number) {
    super();
  }
}

/**
 * The packet log's write path: group commit (docs/protocol.md "Acknowledgements"). Frames are
 * queued in memory and written together, at the next turn of the event loop (or after
 * `packetLogFlushMs`), one transaction for everything that arrived meanwhile, from every session;
 * `append()` returns the frame's group, which settles once it is committed, and only then is the
 * sender told its frame was taken: a killed process loses no acknowledged frame.
 *
 * A log that falls behind while its writes succeed holds the relay back (`caughtUp()`): senders
 * are slowed by TCP backpressure. The queue is bounded: when the database cannot keep up at all
 * (writes failing), new frames are refused (the client is told) rather than dropped silently. A
 * write the database fails keeps its frames for the next attempt; a row the database refuses for
 * its values is isolated and stored repaired (`storeError`), never blocking the rows behind it.
 */
@Injectable()
export class PacketLog implements OnModuleDestroy {
  private readonly logger = new Logger(PacketLog.name);
  private queue: PacketRecord[] = [];
  /** The batch being committed: out of the queue, maybe not yet readable from the database. */
  private inFlight: readonly PacketRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** A write due at the next turn of the event loop: the group commit of this turn's frames. */
  private immediate: NodeJS.Immediate | undefined;
  private writing: Promise<void> | undefined;
  /** The last write failed: the log cannot catch up, so nobody is held back (frames get refused). */
  private failing = false;
  private caughtUpWaiters: (() => void)[] = [];
  /** Frames appended and frames stored (or given up, see storeRepaired) so far: sequence numbers. */
  private appended = 0;
  private settled = 0;
  /** Groups not yet committed, oldest first; the last one takes new frames until a write starts. */
  private groups: GroupCommit[] = [];
  private openGroup: GroupCommit | undefined;
  private readonly highWater: number;
  private readonly lowWater: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    private readonly packets: PacketsRepository,
    private readonly feed: PacketFeed,
    private readonly metrics: Metrics,
  ) {
    metrics.watchPacketLogQueue(() => this.queue.length);
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

  /**
   * Queues a frame and returns its group commit; throws PACKET_LOG_BACKLOG (nothing queued) when
   * the queue is full.
   */
  append(record: PacketRecord): Stored {
    if (this.queue.length >= this.config.relay.packetLogMaxQueue) {
      this.metrics.frameRefused(record.direction, 'PACKET_LOG_BACKLOG');
      throw new DomainError(
        'UNAVAILABLE',
        'PACKET_LOG_BACKLOG',
        'the packet log is behind; the frame was not accepted, send it again shortly',
      );
    }
    this.queue.push(record);
    this.metrics.frameLogged(record);
    const group = (this.openGroup ??= this.newGroup());
    group.lastSeq = ++this.appended;
    if (this.queue.length >= this.config.relay.packetLogBatchSize) this.writeSoon(0);
    else this.writeSoon(this.config.relay.packetLogFlushMs);
    return group;
  }

  get pending(): number {
    return this.queue.length;
  }

  /**
   * The frames of a slot and direction not yet known to be readable from the database (queued or
   * being committed) with a sequence number above `after`, in the order they were appended. With a
   * database read started after this call, it covers every frame appended before it (the resume,
   * docs/protocol.md §14).
   */
  unwritten(slotId: string, direction: PacketRecord['direction'], after = 0): PacketRecord[] {
    const wanted = (record: PacketRecord) =>
      record.slotId === slotId &&
      record.direction === direction &&
      record.sequence !== null &&
      record.sequence > after;
    return this.inFlight.filter(wanted).concat(this.queue.filter(wanted));
  }

  /**
   * Writes everything queued so far (and waits for a write already under way). While the
   * database fails it keeps trying for `giveUpAfterMs`, then says how many frames were not
   * stored (none of them was acknowledged) and returns.
   */
  async flush(giveUpAfterMs = Infinity): Promise<void> {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = this.immediate = undefined;
    const deadline = performance.now() + giveUpAfterMs;
    while (this.queue.length > 0 || this.writing) {
      await (this.writing ?? this.writeBatch());
      if (this.failing && performance.now() >= deadline) {
        this.logger.error(
          { frames: this.queue.length },
          'packet log: the database still fails; these frames were not stored (none was acknowledged)',
        );
        return;
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush(SHUTDOWN_FLUSH_MS);
  }

  private newGroup(): GroupCommit {
    const group = new GroupCommit(this.appended);
    this.groups.push(group);
    return group;
  }

  /**
   * Starts a write after `delayMs` (0: at the next turn of the event loop, once the sockets read
   * in this one have been handled), unless one is under way or already due as soon.
   */
  private writeSoon(delayMs: number): void {
    if (this.writing || this.immediate || (this.timer && delayMs > 0)) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (delayMs === 0) this.immediate = setImmediate(this.writeDue);
    else this.timer = setTimeout(this.writeDue, delayMs);
  }

  private readonly writeDue = (): void => {
    this.timer = this.immediate = undefined;
    this.writeBatch().catch((error: unknown) =>
      this.logger.error({ err: error }, 'packet log write loop failed'),
    );
  };

  private writeBatch(): Promise<void> {
    if (this.writing || this.queue.length === 0) return this.writing ?? Promise.resolve();
    const size = this.config.relay.packetLogBatchSize;
    // Behind (a whole batch waiting): up to CATCH_UP_BATCHES batches in one go, so that the
    // further the log falls behind, the larger its share of the event loop, and sockets are
    // read less often: a sender faster than the log is slowed down, not refused once the queue
    // is full (bench/relay.ts (a): it was, at about 60,000 frames/s against 35,000 logged).
    const behind = this.queue.length >= size;
    this.openGroup = undefined; // frames from now on are acknowledged with the next write
    const batch = this.take(behind ? size * CATCH_UP_BATCHES : size);
    this.inFlight = batch;
    this.writing = this.commit(batch, behind).finally(() => {
      this.writing = undefined;
      this.inFlight = [];
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
    const progress = { written: 0 };
    try {
      while (progress.written < batch.length) {
        if (progress.written > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        await this.store(batch.slice(progress.written, progress.written + group), progress);
        this.failing = false;
        this.releaseWaiters();
      }
    } catch (error) {
      const unwritten = batch.length - progress.written;
      this.queue = batch.slice(progress.written).concat(this.queue);
      this.failing = true;
      this.releaseWaiters();
      this.logger.error({ err: error, frames: unwritten }, 'packet log write failed; will retry');
      await new Promise<void>((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  /**
   * Commits `rows` in one transaction. When the database refuses it for the values in it, the
   * rows are halved until the refused one is alone, and that one is stored repaired: one bad row
   * never holds back the others. Throws only when the database itself fails.
   */
  private async store(rows: PacketRecord[], progress: { written: number }): Promise<void> {
    try {
      const started = performance.now();
      const ids = await this.packets.insertMany(rows);
      this.metrics.packetLogWritten((performance.now() - started) / 1000);
      this.publish(rows, ids);
    } catch (error) {
      if (!isRowRefusal(error)) throw error;
      if (rows.length > 1) {
        const half = Math.ceil(rows.length / 2);
        await this.store(rows.slice(0, half), progress);
        await this.store(rows.slice(half), progress);
        return;
      }
      await this.storeRepaired(rows[0], error);
    }
    progress.written += rows.length;
    this.markStored(rows.length);
  }

  /**
   * A row the database refused: stored with every string cut to its column and the database's
   * reason in `storeError`, and an alert logged. If even that is refused, the whole frame goes
   * to the error log (its only copy then, so with its data) and the log moves on.
   */
  private async storeRepaired(record: PacketRecord, refusal: unknown): Promise<void> {
    const reason = errorMessage(refusal);
    const repaired = { ...record, storeError: reason.slice(0, 255) } as Record<string, unknown>;
    for (const { propertyName, length } of this.packets.columnLengths()) {
      const value = repaired[propertyName];
      if (typeof value === 'string' && length > 0 && value.length > length)
        repaired[propertyName] = value.slice(0, length);
    }
    const context = { slotId: record.slotId, direction: record.direction, reason };
    try {
      const stored = repaired as PacketRecord & { storeError: string };
      this.publish([stored], await this.packets.insertMany([stored]));
      this.logger.error(context, 'packet log: the database refused a frame; stored it repaired (storeError)');
    } catch (error) {
      if (!isRowRefusal(error)) throw error;
      this.logger.error(
        { ...context, frame: { ...record, data: record.data.toString('base64') } },
        'packet log: the database refused a frame twice; it is kept only in this log line',
      );
    }
  }

  /**
   * Hands the rows just committed, with their ids, to the live readers of the archive (replay
   * streams). Nothing is built when nobody listens: the relay's hot path does not pay for it.
   */
  private publish(rows: readonly (PacketRecord & { storeError?: string | null })[], ids: number[]): void {
    if (!this.feed.wanted) return;
    this.feed.publish(
      rows.map((row, i): Packet => ({ ...row, id: ids[i], storeError: row.storeError ?? null })),
    );
  }

  /** `count` more frames are in the database: settle every group they complete. */
  private markStored(count: number): void {
    this.settled += count;
    let done = 0;
    // The open group is never among them: its frames are still queued, not yet written.
    while (done < this.groups.length && this.groups[done].lastSeq <= this.settled)
      this.groups[done++].settle();
    if (done > 0) this.groups = this.groups.slice(done);
  }

  private releaseWaiters(): void {
    if (this.caughtUpWaiters.length === 0 || (this.queue.length > this.lowWater && !this.failing)) return;
    const waiters = this.caughtUpWaiters;
    this.caughtUpWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
