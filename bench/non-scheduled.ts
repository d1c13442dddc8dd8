// SPDX-License-Identifier: Apache-2.0
/**
 * Non-scheduled uploads (issue 11, "nonsched"): a station's owner uploads frames heard outside any
 * slot through the real server. Prints frames/s for (a) REST uploads of 1,000 new frames each, all
 * heard during passes of a spacecraft among 20 (so attribution runs its pass search), (b) the same
 * uploads again (every frame a duplicate), (c) `sendNonScheduled` over TLS in calls of 200 frames
 * (the gateway's 64 KiB message limit), then checks the archive holds each frame exactly once.
 *
 *   npx ts-node --transpile-only bench/non-scheduled.ts                               (SQLite)
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/test npx ts-node --transpile-only bench/non-scheduled.ts
 *   BENCH_BATCHES=20 …                                  (uploads per phase; default 10)
 */
import { DataSource } from 'typeorm';
import { buildCspFrame } from '../src/csp/csp-frame';
import { makeCspHeader } from '../src/csp/csp-header';
import { Packet } from '../src/relay/packet.entity';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from '../test/helpers/fixtures';
import { gatewayClient } from '../test/helpers/relay-fixture';
import { TestApp } from '../test/helpers/test-app';

const FRAMES_PER_UPLOAD = 1000;
const FRAMES_PER_CALL = 200;
const FRAME_BYTES = 200;
const SPACECRAFT = 20;

export interface NonScheduledFigures {
  restFramesPerSecond: number;
  duplicateFramesPerSecond: number;
  gatewayFramesPerSecond: number;
  attributedShare: number;
  storedRows: number;
  framesSent: number;
}

/** One frame from CSP address 10, `index` in its payload (so each is a new frame). */
function frame(index: number): Buffer {
  const header = makeCspHeader({
    priority: 2,
    source: 10,
    sourcePort: 10,
    destination: 1,
    destinationPort: 20,
  });
  const payload = Buffer.alloc(FRAME_BYTES - 4, 0x55);
  payload.writeUInt32BE(index, 0);
  return Buffer.from(buildCspFrame(1, header, payload));
}

/** Times spread over the pass's middle minute, so all fall within it. */
function timeIn(pass: { aos: string; los: string }, i: number, count: number): string {
  const mid = (Date.parse(pass.aos) + Date.parse(pass.los)) / 2;
  return new Date(mid - 30_000 + Math.floor((i * 60_000) / count)).toISOString();
}

/** Runs the three phases against `t` (a fresh TestApp) and returns the figures. */
export async function benchNonScheduled(t: TestApp, batches: number): Promise<NonScheduledFigures> {
  t.clock.set(ORBIT_NOW);
  const gs = await t.operator('bench-gs');
  const mission = await t.operator('bench-m');
  await t.http('POST', '/api/ground-stations', { token: gs.token, body: stationConfig('nonschedGS') });
  for (let i = 0; i < SPACECRAFT; i++) {
    const address = i === 0 ? 10 : 11 + i;
    await t.http('POST', '/api/spacecraft', {
      token: mission.token,
      body: spacecraftConfig(`nonschedSAT${i}`, {
        csp: { version: 1, addresses: [address], uplinkPorts: [10], downlinkPorts: [10] },
      }),
    });
  }
  const passes = (
    await t.http<{ aos: string; los: string }[]>(
      'GET',
      '/api/spacecraft/nonschedSAT0/passes?groundStations=nonschedGS',
      {
        token: mission.token,
      },
    )
  ).body;
  t.clock.set(new Date(Date.parse(passes.at(-1)!.los) + 3_600_000));
  const uploads = Array.from({ length: batches }, (_, b) => ({
    frames: Array.from({ length: FRAMES_PER_UPLOAD }, (_, i) => ({
      data: frame(b * FRAMES_PER_UPLOAD + i).toString('base64'),
      gsTimestamp: timeIn(passes[b % passes.length], i, FRAMES_PER_UPLOAD),
    })),
  }));
  const post = async (body: unknown) => {
    const answer = await t.http('POST', '/api/ground-stations/nonschedGS/packets/non-scheduled', {
      token: gs.token,
      body,
    });
    if (answer.status !== 200) throw new Error(JSON.stringify(answer.body).slice(0, 300));
    return answer.body as { stored: number; duplicates: number; attributed: number };
  };

  let attributed = 0;
  let started = performance.now();
  for (const upload of uploads) attributed += (await post(upload)).attributed;
  const restSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  for (const upload of uploads)
    if ((await post(upload)).duplicates !== FRAMES_PER_UPLOAD) throw new Error('not duplicates');
  const duplicateSeconds = (performance.now() - started) / 1000;

  const key = (await t.http('POST', '/api/me/api-keys', { token: gs.token, body: { name: 'bench' } })).body
    .key as string;
  const client = await gatewayClient(t, key);
  const offset = batches * FRAMES_PER_UPLOAD;
  started = performance.now();
  try {
    for (let c = 0; c < (batches * FRAMES_PER_UPLOAD) / FRAMES_PER_CALL; c++) {
      const frames = Array.from({ length: FRAMES_PER_CALL }, (_, i) => ({
        data: frame(offset + c * FRAMES_PER_CALL + i),
        gsTimestamp: timeIn(passes[c % passes.length], i, FRAMES_PER_CALL),
      }));
      const result = await client.sendNonScheduled('nonschedGS', frames);
      if (result.stored !== FRAMES_PER_CALL) throw new Error(`stored ${result.stored}`);
    }
  } finally {
    client.destroy();
  }
  const gatewaySeconds = (performance.now() - started) / 1000;

  const framesSent = 2 * batches * FRAMES_PER_UPLOAD;
  const storedRows = await t.app.get(DataSource).getRepository(Packet).countBy({ outcome: 'NON_SCHEDULED' });
  return {
    restFramesPerSecond: Math.round((batches * FRAMES_PER_UPLOAD) / restSeconds),
    duplicateFramesPerSecond: Math.round((batches * FRAMES_PER_UPLOAD) / duplicateSeconds),
    gatewayFramesPerSecond: Math.round((batches * FRAMES_PER_UPLOAD) / gatewaySeconds),
    attributedShare: attributed / (batches * FRAMES_PER_UPLOAD),
    storedRows,
    framesSent,
  };
}

async function main(): Promise<void> {
  const batches = Number(process.env.BENCH_BATCHES ?? 10);
  const t = await TestApp.start({ SATNET_NONSCHED_STATION_BYTES_PER_SECOND: '1073741824' });
  try {
    const figures = await benchNonScheduled(t, batches);
    const database = process.env.DATABASE_URL?.startsWith('mysql') ? 'MySQL/MariaDB' : 'SQLite';
    console.log(
      `non-scheduled uploads on ${database}, ${batches} × ${FRAMES_PER_UPLOAD} frames of ${FRAME_BYTES} bytes`,
    );
    console.log(`(a) REST, new frames:          ${figures.restFramesPerSecond} frames/s`);
    console.log(`(b) REST, all duplicates:      ${figures.duplicateFramesPerSecond} frames/s`);
    console.log(`(c) TLS sendNonScheduled ×200: ${figures.gatewayFramesPerSecond} frames/s`);
    console.log(`attributed: ${(figures.attributedShare * 100).toFixed(1)}% of (a)`);
    console.log(`archive: ${figures.storedRows} rows for ${figures.framesSent} distinct frames sent`);
    if (figures.storedRows !== figures.framesSent) process.exitCode = 1;
  } finally {
    await t.stop();
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
