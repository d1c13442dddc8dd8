// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import { GatewayClient } from '../src/client/gateway-client';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { ENTITIES } from '../src/entities';
import { AppProcess } from './helpers/app-process';
import { frames } from './helpers/relay-fixture';
import { reservedSlotAroundNow } from './helpers/slot-around-now';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';

/** Frames the station keeps unanswered at any moment, as a pipelining client does. */
const WINDOW = 64;
/** Acknowledged frames after which the server is killed. */
const KILL_AFTER = 3000;

/**
 * An acknowledgement means "stored" (docs/protocol.md §5.3): the server, run as its own process,
 * is killed with SIGKILL while a station streams frames; after a restart on the same database,
 * every frame it acknowledged is in the packet log, and none twice.
 */
describe('acknowledged frames survive kill -9', () => {
  let database: TestDatabase;
  let server: AppProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await server?.kill();
    await database.drop();
  });

  it('keeps every acknowledged frame, writes none twice, and ends the killed sessions at restart', async () => {
    const slot = await reservedSlotAroundNow(database, 'kill');
    server = await startServer(database);
    const station = await connect(server.gatewayPort, slot.stationKey, slot.slotId);
    const mission = await connect(server.gatewayPort, slot.missionKey, slot.slotId);

    const acknowledged = new Set<number>();
    let killing: Promise<void> | undefined;
    await streamUntilKilled(station, acknowledged, () => {
      killing = server?.kill();
    });
    await killing;
    station.destroy();
    mission.destroy();
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);

    server = await startServer(database); // the restart closes what the killed run left open
    await server.stop();
    expect(server.exitCode).toBe(0);
    expect(server.output()).toContain('TLS gateway stopped'); // the last lines of a shutdown are kept

    const check = new DataSource(
      buildDataSourceOptions({ url: database.url, migrate: false, logQueries: false }, ENTITIES),
    );
    await check.initialize();
    try {
      const rows: { data: Buffer }[] = await check.query('SELECT data FROM packets WHERE slotId = ?', [
        slot.slotId,
      ]);
      const logged = rows.map((row) =>
        Number(/tm (\d+)/.exec(Buffer.from(row.data).toString('latin1'))?.[1]),
      );
      const missing = [...acknowledged].filter((i) => !logged.includes(i));
      expect(missing).toEqual([]);
      expect(logged.length - new Set(logged).size).toBe(0); // nothing twice
      const sessions: { endReason: string | null }[] = await check.query(
        'SELECT endReason FROM relay_sessions WHERE slotId = ?',
        [slot.slotId],
      );
      expect(sessions.map((s) => s.endReason)).toEqual(['SERVER_LOST', 'SERVER_LOST']);
    } finally {
      await check.destroy();
    }
  });
});

/** `npm start`'s server (from source), on the test's database, as a child process. */
function startServer(database: TestDatabase): Promise<AppProcess> {
  return AppProcess.start({ name: 'kill', env: { DATABASE_URL: database.url } });
}

async function connect(port: number, apiKey: string, slotId: string): Promise<GatewayClient> {
  const client = await GatewayClient.connect({ host: '127.0.0.1', port, insecure: true, keepAliveMs: 0 });
  await client.login(apiKey);
  await client.startRemote(slotId);
  return client;
}

/**
 * Streams downlink frames `tm 0`, `tm 1`, … keeping WINDOW unanswered, and records each one the
 * server acknowledges; calls `kill` once KILL_AFTER are acknowledged, and resolves when the
 * connection is gone.
 */
function streamUntilKilled(
  station: GatewayClient,
  acknowledged: Set<number>,
  kill: () => void,
): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    let killed = false;
    station.once('close', () => resolve());
    const send = (): void => {
      const i = next++;
      station.sendMsg(frames.downlink(`tm ${i}`), Date.now()).then(
        () => {
          acknowledged.add(i);
          if (acknowledged.size >= KILL_AFTER && !killed) {
            killed = true;
            kill();
          }
          if (!killed) send();
        },
        () => undefined, // refused or cut off by the kill: not acknowledged
      );
    };
    for (let i = 0; i < WINDOW; i++) send();
  });
}
