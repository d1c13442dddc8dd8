import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { RelayService } from '../src/relay/relay.service';
import { ORBIT_NOW } from './helpers/fixtures';
import { frames, gatewayClient, next, reservedSlot } from './helpers/relay-fixture';
import { TestApp } from './helpers/test-app';

/** Debian's interpreter, which has python3-msgpack (.ci/run installs it). */
const PYTHON = '/usr/bin/python3';

describe('the Python client (clients/python/example.py)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Without the module the example dies at import and the test would only time out.
    const probe = spawnSync(PYTHON, ['-c', 'import msgpack']);
    if (probe.status !== 0)
      throw new Error(`${PYTHON} cannot import msgpack: apt-get install python3-msgpack (.ci/run does)`);
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('exchanges frames with a TypeScript station client during a reserved slot', async () => {
    t.clock.set(ORBIT_NOW);
    const slot = await reservedSlot(t, 'py');
    t.clock.set(slot.start);
    const station = await gatewayClient(t, slot.stationKey);
    await station.startRemote(slot.slotId);
    const uplink = frames.uplink('from python');
    const heard = next<[Buffer]>(station, 'notifyMsg');

    const python = spawn(PYTHON, [
      join(__dirname, '../clients/python/example.py'),
      ...['--host', '127.0.0.1', '--port', String(t.gatewayPort), '--insecure'],
      ...['--api-key', slot.missionKey, '--slot', slot.slotId, '--frame', uplink.toString('hex')],
    ]);
    let output = '';
    let errors = '';
    python.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const printed = (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        const check = () => pattern.test(output) && resolve();
        python.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          check();
        });
        check();
      });
    const exited = new Promise<number | null>((resolve) => python.on('close', resolve));

    expect(Buffer.compare((await heard)[0], uplink)).toBe(0);
    const receivedAt = slot.start.toISOString();
    await station.sendMsg(frames.downlink('to python'), receivedAt);
    await printed(
      new RegExp(
        `recv \\d+ bytes doppler=-?\\d+ Hz gs=${receivedAt.replace('Z', '')}.*data=${frames.downlink('to python').toString('hex')}`,
      ),
    );

    t.clock.set(slot.end);
    await t.app.get(RelayService).endFinishedSlots();
    expect(await exited).toBe(0);
    expect(errors).toBe('');
    expect(output).toContain(`startRemote ${slot.slotId}: REMOTE_READY (0)`);
    expect(output).toContain('event SLOT_END (-2)');
    station.destroy();
  });
});
