// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainEvents } from '../common/domain-events';
import './booking-events';
import type { OperationalSlot } from './operational-slot.entity';
import type { SlotChange } from './slot-change.entity';
import { SlotsRepository } from './slots.repository';
import { effectiveState, type SlotState } from './slot-transitions';

export function newSlotId(): string {
  return `slot-${randomBytes(8).toString('base64url')}`;
}

/**
 * Writes slot state changes: the row, the append-only change record, and the after-commit
 * event — always together, so no change is ever made without being recorded and announced.
 */
@Injectable()
export class SlotLedger {
  constructor(
    private readonly clock: Clock,
    private readonly slots: SlotsRepository,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Stores each slot with its new state and records from → to. A hold that ran out before this
   * change (stored SELECTED, read as FREE) is first recorded as its own expireHold change, so the
   * log never misses an expiry, even when the sweeper had not stored it yet.
   */
  async apply(
    updates: { slot: OperationalSlot; to: SlotState; reason: string }[],
    actorId: string | null,
  ): Promise<OperationalSlot[]> {
    const now = this.clock.now();
    const changes: Omit<SlotChange, 'id'>[] = [];
    const saved: OperationalSlot[] = [];
    for (const { slot, to, reason } of updates) {
      const from = effectiveState(slot, now);
      const next: OperationalSlot = {
        ...slot,
        state: to,
        updatedAt: now,
        holdExpiresAt: to === 'SELECTED' ? slot.holdExpiresAt : null,
      };
      await this.slots.save(next);
      saved.push(next);
      if (slot.state !== from) changes.push(changeRecord(next, slot.state, from, 'expireHold', null, now));
      if (reason !== 'expireHold') changes.push(changeRecord(next, from, to, reason, actorId, now));
    }
    await this.record(changes);
    return saved;
  }

  /** A fresh FREE slot for the same window, when a booking of it ended early (deny, cancel). */
  freeCopy(slot: OperationalSlot): OperationalSlot {
    const now = this.clock.now();
    return {
      ...slot,
      id: newSlotId(),
      state: 'FREE',
      holdExpiresAt: null,
      failureReason: null,
      bookedBy: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  async record(changes: Omit<SlotChange, 'id'>[]): Promise<void> {
    if (changes.length === 0) return;
    await this.slots.appendChanges(changes);
    await this.events.publish('slots.changed', { changes });
  }
}

export function changeRecord(
  slot: OperationalSlot,
  from: SlotState,
  to: SlotState,
  reason: string,
  actorId: string | null,
  at: Date,
): Omit<SlotChange, 'id'> {
  return {
    slotId: slot.id,
    stationIdentifier: slot.stationIdentifier,
    spacecraftIdentifier: slot.spacecraftIdentifier,
    stationOwnerId: slot.stationOwnerId,
    spacecraftOwnerId: slot.spacecraftOwnerId,
    fromState: from,
    toState: to,
    reason,
    actorId,
    startAt: slot.startAt,
    endAt: slot.endAt,
    at,
  };
}
