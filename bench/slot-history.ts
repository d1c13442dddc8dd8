// SPDX-License-Identifier: Apache-2.0
/**
 * Slot lists with a year behind them (issue 13): one spacecraft over one station, its slot list
 * timed with no past, then with BENCH_ENDED_SLOTS (default 100,000: about a year of unbooked passes
 * of a spacecraft over 50 stations) FREE slots that ended, as an instance that never removed them
 * would hold, then after the purge job removed them. Prints p50/p90 of get_operational_slots (the
 * first page, 60 calls) and how long the purge took.
 *
 *   npm run bench:slot-history                                   (MySQL: 127.0.0.1:3306/test)
 *   DATABASE_URL=sqlite: npm run bench:slot-history              (a fresh SQLite file)
 */
import { DataSource } from 'typeorm';
import type { TestApp } from '../test/helpers/test-app';

const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };
const ENDED = Number(process.env.BENCH_ENDED_SLOTS ?? 100_000);
const CALLS = 60;
const ROWS_PER_INSERT = 1000;

async function timeList(t: TestApp, token: string, label: string): Promise<void> {
  const latencies: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    const reply = await t.rpc('get_operational_slots', ['HSAT'], token);
    if (!reply.result) throw new Error(JSON.stringify(reply.error));
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.floor((p / 100) * CALLS)].toFixed(1);
  console.log(`  ${label.padEnd(34)} p50 ${at(50)} ms  p90 ${at(90)} ms`);
}

/** `count` copies of a stored slot, FREE, each 5 minutes long, ending one after another before `before`. */
async function insertEnded(source: DataSource, kind: string, before: number, count: number): Promise<void> {
  const [template] = await source.query<Record<string, unknown>[]>(
    `SELECT * FROM operational_slots WHERE spacecraftIdentifier = 'HSAT' LIMIT 1`,
  );
  const columns = Object.keys(template);
  // Timestamps as each database stores them (SQLite: TypeORM's 'YYYY-MM-DD HH:MM:SS.SSS' text).
  const stamp = (ms: number) =>
    kind === 'sqlite' ? new Date(ms).toISOString().replace('T', ' ').slice(0, 23) : new Date(ms);
  for (let first = 0; first < count; first += ROWS_PER_INSERT) {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (let i = first; i < Math.min(count, first + ROWS_PER_INSERT); i++) {
      const start = before - (i + 1) * 6 * 60_000;
      const row: Record<string, unknown> = {
        ...template,
        id: `ended-${i}`,
        state: 'FREE',
        startAt: stamp(start),
        endAt: stamp(start + 5 * 60_000),
      };
      values.push(...columns.map((column) => row[column]));
      rows.push(`(${columns.map(() => '?').join(', ')})`);
    }
    await source.query(
      `INSERT INTO operational_slots (${columns.join(', ')}) VALUES ${rows.join(', ')}`,
      values,
    );
  }
}

async function main(): Promise<void> {
  const { TestApp } = await import('../test/helpers/test-app');
  const { ORBIT_NOW, spacecraftConfig, stationConfig } = await import('../test/helpers/fixtures');
  const { JobRunner } = await import('../src/common/jobs');
  const { ENDED_SLOT_PURGE_JOB } = await import('../src/booking/ended-slot-purge');
  process.env.DATABASE_URL ??= 'mysql://root@127.0.0.1:3306/test';
  const t = await TestApp.start({ SATNET_PLANNING_HORIZON_DAYS: '2' });
  try {
    t.clock.set(ORBIT_NOW);
    const gs = (await t.operator('history-gs')).token;
    const { token } = await t.operator('history-m');
    await t.http('POST', '/api/ground-stations', { token: gs, body: stationConfig('HGS') });
    await t.http('POST', '/api/ground-stations/HGS/rules', { token: gs, body: ALWAYS });
    await t.http('POST', '/api/spacecraft', { token, body: spacecraftConfig('HSAT') });
    console.log(`slot list of one spacecraft (${t.database.kind}), ${CALLS} calls each:`);
    await timeList(t, token, 'no past');
    await insertEnded(t.app.get(DataSource), t.database.kind, Date.parse(ORBIT_NOW) - 3_600_000, ENDED);
    await timeList(t, token, `${ENDED.toLocaleString('en')} ended FREE slots`);
    const started = performance.now();
    await t.app.get(JobRunner).tick(ENDED_SLOT_PURGE_JOB);
    console.log(
      `  purge job                          ${((performance.now() - started) / 1000).toFixed(2)} s`,
    );
    await timeList(t, token, 'after the purge');
  } finally {
    await t.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
