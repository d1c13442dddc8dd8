// SPDX-License-Identifier: Apache-2.0
import { RelayService } from '../src/relay/relay.service';
import { ORBIT_NOW } from './helpers/fixtures';
import { PythonRun, requirePythonModule } from './helpers/python';
import { frames, gatewayClient, next, reservedSlot } from './helpers/relay-fixture';
import { TestApp } from './helpers/test-app';

describe('the Python client (clients/python/example.py)', () => {
  let t: TestApp;
  beforeAll(async () => {
    requirePythonModule('msgpack', 'python3-msgpack');
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

    const python = new PythonRun('example.py', [
      ...['--host', '127.0.0.1', '--port', String(t.gatewayPort), '--insecure'],
      ...['--api-key', slot.missionKey, '--slot', slot.slotId, '--frame', uplink.toString('hex')],
    ]);

    expect(Buffer.compare((await heard)[0], uplink)).toBe(0);
    const receivedAt = slot.start.toISOString();
    await station.sendMsg(frames.downlink('to python'), receivedAt);
    await python.printed(
      new RegExp(
        `recv \\d+ bytes doppler=-?\\d+ Hz gs=${receivedAt.replace('Z', '')}.*data=${frames.downlink('to python').toString('hex')}`,
      ),
    );

    t.clock.set(slot.end);
    await t.app.get(RelayService).endFinishedSlots();
    expect(await python.exited).toBe(0);
    expect(python.errors).toBe('');
    expect(python.output).toContain(`startRemote ${slot.slotId}: REMOTE_READY (0)`);
    expect(python.output).toContain('event SLOT_END (-2)');
    station.destroy();
  });

  it('resumes a slot with --last-seq: the frames sent while it was away first, once each, in order', async () => {
    t.clock.set(ORBIT_NOW);
    const slot = await reservedSlot(t, 'pyr');
    t.clock.set(slot.start);
    const station = await gatewayClient(t, slot.stationKey);
    await station.startRemote(slot.slotId);
    for (const text of ['one', 'two', 'three'])
      await station.sendMsg(frames.downlink(text), slot.start.toISOString());

    const python = new PythonRun('example.py', [
      ...['--host', '127.0.0.1', '--port', String(t.gatewayPort), '--insecure', '--last-seq', '1'],
      ...['--api-key', slot.missionKey, '--slot', slot.slotId, '--frame', frames.uplink().toString('hex')],
    ]);
    await python.printed(/startRemote .*REMOTE_READY/);
    await station.sendMsg(frames.downlink('four'), slot.start.toISOString());
    await python.printed(/seq=4/);
    const received = [...python.output.matchAll(/data=([0-9a-f]+) seq=(\d+)/g)].map(([, hex, seq]) => [
      Buffer.from(hex, 'hex').subarray(4).toString(),
      Number(seq),
    ]);
    expect(received).toEqual([
      ['two', 2],
      ['three', 3],
      ['four', 4],
    ]);
    // The missed frames came before the answer to startRemote.
    expect(python.output.indexOf('seq=3')).toBeLessThan(python.output.indexOf('startRemote'));

    t.clock.set(slot.end);
    await t.app.get(RelayService).endFinishedSlots();
    expect(await python.exited).toBe(0);
    station.destroy();
  });
});

describe('the Python client uploads non-scheduled frames (clients/python/non_scheduled_example.py)', () => {
  let t: TestApp;
  beforeAll(async () => {
    requirePythonModule('msgpack', 'python3-msgpack');
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('stores frames heard outside any slot, once, attributed to the spacecraft overhead', async () => {
    t.clock.set(ORBIT_NOW);
    const slot = await reservedSlot(t, 'pyns'); // its station, spacecraft and keys; the slot is not used
    const heard = slot.start.toISOString(); // the spacecraft is overhead at its slot's start
    t.clock.set(slot.end);
    const upload = () =>
      new PythonRun('non_scheduled_example.py', [
        ...['--host', '127.0.0.1', '--port', String(t.gatewayPort), '--insecure'],
        ...['--api-key', slot.stationKey, '--station', slot.station],
        ...['--frame', heard, frames.downlink('beacon').toString('hex')],
        ...['--frame', heard, frames.downlink('beacon', { source: 27 }).toString('hex')],
      ]);
    const first = upload();
    expect(await first.exited).toBe(0);
    expect(first.errors).toBe('');
    expect(first.output).toMatch(/stored 2 duplicates 0 attributed 1\n/);
    expect(first.output).toContain(`frame 0: STORED id=`);
    expect(first.output).toContain(`spacecraft=${slot.spacecraft}\n`);
    expect(first.output).toMatch(/frame 1: STORED id=\d+ spacecraft=None\n/);
    const again = upload();
    expect(await again.exited).toBe(0);
    expect(again.output).toMatch(/stored 0 duplicates 2 attributed 0\n/);
  });
});
