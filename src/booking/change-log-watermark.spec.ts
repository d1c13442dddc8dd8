// SPDX-License-Identifier: Apache-2.0
import { ManualClock } from '../common/clock';
import type { JobRunner } from '../common/jobs';
import type { Database } from '../database/database.service';
import { CHANGE_GAP_WAIT_MS, ChangeLogWatermark } from './change-log-watermark';
import type { SlotsRepository } from './slots.repository';

/** The change log as readers see it: the committed ids, and MySQL's auto_increment_increment. */
function changeLog(kind: 'mysql' | 'sqlite', committed: number[], step = 1) {
  const log = { committed: [...committed], reads: 0 };
  const slots = {
    changeIdsAfter: (after: number, limit: number) => {
      log.reads++;
      return Promise.resolve(
        log.committed
          .filter((id) => id > after)
          .sort((a, b) => a - b)
          .slice(0, limit),
      );
    },
    lastChangeId: () => Promise.resolve(Math.max(0, ...log.committed)),
  } as unknown as SlotsRepository;
  const db = {
    kind,
    manager: () => ({ query: () => Promise.resolve([{ step: String(step) }]) }),
  } as unknown as Database;
  const clock = new ManualClock();
  const watermark = new ChangeLogWatermark(db, slots, clock, {
    every: () => undefined,
  } as unknown as JobRunner);
  const released = jest.fn();
  watermark.onMovedPastHole(released);
  return { log, watermark, clock, released };
}

describe('ChangeLogWatermark', () => {
  it('lets readers read every committed change while the ids have no hole', async () => {
    const { watermark, log } = changeLog('mysql', [1, 2, 3]);
    expect(await watermark.current()).toBe(3);
    log.committed.push(4, 5);
    expect(await watermark.current()).toBe(5);
  });

  it('stops below a change not yet committed, and moves on once it is', async () => {
    const { watermark, log, released } = changeLog('mysql', [1, 2]);
    expect(await watermark.current()).toBe(2);
    log.committed.push(4, 5); // 3 is still in flight
    expect(await watermark.current()).toBe(2);
    log.committed.push(3);
    expect(await watermark.current()).toBe(5);
    expect(released).not.toHaveBeenCalled(); // the change that filled the hole wakes the readers
  });

  it(`passes a hole once it has been seen for ${CHANGE_GAP_WAIT_MS} ms, and says so once`, async () => {
    const { watermark, log, clock, released } = changeLog('mysql', [1]);
    await watermark.current();
    log.committed.push(3, 4); // 2 rolled back
    expect(await watermark.current()).toBe(1);
    clock.advance(CHANGE_GAP_WAIT_MS - 1);
    expect(await watermark.current()).toBe(1);
    clock.advance(1);
    expect(await watermark.current()).toBe(4);
    expect(await watermark.current()).toBe(4);
    expect(released).toHaveBeenCalledTimes(1);
  });

  it('times each hole from when it was first seen', async () => {
    const { watermark, log, clock } = changeLog('mysql', [1]);
    await watermark.current();
    log.committed.push(3); // 2 rolled back
    await watermark.current();
    clock.advance(CHANGE_GAP_WAIT_MS);
    log.committed.push(5); // 4 in flight, seen only now
    expect(await watermark.current()).toBe(3);
    clock.advance(CHANGE_GAP_WAIT_MS - 1);
    expect(await watermark.current()).toBe(3);
  });

  it('answers callers who ask during a read with one read begun after they asked', async () => {
    const { watermark, log } = changeLog('mysql', [1]);
    await watermark.current();
    const readsBefore = log.reads;
    const first = watermark.current();
    log.committed.push(2); // committed while the first read is under way
    const [second, third] = [watermark.current(), watermark.current()];
    expect(await first).toBe(1);
    expect([await second, await third]).toEqual([2, 2]);
    expect(log.reads - readsBefore).toBe(2);
  });

  it("takes ids that grow by MySQL's auto_increment_increment for consecutive", async () => {
    const { watermark } = changeLog('mysql', [1, 3, 5], 2);
    expect(await watermark.current()).toBe(5);
  });

  it('starts near the last committed id: an old hole does not hold readers back', async () => {
    const { watermark } = changeLog('mysql', [1, 2, 5000, 5001, 5002]);
    expect(await watermark.current()).toBe(5002);
  });

  it('holds nothing back on SQLite, which commits one transaction at a time', async () => {
    const { watermark, log } = changeLog('sqlite', [1, 3]);
    expect(await watermark.current()).toBe(Number.MAX_SAFE_INTEGER);
    expect(log.reads).toBe(0);
  });
});
