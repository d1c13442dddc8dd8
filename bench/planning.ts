// SPDX-License-Identifier: Apache-2.0
/**
 * Planning at network scale (issue 13): 100 spacecraft × 50 stations × 7 days, every station
 * available all day with a channel every spacecraft fits. Prints, on the database of
 * DATABASE_URL (MySQL by default, or sqlite:):
 *   (1) the first full plan into an empty slot table (floor ≤ 15 s),
 *   (2) the replan after one TLE update (PUT of the spacecraft, floor ≤ 1 s),
 *   (3) the replan after one availability rule change (POST of a rule, floor ≤ 1 s),
 *   (4) the horizon roll by one hour (the periodic replan job, floor ≤ 2 s),
 * that the slots booked before (1)'s end keep their bookings through (2)-(4), and the p99 of
 * booking calls made while a full replan runs.
 *
 * With (1) it prints the CPU time this process (the server: pass search, reconciliation, the
 * driver) and, when MariaDB/MySQL runs on this machine, the database server spent on it.
 *
 *   npm run bench:planning                                        (MySQL: 127.0.0.1:3306/test)
 *   DATABASE_URL=sqlite: npm run bench:planning                   (a fresh SQLite file)
 *   BENCH_CPU_PROFILE=plan.cpuprofile npm run bench:planning      (profiles (1), for Chrome DevTools)
 */
import { DataSource } from 'typeorm';
import { REPLAN_JOB, SlotPlanner } from '../src/booking/slot-planner.service';
import { JobRunner } from '../src/common/jobs';
import type { Tle } from '../src/orbit/tle';
import { spacecraftConfig, stationConfig } from '../test/helpers/fixtures';
import { TestApp } from '../test/helpers/test-app';
import { generateStation, generateTle, NETWORK_START, nudgeMeanAnomaly, random } from './network';
import { databaseCpuSeconds, profiled } from './process-figures';

const SPACECRAFT = 100;
const STATIONS = 50;
const OPERATORS = 10; // each owns SPACECRAFT / OPERATORS spacecraft
const BOOKED = 40; // slots selected (half of them confirmed) before the replans
/** Booked slots lie days ahead, so none ends while the clock moves during the run. */
const BOOK_FROM = new Date(NETWORK_START.getTime() + 2 * 86_400_000).toISOString();
const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

interface Slot {
  identifier: string;
  gsIdentifier: string;
  state: string;
}

/**
 * One JSON-RPC call, sent again (twice at most) if the connection was reset: a keep-alive socket the server
 * closed while the client picked it up again (undici's idle timer can fire late on a busy 2-core
 * machine) fails with ECONNRESET, or "other side closed" (UND_ERR_SOCKET) when the close arrives
 * just as the request goes (SQLite's full replan keeps the event loop busy for whole stations),
 * before the server saw the request.
 */
async function rpc(t: TestApp, method: string, params: unknown, token: string): Promise<any> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await t.rpc(method, params, token);
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (attempt >= 3 || (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET')) throw error;
    }
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function seconds<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [(performance.now() - started) / 1000, result];
}

function spacecraftBody(index: number, tle: Tle) {
  const config = spacecraftConfig(`PSAT${index}`, {
    noradId: tle.noradId,
    tracking: { tle: { name: tle.name, line1: tle.line1, line2: tle.line2 } },
  });
  return { ...config, channels: [config.channels[0]] };
}

async function setUp(t: TestApp, tles: Tle[]) {
  const next = random(20250301);
  const gs = (await t.operator('plan-gs')).token;
  for (let i = 0; i < STATIONS; i++) {
    const site = generateStation(i, next, STATIONS);
    const location = { latitude: site.latitudeDeg, longitude: site.longitudeDeg, altitude: site.altitudeM };
    const body = stationConfig(`PGS${i}`, { location, contactElevation: site.minElevationDeg });
    const created = await t.http('POST', '/api/ground-stations', { token: gs, body });
    if (created.status !== 201) throw new Error(`station PGS${i}: ${JSON.stringify(created.body)}`);
    await t.http('POST', `/api/ground-stations/PGS${i}/rules`, { token: gs, body: ALWAYS });
  }
  const operators: string[] = [];
  for (let i = 0; i < OPERATORS; i++) operators.push((await t.operator(`plan-m${i}`)).token);
  const ownerOf = (sc: number) => operators[sc % OPERATORS];
  for (let i = 0; i < SPACECRAFT; i++) {
    const created = await t.http('POST', '/api/spacecraft', {
      token: ownerOf(i),
      body: spacecraftBody(i, tles[i]),
    });
    if (created.status !== 201) throw new Error(`spacecraft PSAT${i}: ${JSON.stringify(created.body)}`);
  }
  return { gs, ownerOf };
}

async function countSlots(url: string): Promise<number> {
  const source = new DataSource(
    url.startsWith('mysql') ? { type: 'mysql', url } : { type: 'better-sqlite3', database: url.slice(7) },
  );
  await source.initialize();
  const rows: { n: number | string }[] = await source.query(
    `SELECT COUNT(*) AS n FROM operational_slots WHERE state IN ('FREE', 'SELECTED', 'RESERVED')`,
  );
  await source.destroy();
  return Number(rows[0].n);
}

async function emptySlotTable(url: string): Promise<void> {
  const source = new DataSource(
    url.startsWith('mysql') ? { type: 'mysql', url } : { type: 'better-sqlite3', database: url.slice(7) },
  );
  await source.initialize();
  await source.query('DELETE FROM operational_slots');
  await source.destroy();
}

/**
 * Reserves BOOKED slots spread over the spacecraft (one each): selected and confirmed, so they
 * stay booked whatever the clock does (a selection's hold would expire as the horizon rolls).
 */
async function book(t: TestApp, gs: string, ownerOf: (sc: number) => string): Promise<Set<string>> {
  const booked = new Set<string>();
  for (let i = 0; booked.size < BOOKED && i < SPACECRAFT; i++) {
    const page = (
      await rpc(
        t,
        'get_operational_slots',
        { identifier: `PSAT${i}`, from: BOOK_FROM, limit: 20 },
        ownerOf(i),
      )
    ).result.OperationSlot as Slot[];
    const slot = page.find((s) => s.state === 'FREE');
    if (!slot) continue;
    const selected = await rpc(t, 'select_slots', [`PSAT${i}`, [slot.identifier]], ownerOf(i));
    if (!selected.result) continue;
    const confirmed = await rpc(t, 'confirm_selections', [slot.gsIdentifier, [slot.identifier]], gs);
    if (confirmed.result) booked.add(slot.identifier);
    else console.log(`  could not confirm ${slot.identifier}: ${JSON.stringify(confirmed.error)}`);
  }
  return booked;
}

/** How many reserved slots are still listed, RESERVED, under the same identifier. */
async function kept(t: TestApp, gs: string, booked: Set<string>): Promise<number> {
  const states = new Map<string, string>();
  for (let i = 0; i < STATIONS; i++) {
    let cursor: string | null = null;
    do {
      const page: { OperationSlot: Slot[]; nextCursor: string | null } = (
        await rpc(
          t,
          'get_operational_slots',
          { identifier: `PGS${i}`, limit: 1000, ...(cursor ? { cursor } : {}) },
          gs,
        )
      ).result;
      for (const slot of page.OperationSlot) states.set(slot.identifier, slot.state);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return [...booked].filter((id) => states.get(id) === 'RESERVED').length;
}

/** Booking calls (list, select, cancel) by every operator in a loop until `done`. */
async function bookingLoad(t: TestApp, ownerOf: (sc: number) => string, done: () => boolean) {
  const latencies: number[] = [];
  const timed = async <T>(call: () => Promise<T>) => {
    const started = performance.now();
    const result = await call();
    latencies.push(performance.now() - started);
    return result;
  };
  await Promise.all(
    Array.from({ length: OPERATORS }, async (_, operator) => {
      for (let round = 0; !done(); round++) {
        const sc = `PSAT${operator + OPERATORS * (round % (SPACECRAFT / OPERATORS))}`;
        const token = ownerOf(operator);
        const page = (await timed(() => rpc(t, 'get_operational_slots', [sc], token))).result
          ?.OperationSlot as Slot[] | undefined;
        const free = page?.filter((s) => s.state === 'FREE') ?? [];
        if (free.length === 0) continue;
        const pick = free[free.length - 1 - (round % Math.min(free.length, 10))];
        const selected = await timed(() => rpc(t, 'select_slots', [sc, [pick.identifier]], token));
        if (selected.result) await timed(() => rpc(t, 'cancel_selections', [sc, [pick.identifier]], token));
      }
    }),
  );
  return latencies;
}

async function main(): Promise<void> {
  process.env.DATABASE_URL ??= 'mysql://root@127.0.0.1:3306/test';
  const next = random(20250301);
  const tles = Array.from({ length: SPACECRAFT }, (_, i) => generateTle(i, next));
  const t = await TestApp.start({
    SATNET_PLANNING_HORIZON_DAYS: '7',
    SATNET_AUTH_THROTTLE_LIMIT: '100000',
  });
  const rows: [string, string][] = [];
  const print = (label: string, value: string) => {
    rows.push([label, value]);
    console.log(`${label.padEnd(34)}${value}`);
  };
  try {
    t.clock.set(NETWORK_START.toISOString());
    const planner = t.app.get(SlotPlanner);
    const [setUpS, { gs, ownerOf }] = await seconds(() => setUp(t, tles));
    print('set-up (API, planned as it grows)', `${setUpS.toFixed(1)} s, ${t.database.kind}`);

    await emptySlotTable(t.database.url);
    const cpuBefore = process.cpuUsage();
    const databaseBefore = databaseCpuSeconds(t.database.kind);
    const [firstS, first] = await seconds(() => profiled(() => planner.replan({})));
    const cpu = process.cpuUsage(cpuBefore);
    const databaseAfter = databaseCpuSeconds(t.database.kind);
    print('(1) first full plan', `${firstS.toFixed(2)} s (floor 15 s), ${first.created} slots`);
    const database =
      databaseBefore === null || databaseAfter === null
        ? ''
        : `, database server ${(databaseAfter - databaseBefore).toFixed(2)} s`;
    print('    CPU during it', `this process ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s${database}`);
    print('    slots in the database', String(await countSlots(t.database.url)));

    const booked = await book(t, gs, ownerOf);
    print('reserved before the replans', String(booked.size));

    const moved = nudgeMeanAnomaly(tles[0], 0.02);
    const [tleS, tleReply] = await seconds(() =>
      t.http('PUT', '/api/spacecraft/PSAT0', { token: ownerOf(0), body: spacecraftBody(0, moved) }),
    );
    if (tleReply.status !== 200) throw new Error(`TLE update: ${JSON.stringify(tleReply.body)}`);
    print('(2) TLE update of one spacecraft', `${tleS.toFixed(3)} s (floor 1 s, the whole PUT)`);

    const rule = {
      operation: 'REMOVE',
      periodicity: 'ONCE',
      date: '2025-03-03',
      startTime: '10:00',
      endTime: '11:00',
    };
    const [ruleS, ruleReply] = await seconds(() =>
      t.http('POST', '/api/ground-stations/PGS7/rules', { token: gs, body: rule }),
    );
    if (ruleReply.status !== 201) throw new Error(`rule: ${JSON.stringify(ruleReply.body)}`);
    print('(3) availability rule change', `${ruleS.toFixed(3)} s (floor 1 s, the whole POST)`);

    t.clock.advance(3600_000);
    const jobs = t.app.get(JobRunner);
    const [rollS] = await seconds(() => jobs.tick(REPLAN_JOB));
    print('(4) horizon roll by one hour', `${rollS.toFixed(3)} s (floor 2 s, the periodic job)`);

    print('reservations kept through (2)-(4)', `${await kept(t, gs, booked)} of ${booked.size}`);

    let replanning = true;
    const load = bookingLoad(t, ownerOf, () => !replanning);
    const [fullS] = await seconds(() => planner.replan({}));
    replanning = false;
    const latencies = await load;
    print(
      'booking while a full replan runs',
      `replan ${fullS.toFixed(2)} s; ${latencies.length} calls, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );
    print('reservations kept after it', `${await kept(t, gs, booked)} of ${booked.size}`);
  } finally {
    await t.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
