// SPDX-License-Identifier: Apache-2.0
/**
 * Replay throughput (issue 11, "replay"): packets per second a client receives over the
 * WebSocket replay stream (/ws/packets, docs/protocol.md §16) from the archive, history only
 * (start_time and end_time), 200-byte CSP frames, batches of 100, through the real server on a
 * real database. Floor: 100,000 packets/s. The archive is filled straight through
 * PacketsRepository.insertMany (the packet log's own write), then read twice: a warm-up and the
 * measured run. The client runs in a child process (on 2 cores the server has one of its own);
 * it parses every batch as a client would. Besides the rate, the server's own CPU time per packet
 * (process.cpuUsage of the server's process alone): on a shared, loaded machine the rate says
 * how much CPU the bench got, the CPU time what a packet costs.
 *
 *   npm run bench:replay                                                     (embedded SQLite)
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/test npm run bench:replay       (a fresh MySQL database)
 *   BENCH_REPLAY_PACKETS=500000 npm run bench:replay                         (default 200,000)
 *
 * `replayThroughput(t, n)` is exported for a combined history bench (bench/history.ts) to call as a
 * phase with its own TestApp.
 */
import { availableParallelism, loadavg } from 'node:os';
import { fork } from 'node:child_process';
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
  /** The server process's CPU time (user + system) per packet replayed. */
  serverCpuMicrosPerPacket: number;
}

interface ClientJob {
  baseUrl: string;
  token: string;
  spacecraft: string;
  startNs: string;
  endNs: string;
}

interface ClientResult {
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
  const job: ClientJob = {
    baseUrl: t.baseUrl,
    token: slot.missionKey,
    spacecraft: slot.spacecraft,
    startNs: `${base}000000`,
    endNs: `${base + packets}000000`,
  };
  await runClient(job); // warm-up: the database's cache, the JIT
  const cpu = process.cpuUsage();
  const result = await runClient(job);
  const { user, system } = process.cpuUsage(cpu);
  if (result.packets !== packets) throw new Error(`replayed ${result.packets} packets of ${packets}`);
  return {
    database: t.database.kind,
    packets,
    seconds: result.ms / 1000,
    packetsPerSecond: Math.round(packets / (result.ms / 1000)),
    megabytesPerSecond: result.bytes / 1e6 / (result.ms / 1000),
    // Includes the child's start-up wait (the server idles then) and the insert-free read only.
    serverCpuMicrosPerPacket: (user + system) / packets,
  };
}

function runClient(job: ClientJob): Promise<ClientResult> {
  const child = fork(__filename, [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, BENCH_REPLAY_CLIENT: JSON.stringify(job) },
  });
  return new Promise<ClientResult>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ClientResult));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the client exited (${code})`)));
  }).finally(() => child.kill());
}

/** The client: one history-only subscription, every batch parsed, until the end marker. */
async function clientMain(job: ClientJob): Promise<void> {
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
  process.send?.({ packets: received, bytes, ms } satisfies ClientResult);
}

async function main(): Promise<void> {
  const { TestApp } = await import('../test/helpers/test-app');
  const packets = Number(process.env.BENCH_REPLAY_PACKETS ?? 200_000);
  const t = await TestApp.start();
  try {
    const figures = await replayThroughput(t, packets);
    console.log(
      `\nreplay bench: ${FRAME_BYTES}-byte CSP frames from the archive over /ws/packets, ${figures.database}, ` +
        `client in a child process; Node ${process.version}, ${availableParallelism()} cores, ` +
        `load average ${loadavg()[0].toFixed(2)}`,
    );
    const verdict = figures.packetsPerSecond >= REPLAY_FLOOR_PER_SECOND ? 'ok' : 'BELOW FLOOR';
    console.log(
      `  ${figures.packets.toLocaleString('en-US')} packets in ${figures.seconds.toFixed(2)} s: ` +
        `${figures.packetsPerSecond.toLocaleString('en-US')} packets/s, ${figures.megabytesPerSecond.toFixed(1)} MB/s of JSON ` +
        `(floor ${REPLAY_FLOOR_PER_SECOND.toLocaleString('en-US')}: ${verdict}); ` +
        `server CPU ${figures.serverCpuMicrosPerPacket.toFixed(1)} µs/packet ` +
        `(${Math.round(1e6 / figures.serverCpuMicrosPerPacket).toLocaleString('en-US')} packets/s per core)`,
    );
    if (verdict !== 'ok') process.exitCode = 1;
  } finally {
    await t.stop();
  }
}

const clientJob = process.env.BENCH_REPLAY_CLIENT;
if (clientJob)
  clientMain(JSON.parse(clientJob) as ClientJob).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
else if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
