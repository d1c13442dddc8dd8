// SPDX-License-Identifier: Apache-2.0
import { RelayService } from '../src/relay/relay.service';
import { ORBIT_NOW } from './helpers/fixtures';
import { PythonRun, requirePythonModule } from './helpers/python';
import { frames, gatewayClient, next, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { TestApp } from './helpers/test-app';

/** The example's CSP packet: v1 header from 1:20 to 10:11 (what the fixture spacecraft accepts). */
const UPLINK = frames.uplink('from python');
const uplinkArgs = (): string[] => ['1:20', '10:11', Buffer.from('from python').toString('hex')];

describe('the Python WebSocket example (clients/python/ws_example.py)', () => {
  let t: TestApp;
  let slot: ReservedSlot;
  let slots = 0;
  beforeAll(async () => {
    requirePythonModule('websockets', 'python3-websockets');
    t = await TestApp.start();
  });
  // Each test has its own slot (the first ends its slot), and runs at its start.
  beforeEach(async () => {
    t.clock.set(ORBIT_NOW);
    slot = await reservedSlot(t, `pyws${++slots}`);
    t.clock.set(slot.start);
  });
  afterAll(() => t.stop());

  it('sends an uplink to a TLS station and prints its downlink, until SLOT_END', async () => {
    const station = await gatewayClient(t, slot.stationKey);
    await station.startRemote(slot.slotId);
    const heard = next<[Buffer]>(station, 'notifyMsg');

    const python = new PythonRun('ws_example.py', [
      ...['--url', t.baseUrl, '--api-key', slot.missionKey, slot.spacecraft, ...uplinkArgs()],
    ]);
    try {
      expect((await heard)[0]).toEqual(UPLINK);
      await python.printed(/"type":"ack","id":1/);
      const downlink = frames.downlink('to python');
      const receivedAt = slot.start.toISOString();
      await station.sendMsg(downlink, receivedAt);
      await python.printed(
        new RegExp(
          `downlink ${downlink.length} bytes doppler=-?[\\d.]+ Hz gs=${receivedAt} slot=${slot.slotId} ` +
            `station=${slot.station} data=${downlink.toString('hex')}`,
        ),
      );

      t.clock.set(slot.end);
      await t.app.get(RelayService).endFinishedSlots();
      expect(await python.exited).toBe(0);
    } finally {
      python.kill();
      station.destroy();
    }
    expect(python.errors).toBe('');
    expect(python.output).toContain(
      `Sending: {"type": "message", "direction": "uplink", "packet": "${UPLINK.toString('base64')}", "id": 1}`,
    );
    expect(python.output).toContain(`event REMOTE_CONNECTED slot=${slot.slotId}`);
    expect(python.output).toContain(`event SLOT_END slot=${slot.slotId}`);
    expect(python.output).toMatch(/Closed: 1000/);
  });

  it('prints the refusal of a packet (token in the query) and exits 1', async () => {
    const python = new PythonRun('ws_example.py', [
      ...['--url', t.baseUrl, '--api-key', slot.missionKey, '--auth', 'query', '--linger', '1'],
      ...[slot.spacecraft, '1:20', '10:12', 'cafe'],
    ]);
    expect(await python.exited).toBe(1);
    expect(python.output).toMatch(
      /error FRAME_REJECTED: error verifying csp packet: uplink destination port 12 is not in/,
    );
  });

  it('exits 1 when the handshake is refused', async () => {
    const python = new PythonRun('ws_example.py', [
      ...['--url', t.baseUrl, '--api-key', slot.stationKey, '--auth', 'subprotocol'],
      ...[slot.spacecraft, ...uplinkArgs()],
    ]);
    expect(await python.exited).toBe(1);
    expect(python.errors).toMatch(/^refused: .*403/);
  });
});
