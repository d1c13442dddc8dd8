// SPDX-License-Identifier: Apache-2.0
import { type ErrorCode, kindOf } from '../common/error-codes';
import { DomainError } from '../common/errors';

/** Why one slot of a multi-slot call cannot change. */
export interface SlotFailure {
  slot: string;
  /** Registered in error-codes.ts, which gives its kind. */
  code: ErrorCode;
  message: string;
}

/**
 * Multi-slot calls are all-or-nothing: when any slot fails, nothing changes and this error names
 * every failing slot (details.failures). A single failure keeps its own code and kind.
 */
export class SlotsRejectedError extends DomainError {
  constructor(readonly failures: SlotFailure[]) {
    const single = failures.length === 1 ? failures[0] : undefined;
    super(
      single ? kindOf(single.code) : 'CONFLICT',
      single?.code ?? 'SLOTS_REJECTED',
      `no slot was changed: ${failures.map((failure) => failure.message).join('; ')}`,
      { failures: failures.map(({ slot, code, message }) => ({ slot, code, message })) },
    );
  }
}

export const slotFailure = {
  notFound: (slot: string, owner: string): SlotFailure => ({
    slot,
    code: 'SLOT_NOT_FOUND',
    message: `${owner} has no slot ${slot}`,
  }),
  past: (slot: string, end: Date): SlotFailure => ({
    slot,
    code: 'SLOT_IN_PAST',
    message: `slot ${slot} ended at ${end.toISOString()}`,
  }),
  holdExpired: (slot: string, at: Date): SlotFailure => ({
    slot,
    code: 'HOLD_EXPIRED',
    message: `the hold on slot ${slot} expired at ${at.toISOString()}; the slot is FREE again`,
  }),
  busy: (slot: string, station: string, other: { id: string; startAt: Date; endAt: Date }): SlotFailure => ({
    slot,
    code: 'STATION_BUSY',
    message: `slot ${slot} overlaps ${other.id}, which holds ${station} from ${other.startAt.toISOString()} to ${other.endAt.toISOString()}`,
  }),
  illegal: (slot: string, message: string): SlotFailure => ({
    slot,
    code: 'ILLEGAL_SLOT_TRANSITION',
    message,
  }),
};
