// SPDX-License-Identifier: Apache-2.0
/**
 * Slot report (issue 11, "report"): how long `GET …/slots/{slotId}/report` takes for a slot with
 * BENCH_FRAMES packets (default 300,000: a 10-minute pass at 500 frames/s), among as many packets
 * of another slot of the same spacecraft and station, so that the slot index has to do the
 * picking. Rows go straight into the packets table through PacketsRepository.insertMany (the
 * packet log's own insert); the report is then read over HTTP as a user would, BENCH_RUNS times.
 * Prints the seeding time, the report's p50 and max, and each of its queries alone; then the
 * settle job's time (it completes the slot and stores its figures) and the completed report's.
 *
 *   npm run bench:slot-report                                                   (embedded SQLite)
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/test npm run bench:slot-report     (a fresh MySQL database)
 *   BENCH_FRAMES=100000 BENCH_RUNS=5 npm run bench:slot-report
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { OperationalSlot } from '../src/booking/operational-slot.entity';
import { PacketsRepository, type PacketRecord } from '../src/relay/packets.repository';
import { RelaySessionAudit } from '../src/relay/relay-session-audit';
import { SlotReportRepository } from '../src/relay/slot-report.repository';
import { SETTLE_GRACE_MS, SlotSettlement } from '../src/relay/slot-settlement';
import { ORBIT_NOW } from '../test/helpers/fixtures';
import { reservedSlot } from '../test/helpers/relay-fixture';
import { TestApp } from '../test/helpers/test-app';

const FRAMES = Number(process.env.BENCH_FRAMES ?? 300_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const FRAME = Buffer.alloc(200, 7);
const RULES = ['SOURCE_NOT_ALLOWED', 'BAD_CRC', 'INVALID_TIMESTAMP'];
const SEED_BATCH = 5_000;

/** One frame every slot-length / FRAMES ms, alternating directions, 1 in 50 refused, 1 in 20 not delivered. */
function packet(slot: { slotId: string; start: Date; end: Date }, ids: Ids, i: number): PacketRecord {
  const stepMs = (slot.end.getTime() - slot.start.getTime()) / FRAMES;
  const at = new Date(slot.start.getTime() + Math.floor(i * stepMs));
  const downlink = i % 2 === 0;
  const rejected = i % 50 === 7;
  return {
    slotId: slot.slotId,
    stationId: ids.stationId,
    spacecraftId: ids.spacecraftId,
    sequence: null,
    frequencyHz: null,
    dedupKey: null,
    fromSide: downlink ? 'station' : 'mission',
    direction: downlink ? 'DOWNLINK' : 'UPLINK',
    frameBytes: FRAME.length,
    data: FRAME,
    clientTimestamp: at.toISOString(),
    serverReceivedAt: at,
    gsTimestamp: at,
    dopplerShiftHz: 1234,
    outcome: rejected ? 'REJECTED' : i % 20 === 3 ? 'NOT_DELIVERED' : 'RELAYED',
    rejectRule: rejected ? RULES[i % RULES.length] : null,
    cspSource: 10,
    cspDestination: 1,
    cspSourcePort: 10,
    cspDestinationPort: 20,
  };
}

interface Ids {
  stationId: string;
  spacecraftId: string;
}

async function seed(
  t: TestApp,
  slot: { slotId: string; start: Date; end: Date },
  owner: string,
): Promise<void> {
  const repository = t.app.get(PacketsRepository);
  const ids: Ids = await t.app.get(DataSource).getRepository(OperationalSlot).findOneByOrFail({ id: owner });
  for (let i = 0; i < FRAMES; i += SEED_BATCH) {
    const rows: PacketRecord[] = [];
    for (let j = i; j < Math.min(FRAMES, i + SEED_BATCH); j++) rows.push(packet(slot, ids, j));
    await repository.insertMany(rows);
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function timed(runs: number, work: () => Promise<unknown>): Promise<{ p50: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], max: times[times.length - 1] };
}

async function main(): Promise<void> {
  const t = await TestApp.start();
  try {
    t.clock.set(ORBIT_NOW);
    const slot = await reservedSlot(t, 'bench');
    const token = await t.login('bench-m', 'bench-m-password');
    const seeding = performance.now();
    await seed(t, slot, slot.slotId);
    // The neighbour: the same station and spacecraft, another slot id, the same instants.
    await seed(t, { ...slot, slotId: 'slot-neighbourXX' }, slot.slotId);
    console.log(
      `database: ${t.database.url.split(':')[0]}; seeded 2 x ${FRAMES} packets in ${ms(performance.now() - seeding)}`,
    );

    const figures = t.app.get(SlotReportRepository);
    const direct = performance.now();
    await figures.frameGroups(slot.slotId);
    console.log(`first frame-groups query: ${ms(performance.now() - direct)}`);
    // Seeding outlasts the server's keep-alive: the client's pooled socket may be closed under it.
    await t.http('GET', '/health').catch(() => undefined);
    const path = `/api/spacecraft/${slot.spacecraft}/slots/${slot.slotId}/report`;
    const first = await t.http('GET', path, { token });
    if (first.status !== 200) throw new Error(JSON.stringify(first.body));
    const down = first.body.downlink as {
      relayed: { frames: number };
      notDelivered: { frames: number };
      rejected: { frames: number };
    };
    const counted = (['relayed', 'notDelivered', 'rejected'] as const).reduce(
      (sum, key) => sum + down[key].frames + (first.body.uplink as typeof down)[key].frames,
      0,
    );
    if (counted !== FRAMES) throw new Error(`the report counts ${counted} frames, ${FRAMES} were stored`);

    const report = await timed(RUNS, () => t.http('GET', path, { token }));
    console.log(
      `report over HTTP (${FRAMES} frames in the slot): p50 ${ms(report.p50)}, max ${ms(report.max)}`,
    );
    const groups = await timed(RUNS, () => figures.frameGroups(slot.slotId));
    console.log(
      `  frame groups (count, bytes, first, last per direction/outcome/rule): p50 ${ms(groups.p50)}`,
    );
    const gap = await timed(RUNS, () => figures.longestGap(slot.slotId, 'DOWNLINK'));
    console.log(`  longest gap of one direction (${FRAMES / 2} frames): p50 ${ms(gap.p50)}`);

    // Completed (a session in the audit, the end and its grace passed): the figures are stored once.
    await t.app
      .get(RelaySessionAudit)
      .started(randomUUID(), slot.slotId, 'station', 'bench', 'bench', slot.start);
    t.clock.set(new Date(slot.end.getTime() + SETTLE_GRACE_MS));
    const settling = performance.now();
    await t.app.get(SlotSettlement).settleEnded();
    console.log(`settle job (completes the slot, stores its figures): ${ms(performance.now() - settling)}`);
    await t.http('GET', '/health').catch(() => undefined);
    const completed = await t.http('GET', path, { token });
    if (completed.body.state !== 'COMPLETED') throw new Error(JSON.stringify(completed.body));
    if (JSON.stringify(completed.body.downlink) !== JSON.stringify(first.body.downlink))
      throw new Error('the stored figures differ from the computed ones');
    const stored = await timed(RUNS, () => t.http('GET', path, { token }));
    console.log(
      `report of the COMPLETED slot over HTTP (stored figures): p50 ${ms(stored.p50)}, max ${ms(stored.max)}`,
    );
  } finally {
    await t.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
