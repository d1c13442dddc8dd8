// SPDX-License-Identifier: Apache-2.0
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Clock } from '../common/clock';
import { JobRunner } from '../common/jobs';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PacketsRepository } from '../relay/packets.repository';

/** The periodic purge of packets past SATNET_PACKET_RETENTION_DAYS. */
export const PACKET_PURGE_JOB = 'packets.purge';
export const PACKET_PURGE_INTERVAL_MS = 3_600_000;
/**
 * Rows per DELETE: one batch held SQLite's single connection for a few milliseconds in
 * bench/history.ts, so the packet log's group commits wait no longer than that between batches.
 */
export const PACKET_PURGE_BATCH_ROWS = 5000;

const DAY_MS = 86_400_000;

/** Deletes packets older than the retention period, in bounded batches (docs/api.md "Packet retention"). */
@Injectable()
export class PacketRetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PacketRetentionService.name);
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly packets: PacketsRepository,
    private readonly jobs: JobRunner,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.archive.packetRetentionDays === 0) return;
    this.jobs.every(PACKET_PURGE_JOB, PACKET_PURGE_INTERVAL_MS, () => this.purge(), { once: true });
  }

  onModuleDestroy(): void {
    this.stopping = true;
  }

  /**
   * Deletes every packet the server received more than the retention period ago, batch by batch,
   * yielding to the event loop between batches so the relay and the packet log keep going.
   * Returns how many went.
   */
  async purge(): Promise<number> {
    const days = this.config.archive.packetRetentionDays;
    if (days === 0) return 0;
    const cutoff = new Date(this.clock.nowMs() - days * DAY_MS);
    let removed = 0;
    let batches = 0;
    for (let deleted = PACKET_PURGE_BATCH_ROWS; deleted === PACKET_PURGE_BATCH_ROWS && !this.stopping;) {
      deleted = await this.packets.deleteOlderThan(cutoff, PACKET_PURGE_BATCH_ROWS);
      removed += deleted;
      batches++;
      await nextTurn();
    }
    if (removed > 0)
      this.logger.log(
        { removed, batches, cutoff: cutoff.toISOString(), retentionDays: days },
        'packets past their retention period removed',
      );
    return removed;
  }
}
