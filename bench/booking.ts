// SPDX-License-Identifier: Apache-2.0
/**
 * Booking under contention (issue 4): 50 M-operators over the JSON-RPC API, all with spacecraft
 * on the same orbit, compete for the slots of 20 stations while their owner confirms selections.
 * Prints operations/s, p50/p99 latency, and the number of double bookings (must be 0), counted
 * straight from the database afterwards.
 *
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/test npm run bench:booking    (MySQL is the default)
 */
import { DataSource } from 'typeorm';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from '../test/helpers/fixtures';
import { TestApp } from '../test/helpers/test-app';

const OPERATORS = 50;
const STATIONS = 20;
const ROUNDS = 30; // select attempts per operator
const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

interface Slot {
  identifier: string;
  gsIdentifier: string;
  state: string;
}

const latencies: Record<string, number[]> = {};

async function timed<T>(name: string, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await call();
  } finally {
    (latencies[name] ??= []).push(performance.now() - started);
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function setUp(t: TestApp) {
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

async function mission(t: TestApp, token: string, spacecraft: string, stats: { won: number; lost: number }) {
  for (let round = 0; round < ROUNDS; round++) {
    const offered = (
      await timed('get_operational_slots', () => t.rpc('get_operational_slots', [spacecraft], token))
    ).result.OperationSlot as Slot[];
    const free = offered.filter((slot) => slot.state === 'FREE');
    if (free.length === 0) return;
    const pick = free[Math.floor(Math.random() * Math.min(free.length, 40))];
    const reply = await timed('select_slots', () =>
      t.rpc('select_slots', [spacecraft, [pick.identifier]], token),
    );
    if (reply.result) stats.won++;
    else stats.lost++;
    // Give some back, so the contest goes on to the end.
    if (reply.result && round % 3 === 0)
      await timed('cancel_selections', () =>
        t.rpc('cancel_selections', [spacecraft, [pick.identifier]], token),
      );
  }
}

/** Every page of a slot list (the list is paged since issue 13; the default page is small). */
async function allSlots(t: TestApp, identifier: string, token: string): Promise<Slot[]> {
  const slots: Slot[] = [];
  let cursor: string | undefined;
  do {
    const page = (await t.rpc('get_operational_slots', { identifier, cursor }, token)).result;
    slots.push(...(page.OperationSlot as Slot[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return slots;
}

async function stationOwner(t: TestApp, token: string, done: () => boolean) {
  while (!done()) {
    for (let i = 0; i < STATIONS && !done(); i++) {
      // The whole station, all pages, timed as one operation: what this bench did before paging.
      const slots = await timed('get_operational_slots', () => allSlots(t, `GS${i}`, token));
      const selected = slots.filter((slot) => slot.state === 'SELECTED').map((slot) => slot.identifier);
      if (selected.length > 0)
        await timed('confirm_selections', () => t.rpc('confirm_selections', [`GS${i}`, selected], token));
    }
  }
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

async function main(): Promise<void> {
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

    const stats = { won: 0, lost: 0 };
    let finished = false;
    const started = performance.now();
    const owner = stationOwner(t, gsToken, () => finished);
    await Promise.all(missions.map((m) => mission(t, m.token, m.spacecraft, stats)));
    finished = true;
    await owner;
    const seconds = (performance.now() - started) / 1000;

    const all = Object.values(latencies).flat();
    console.log(
      `\nbooking bench: ${OPERATORS} concurrent M-operators + 1 G-operator, JSON-RPC over HTTP, ${t.database.kind}`,
    );
    console.log(
      `  operations:        ${all.length} in ${seconds.toFixed(2)} s = ${(all.length / seconds).toFixed(0)} ops/s`,
    );
    console.log(
      `  latency (all):     p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms`,
    );
    for (const [name, values] of Object.entries(latencies))
      console.log(
        `  ${name.padEnd(22)} n=${String(values.length).padStart(5)}  p50 ${percentile(values, 50).toFixed(1)} ms  p99 ${percentile(values, 99).toFixed(1)} ms`,
      );
    console.log(`  selections won/lost: ${stats.won}/${stats.lost}`);
    const doubles = await doubleBookings(t.database.url);
    console.log(`  double bookings:   ${doubles}`);
    if (doubles !== 0) process.exitCode = 1;
  } finally {
    await t.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
