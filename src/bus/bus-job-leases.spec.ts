// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ManualClock } from '../common/clock';
import { JOB_LEASE_INTERVALS, JobRunner } from '../common/jobs';
import { BusJobLeases } from './bus-job-leases';
import { InProcessBus } from './in-process-bus';
import { RedisBus } from './redis-bus';

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
        const runner = new JobRunner(clock, new BusJobLeases(bus));
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
    const alone = new JobRunner(clock, new BusJobLeases(new InProcessBus(clock, 'solo')));
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
