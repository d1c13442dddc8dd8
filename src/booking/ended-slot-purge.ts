// SPDX-License-Identifier: Apache-2.0
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JobRunner } from '../common/jobs';
import { SlotsRepository } from './slots.repository';

/** The periodic removal of FREE slots that ended unbooked. */
export const ENDED_SLOT_PURGE_JOB = 'booking.purge-ended-free-slots';
export const ENDED_SLOT_PURGE_INTERVAL_MS = 3_600_000;
/** A slot goes this long after its end: well past any call that could still be deciding on it. */
export const ENDED_SLOT_GRACE_MS = 10 * 60_000;
/** Rows per DELETE, so other work on the database (SQLite: the only connection) waits little. */
const BATCH_ROWS = 2000;

/**
 * Removes FREE slots once they have ended: nobody booked them and nobody can any more
 * (docs/api.md "States and transitions"). Left in place, every slot list would walk them: a list
 * reads a spacecraft's or station's slots in start order from its oldest, and a year of unbooked
 * passes (~100,000 slots for a spacecraft over 50 stations) made one page take 300 ms on MariaDB
 * and 77 ms on SQLite instead of 8 and 5 (issue 13). Booked slots stay: they are the history
 * (reports, packets, the change log).
 */
@Injectable()
export class EndedSlotPurge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EndedSlotPurge.name);
  private stopping = false;

  constructor(
    private readonly clock: Clock,
    private readonly slots: SlotsRepository,
    private readonly jobs: JobRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every(ENDED_SLOT_PURGE_JOB, ENDED_SLOT_PURGE_INTERVAL_MS, () => this.purge(), { once: true });
  }

  onModuleDestroy(): void {
    this.stopping = true;
  }

  /** Removes them station by station, in batches, letting other work in between; returns how many went. */
  async purge(): Promise<number> {
    const endedBy = new Date(this.clock.nowMs() - ENDED_SLOT_GRACE_MS);
    let removed = 0;
    for (const stationId of await this.slots.stationIds()) {
      for (let deleted = BATCH_ROWS; deleted === BATCH_ROWS && !this.stopping;) {
        deleted = await this.slots.deleteEndedFree(stationId, endedBy, BATCH_ROWS);
        removed += deleted;
        await nextTurn();
      }
    }
    if (removed > 0) this.logger.log({ removed, endedBy: endedBy.toISOString() }, 'ended FREE slots removed');
    return removed;
  }
}
