// SPDX-License-Identifier: Apache-2.0
import { FrameTally } from './frame-tally';

const frame = (over: Partial<Parameters<FrameTally['add']>[0]> = {}) => ({
  direction: 'DOWNLINK' as const,
  outcome: 'RELAYED' as const,
  frameBytes: 100,
  rejectRule: null,
  ...over,
});

describe('FrameTally', () => {
  it('sums frames and bytes per direction and outcome, and starts again after each take', () => {
    const tally = new FrameTally();
    tally.add(frame());
    tally.add(frame({ frameBytes: 20 }));
    tally.add(frame({ direction: 'UPLINK', outcome: 'NOT_DELIVERED', frameBytes: 7 }));
    expect(tally.takeFrames()).toEqual([
      { direction: 'UPLINK', outcome: 'NOT_DELIVERED', frames: 1, bytes: 7 },
      { direction: 'DOWNLINK', outcome: 'RELAYED', frames: 2, bytes: 120 },
    ]);
    expect(tally.takeFrames()).toEqual([]);
    tally.add(frame({ outcome: 'NON_SCHEDULED', frameBytes: 3 }));
    expect(tally.takeFrames()).toEqual([
      { direction: 'DOWNLINK', outcome: 'NON_SCHEDULED', frames: 1, bytes: 3 },
    ]);
  });

  it('counts a rejected frame under its rule, and refusals made before the log under theirs', () => {
    const tally = new FrameTally();
    tally.add(frame({ outcome: 'REJECTED', rejectRule: 'CRC_MISMATCH' }));
    tally.add(frame({ outcome: 'REJECTED', rejectRule: 'CRC_MISMATCH' }));
    tally.add(frame({ direction: 'UPLINK', outcome: 'REJECTED', rejectRule: 'INVALID_TIMESTAMP' }));
    tally.refuse('UPLINK', 'PACKET_LOG_BACKLOG');
    expect(tally.takeRejections()).toEqual([
      { direction: 'UPLINK', reason: 'INVALID_TIMESTAMP', frames: 1 },
      { direction: 'UPLINK', reason: 'PACKET_LOG_BACKLOG', frames: 1 },
      { direction: 'DOWNLINK', reason: 'CRC_MISMATCH', frames: 2 },
    ]);
    expect(tally.takeRejections()).toEqual([]);
    expect(tally.takeFrames()).toEqual([
      { direction: 'UPLINK', outcome: 'REJECTED', frames: 1, bytes: 100 },
      { direction: 'DOWNLINK', outcome: 'REJECTED', frames: 2, bytes: 200 },
    ]);
  });

  it('ignores a frame with an unknown direction or outcome instead of throwing', () => {
    const tally = new FrameTally();
    tally.add(frame({ outcome: null as unknown as 'RELAYED' }));
    tally.add(frame({ direction: 'SIDEWAYS' as unknown as 'UPLINK' }));
    expect(tally.takeFrames()).toEqual([]);
  });

  it('knows every direction and outcome, so each series can start at zero', () => {
    expect(FrameTally.combinations).toHaveLength(8);
  });
});
