// SPDX-License-Identifier: Apache-2.0
import { DomainError } from '../common/errors';
import {
  allowedActions,
  canTransition,
  effectiveState,
  IllegalSlotTransitionError,
  isHoldExpired,
  isLive,
  isOccupying,
  SLOT_ACTIONS,
  SLOT_STATES,
  type SlotAction,
  type SlotState,
  transition,
} from './slot-transitions';

/** The whole table, written out independently: every pair not listed here must be illegal. */
const LEGAL: [SlotState, SlotAction, SlotState][] = [
  ['FREE', 'select', 'SELECTED'],
  ['FREE', 'autoReserve', 'RESERVED'],
  ['SELECTED', 'confirm', 'RESERVED'],
  ['SELECTED', 'deny', 'DENIED'],
  ['SELECTED', 'cancelSelection', 'CANCELED'],
  ['RESERVED', 'cancelReservation', 'CANCELED'],
  ['SELECTED', 'expireHold', 'FREE'],
  ['FREE', 'remove', 'REMOVED'],
  ['SELECTED', 'remove', 'REMOVED'],
  ['RESERVED', 'remove', 'REMOVED'],
  ['RESERVED', 'execute', 'EXECUTING'],
  ['EXECUTING', 'complete', 'COMPLETED'],
  ['RESERVED', 'fail', 'FAILED'],
];

const ILLEGAL = SLOT_STATES.flatMap((state) =>
  SLOT_ACTIONS.filter((action) => !LEGAL.some(([from, act]) => from === state && act === action)).map(
    (action): [SlotState, SlotAction] => [state, action],
  ),
);

describe('slot transition table', () => {
  it.each(LEGAL)('%s --%s--> %s', (state, action, next) => {
    expect(canTransition(state, action)).toBe(true);
    expect(transition(state, action)).toBe(next);
  });

  it.each(ILLEGAL)('%s --%s--> illegal', (state, action) => {
    expect(canTransition(state, action)).toBe(false);
    expect(() => transition(state, action)).toThrow(IllegalSlotTransitionError);
  });

  it('covers every pair exactly once between the two lists', () => {
    expect(LEGAL.length + ILLEGAL.length).toBe(SLOT_STATES.length * SLOT_ACTIONS.length);
  });

  it.each(['DENIED', 'CANCELED', 'REMOVED', 'COMPLETED', 'FAILED'] as const)(
    'has no way out of %s: it is history',
    (state) => {
      expect(allowedActions(state)).toEqual([]);
    },
  );

  it('lets an EXECUTING slot only complete: it cannot be cancelled or removed while in use', () => {
    expect(allowedActions('EXECUTING')).toEqual(['complete']);
    expect(() => transition('EXECUTING', 'cancelReservation', 's1')).toThrow(
      'Slot s1 is EXECUTING and cannot have its reservation cancelled; only RESERVED slots can',
    );
  });

  it('lists the actions legal from a state, in a stable order', () => {
    expect(allowedActions('FREE')).toEqual(['select', 'autoReserve', 'remove']);
    expect(allowedActions('SELECTED')).toEqual([
      'confirm',
      'deny',
      'cancelSelection',
      'expireHold',
      'remove',
    ]);
    expect(allowedActions('RESERVED')).toEqual(['cancelReservation', 'remove', 'execute', 'fail']);
  });

  it('walks the whole happy path and back', () => {
    const reserved = transition(transition('FREE', 'select'), 'confirm');
    expect(reserved).toBe('RESERVED');
    expect(transition(reserved, 'cancelReservation')).toBe('CANCELED');
    expect(transition(transition('FREE', 'select'), 'expireHold')).toBe('FREE');
  });

  it('runs a reservation to its end: executed then completed, or failed when nobody came', () => {
    expect(transition(transition('RESERVED', 'execute'), 'complete')).toBe('COMPLETED');
    expect(transition('RESERVED', 'fail')).toBe('FAILED');
    expect(() => transition('RESERVED', 'complete')).toThrow(
      'The slot is RESERVED and cannot be completed; only EXECUTING slots can',
    );
    expect(() => transition('EXECUTING', 'fail')).toThrow(IllegalSlotTransitionError);
  });
});

describe('IllegalSlotTransitionError', () => {
  it('is a STATE domain error with a stable code and details', () => {
    const error = new IllegalSlotTransitionError('RESERVED', 'select', 'slot-42');
    expect(error).toBeInstanceOf(DomainError);
    expect(error.kind).toBe('STATE');
    expect(error.code).toBe('ILLEGAL_SLOT_TRANSITION');
    expect(error.details).toEqual({
      slotId: 'slot-42',
      state: 'RESERVED',
      action: 'select',
      allowedFrom: ['FREE'],
    });
  });

  it.each<[SlotState, SlotAction, string]>([
    ['RESERVED', 'select', 'The slot is RESERVED and cannot be selected; only FREE slots can'],
    ['FREE', 'confirm', 'The slot is FREE and cannot be confirmed; only SELECTED slots can'],
    [
      'DENIED',
      'cancelReservation',
      'The slot is DENIED and cannot have its reservation cancelled; only RESERVED slots can',
    ],
    [
      'CANCELED',
      'remove',
      'The slot is CANCELED and cannot be removed; only FREE, SELECTED or RESERVED slots can',
    ],
  ])('explains %s --%s--> to the caller', (state, action, message) => {
    expect(() => transition(state, action)).toThrow(message);
  });

  it('names the slot when given one, directly or afterwards', () => {
    expect(() => transition('FREE', 'deny', 'abc')).toThrow(/^Slot abc is FREE and cannot be denied/);
    const enriched = new IllegalSlotTransitionError('FREE', 'deny').forSlot('abc');
    expect(enriched.message).toMatch(/^Slot abc is FREE/);
    expect([enriched.state, enriched.action, enriched.slotId]).toEqual(['FREE', 'deny', 'abc']);
  });
});

describe('occupancy and liveness', () => {
  it.each<[SlotState, boolean, boolean]>([
    ['FREE', false, true],
    ['SELECTED', true, true],
    ['RESERVED', true, true],
    ['EXECUTING', true, true],
    ['DENIED', false, false],
    ['CANCELED', false, false],
    ['REMOVED', false, false],
    ['COMPLETED', false, false],
    ['FAILED', false, false],
  ])('%s: occupying %p, live %p', (state, occupying, live) => {
    expect(isOccupying(state)).toBe(occupying);
    expect(isLive(state)).toBe(live);
  });
});

describe('holds', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  const at = (offsetMs: number): Date => new Date(now.getTime() + offsetMs);

  it.each<[string, SlotState, Date | null | undefined, boolean]>([
    ['a hold ending later', 'SELECTED', at(1), false],
    ['a hold ending exactly now', 'SELECTED', now, true],
    ['a hold that ended', 'SELECTED', at(-1), true],
    ['a selection without deadline', 'SELECTED', null, false],
    ['a selection with no field at all', 'SELECTED', undefined, false],
    ['a reserved slot with a stale deadline', 'RESERVED', at(-60_000), false],
    ['a free slot with a stale deadline', 'FREE', at(-60_000), false],
  ])('%s → expired %p', (_name, state, holdExpiresAt, expired) => {
    expect(isHoldExpired({ state, holdExpiresAt }, now)).toBe(expired);
    expect(effectiveState({ state, holdExpiresAt }, now)).toBe(expired ? 'FREE' : state);
  });
});
