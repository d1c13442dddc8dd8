// SPDX-License-Identifier: Apache-2.0
import { DomainError } from '../common/errors';

/**
 * The one table of operational-slot states and the actions that move between them
 * (DESIGN.md §3 "Operational slots and booking"). Pure: the booking service asks this module
 * whether a change is legal and stores the answer; nothing else decides a slot's next state.
 *
 * A slot row is one bookable window (a pass of one spacecraft over one station through one
 * channel pair). DENIED, CANCELED, REMOVED, COMPLETED and FAILED are terminal: such a row is the
 * record of how a booking attempt ended. They do not block anyone (they are not occupying), and
 * they do not make the window unbookable: reconcileSlots (slot-generation.ts) only matches live
 * rows, so the next regeneration creates a fresh FREE row for a window whose row was denied or
 * cancelled.
 */
export const SLOT_STATES = [
  'FREE',
  'SELECTED',
  'RESERVED',
  'DENIED',
  'CANCELED',
  'REMOVED',
  /** Reserved, and its first relay session has started (DESIGN §4). */
  'EXECUTING',
  /** Executed and past its end; its report is final. */
  'COMPLETED',
  /** Reserved and past its end without anyone having operated it; the slot says why (failureReason). */
  'FAILED',
] as const;
export type SlotState = (typeof SLOT_STATES)[number];

export const SLOT_ACTIONS = [
  'select',
  'autoReserve',
  'confirm',
  'deny',
  'cancelSelection',
  'cancelReservation',
  'expireHold',
  'remove',
  'execute',
  'complete',
  'fail',
] as const;
export type SlotAction = (typeof SLOT_ACTIONS)[number];

/** For each action, the states it applies to and where each goes. Anything absent is illegal. */
const TRANSITIONS: { readonly [A in SlotAction]: Readonly<Partial<Record<SlotState, SlotState>>> } = {
  select: { FREE: 'SELECTED' }, // M-operator holds the slot while the station decides
  autoReserve: { FREE: 'RESERVED' }, // autoConfirm stations skip the hold
  confirm: { SELECTED: 'RESERVED' }, // G-operator accepts
  deny: { SELECTED: 'DENIED' }, // G-operator refuses
  cancelSelection: { SELECTED: 'CANCELED' }, // M-operator withdraws before the station decides
  cancelReservation: { RESERVED: 'CANCELED' }, // either side, after confirmation
  expireHold: { SELECTED: 'FREE' }, // nobody decided in time: bookable again, nothing recorded
  remove: { FREE: 'REMOVED', SELECTED: 'REMOVED', RESERVED: 'REMOVED' }, // the window stopped existing
  // The live relay (DESIGN §4). An EXECUTING slot is being used: it can no longer be cancelled or
  // removed, only completed after its end.
  execute: { RESERVED: 'EXECUTING' }, // the first relay session of the slot started
  complete: { EXECUTING: 'COMPLETED' }, // its end passed
  fail: { RESERVED: 'FAILED' }, // its end passed and nobody ever connected
};

/**
 * States in which a slot holds its station: two overlapping slots of one station must never both
 * be in one of these. A slot being served (EXECUTING) obviously holds it.
 */
export const OCCUPYING_STATES: readonly SlotState[] = ['SELECTED', 'RESERVED', 'EXECUTING'];

/** States whose row still stands for a current window (the others are history). */
export const LIVE_STATES: readonly SlotState[] = ['FREE', ...OCCUPYING_STATES];

export function canTransition(state: SlotState, action: SlotAction): boolean {
  return TRANSITIONS[action][state] !== undefined;
}

/** The state after `action`, or IllegalSlotTransitionError (naming `slotId` when given). */
export function transition(state: SlotState, action: SlotAction, slotId?: string): SlotState {
  const next = TRANSITIONS[action][state];
  if (next === undefined) throw new IllegalSlotTransitionError(state, action, slotId);
  return next;
}

/** The actions legal from `state`, in SLOT_ACTIONS order (for UIs and error details). */
export function allowedActions(state: SlotState): SlotAction[] {
  return SLOT_ACTIONS.filter((action) => canTransition(state, action));
}

export function isOccupying(state: SlotState): boolean {
  return OCCUPYING_STATES.includes(state);
}

export function isLive(state: SlotState): boolean {
  return LIVE_STATES.includes(state);
}

/** States in which the relay takes clients (docs/protocol.md "Slot rules"). */
export const OPERABLE_STATES: readonly SlotState[] = ['RESERVED', 'EXECUTING'];

/** Why a slot FAILED (stored in failureReason, shown in its view and report). */
export const SLOT_FAILURE_REASONS = ['NO_CLIENT_CONNECTED'] as const;
export type SlotFailureReason = (typeof SLOT_FAILURE_REASONS)[number];

export interface HeldSlot {
  state: SlotState;
  /** Set whenever a slot is selected; absent or null means no deadline. */
  holdExpiresAt?: Date | null;
}

/** A selection whose hold ran out: [selectedAt, holdExpiresAt) is the hold, so expiry is inclusive. */
export function isHoldExpired(slot: HeldSlot, now: Date): boolean {
  return slot.state === 'SELECTED' && slot.holdExpiresAt != null && slot.holdExpiresAt <= now;
}

/**
 * The state readers must act on: an expired hold is FREE even before the sweeper has stored it,
 * so correctness never waits for a timer (DESIGN.md §3: holds survive restarts).
 */
export function effectiveState(slot: HeldSlot, now: Date): SlotState {
  return isHoldExpired(slot, now) ? transition(slot.state, 'expireHold') : slot.state;
}

/** How each action reads after "cannot …" in an error message. */
const ACTION_WORDING: Record<SlotAction, string> = {
  select: 'be selected',
  autoReserve: 'be reserved',
  confirm: 'be confirmed',
  deny: 'be denied',
  cancelSelection: 'have its selection cancelled',
  cancelReservation: 'have its reservation cancelled',
  expireHold: 'be released at the end of a hold',
  remove: 'be removed',
  execute: 'start executing',
  complete: 'be completed',
  fail: 'be marked failed',
};

export class IllegalSlotTransitionError extends DomainError {
  constructor(
    readonly state: SlotState,
    readonly action: SlotAction,
    readonly slotId?: string,
  ) {
    const from = SLOT_STATES.filter((candidate) => canTransition(candidate, action));
    const subject = slotId === undefined ? 'The slot' : `Slot ${slotId}`;
    super(
      'STATE',
      'ILLEGAL_SLOT_TRANSITION',
      `${subject} is ${state} and cannot ${ACTION_WORDING[action]}; only ${listOf(from)} slots can`,
      { slotId, state, action, allowedFrom: from },
    );
    this.name = 'IllegalSlotTransitionError';
  }

  /** The same error naming the slot, for callers that learn the id only where they catch it. */
  forSlot(slotId: string): IllegalSlotTransitionError {
    return new IllegalSlotTransitionError(this.state, this.action, slotId);
  }
}

function listOf(states: readonly string[]): string {
  return states.length <= 1
    ? states.join('')
    : `${states.slice(0, -1).join(', ')} or ${states[states.length - 1]}`;
}
