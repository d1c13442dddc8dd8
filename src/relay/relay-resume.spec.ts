// SPDX-License-Identifier: Apache-2.0
import { DomainError } from '../common/errors';
import { checkResume, HeldDelivery, isSequence, type ResumePoint } from './relay-resume';

const point = (lastSeq: number): ResumePoint => ({ slotId: 's1', direction: 'DOWNLINK', lastSeq });

function refusal(run: () => void): DomainError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return undefined;
}

describe('checkResume (docs/protocol.md §14.3)', () => {
  it.each([
    [0, 0],
    [0, 10],
    [5, 10],
    [10, 10],
  ])('accepts lastSeq %i when the last is %i (window 10)', (lastSeq, last) => {
    expect(refusal(() => checkResume(point(lastSeq), last, 10))).toBeUndefined();
  });

  it('refuses a lastSeq beyond the last with INVALID_LAST_SEQ, naming the last', () => {
    const error = refusal(() => checkResume(point(11), 10, 100));
    expect([error?.code, error?.details]).toEqual(['INVALID_LAST_SEQ', { lastSeq: 11, last: 10 }]);
  });

  it('refuses one frame more than the window with RESUME_WINDOW_EXCEEDED', () => {
    const error = refusal(() => checkResume(point(4), 15, 10));
    expect([error?.code, error?.details]).toEqual([
      'RESUME_WINDOW_EXCEEDED',
      { lastSeq: 4, last: 15, maxFrames: 10 },
    ]);
    expect(error?.message).toContain('packet history');
  });
});

describe('isSequence', () => {
  it.each([0, 1, Number.MAX_SAFE_INTEGER])('takes %p', (value) => expect(isSequence(value)).toBe(true));
  it.each([-1, 1.5, '2', null, undefined, Number.NaN, Infinity, 2 ** 53])('refuses %p', (value) =>
    expect(isSequence(value)).toBe(false),
  );
});

describe('HeldDelivery', () => {
  it('holds deliveries until released, then sends them in order, skipping those the catch-up sent', () => {
    const sent: string[] = [];
    const held = new HeldDelivery(point(2));
    const deliver = (slotId: string, seq: number | undefined, label: string) =>
      held.deliver(slotId, seq, () => sent.push(label));
    deliver('s1', 4, 's1#4 (also read back)');
    deliver('s1', undefined, 's1 event');
    deliver('s2', 3, 's2#3 (another slot)');
    deliver('s1', 5, 's1#5');
    expect(sent).toEqual([]);
    expect(held.holding).toBe(true);

    held.release(4);
    expect(sent).toEqual(['s1 event', 's2#3 (another slot)', 's1#5']);
    expect(held.holding).toBe(false);
    deliver('s1', 6, 's1#6 live');
    expect(sent.at(-1)).toBe('s1#6 live');
  });
});
