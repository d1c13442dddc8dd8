// SPDX-License-Identifier: Apache-2.0
import { parseSlotMessage } from './cluster-messages';

describe('parseSlotMessage', () => {
  const frame = {
    direction: 'DOWNLINK',
    data: new Uint8Array([1, 2]),
    dopplerShiftHz: -812.5,
    gsTimestamp: '2030-01-01T00:00:00.000Z',
    serverTime: '2030-01-01T00:00:00.010Z',
    seq: 7,
  };

  it('takes the three kinds of message an instance publishes', () => {
    const frames = { kind: 'frames', from: 'A', frames: [frame, { ...frame, direction: 'UPLINK', seq: 1 }] };
    expect(parseSlotMessage(frames)).toBe(frames);
    const left = {
      kind: 'presence',
      from: 'B',
      side: 'mission',
      present: false,
      event: -1,
      reason: 'CONNECTION_LOST',
    };
    expect(parseSlotMessage(left)).toBe(left);
    expect(parseSlotMessage({ kind: 'slot-end', from: 'A' })).toEqual({ kind: 'slot-end', from: 'A' });
  });

  it('drops anything else rather than half-apply it', () => {
    const bad: unknown[] = [
      null,
      'frame',
      { kind: 'frames', frames: [frame] },
      { kind: 'frame', from: 'A', frames: [frame] },
      { kind: 'frames', from: 'A', frames: frame },
      { kind: 'frames', from: 'A', frames: [{ ...frame, data: [1, 2] }] },
      { kind: 'frames', from: 'A', frames: [frame, { ...frame, direction: 'SIDEWAYS' }] },
      { kind: 'frames', from: 'A', frames: [{ ...frame, seq: 1.5 }] },
      { kind: 'presence', from: 'B', side: 'both', present: true },
      { kind: 'presence', from: 'B', side: 'station', present: 'yes' },
      { kind: 'presence', from: 'B', side: 'station', present: false, event: -9 },
      { kind: 'presence', from: 'B', side: 'station', present: false, reason: 'BORED' },
    ];
    for (const value of bad) expect(parseSlotMessage(value)).toBeUndefined();
  });
});
