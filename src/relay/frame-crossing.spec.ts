// SPDX-License-Identifier: Apache-2.0
import { FrameCrossing } from './frame-crossing';
import { type SendResult, StoredSignal } from './relay-port';

const sent = (seq: number, commit: StoredSignal): SendResult => ({
  delivered: true,
  dopplerShiftHz: 0,
  gsTimestamp: '2030-01-01T00:00:00.000Z',
  stored: commit,
  seq,
});

/** Lets promise callbacks run. */
const settleAll = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('FrameCrossing', () => {
  it('answers once committed and crossed, still delivered', async () => {
    const marked: number[][] = [];
    const crossing = new FrameCrossing(
      'slot',
      (_slot, _way, sequences) => {
        marked.push(sequences);
        return Promise.resolve();
      },
      fail,
    );
    const commit = new StoredSignal();
    const frames = [sent(1, commit), sent(2, commit)];
    for (const frame of frames) crossing.await(frame, 'DOWNLINK');
    expect(frames[0].stored).toBe(frames[1].stored); // one wait per commit, not per frame

    crossing.settle(true);
    await settleAll();
    expect(frames[0].stored.done).toBe(false); // the commit is not done yet
    commit.settle();
    await frames[0].stored.promise;
    expect([frames.map((f) => f.delivered), marked]).toEqual([[true, true], []]);
  });

  it('answers not delivered, and has the rows marked NOT_DELIVERED before, when the message did not cross', async () => {
    const marked: [string, string, number[]][] = [];
    const crossing = new FrameCrossing(
      'slot',
      (slot, way, sequences) => {
        marked.push([slot, way, sequences]);
        return Promise.resolve();
      },
      fail,
    );
    const first = new StoredSignal();
    const second = new StoredSignal();
    const frames = [sent(7, first), sent(8, second), sent(3, second)];
    crossing.await(frames[0], 'DOWNLINK');
    crossing.await(frames[1], 'DOWNLINK');
    crossing.await(frames[2], 'UPLINK');

    crossing.settle(false);
    first.settle();
    await settleAll();
    expect([frames[0].stored.done, marked]).toEqual([false, []]); // the rows are not all there yet
    second.settle();
    await Promise.all(frames.map((f) => f.stored.promise));
    expect(frames.map((f) => f.delivered)).toEqual([false, false, false]);
    expect(marked).toEqual([
      ['slot', 'DOWNLINK', [7, 8]],
      ['slot', 'UPLINK', [3]],
    ]);
  });
});

function fail(error: unknown): void {
  throw error;
}
