// SPDX-License-Identifier: Apache-2.0
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { SlotLifecycle } from '../booking/slot-lifecycle';
import { Clock } from '../common/clock';
import { JobRunner } from '../common/jobs';
import { RelaySessionsRepository } from './relay-sessions.repository';
import { SlotReportService } from './slot-report.service';

/** The periodic closing of ended slots: COMPLETED, or FAILED when nobody came. */
export const SLOT_SETTLE_JOB = 'relay.settle-ended-slots';
const SETTLE_EVERY_MS = 30_000;
/**
 * A slot is closed this long after its end: by then the relay's own end check (every second)
 * has closed its sessions and flushed its packets, so its report no longer changes.
 */
export const SETTLE_GRACE_MS = 60_000;
/** Slots per transaction; a run goes on batch after batch until none is left. */
const SETTLE_BATCH = 100;

/**
 * Closes ended slots (DESIGN §4): a slot any client operated (a relay session in relay_sessions)
 * completes, one nobody joined fails with NO_CLIENT_CONNECTED. Lives with the relay because the
 * session audit is the proof of use, even when the EXECUTING mark of a session was lost.
 * Idempotent: a slot already closed is not read again. A completed slot's figures are then
 * computed once and stored (its report reads them from there).
 */
@Injectable()
export class SlotSettlement implements OnApplicationBootstrap {
  constructor(
    private readonly clock: Clock,
    private readonly lifecycle: SlotLifecycle,
    private readonly sessions: RelaySessionsRepository,
    private readonly jobs: JobRunner,
    private readonly reports: SlotReportService,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every(SLOT_SETTLE_JOB, SETTLE_EVERY_MS, () => this.settleEnded(), { once: true });
  }

  /** Closes every slot that ended at least SETTLE_GRACE_MS ago; returns how many. */
  async settleEnded(): Promise<number> {
    const endedBy = new Date(this.clock.nowMs() - SETTLE_GRACE_MS);
    let settled = 0;
    for (;;) {
      const batch = await this.lifecycle.unsettled(endedBy, SETTLE_BATCH);
      if (batch.length === 0) return settled;
      const ids = batch.map((slot) => slot.id);
      const used = new Set(await this.sessions.slotsWithSessions(ids));
      const closed = await this.lifecycle.settle(ids, (id) =>
        used.has(id) ? { used: true } : { used: false, reason: 'NO_CLIENT_CONNECTED' },
      );
      settled += closed.length;
      await this.reports.summarize(closed.filter((c) => c.state === 'COMPLETED').map((c) => c.slotId));
      // Nothing of this batch could be closed (it changed meanwhile): the next run tries again.
      if (closed.length === 0 || batch.length < SETTLE_BATCH) return settled;
    }
  }
}
