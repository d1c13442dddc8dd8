// SPDX-License-Identifier: Apache-2.0
/**
 * Replay throughput (issue 11, "replay"): packets per second a client receives over the
 * WebSocket replay stream (/ws/packets, docs/protocol.md §14) from the archive, history only
 * (start_time and end_time), 200-byte CSP frames, batches of 100, through the real server on a
 * real database. Floor: 100,000 packets/s. The archive is filled straight through
 * PacketsRepository.insertMany (the packet log's own write), then read twice: a warm-up and the
 * measured run. The client runs in a worker thread (on 2 cores the server has one of its own);
 * it parses every batch as a client would.
 *
 *   npm run bench:replay                                                     (embedded SQLite)
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/test npm run bench:replay       (a fresh MySQL database)
 *   BENCH_REPLAY_PACKETS=500000 npm run bench:replay                         (default 200,000)
 *
 * `replayThroughput(t)` is exported for a combined history bench (bench/history.ts) to call as a
 * phase with its own TestApp.
 */
import { availableParallelism, loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ReplayBatchMessage } from '../src/client/websocket-client';
import type { TestApp } from '../test/helpers/test-app';

export const REPLAY_FLOOR_PER_SECOND = 100_000;
const FRAME_BYTES = 200;
const ROWS_PER_INSERT = 5000;

export interface ReplayFigures {
  database: string;
  packets: number;
  seconds: number;
  packetsPerSecond: number;
  /** JSON bytes the client received per second. */
  megabytesPerSecond: number;
}

interface WorkerJob {
  replayBench: true;
  baseUrl: string;
  token: string;
  spacecraft: string;
  startNs: string;
  endNs: string;
}

interface WorkerResult {
  packets: number;
  bytes: number;
  ms: number;
}

/** Fills the archive of a fresh spacecraft of `t` with `packets` frames, then replays them twice. */
export async function replayThroughput(t: TestApp, packets: number): Promise<ReplayFigures> {
  const { reservedSlot, frames } = await import('../test/helpers/relay-fixture');
  const { ORBIT_NOW } = await import('../test/helpers/fixtures');
  const { DataSource } = await import('typeorm');
  const { Spacecraft } = await import('../src/spacecraft/spacecraft.entity');
  const { PacketsRepository } = await import('../src/relay/packets.repository');
  t.clock.set(ORBIT_NOW);
  const slot = await reservedSlot(t, `replay${Date.now() % 100000}`);
  const { id: spacecraftId } = await t.app
    .get(DataSource)
    .getRepository(Spacecraft)
    .findOneByOrFail({ identifier: slot.spacecraft });
  const data = frames.downlink('x'.repeat(FRAME_BYTES - 8));
  const base = slot.start.getTime();
  const repository = t.app.get(PacketsRepository);
  for (let start = 0; start < packets; start += ROWS_PER_INSERT) {
    const rows = [];
    for (let i = start; i < Math.min(packets, start + ROWS_PER_INSERT); i++)
      rows.push({
        slotId: slot.slotId,
        stationId: null,
        spacecraftId,
        sequence: i + 1,
        frequencyHz: null,
        dedupKey: null,
        fromSide: 'station' as const,
        direction: 'DOWNLINK' as const,
        frameBytes: data.length,
        data,
        clientTimestamp: new Date(base + i).toISOString(),
        serverReceivedAt: new Date(base + Math.floor(i / 10)),
        gsTimestamp: new Date(base + Math.floor(i / 10)),
        dopplerShiftHz: -8123,
        outcome: 'RELAYED' as const,
        rejectRule: null,
        cspSource: 10,
        cspDestination: 1,
        cspSourcePort: 20,
        cspDestinationPort: 10,
      });
    await repository.insertMany(rows);
  }
  const job: WorkerJob = {
    replayBench: true,
    baseUrl: t.baseUrl,
    token: slot.missionKey,
    spacecraft: slot.spacecraft,
    startNs: `${base}000000`,
    endNs: `${base + packets}000000`,
  };
  await runWorker(job); // warm-up: the database's cache, the JIT
  const result = await runWorker(job);
  if (result.packets !== packets) throw new Error(`replayed ${result.packets} packets of ${packets}`);
  return {
    database: t.database.kind,
    packets,
    seconds: result.ms / 1000,
    packetsPerSecond: Math.round(packets / (result.ms / 1000)),
    megabytesPerSecond: result.bytes / 1e6 / (result.ms / 1000),
  };
}

function runWorker(job: WorkerJob): Promise<WorkerResult> {
  // The worker runs this same file through ts-node, as `npm run bench:replay` runs the main thread.
  const source = `require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(__filename)});`;
  const worker = new Worker(source, { eval: true, workerData: job });
  return new Promise<WorkerResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => worker.terminate());
}

/** The client: one history-only subscription, every batch parsed, until the end marker. */
async function workerMain(job: WorkerJob): Promise<void> {
  const { PacketReplayClient } = await import('../src/client/websocket-client');
  const client = await PacketReplayClient.connect({ baseUrl: job.baseUrl, token: job.token });
  let bytes = 0;
  client.raw.on('message', (data: Buffer) => (bytes += data.length));
  let received = 0;
  const started = performance.now();
  const ended = new Promise<void>((resolve) =>
    client.on('batch', (message: ReplayBatchMessage) => {
      received += message.packets.length;
      if (message.packets.length === 0) resolve();
    }),
  );
  await client.add({ id: 'bench', spacecraft: job.spacecraft, start_time: job.startNs, end_time: job.endNs });
  await ended;
  const ms = performance.now() - started;
  await client.close();
  parentPort?.postMessage({ packets: received, bytes, ms } satisfies WorkerResult);
}

async function main(): Promise<void> {
  const { TestApp } = await import('../test/helpers/test-app');
  const packets = Number(process.env.BENCH_REPLAY_PACKETS ?? 200_000);
  const t = await TestApp.start();
  try {
    const figures = await replayThroughput(t, packets);
    console.log(
      `\nreplay bench: ${FRAME_BYTES}-byte CSP frames from the archive over /ws/packets, ${figures.database}, ` +
        `client in a worker thread; Node ${process.version}, ${availableParallelism()} cores, ` +
        `load average ${loadavg()[0].toFixed(2)}`,
    );
    const verdict = figures.packetsPerSecond >= REPLAY_FLOOR_PER_SECOND ? 'ok' : 'BELOW FLOOR';
    console.log(
      `  ${figures.packets.toLocaleString('en-US')} packets in ${figures.seconds.toFixed(2)} s: ` +
        `${figures.packetsPerSecond.toLocaleString('en-US')} packets/s, ${figures.megabytesPerSecond.toFixed(1)} MB/s of JSON ` +
        `(floor ${REPLAY_FLOOR_PER_SECOND.toLocaleString('en-US')}: ${verdict})`,
    );
    if (verdict !== 'ok') process.exitCode = 1;
  } finally {
    await t.stop();
  }
}

if (!isMainThread && (workerData as Partial<WorkerJob> | undefined)?.replayBench)
  workerMain(workerData as WorkerJob).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
else if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
