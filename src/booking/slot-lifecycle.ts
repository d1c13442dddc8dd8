// SPDX-License-Identifier: Apache-2.0
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Database } from '../database/database.service';
import { retryOnConflict } from '../database/retry';
import type { OperationalSlot } from './operational-slot.entity';
import { SlotLedger } from './slot-ledger';
import { OPERABLE_STATES, type SlotFailureReason, type SlotState } from './slot-transitions';
import { SlotsRepository } from './slots.repository';

/** How an ended slot is closed: used by a client, or failed for a reason. */
export type SlotOutcome = { used: true } | { used: false; reason: SlotFailureReason };

/**
 * The live part of a slot's life (DESIGN §4): RESERVED → EXECUTING when its first relay session
 * starts, then COMPLETED after its end, or FAILED when nobody ever came. Each change goes through
 * the ledger like every booking change, so both owners see it in get_changes and on /ws/events.
 * No e-mail (booking-notifier.ts): the owners follow these on the change feed and in the report.
 */
@Injectable()
export class SlotLifecycle {
  private readonly logger = new Logger(SlotLifecycle.name);

  constructor(
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly slots: SlotsRepository,
    private readonly ledger: SlotLedger,
  ) {}

  /** RESERVED → EXECUTING; true when this call changed it (idempotent: an EXECUTING slot stays). */
  async execute(slotId: string): Promise<boolean> {
    return retryOnConflict(() =>
      this.db.transaction(
        async () => {
          const [slot] = await this.lockedSlots([slotId]);
          if (slot?.state !== 'RESERVED') return false;
          await this.ledger.apply([{ slot, to: 'EXECUTING', reason: 'execute' }], null);
          return true;
        },
        { readCommitted: true },
      ),
    );
  }

  /** Slots still RESERVED or EXECUTING that ended by `endedBy`, the earliest first, at most `limit`. */
  unsettled(endedBy: Date, limit: number): Promise<OperationalSlot[]> {
    return this.slots.endedIn(OPERABLE_STATES, endedBy, limit);
  }

  /**
   * Closes ended slots: EXECUTING → COMPLETED; RESERVED → FAILED, or, when the relay knows a
   * client did come (its EXECUTING mark was lost), EXECUTING → COMPLETED in one go. Slots that
   * changed meanwhile or have not ended are left alone. Returns those closed, with their new state.
   */
  async settle(
    slotIds: string[],
    outcomeOf: (slotId: string) => SlotOutcome,
  ): Promise<{ slotId: string; state: SlotState }[]> {
    if (slotIds.length === 0) return [];
    return retryOnConflict(() =>
      this.db.transaction(
        async () => {
          const now = this.clock.now();
          const ended = (await this.lockedSlots(slotIds)).filter(
            (slot) => slot.endAt <= now && OPERABLE_STATES.includes(slot.state),
          );
          const updates = ended.flatMap((slot) => closing(slot, outcomeOf(slot.id)));
          const saved = await this.ledger.apply(updates, null);
          if (ended.length > 0) this.logger.log({ slots: ended.length }, 'ended slots settled');
          // A slot executed and completed in one go appears twice: its last state counts.
          const last = new Map(saved.map((slot) => [slot.id, slot.state]));
          return [...last].map(([slotId, state]) => ({ slotId, state }));
        },
        { readCommitted: true },
      ),
    );
  }

  /** The slots, read again under their stations' locks (as booking does: no lost update). */
  private async lockedSlots(ids: string[]): Promise<OperationalSlot[]> {
    await this.slots.lockStations(await this.slots.stationsOf(ids));
    return this.slots.findByIds(ids);
  }
}

function closing(
  slot: OperationalSlot,
  outcome: SlotOutcome,
): { slot: OperationalSlot; to: SlotState; reason: string }[] {
  if (slot.state === 'EXECUTING') return [{ slot, to: 'COMPLETED', reason: 'complete' }];
  if (outcome.used)
    return [
      { slot, to: 'EXECUTING', reason: 'execute' },
      { slot: { ...slot, state: 'EXECUTING' }, to: 'COMPLETED', reason: 'complete' },
    ];
  return [{ slot: { ...slot, failureReason: outcome.reason }, to: 'FAILED', reason: 'fail' }];
}
