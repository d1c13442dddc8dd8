// SPDX-License-Identifier: Apache-2.0
import { Logger } from '@nestjs/common';
import { ManualClock } from './clock';
import { JOB_SHUTDOWN_WAIT_MS, JobRunner } from './jobs';

/** One turn of the event loop (not a sleep): lets every settled promise's callbacks run. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A promise the test settles by hand: a run that lasts exactly as long as the test wants. */
function gate(): { promise: Promise<void>; open: () => void; fail: (error: Error) => void } {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('JobRunner', () => {
  let clock: ManualClock;
  let runner: JobRunner;
  let errors: jest.SpyInstance;
  let warnings: jest.SpyInstance;

  beforeEach(() => {
    clock = new ManualClock('2030-01-01T00:00:00Z');
    runner = new JobRunner(clock);
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    await runner.stop(0);
    jest.restoreAllMocks();
  });

  it('runs a periodic job on each tick', async () => {
    let runs = 0;
    runner.every('count', 1000, () => runs++);
    await runner.tick('count');
    await runner.tick('count');
    expect(runs).toBe(2);
    expect(runner.scheduled).toEqual(['count']);
  });

  it('catches and logs a failing run with the job name and how long it ran (by the clock); the next tick runs again', async () => {
    let runs = 0;
    runner.every('flaky', 1000, async () => {
      runs++;
      clock.advance(250);
      await Promise.resolve();
      if (runs === 1) throw new Error('database down');
    });
    await expect(runner.tick('flaky')).resolves.toBeUndefined();
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors).toHaveBeenCalledWith(
      expect.objectContaining({ err: new Error('database down'), job: 'flaky', durationMs: 250 }),
      expect.stringContaining('"flaky" failed'),
    );
    await runner.tick('flaky');
    expect(runs).toBe(2);
    expect(errors).toHaveBeenCalledTimes(1);
  });

  it('catches a synchronous throw too', async () => {
    runner.every('sync', 1000, () => {
      throw new Error('boom');
    });
    await runner.tick('sync');
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ job: 'sync' }), expect.any(String));
  });

  it('never overlaps a job with itself: a tick during a run is skipped', async () => {
    const slow = gate();
    let runs = 0;
    runner.every('slow', 1000, () => {
      runs++;
      return slow.promise;
    });
    const first = runner.tick('slow');
    const second = runner.tick('slow'); // skipped: resolves when the run under way ends
    expect(runs).toBe(1);
    slow.open();
    await Promise.all([first, second]);
    expect(runs).toBe(1);
    await runner.tick('slow');
    expect(runs).toBe(2);
  });

  it('is driven by its timer like by tick (timer driven)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const slow = gate();
      let runs = 0;
      runner.every('timed', 1000, () => {
        runs++;
        return slow.promise;
      });
      jest.advanceTimersByTime(999);
      expect(runs).toBe(0);
      jest.advanceTimersByTime(1);
      expect(runs).toBe(1);
      jest.advanceTimersByTime(3000); // still running: these ticks are skipped
      expect(runs).toBe(1);
      slow.fail(new Error('late failure'));
      await runner.tick('timed'); // waits for the run under way
      expect(errors).toHaveBeenCalledWith(expect.objectContaining({ job: 'timed' }), expect.any(String));
      jest.advanceTimersByTime(1000);
      expect(runs).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('without timers (JOB_TIMERS false), runs a periodic job only when ticked', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const manual = new JobRunner(clock, undefined, false);
      let runs = 0;
      manual.every('sweep', 1000, () => runs++);
      jest.advanceTimersByTime(10_000);
      expect(runs).toBe(0);
      await manual.tick('sweep');
      expect(runs).toBe(1);
      await manual.stop(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses two jobs of one name and a tick of an unknown one', () => {
    runner.every('once', 1000, () => undefined);
    expect(() => runner.every('once', 1000, () => undefined)).toThrow('already scheduled');
    expect(() => runner.tick('other')).toThrow('no job named "other"');
  });

  it('fire-and-forget: a rejected promise or failing function is logged with its name and context', async () => {
    const failing = gate();
    runner.fireAndForget('end-slot', failing.promise, { slotId: 's1' });
    runner.fireAndForget('audit', () => Promise.reject(new Error('no audit')));
    failing.fail(new Error('no slot'));
    await runner.stop(JOB_SHUTDOWN_WAIT_MS); // waits for both
    expect(errors).toHaveBeenCalledWith(
      expect.objectContaining({ err: new Error('no slot'), job: 'end-slot', slotId: 's1' }),
      expect.any(String),
    );
    expect(errors).toHaveBeenCalledWith(
      expect.objectContaining({ err: new Error('no audit'), job: 'audit' }),
      expect.any(String),
    );
  });

  it('on shutdown: stops the timers and waits for the runs under way', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const slow = gate();
      let runs = 0;
      let finished = false;
      runner.every('slow', 1000, async () => {
        runs++;
        await slow.promise;
        finished = true;
      });
      jest.advanceTimersByTime(1000);
      let stopped = false;
      const stopping = runner.onModuleDestroy().then(() => (stopped = true));
      await turn();
      expect(stopped).toBe(false);
      slow.open();
      await stopping;
      expect(finished).toBe(true);
      jest.advanceTimersByTime(10_000);
      expect(runs).toBe(1);
      await runner.tick('slow'); // a tick after shutdown runs nothing
      expect(runs).toBe(1);
      runner.every('late', 1000, () => runs++); // nor does a job scheduled after it
      jest.advanceTimersByTime(10_000);
      expect(runs).toBe(1);
      expect(warnings).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });

  it('on shutdown: waits at most the given time for a run that never ends, then says which', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      runner.every('stuck', 1000, () => new Promise(() => undefined));
      jest.advanceTimersByTime(1000);
      let stopped = false;
      const stopping = runner.stop(5000).then(() => (stopped = true));
      jest.advanceTimersByTime(4999);
      await turn();
      expect(stopped).toBe(false);
      jest.advanceTimersByTime(1);
      await stopping;
      expect(warnings).toHaveBeenCalledWith(
        expect.objectContaining({ jobs: ['stuck'], waitedMs: 5000 }),
        expect.any(String),
      );
    } finally {
      jest.useRealTimers();
    }
  });
});
