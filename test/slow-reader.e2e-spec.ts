// SPDX-License-Identifier: Apache-2.0
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { DataSource } from 'typeorm';
import type { GatewayClient } from '../src/client/gateway-client';
import { RelaySessionRecord } from '../src/relay/relay-session.entity';
import { WireProbe } from '../src/transports/gateway/testing/wire-probe';
import { ORBIT_NOW } from './helpers/fixtures';
import { frames, gatewayClient, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { TestApp } from './helpers/test-app';

/**
 * A mission client that stops reading (docs/protocol.md §8, "Backpressure"): the server drops it
 * once its outbound buffer is full, the station hears REMOTE_DISCONNECTED with the reason
 * CLIENT_NOT_READING, the audit keeps it, and every frame the station sent is in the packet log.
 */
describe('a mission client that stops reading', () => {
  let t: TestApp;
  let slot: ReservedSlot;
  let station: GatewayClient | undefined;
  let missionSocket: TLSSocket | undefined;

  beforeAll(async () => {
    t = await TestApp.start({
      SATNET_GATEWAY_MAX_BUFFERED_BYTES: '65536',
      SATNET_RELAY_MAX_SESSION_BYTES_PER_SECOND: '1073741824',
    });
    t.clock.set(ORBIT_NOW);
    slot = await reservedSlot(t, 'slow');
    t.clock.set(slot.start);
  });
  afterAll(async () => {
    station?.destroy();
    missionSocket?.destroy();
    await t.stop();
  });

  it('is dropped with a reason both sides and the audit see; the station loses no frame', async () => {
    missionSocket = tlsConnect({ host: '127.0.0.1', port: t.gatewayPort, rejectUnauthorized: false });
    await new Promise<void>((resolve) => missionSocket?.once('secureConnect', () => resolve()));
    const mission = new WireProbe(missionSocket);
    await mission.ok('login', [slot.missionKey]);
    await mission.ok('startRemote', [slot.slotId]);
    missionSocket.pause(); // it stops reading

    station = await gatewayClient(t, slot.stationKey);
    await station.startRemote(slot.slotId);
    let gone = false;
    const dropped = new Promise<unknown[]>((resolve) =>
      station?.on('notifyEvent', (...args: unknown[]) => {
        gone = true;
        resolve(args);
      }),
    );
    const answers: { delivered: boolean }[] = [];
    const payload = 'x'.repeat(3000);
    // Kernel socket buffers take megabytes before the server's own buffer fills: send until told.
    for (let i = 0; !gone && i < 20_000; i += 32) {
      const batch = Array.from({ length: 32 }, () =>
        (station as GatewayClient).sendMsg(frames.downlink(payload), t.clock.now().toISOString()),
      );
      answers.push(...(await Promise.all(batch)));
    }
    expect(await dropped).toEqual([-1, 'REMOTE_DISCONNECTED', 'CLIENT_NOT_READING']);
    expect((await station.sendMsg(frames.downlink('after'), t.clock.now().toISOString())).delivered).toBe(
      false,
    );

    missionSocket.resume(); // reading again within the grace period: it learns why it was dropped
    await mission.closed();
    expect(mission.notifications('error')).toEqual([
      [{ code: 'CLIENT_NOT_READING', message: expect.stringContaining('your session has ended') }],
    ]);

    const sessions = await t.app
      .get(DataSource)
      .getRepository(RelaySessionRecord)
      .find({ where: { slotId: slot.slotId, side: 'mission' } });
    expect(sessions.map((s) => s.endReason)).toEqual(['CLIENT_NOT_READING']);
    const [{ n }] = await t.app
      .get(DataSource)
      .query('SELECT COUNT(*) AS n FROM packets WHERE slotId = ?', [slot.slotId]);
    expect(Number(n)).toBe(answers.length + 1);
  });
});
