// SPDX-License-Identifier: Apache-2.0
import { GatewayClient } from '../src/client/gateway-client';
import { ProcessCluster } from './helpers/app-process';
import { TEST_REDIS_URL } from './helpers/cluster';
import { frames, next } from './helpers/relay-fixture';
import { reservedSlotAroundNow } from './helpers/slot-around-now';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';

const REMOTE_READY = 0;
const REMOTE_NOT_CONNECTED = -2;
const REMOTE_DISCONNECTED = -1;
/** The smallest SATNET_PRESENCE_TTL_SECONDS allowed, so the test waits the least. */
const PRESENCE_TTL_SECONDS = 3;
/** The documented bound (docs/protocol.md §17): 4/3 of the presence ttl after the last renewal. */
const BOUND_MS = (PRESENCE_TTL_SECONDS * 4000) / 3;
/** Timers of two busy processes on a shared CI machine run late by this much at most. */
const TIMER_SLACK_MS = 2000;

/**
 * Issue 15's "an instance can be killed mid-slot and the clients recover on the other", for real:
 * A and B are the server's own entry in two processes sharing a database and Redis, on the
 * system clock; B is killed with SIGKILL while its mission client is in a slot with a station on
 * A. (test/cluster-relay.e2e-spec.ts walks the same case in one process, by a manual clock.)
 */
describe('an instance killed with SIGKILL mid-slot', () => {
  let database: TestDatabase;
  let cluster: ProcessCluster | undefined;
  const open: GatewayClient[] = [];

  const client = async (port: number, key: string): Promise<GatewayClient> => {
    const c = await GatewayClient.connect({ host: '127.0.0.1', port, insecure: true, keepAliveMs: 0 });
    open.push(c);
    await c.login(key);
    return c;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const c of open) c.destroy();
    await cluster?.stop();
    await database.drop();
  });

  it('tells the station on A within the bound, and the mission resumes on A with every frame it missed', async () => {
    const slot = await reservedSlotAroundNow(database, 'sigkill');
    cluster = await ProcessCluster.start(['A', 'B'], {
      DATABASE_URL: database.url,
      SATNET_REDIS_URL: TEST_REDIS_URL,
      SATNET_PRESENCE_TTL_SECONDS: String(PRESENCE_TTL_SECONDS),
    });
    const [a, b] = cluster.instances;
    const station = await client(a.gatewayPort, slot.stationKey);
    expect(await station.startRemote(slot.slotId)).toBe(REMOTE_NOT_CONNECTED); // the mission is not there yet
    const mission = await client(b.gatewayPort, slot.missionKey);
    const heard = next<[Uint8Array, number, string, number]>(mission, 'notifyMsg');
    expect(await mission.startRemote(slot.slotId)).toBe(REMOTE_READY);
    const before = await station.sendMsg(frames.downlink('before'));
    expect(before.delivered).toBe(true);
    const [data, , , lastSeq] = await heard;
    expect([Buffer.from(data), lastSeq]).toEqual([frames.downlink('before'), before.seq]);

    const disconnected = new Promise<unknown[]>((resolve) =>
      station.on('notifyEvent', (...event: unknown[]) => {
        if (event[0] === REMOTE_DISCONNECTED) resolve(event);
      }),
    );
    const killedAt = Date.now();
    await b.kill();
    // Sent while A may still count B's mission present: answered either way, resumed below.
    const meanwhile = await station.sendMsg(frames.downlink('meanwhile'));
    expect(await disconnected).toEqual([REMOTE_DISCONNECTED, 'REMOTE_DISCONNECTED', 'CONNECTION_LOST']);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(BOUND_MS + TIMER_SLACK_MS);

    // The mission reconnects to A and resumes after the last frame it got: the frame sent while B
    // was dying first, then live frames, each once.
    const again = await client(a.gatewayPort, slot.missionKey);
    const received: [Buffer, number | undefined][] = [];
    again.on('notifyMsg', (frame: Uint8Array, _doppler: number, _at: string, seq: number | undefined) =>
      received.push([Buffer.from(frame), seq]),
    );
    expect(await again.startRemote(slot.slotId, 'mission', lastSeq)).toBe(REMOTE_READY);
    const after = await station.sendMsg(frames.downlink('after'));
    expect(after.delivered).toBe(true);
    await again.ping(); // the server has sent everything before its pong
    expect(received).toEqual([
      [frames.downlink('meanwhile'), meanwhile.seq],
      [frames.downlink('after'), after.seq],
    ]);
  });
});
