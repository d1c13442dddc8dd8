import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '../common/errors';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { Packet } from './packet.entity';

export type PacketRecord = Omit<Packet, 'id'>;

/**
 * The packet log's write path, kept off the relay's hot path: frames are queued in memory and
 * written in batches (every `packetLogFlushMs` or `packetLogBatchSize` frames). The queue is
 * bounded: when the database falls that far behind, new frames are refused (the client is told)
 * rather than dropped silently. A failed write keeps its frames for the next attempt; `flush()`
 * empties the queue, and runs at slot end and at shutdown, so a graceful restart loses nothing.
 */
@Injectable()
export class PacketLog implements OnModuleDestroy {
  private readonly logger = new Logger(PacketLog.name);
  private queue: PacketRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
  ) {}

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

  private writeSoon(delayMs: number): void {
    if (this.writing || (this.timer && delayMs > 0)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeBatch();
    }, delayMs);
  }

  private writeBatch(): Promise<void> {
    if (this.writing || this.queue.length === 0) return this.writing ?? Promise.resolve();
    const batch = this.queue.splice(0, this.config.relay.packetLogBatchSize);
    this.writing = this.db
      .transaction(() => this.db.manager().getRepository(Packet).insert(batch))
      .then(
        () => undefined,
        (error: unknown) => {
          // Keep the frames: put them back in front, in order, and try again later.
          this.queue = [...batch, ...this.queue];
          this.logger.error({ err: error, frames: batch.length }, 'packet log write failed; will retry');
          return new Promise<void>((resolve) => setTimeout(resolve, 500));
        },
      )
      .finally(() => {
        this.writing = undefined;
        if (this.queue.length > 0)
          this.writeSoon(
            this.queue.length >= this.config.relay.packetLogBatchSize
              ? 0
              : this.config.relay.packetLogFlushMs,
          );
      });
    return this.writing;
  }
}
