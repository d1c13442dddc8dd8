import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { ORBIT_NOW } from './helpers/fixtures';
import { frames, gatewayClient, next, reservedSlot } from './helpers/relay-fixture';
import { TestApp } from './helpers/test-app';
import { createTestDatabase } from './helpers/test-database';

/** No frame the server accepted is lost by a graceful shutdown: the packet log is flushed first. */
describe('packet log across a graceful shutdown', () => {
  it('holds every accepted frame, and clients are told the server is going away', async () => {
    const database = await createTestDatabase();
    // A long flush interval and big batches: the frames are still queued when shutdown begins.
    const t = await TestApp.start(
      { SATNET_PACKET_LOG_FLUSH_MS: '60000', SATNET_PACKET_LOG_BATCH_SIZE: '100000' },
      database,
    );
    try {
      t.clock.set(ORBIT_NOW);
      const slot = await reservedSlot(t, 'shutdown');
      t.clock.set(slot.start);
      const station = await gatewayClient(t, slot.stationKey);
      const mission = await gatewayClient(t, slot.missionKey);
      await station.startRemote(slot.slotId);
      await mission.startRemote(slot.slotId);
      const sends = [];
      for (let i = 0; i < 250; i++) {
        sends.push(station.sendMsg(frames.downlink(`tm ${i}`), ORBIT_NOW));
        sends.push(mission.sendMsg(frames.uplink(`tc ${i}`), ORBIT_NOW));
      }
      const accepted = (await Promise.allSettled(sends)).filter((r) => r.status === 'fulfilled').length;
      expect(accepted).toBe(500);
      const told = next<[{ code: string }]>(mission, 'serverError');
      await t.stop();
      expect((await told)[0].code).toBe('SERVER_SHUTDOWN');

      const check = new DataSource(
        buildDataSourceOptions({ url: database.url, migrate: false, logQueries: false }),
      );
      await check.initialize();
      const [{ n }] = await check.query('SELECT COUNT(*) AS n FROM packets WHERE slotId = ?', [slot.slotId]);
      const [{ open }] = await check.query(
        'SELECT COUNT(*) AS open FROM relay_sessions WHERE endedAt IS NULL',
      );
      await check.destroy();
      expect(Number(n)).toBe(accepted);
      expect(Number(open)).toBe(0);
    } finally {
      await database.drop();
    }
  });
});
