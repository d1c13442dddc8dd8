// SPDX-License-Identifier: Apache-2.0
/**
 * Booking under contention (issues 4 and 13): 50 M-operators over the JSON-RPC API, all with
 * spacecraft on the same orbit, compete for the slots of 20 stations while their owner confirms
 * selections. Floor (issue 13, MariaDB on the 2-core machine): ≥ 500 operations/s, p99 ≤ 100 ms.
 *
 * The server runs in this process, the 51 clients in a child process (on 2 cores each gets one;
 * the clients' own HTTP work no longer competes with the server's event loop). Prints
 * operations/s and p50/p99 per call, and, since wall-clock figures on a shared machine say how
 * much CPU the bench got rather than what a call costs: the server process's CPU time per
 * operation, the SQL statements per operation (each one a round trip on MySQL), the statements
 * one call of each kind makes when it runs alone, how long each booking call held its stations
 * (every other call for them waits meanwhile), and the load average; with the database server
 * on this machine, its process's CPU time per operation too (read from /proc: it counts whatever
 * else the server ran meanwhile), and the clients' process's. From those, the ceilings the machine
 * sets: its cores over the CPU time of an operation, and the mean latency 51 callers who always
 * wait for their answer must see at a given throughput (Little's law). Then the number of double
 * bookings, counted straight from the database (must be 0).
 *
 *   npm run bench:booking                                                   (MySQL: 127.0.0.1:3306/test)
 *   DATABASE_URL=sqlite: npm run bench:booking                              (a fresh SQLite file)
 *   BENCH_CPU_PROFILE=booking.cpuprofile npm run bench:booking              (profiles the server
 *                                                          during the contest, for Chrome DevTools)
 */
import { fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { ApiClient } from '../test/helpers/api-client';
import type { TestApp } from '../test/helpers/test-app';
import { databaseCpuSeconds, profiled } from './process-figures';

const OPERATORS = 50;
const STATIONS = 20;
const ROUNDS = 30; // select attempts per operator
const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };
const FLOOR = { opsPerSecond: 500, p99Ms: 100 };

interface Slot {
  identifier: string;
  gsIdentifier: string;
  state: string;
}

interface ContestJob {
  baseUrl: string;
  gsToken: string;
  missions: { token: string; spacecraft: string }[];
}

interface ContestResult {
  latencies: Record<string, number[]>;
  won: number;
  lost: number;
  seconds: number;
  /** CPU time of the clients' process over the contest (µs). */
  cpuMicros: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

// ---- The clients (child process) -------------------------------------------------------------

async function contest(job: ContestJob): Promise<ContestResult> {
  const api = new ApiClient(job.baseUrl);
  const latencies: Record<string, number[]> = {};
  const timed = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await call();
    } finally {
      (latencies[name] ??= []).push(performance.now() - started);
    }
  };
  const stats = { won: 0, lost: 0 };

  async function mission(token: string, spacecraft: string) {
    for (let round = 0; round < ROUNDS; round++) {
      const offered = (
        await timed('get_operational_slots', () => api.rpc('get_operational_slots', [spacecraft], token))
      ).result.OperationSlot as Slot[];
      const free = offered.filter((slot) => slot.state === 'FREE');
      if (free.length === 0) return;
      const pick = free[Math.floor(Math.random() * Math.min(free.length, 40))];
      const reply = await timed('select_slots', () =>
        api.rpc('select_slots', [spacecraft, [pick.identifier]], token),
      );
      if (reply.result) stats.won++;
      else stats.lost++;
      // Give some back, so the contest goes on to the end.
      if (reply.result && round % 3 === 0)
        await timed('cancel_selections', () =>
          api.rpc('cancel_selections', [spacecraft, [pick.identifier]], token),
        );
    }
  }

  async function stationOwner(done: () => boolean) {
    while (!done()) {
      for (let i = 0; i < STATIONS && !done(); i++) {
        // The whole station, all pages, timed as one operation: what this bench did before paging.
        const slots = await timed('get_operational_slots', () => allSlots(api, `GS${i}`, job.gsToken));
        const selected = slots.filter((slot) => slot.state === 'SELECTED').map((slot) => slot.identifier);
        if (selected.length > 0)
          await timed('confirm_selections', () =>
            api.rpc('confirm_selections', [`GS${i}`, selected], job.gsToken),
          );
      }
    }
  }

  let finished = false;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const owner = stationOwner(() => finished);
  await Promise.all(job.missions.map((m) => mission(m.token, m.spacecraft)));
  finished = true;
  await owner;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    latencies,
    ...stats,
    seconds: (performance.now() - started) / 1000,
    cpuMicros: cpu.user + cpu.system,
  };
}

/** Every page of a slot list (the list is paged since issue 13; the default page is small). */
async function allSlots(api: ApiClient, identifier: string, token: string): Promise<Slot[]> {
  const slots: Slot[] = [];
  let cursor: string | undefined;
  do {
    const page = (await api.rpc('get_operational_slots', { identifier, cursor }, token)).result;
    slots.push(...(page.OperationSlot as Slot[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return slots;
}

function runContest(job: ContestJob): Promise<ContestResult> {
  const child = fork(__filename, [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, BENCH_BOOKING_CLIENTS: JSON.stringify(job) },
  });
  return new Promise<ContestResult>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ContestResult));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the clients exited (${code})`)));
  }).finally(() => child.kill());
}

// ---- The server (this process) ---------------------------------------------------------------

/** Counts the SQL statements the server sends, by kind (TypeORM logs each one it runs). */
class StatementCounter {
  private counts = new Map<string, number>();

  constructor(source: DataSource) {
    const logger = source.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      const kind = /^\s*(SET TRANSACTION|START TRANSACTION|BEGIN|\w+)/i.exec(query)?.[1].toUpperCase() ?? '?';
      this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
      return logQuery(query, parameters, runner);
    };
  }

  /** The counts since the last call, by kind. */
  take(): Map<string, number> {
    const counts = this.counts;
    this.counts = new Map();
    return counts;
  }
}

function total(counts: Map<string, number>): number {
  return [...counts.values()].reduce((sum, n) => sum + n, 0);
}

function describe(counts: Map<string, number>, per = 1): string {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${(n / per).toFixed(per === 1 ? 0 : 2)}`)
    .join(', ');
}

async function setUp(t: TestApp) {
  const { stationConfig, spacecraftConfig } = await import('../test/helpers/fixtures');
  const gs = await t.operator('bench-gs');
  for (let i = 0; i < STATIONS; i++) {
    const location = { latitude: -50 + (i * 100) / STATIONS, longitude: -170 + i * 17, altitude: 100 };
    await t.http('POST', '/api/ground-stations', {
      token: gs.token,
      body: stationConfig(`GS${i}`, { location }),
    });
    await t.http('POST', `/api/ground-stations/GS${i}/rules`, { token: gs.token, body: ALWAYS });
  }
  const missions: { token: string; spacecraft: string }[] = [];
  for (let i = 0; i < OPERATORS; i++) {
    const { token } = await t.operator(`bench-m${i}`);
    const config = spacecraftConfig(`SAT${i}`);
    await t.http('POST', '/api/spacecraft', { token, body: { ...config, channels: [config.channels[0]] } });
    missions.push({ token, spacecraft: `SAT${i}` });
  }
  return { gsToken: gs.token, missions };
}

/**
 * One call of each kind, alone, with the statements it sent: a booking cycle of SAT0 on a slot of
 * GS0 (select, cancel, select again, confirm, cancel the reservation). Leaves the slot FREE.
 */
async function statementsPerCall(t: ApiClient, counter: StatementCounter, job: ContestJob) {
  const { token, spacecraft } = job.missions[0];
  const lines: string[] = [];
  const probe = async (name: string, call: () => Promise<any>) => {
    counter.take();
    const reply = await call();
    if (reply.error) throw new Error(`${name}: ${JSON.stringify(reply.error)}`);
    const counts = counter.take();
    lines.push(`    ${name.padEnd(34)} ${String(total(counts)).padStart(3)}  (${describe(counts)})`);
    return reply.result;
  };
  const offered = await probe('get_operational_slots (spacecraft)', () =>
    t.rpc('get_operational_slots', [spacecraft], token),
  );
  const slot = (offered.OperationSlot as Slot[]).find((s) => s.gsIdentifier === 'GS0' && s.state === 'FREE');
  if (!slot) throw new Error('no FREE slot of SAT0 on GS0');
  await probe('select_slots', () => t.rpc('select_slots', [spacecraft, [slot.identifier]], token));
  await probe('cancel_selections', () => t.rpc('cancel_selections', [spacecraft, [slot.identifier]], token));
  const again = (
    (await t.rpc('get_operational_slots', [spacecraft], token)).result.OperationSlot as Slot[]
  ).find((s) => s.gsIdentifier === 'GS0' && s.state === 'FREE') as Slot;
  await t.rpc('select_slots', [spacecraft, [again.identifier]], token);
  await probe('get_operational_slots (station)', () =>
    t.rpc('get_operational_slots', { identifier: 'GS0' }, job.gsToken),
  );
  await probe('confirm_selections', () =>
    t.rpc('confirm_selections', ['GS0', [again.identifier]], job.gsToken),
  );
  await probe('cancel_reservations', () =>
    t.rpc('cancel_reservations', ['GS0', [again.identifier]], job.gsToken),
  );
  return lines;
}

async function doubleBookings(url: string): Promise<number> {
  const source = new DataSource(
    url.startsWith('mysql') ? { type: 'mysql', url } : { type: 'better-sqlite3', database: url.slice(7) },
  );
  await source.initialize();
  const rows: { n: number | string }[] = await source.query(
    `SELECT COUNT(*) AS n FROM operational_slots a JOIN operational_slots b
       ON a.stationId = b.stationId AND a.id < b.id AND a.startAt < b.endAt AND b.startAt < a.endAt
     WHERE a.state IN ('SELECTED', 'RESERVED') AND b.state IN ('SELECTED', 'RESERVED')`,
  );
  await source.destroy();
  return Number(rows[0].n);
}

/** Sum (seconds) and count of satnet_booking_station_seconds so far, by action. */
async function stationHolds(t: TestApp): Promise<Map<string, { sum: number; count: number }>> {
  const { Metrics } = await import('../src/metrics/metrics.service');
  const metric = (await t.app.get(Metrics).registry.getMetricsAsJSON()).find(
    (m) => m.name === 'satnet_booking_station_seconds',
  );
  const holds = new Map<string, { sum: number; count: number }>();
  for (const { metricName, labels, value } of (metric?.values ?? []) as {
    metricName?: string;
    labels: Record<string, string | number>;
    value: number;
  }[]) {
    const entry = holds.get(String(labels.action)) ?? { sum: 0, count: 0 };
    if (metricName?.endsWith('_sum')) entry.sum = value;
    else if (metricName?.endsWith('_count')) entry.count = value;
    else continue;
    holds.set(String(labels.action), entry);
  }
  return holds;
}

async function main(): Promise<void> {
  const { TestApp } = await import('../test/helpers/test-app');
  const { ORBIT_NOW } = await import('../test/helpers/fixtures');
  process.env.DATABASE_URL ??= 'mysql://root@127.0.0.1:3306/test';
  const t = await TestApp.start({ SATNET_PLANNING_HORIZON_DAYS: '2', SATNET_AUTH_THROTTLE_LIMIT: '100000' });
  try {
    t.clock.set(ORBIT_NOW);
    const setupStarted = performance.now();
    const { gsToken, missions } = await setUp(t);
    const windows = (await allSlots(t, 'SAT0', missions[0].token)).length;
    console.log(
      `set-up: ${STATIONS} stations, ${OPERATORS} spacecraft, ${windows} slots each (${t.database.kind}) in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
    );
    const job = { baseUrl: t.baseUrl, gsToken, missions };
    const counter = new StatementCounter(t.app.get(DataSource));
    const perCall = await statementsPerCall(t, counter, job);

    const loadBefore = loadavg()[0];
    counter.take();
    const cpuBefore = process.cpuUsage();
    const databaseBefore = databaseCpuSeconds(t.database.kind);
    const holdsBefore = await stationHolds(t);
    const result = await profiled(() => runContest(job));
    const cpu = process.cpuUsage(cpuBefore);
    const databaseAfter = databaseCpuSeconds(t.database.kind);
    const holdsAfter = await stationHolds(t);
    const statements = counter.take();
    const loadAfter = loadavg()[0];

    const all = Object.values(result.latencies).flat();
    const ops = all.length;
    const opsPerSecond = ops / result.seconds;
    const p99 = percentile(all, 99);
    console.log(
      `\nbooking bench: ${OPERATORS} concurrent M-operators + 1 G-operator (clients in a child process), ` +
        `JSON-RPC over HTTP, ${t.database.kind}; Node ${process.version}, ${availableParallelism()} cores, ` +
        `load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`,
    );
    const verdict = opsPerSecond >= FLOOR.opsPerSecond && p99 <= FLOOR.p99Ms ? 'ok' : 'BELOW FLOOR';
    console.log(
      `  operations:        ${ops} in ${result.seconds.toFixed(2)} s = ${opsPerSecond.toFixed(0)} ops/s ` +
        `(floor ${FLOOR.opsPerSecond} ops/s with p99 ≤ ${FLOOR.p99Ms} ms: ${verdict})`,
    );
    console.log(`  latency (all):     p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
    for (const [name, values] of Object.entries(result.latencies))
      console.log(
        `  ${name.padEnd(22)} n=${String(values.length).padStart(5)}  p50 ${percentile(values, 50).toFixed(1)} ms  p99 ${percentile(values, 99).toFixed(1)} ms`,
      );
    console.log(
      `  server CPU:        ${((cpu.user + cpu.system) / 1000 / ops).toFixed(2)} ms/operation ` +
        `(user ${(cpu.user / 1e6).toFixed(2)} s, system ${(cpu.system / 1e6).toFixed(2)} s over the contest)`,
    );
    if (databaseBefore !== null && databaseAfter !== null)
      console.log(
        `  database CPU:      ${(((databaseAfter - databaseBefore) * 1000) / ops).toFixed(2)} ms/operation ` +
          `(the whole database server process on this machine: ${(databaseAfter - databaseBefore).toFixed(2)} s over the contest)`,
      );
    const clientsMs = result.cpuMicros / 1000 / ops;
    console.log(
      `  clients CPU:       ${clientsMs.toFixed(2)} ms/operation (their process, JSON-RPC over HTTP)`,
    );
    // What the machine allows, from the figures above: every operation costs this much CPU in
    // all, and 51 callers who always wait for an answer see, on average, 51 / throughput each.
    const cpuMs =
      (cpu.user + cpu.system) / 1000 / ops +
      clientsMs +
      (((databaseAfter ?? 0) - (databaseBefore ?? 0)) * 1000) / ops;
    const callers = OPERATORS + 1;
    console.log(
      `  ceilings:          ${availableParallelism()} cores / ${cpuMs.toFixed(2)} ms CPU per operation (server, database, clients) ` +
        `= ${((availableParallelism() * 1000) / cpuMs).toFixed(0)} ops/s at most; with ${callers} callers always waiting, ` +
        `the mean latency is ${callers} / throughput (${((callers / opsPerSecond) * 1000).toFixed(0)} ms now; ` +
        `a mean of 50 ms needs ${(callers / 0.05).toFixed(0)} ops/s)`,
    );
    console.log(
      `  SQL statements:    ${(total(statements) / ops).toFixed(2)} per operation (${describe(statements, ops)})`,
    );
    const holds = [...holdsAfter].map(([action, { sum, count }]) => {
      const before = holdsBefore.get(action) ?? { sum: 0, count: 0 };
      const n = count - before.count;
      return `${action} ${n > 0 ? (((sum - before.sum) * 1000) / n).toFixed(1) : '-'} ms (n=${n})`;
    });
    console.log(
      `  stations held:     mean per operation (satnet_booking_station_seconds): ${holds.join(', ')}`,
    );
    console.log(`  statements of one call alone:\n${perCall.join('\n')}`);
    console.log(`  selections won/lost: ${result.won}/${result.lost}`);
    const doubles = await doubleBookings(t.database.url);
    console.log(`  double bookings:   ${doubles}`);
    if (doubles !== 0) process.exitCode = 1;
  } finally {
    await t.stop();
  }
}

const clientJob = process.env.BENCH_BOOKING_CLIENTS;
if (clientJob)
  contest(JSON.parse(clientJob) as ContestJob)
    .then((result) => process.send?.(result))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
