// SPDX-License-Identifier: Apache-2.0
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InProcessBus } from '../bus/in-process-bus';
import { RedisBus } from '../bus/redis-bus';
import { ManualClock } from './clock';
import { JOB_LEASE_INTERVALS, JOB_SHUTDOWN_WAIT_MS, JobRunner } from './jobs';

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

describe('JobRunner: network-wide jobs ({ once: true }) run on one instance at a time', () => {
  const INTERVAL_MS = 1000;
  let clock: ManualClock;
  let buses: RedisBus[];
  let runners: JobRunner[];
  let warnings: jest.SpyInstance;

  /** `names.length` instances sharing the machine's Redis under a prefix of this test's own. */
  async function instances(...names: string[]): Promise<{ runner: JobRunner; runs: string[] }[]> {
    const prefix = `satnet-test:${randomUUID()}:`;
    const runs: string[] = [];
    return Promise.all(
      names.map(async (name) => {
        const bus = new RedisBus(clock, name, 'redis://127.0.0.1:6379/0', prefix);
        await bus.connect();
        buses.push(bus);
        const runner = new JobRunner(clock, bus);
        runners.push(runner);
        runner.every('sweep', INTERVAL_MS, () => runs.push(name), { once: true });
        return { runner, runs };
      }),
    );
  }

  beforeEach(() => {
    clock = new ManualClock('2030-01-01T00:00:00Z');
    buses = [];
    runners = [];
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    for (const runner of runners) await runner.stop(0);
    for (const bus of buses) await bus.close();
    jest.restoreAllMocks();
  });

  it('runs on the first instance to tick, and only there while it keeps renewing', async () => {
    const [a, b] = await instances('A', 'B');
    await a.runner.tick('sweep');
    await b.runner.tick('sweep');
    clock.advance(INTERVAL_MS);
    await b.runner.tick('sweep');
    await a.runner.tick('sweep');
    expect(a.runs).toEqual(['A', 'A']);
  });

  it('another instance takes over once the holder stopped renewing for the lease time', async () => {
    const [a, b] = await instances('A', 'B');
    await a.runner.tick('sweep');
    clock.advance(JOB_LEASE_INTERVALS * INTERVAL_MS - 1);
    await b.runner.tick('sweep'); // the lease still holds
    clock.advance(1);
    await b.runner.tick('sweep');
    await a.runner.tick('sweep'); // B holds it now
    expect(a.runs).toEqual(['A', 'B']);
  });

  it('a stopped instance gives its lease up: the next tick elsewhere runs the job', async () => {
    const [a, b] = await instances('A', 'B');
    await a.runner.tick('sweep');
    await a.runner.stop(0);
    await b.runner.tick('sweep');
    expect(a.runs).toEqual(['A', 'B']);
  });

  it('skips the run (with a warning) while the bus is unavailable', async () => {
    const [a] = await instances('A');
    await buses[0].close();
    await a.runner.tick('sweep');
    expect(a.runs).toEqual([]);
    expect(warnings).toHaveBeenCalledWith({ job: 'sweep' }, expect.stringContaining('bus is unavailable'));
  });

  it('with the in-process bus, or none (the command-line tool), a once-job simply runs', async () => {
    const alone = new JobRunner(clock, new InProcessBus(clock, 'solo'));
    const noBus = new JobRunner(clock);
    runners.push(alone, noBus);
    let runs = 0;
    alone.every('sweep', INTERVAL_MS, () => runs++, { once: true });
    noBus.every('sweep', INTERVAL_MS, () => runs++, { once: true });
    await alone.tick('sweep');
    await noBus.tick('sweep');
    expect(runs).toBe(2);
  });
});
