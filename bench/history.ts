// SPDX-License-Identifier: Apache-2.0
/**
 * Packet archive (issue 11): seeds BENCH_PACKETS (1,000,000) packets through the packet log's own
 * insert (PacketsRepository.insertMany: multi-row INSERTs) over 200 slots of 4 spacecraft and 2
 * stations spread over 30 days, then prints
 *   (history) p50/p99 of one 1,000-packet page at a random position, through PacketHistoryService
 *             (the service behind get_packets and GET …/packets), for a slot, a spacecraft's and a
 *             station's 31-day range, and a filtered range (outcome REJECTED: 1 packet in 25);
 *             floor: p99 <= 50 ms on SQLite and MySQL;
 *   (export)  packets/s and MB/s of one spacecraft's 31 days downloaded over HTTP, JSON Lines
 *             and SNPK binary, and the server's heap growth meanwhile (it streams page by page);
 *   (replay)  packets/s of the /ws/packets replay stream (bench/replay.ts), floor 100,000;
 *   (non-scheduled) frames/s of non-scheduled uploads, new and duplicate, REST and TLS
 *             (bench/non-scheduled.ts).
 *
 * Phases are named (BENCH_PHASES=history,export,replay,non-scheduled, the default: all); `seed`
 * always runs first and its result (`SeededArchive`) is what every phase gets.
 *
 *   npm run bench:history                                                  (embedded SQLite)
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/test npm run bench:history    (a fresh MySQL database)
 *   BENCH_PACKETS=200000 BENCH_PHASES=history npm run bench:history
 */
import { availableParallelism, loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { PACKET_PAGE } from '../src/archive/dto/packet-history.dto';
import { PacketHistoryService } from '../src/archive/packet-history.service';
import { syntheticPackets, type SyntheticTarget } from '../src/archive/testing/synthetic-packets';
import type { RequestContext } from '../src/common/request-context';
import { PacketsRepository } from '../src/relay/packets.repository';
import { SpacecraftService } from '../src/spacecraft/spacecraft.service';
import { GroundStationsService } from '../src/stations/ground-stations.service';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from '../test/helpers/fixtures';
import { TestApp } from '../test/helpers/test-app';
import { benchNonScheduled } from './non-scheduled';
import { countQueries } from './query-count';
import { REPLAY_FLOOR_PER_SECOND, replayThroughput } from './replay';

const PACKETS = Number(process.env.BENCH_PACKETS ?? 1_000_000);
const SLOTS = 200;
const SPACECRAFT = 4;
const STATIONS = 2;
const SPAN_DAYS = 30;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const REPLAY_PACKETS = Number(process.env.BENCH_REPLAY_PACKETS ?? 200_000);
const NON_SCHEDULED_BATCHES = 10;
/** Rows per insertMany call (one transaction); insertMany cuts it into statements itself. */
const SEED_CHUNK = 20_000;
const DAY_MS = 86_400_000;

/** What the seed phase made, handed to every other phase. */
export interface SeededArchive {
  t: TestApp;
  /** An admin's context: the service checks it as it would an owner's. */
  ctx: RequestContext;
  spacecraft: string[];
  stations: string[];
  /** Each slot's id, owners and first packet time. */
  slots: { slotId: string; spacecraft: string; station: string; start: Date }[];
  packets: number;
  start: Date;
  token: string;
}

/**
 * Creates the stations and spacecraft through the API, then `packets` packets over SLOTS slots
 * (slot k: spacecraft k mod SPACECRAFT, station k mod STATIONS), in chunks of SEED_CHUNK.
 */
export async function seedArchive(t: TestApp, packets: number): Promise<SeededArchive> {
  const token = await t.adminToken();
  const spacecraft: string[] = [];
  const stations: string[] = [];
  for (let i = 0; i < STATIONS; i++) {
    stations.push(`BenchGS${i}`);
    await t.http('POST', '/api/ground-stations', { token, body: stationConfig(`BenchGS${i}`) });
  }
  for (let i = 0; i < SPACECRAFT; i++) {
    spacecraft.push(`BENCHSAT${i}`);
    await t.http('POST', '/api/spacecraft', { token, body: spacecraftConfig(`BENCHSAT${i}`) });
  }
  const spacecraftIds = await Promise.all(
    spacecraft.map(async (id) => (await t.app.get(SpacecraftService).findByIdentifier(id))!.id),
  );
  const stationIds = await Promise.all(
    stations.map(async (id) => (await t.app.get(GroundStationsService).findByIdentifier(id))!.id),
  );
  const start = new Date(Date.parse(ORBIT_NOW) - SPAN_DAYS * DAY_MS);
  const perSlot = Math.ceil(packets / SLOTS);
  const slotMs = (SPAN_DAYS * DAY_MS) / SLOTS;
  const repository = t.app.get(PacketsRepository);
  const slots: SeededArchive['slots'] = [];
  let written = 0;
  for (let k = 0; k < SLOTS && written < packets; k++) {
    const target: SyntheticTarget = {
      slotId: `slot-bench-${k}`,
      stationId: stationIds[k % STATIONS],
      spacecraftId: spacecraftIds[k % SPACECRAFT],
      start: new Date(start.getTime() + k * slotMs),
      stepMs: 100,
    };
    slots.push({
      slotId: target.slotId!,
      spacecraft: spacecraft[k % SPACECRAFT],
      station: stations[k % STATIONS],
      start: target.start,
    });
    const count = Math.min(perSlot, packets - written);
    for (let from = 0; from < count; from += SEED_CHUNK)
      await repository.insertMany(syntheticPackets(target, from, Math.min(SEED_CHUNK, count - from)));
    written += count;
  }
  const ctx: RequestContext = {
    actor: { userId: 'bench', username: 'bench', role: 'ADMIN', via: 'SESSION', credentialId: 'bench' },
    clientAddress: 'bench',
  };
  return { t, ctx, spacecraft, stations, slots, packets: written, start, token };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * (history): a random position is reached as a client reaches it, with a first page from a
 * random `from`; the page measured is the next one, read with that page's cursor.
 */
async function historyPhase(seeded: SeededArchive): Promise<void> {
  const service = seeded.t.app.get(PacketHistoryService);
  const dataSource = seeded.t.app.get(DataSource);
  const spanMs = SPAN_DAYS * DAY_MS;
  const rangeEnd = iso(seeded.start.getTime() + PACKET_PAGE.maxRangeDays * DAY_MS);
  const variants: [string, () => { side: 'station' | 'spacecraft'; id: string; query: object }][] = [
    [
      'slot',
      () => {
        const slot = pick(seeded.slots);
        return { side: 'spacecraft', id: slot.spacecraft, query: { slotId: slot.slotId } };
      },
    ],
    [
      'spacecraft, 31 days',
      () => ({
        side: 'spacecraft',
        id: pick(seeded.spacecraft),
        query: { from: iso(seeded.start.getTime() + Math.random() * spanMs * 0.95), to: rangeEnd },
      }),
    ],
    [
      'station, 31 days',
      () => ({
        side: 'station',
        id: pick(seeded.stations),
        query: { from: iso(seeded.start.getTime() + Math.random() * spanMs * 0.95), to: rangeEnd },
      }),
    ],
    [
      'spacecraft, REJECTED only',
      () => ({
        side: 'spacecraft',
        id: pick(seeded.spacecraft),
        query: {
          from: iso(seeded.start.getTime() + Math.random() * spanMs * 0.5),
          to: rangeEnd,
          outcome: ['REJECTED'],
        },
      }),
    ],
  ];
  console.log(`  (history) ${SAMPLES} pages of ${PACKET_PAGE.maxLimit} packets each, at a random cursor:`);
  let worst = 0;
  for (const [name, make] of variants) {
    const times: number[] = [];
    let [shown, cpuMicros, queries] = [0, 0, 0];
    for (let i = 0; i < SAMPLES; i++) {
      const { side, id, query } = make();
      const first = await service.page(seeded.ctx, side, id, { ...query, limit: 1 });
      if (!first.nextCursor) continue;
      const [started, cpu, counter] = [performance.now(), process.cpuUsage(), countQueries(dataSource)];
      const page = await service.page(seeded.ctx, side, id, {
        ...query,
        limit: PACKET_PAGE.maxLimit,
        cursor: first.nextCursor,
      });
      times.push(performance.now() - started);
      const { user, system } = process.cpuUsage(cpu);
      counter.stop();
      [cpuMicros, queries] = [cpuMicros + user + system, queries + counter.count];
      shown += page.packets.length;
    }
    const p99 = percentile(times, 99);
    worst = Math.max(worst, p99);
    const pages = Math.max(1, times.length);
    // The server runs in this process: its CPU per page (not the database's), and its statements.
    console.log(
      `      ${name.padEnd(26)} p50 ${percentile(times, 50).toFixed(1)} ms  p99 ${p99.toFixed(1)} ms  ` +
        `CPU ${(cpuMicros / pages / 1000).toFixed(1)} ms/page  ${(queries / pages).toFixed(1)} queries/page  ` +
        `(${times.length} pages, ${(shown / pages).toFixed(0)} packets each)`,
    );
  }
  console.log(`      floor p99 <= 50 ms: ${worst <= 50 ? 'met' : 'MISSED'}`);
  if (worst > 50) process.exitCode = 1;
}

/** (export): one spacecraft's 31 days over HTTP, read as fast as the client can. */
async function exportPhase(seeded: SeededArchive): Promise<void> {
  const range = `from=${seeded.start.toISOString()}&to=${iso(seeded.start.getTime() + PACKET_PAGE.maxRangeDays * DAY_MS)}`;
  for (const format of ['binary', 'jsonl']) {
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 50);
    const started = performance.now();
    const url = `${seeded.t.baseUrl}/api/spacecraft/${seeded.spacecraft[0]}/packets/export?format=${format}&${range}`;
    const init = { headers: { authorization: `Bearer ${seeded.token}` } };
    // A keep-alive connection left idle by the history phase may be closed by the server just as
    // fetch reuses it (ECONNRESET before any answer): that attempt is made again, once.
    const response = await fetch(url, init).catch(() => fetch(url, init));
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (format === 'jsonl') for (const byte of chunk) if (byte === 10) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const packets = format === 'jsonl' ? lines : Math.round(seeded.packets / SPACECRAFT);
    console.log(
      `  (export) ${format.padEnd(6)} ${packets} packets, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s: ` +
        `${(packets / seconds).toFixed(0)} packets/s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s; ` +
        `heap growth at most ${((heapPeak - heapBefore) / 1e6).toFixed(0)} MB`,
    );
  }
}

/** (replay): the /ws/packets replay stream's throughput beside the seeded archive (bench/replay.ts). */
async function replayPhase(seeded: SeededArchive): Promise<void> {
  const figures = await replayThroughput(seeded.t, REPLAY_PACKETS);
  console.log(
    `  (replay) ${figures.packets} packets in ${figures.seconds.toFixed(2)} s: ${figures.packetsPerSecond.toFixed(0)} packets/s, ` +
      `${figures.megabytesPerSecond.toFixed(1)} MB/s of JSON; server CPU ${figures.serverCpuMicrosPerPacket.toFixed(1)} µs/packet; ` +
      `floor ${REPLAY_FLOOR_PER_SECOND}: ${figures.packetsPerSecond >= REPLAY_FLOOR_PER_SECOND ? 'met' : 'MISSED'}`,
  );
}

/** (non-scheduled): uploads of frames heard outside slots into the seeded archive (bench/non-scheduled.ts). */
async function nonScheduledPhase(seeded: SeededArchive): Promise<void> {
  const figures = await benchNonScheduled(seeded.t, NON_SCHEDULED_BATCHES);
  console.log(
    `  (non-scheduled) REST ${figures.restFramesPerSecond.toFixed(0)} new frames/s, ` +
      `${figures.duplicateFramesPerSecond.toFixed(0)} duplicate frames/s; TLS sendNonScheduled ` +
      `${figures.gatewayFramesPerSecond.toFixed(0)} frames/s; ${figures.storedRows} rows for ${figures.framesSent} frames sent`,
  );
}

/** Every phase after the seed, by name, in the order they run. */
export const PHASES: Record<string, (seeded: SeededArchive) => Promise<void>> = {
  history: historyPhase,
  export: exportPhase,
  replay: replayPhase,
  'non-scheduled': nonScheduledPhase,
};

async function main(): Promise<void> {
  const chosen = (process.env.BENCH_PHASES ?? Object.keys(PHASES).join(',')).split(',');
  const unknown = chosen.filter((name) => !(name in PHASES));
  if (unknown.length > 0)
    throw new Error(`unknown phase(s) ${unknown.join(', ')}; known: ${Object.keys(PHASES).join(', ')}`);
  // The non-scheduled phase uploads as fast as it can: no per-station byte rate in its way.
  const t = await TestApp.start({ SATNET_NONSCHED_STATION_BYTES_PER_SECOND: '1073741824' });
  try {
    t.clock.set(ORBIT_NOW);
    console.log(
      `\nhistory bench: ${t.database.kind}; Node ${process.version}, ${availableParallelism()} cores, ` +
        `load average ${loadavg()[0].toFixed(2)}`,
    );
    const started = performance.now();
    const seeded = await seedArchive(t, PACKETS);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `  (seed) ${seeded.packets} packets over ${SLOTS} slots, ${SPACECRAFT} spacecraft, ${STATIONS} stations ` +
        `in ${seconds.toFixed(1)} s (${(seeded.packets / seconds).toFixed(0)} rows/s)`,
    );
    for (const name of chosen) {
      // A keep-alive connection left idle by the seed (or the phase before) may be closed by the
      // server just as the next request reuses it (ECONNRESET): one throwaway request clears it.
      await fetch(`${t.baseUrl}/health`).catch(() => undefined);
      await PHASES[name](seeded);
    }
  } finally {
    await t.stop();
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
