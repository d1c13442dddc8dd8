// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import type { GatewayClient } from '../src/client/gateway-client';
import { MissionSocketClient } from '../src/client/websocket-client';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { ENTITIES } from '../src/entities';
import { ORBIT_NOW } from './helpers/fixtures';
import { frames, gatewayClient, next, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { TestApp } from './helpers/test-app';
import { createTestDatabase } from './helpers/test-database';

function heard(client: GatewayClient, count: number): Promise<void> {
  let left = count;
  return new Promise((resolve) =>
    client.on('notifyMsg', () => {
      if (--left === 0) resolve();
    }),
  );
}

/**
 * A server whose packet log holds its frames (a long flush interval, big batches), so that they
 * are still queued, unanswered, when shutdown begins; `run` gets it with a reserved slot at its
 * start, and must stop it. The database outlives the server, for `afterwards` to read.
 */
async function withHeldPacketLog(
  prefix: string,
  run: (t: TestApp, slot: ReservedSlot) => Promise<void>,
  afterwards: (database: DataSource, slot: ReservedSlot) => Promise<void>,
): Promise<void> {
  const database = await createTestDatabase();
  const t = await TestApp.start(
    { SATNET_PACKET_LOG_FLUSH_MS: '60000', SATNET_PACKET_LOG_BATCH_SIZE: '100000' },
    database,
  );
  try {
    t.clock.set(ORBIT_NOW);
    const slot = await reservedSlot(t, prefix);
    t.clock.set(slot.start);
    await run(t, slot);
    const check = new DataSource(
      buildDataSourceOptions({ url: database.url, migrate: false, logQueries: false }, ENTITIES),
    );
    await check.initialize();
    try {
      await afterwards(check, slot);
    } finally {
      await check.destroy();
    }
  } finally {
    await database.drop();
  }
}

async function storedCount(check: DataSource, slot: ReservedSlot): Promise<number> {
  const [{ n }] = await check.query('SELECT COUNT(*) AS n FROM packets WHERE slotId = ?', [slot.slotId]);
  return Number(n);
}

/**
 * A graceful shutdown: the packet log is flushed first, so every frame waiting for its commit is
 * stored and its sender answered; sessions end as SHUTDOWN; clients are told.
 */
describe('packet log across a graceful shutdown', () => {
  it('stores and acknowledges every frame it took, and clients are told the server is going away', async () => {
    let accepted = 0;
    await withHeldPacketLog(
      'shutdown',
      async (t, slot) => {
        const station = await gatewayClient(t, slot.stationKey);
        const mission = await gatewayClient(t, slot.missionKey);
        await station.startRemote(slot.slotId);
        await mission.startRemote(slot.slotId);
        // Each side hears the other's frames as soon as the relay takes them, before they are stored.
        const relayed = Promise.all([heard(station, 250), heard(mission, 250)]);
        const sends = [];
        const now = slot.start.toISOString();
        for (let i = 0; i < 250; i++) {
          sends.push(station.sendMsg(frames.downlink(`tm ${i}`), now));
          sends.push(mission.sendMsg(frames.uplink(`tc ${i}`), now));
        }
        await relayed;
        const told = next<[{ code: string }]>(mission, 'serverError');
        const settled = Promise.allSettled(sends);
        await t.stop();
        expect((await told)[0].code).toBe('SERVER_SHUTDOWN');
        accepted = (await settled).filter((r) => r.status === 'fulfilled').length;
        expect(accepted).toBe(500);
      },
      async (check, slot) => {
        expect(await storedCount(check, slot)).toBe(accepted);
        const reasons = await check.query('SELECT endReason FROM relay_sessions WHERE slotId = ?', [
          slot.slotId,
        ]);
        expect(reasons).toEqual([{ endReason: 'SHUTDOWN' }, { endReason: 'SHUTDOWN' }]);
      },
    );
  });

  it('acknowledges every WebSocket uplink it took before it closes the sessions with 1001', async () => {
    await withHeldPacketLog(
      'wsdown',
      async (t, slot) => {
        const station = await gatewayClient(t, slot.stationKey);
        await station.startRemote(slot.slotId);
        const mission = await MissionSocketClient.connect({
          baseUrl: t.baseUrl,
          token: slot.missionKey,
          spacecraft: slot.spacecraft,
        });
        const relayed = heard(station, 100);
        const acks = [];
        for (let i = 0; i < 100; i++) acks.push(mission.uplink(frames.uplink(`tc ${i}`)));
        await relayed; // taken and relayed, not yet stored: the acknowledgements wait for the commit
        const closed = mission.next<number>('close');
        const settled = Promise.allSettled(acks);
        await t.stop();
        expect((await settled).filter((r) => r.status === 'fulfilled')).toHaveLength(100);
        expect(await closed).toBe(1001);
      },
      async (check, slot) => expect(await storedCount(check, slot)).toBe(100),
    );
  });
});
