// SPDX-License-Identifier: Apache-2.0
import { connect as tlsConnect } from 'node:tls';
import { DataSource } from 'typeorm';
import { GatewayClosedError, type GatewayClient, GatewayRpcError } from '../src/client/gateway-client';
import { CSP_FLAG, makeCspHeader } from '../src/csp/csp-header';
import { buildCspFrame } from '../src/csp/csp-frame';
import { PacketLog } from '../src/relay/packet-log';
import { Packet } from '../src/relay/packet.entity';
import { RelayService } from '../src/relay/relay.service';
import { ORBIT_NOW, spacecraftConfig } from './helpers/fixtures';
import { Scrape } from './helpers/prometheus';
import { frames, gatewayClient, next, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { rejection } from './helpers/rejection';
import { TestApp } from './helpers/test-app';

const REMOTE_READY = 0;
const CLIENTS_COINCIDE = -1;
const REMOTE_NOT_CONNECTED = -2;
const EVENT = { REMOTE_DISCONNECTED: -1, SLOT_END: -2, END_REMOTE: -3, REMOTE_CONNECTED: -4 };

const rpcError = (call: Promise<unknown>) => rejection(call, GatewayRpcError);

describe('TLS relay between station and mission clients (Annex E)', () => {
  let t: TestApp;
  let slot: ReservedSlot;
  const open: GatewayClient[] = [];
  const client = async (key?: string) => {
    const c = await gatewayClient(t, key);
    open.push(c);
    return c;
  };
  /** A frame timestamp from clocks that agree with the server's. */
  const now = () => t.clock.now().toISOString();
  const packets = async () => {
    await t.app.get(PacketLog).flush();
    return t.app
      .get(DataSource)
      .getRepository(Packet)
      .find({ where: { slotId: slot.slotId }, order: { id: 'ASC' } });
  };

  beforeAll(async () => {
    t = await TestApp.start({ SATNET_RELAY_MAX_SESSION_BYTES_PER_SECOND: '8192' }); // bursts of 16 KiB
    t.clock.set(ORBIT_NOW);
    slot = await reservedSlot(t, 'relay');
  });
  beforeEach(() => t.clock.set(new Date(slot.start.getTime() - 60_000))); // one minute before AOS
  afterEach(() => {
    for (const c of open.splice(0)) c.destroy();
  });
  afterAll(() => t.stop());

  it('connects in either order and tells the first side when the second arrives', async () => {
    const mission = await client(slot.missionKey);
    expect(await mission.startRemote(slot.slotId)).toBe(REMOTE_NOT_CONNECTED);
    const connected = next<[number, string]>(mission, 'notifyEvent');
    const station = await client(slot.stationKey);
    expect(await station.startRemote(slot.slotId)).toBe(REMOTE_READY);
    expect(await connected).toEqual([EVENT.REMOTE_CONNECTED, 'REMOTE_CONNECTED']);
    await mission.endRemote();
    await station.endRemote();

    const station2 = await client(slot.stationKey);
    expect(await station2.startRemote(slot.slotId, 'station')).toBe(REMOTE_NOT_CONNECTED);
    const mission2 = await client(slot.missionKey);
    const arrived = next<[number]>(station2, 'notifyEvent');
    expect(await mission2.startRemote(slot.slotId)).toBe(REMOTE_READY);
    expect((await arrived)[0]).toBe(EVENT.REMOTE_CONNECTED);
  });

  it('relays frames both ways with Doppler and timestamps, and logs them', async () => {
    const before = (await packets()).length;
    const station = await client(slot.stationKey);
    const mission = await client(slot.missionKey);
    await station.startRemote(slot.slotId);
    await mission.startRemote(slot.slotId);

    const down = frames.downlink();
    const heard = next<[Buffer, number, string, number]>(mission, 'notifyMsg');
    const receivedAt = new Date(t.clock.nowMs() + 30_123).toISOString(); // the station's clock, 30 s ahead
    const sent = await station.sendMsg(down, receivedAt);
    const [data, doppler, gsTimestamp, seq] = await heard;
    expect(Buffer.compare(data, down)).toBe(0);
    expect(gsTimestamp).toBe(receivedAt);
    // The sender and the receiver are told the same sequence number (docs/protocol.md §14).
    expect(sent).toEqual({ delivered: true, dopplerShift: doppler, gsTimestamp: receivedAt, seq });
    expect(seq).toBeGreaterThanOrEqual(1);
    expect(Math.abs(doppler)).toBeGreaterThan(0);
    expect(Math.abs(doppler)).toBeLessThan(11_000);

    const up = frames.uplink();
    const command = next<[Buffer, number, string, number]>(station, 'notifyMsg');
    const reply = await mission.sendMsg(up, t.clock.nowMs());
    const [commandData, uplinkDoppler, commandStamp, commandSeq] = await command;
    expect(commandSeq).toBe(reply.seq);
    expect(Buffer.compare(commandData, up)).toBe(0);
    expect(commandStamp).toBe(t.clock.now().toISOString()); // the server's receive time for mission frames
    expect(reply.dopplerShift).toBe(uplinkDoppler);

    const logged = (await packets()).slice(before);
    expect(logged.map((p) => [p.fromSide, p.direction, p.outcome, p.frameBytes])).toEqual([
      ['station', 'DOWNLINK', 'RELAYED', down.length],
      ['mission', 'UPLINK', 'RELAYED', up.length],
    ]);
    expect(logged[0]).toMatchObject({
      clientTimestamp: receivedAt,
      dopplerShiftHz: doppler,
      cspSource: 10,
      cspSourcePort: 10,
    });
    expect(logged[0].gsTimestamp?.toISOString()).toBe(receivedAt);
    expect(logged.map((p) => p.sequence)).toEqual([seq, reply.seq]);
    expect(Buffer.compare(Buffer.from(logged[1].data), up)).toBe(0);
  });

  it('logs but does not deliver a frame while the other side is away, and says so', async () => {
    const station = await client(slot.stationKey);
    await station.startRemote(slot.slotId);
    expect((await station.sendMsg(frames.downlink('alone'), now())).delivered).toBe(false);
    expect((await packets()).at(-1)?.outcome).toBe('NOT_DELIVERED');
  });

  it('sends END_REMOTE and REMOTE_DISCONNECTED, and lets a client come back within the slot', async () => {
    const station = await client(slot.stationKey);
    const mission = await client(slot.missionKey);
    await station.startRemote(slot.slotId);
    await mission.startRemote(slot.slotId);
    const ended = next<[number]>(station, 'notifyEvent');
    await mission.endRemote();
    expect((await ended)[0]).toBe(EVENT.END_REMOTE);

    const reconnected = next<[number]>(station, 'notifyEvent');
    expect(await mission.startRemote(slot.slotId)).toBe(REMOTE_READY); // same connection, new session
    expect((await reconnected)[0]).toBe(EVENT.REMOTE_CONNECTED);
    const lost = next<[number]>(station, 'notifyEvent');
    mission.destroy();
    expect((await lost)[0]).toBe(EVENT.REMOTE_DISCONNECTED);

    const back = await client(slot.missionKey);
    expect(await back.startRemote(slot.slotId)).toBe(REMOTE_READY);
  });

  it('answers CLIENTS_COINCIDE when that side already has a client, leaving it in place', async () => {
    const first = await client(slot.missionKey);
    expect(await first.startRemote(slot.slotId)).toBe(REMOTE_NOT_CONNECTED);
    const second = await client(slot.missionKey);
    expect(await second.startRemote(slot.slotId)).toBe(CLIENTS_COINCIDE);
    expect(await first.sendMsg(frames.uplink(), now())).toMatchObject({ delivered: false });
  });

  it('rejects frames breaking the CSP rules, logs them, and relays nothing', async () => {
    const station = await client(slot.stationKey);
    const mission = await client(slot.missionKey);
    await station.startRemote(slot.slotId);
    await mission.startRemote(slot.slotId);
    const relayed: Buffer[] = [];
    mission.on('notifyMsg', (data: Buffer) => relayed.push(data));
    station.on('notifyMsg', (data: Buffer) => relayed.push(data));

    const wrongSource = await rpcError(station.sendMsg(frames.downlink('x', { source: 11 }), now()));
    expect(wrongSource.code).toBe('FRAME_REJECTED');
    expect(wrongSource.data).toEqual({ rule: 'SOURCE_NOT_ALLOWED' });
    expect(wrongSource.message).toContain('11');
    expect(
      (await rpcError(mission.sendMsg(frames.uplink('x', { destinationPort: 12 }), now()))).data,
    ).toEqual({ rule: 'DESTINATION_PORT_NOT_ALLOWED' });
    const withCrc = buildCspFrame(
      1,
      makeCspHeader({ source: 10, sourcePort: 10, destination: 1, destinationPort: 20, flags: CSP_FLAG.CRC }),
      Buffer.from('payload'),
    );
    const corrupted = Buffer.from(withCrc);
    corrupted[6] ^= 0xff;
    expect((await rpcError(station.sendMsg(corrupted, now()))).data).toEqual({ rule: 'BAD_CRC' });
    expect((await rpcError(station.sendMsg(Buffer.alloc(5000, 1), now()))).data).toEqual({
      rule: 'FRAME_TOO_LARGE',
    });

    expect((await station.sendMsg(withCrc, now())).delivered).toBe(true); // a good CRC passes
    await mission.ping();
    expect(relayed).toHaveLength(1);
    const rejected = (await packets()).filter((p) => p.outcome === 'REJECTED').slice(-4);
    expect(rejected.map((p) => p.rejectRule)).toEqual([
      'SOURCE_NOT_ALLOWED',
      'DESTINATION_PORT_NOT_ALLOWED',
      'BAD_CRC',
      'FRAME_TOO_LARGE',
    ]);
    // The header as sent is kept wherever it could be decoded: the operator sees what was wrong.
    expect(rejected.map((p) => [p.cspSource, p.cspDestinationPort])).toEqual([
      [11, 20],
      [1, 12],
      [10, 20],
      [null, null],
    ]);
  });

  it('checks every timestamp as the protocol says, logs the refusals, and keeps a Java ZonedDateTime as sent', async () => {
    const station = await client(slot.stationKey);
    const mission = await client(slot.missionKey);
    await station.startRemote(slot.slotId);
    await mission.startRemote(slot.slotId);
    const before = (await packets()).length;

    // What Java's ZonedDateTime.toString() prints: 50 characters, nanoseconds, a zone name.
    const java = '2026-12-02T02:00:00.123456789+01:00[Europe/Madrid]';
    expect((await mission.sendMsg(frames.uplink('java'), java)).delivered).toBe(true);
    const unsetClock = await rpcError(station.sendMsg(frames.downlink('1970'), '1970-01-01T00:00:00Z'));
    expect(unsetClock.code).toBe('INVALID_TIMESTAMP');
    expect(unsetClock.message).toMatch(/behind the server's clock .* at most 300 s is accepted/);
    expect(unsetClock.data).toMatchObject({ serverTime: now() });
    const local = await rpcError(mission.sendMsg(frames.uplink('no offset'), '2030-01-01T00:00:00'));
    expect(local.code).toBe('INVALID_TIMESTAMP');
    expect((await rpcError(station.sendMsg(frames.downlink('-1'), -1))).code).toBe('INVALID_TIMESTAMP');
    const ahead = new Date(t.clock.nowMs() + 299_000).toISOString(); // within the allowed skew
    expect((await station.sendMsg(frames.downlink('ahead'), ahead)).gsTimestamp).toBe(ahead);

    const logged = (await packets()).slice(before);
    expect(logged.map((p) => [p.outcome, p.rejectRule, p.clientTimestamp])).toEqual([
      ['RELAYED', null, java],
      ['REJECTED', 'INVALID_TIMESTAMP', '1970-01-01T00:00:00Z'],
      ['REJECTED', 'INVALID_TIMESTAMP', '2030-01-01T00:00:00'],
      ['REJECTED', 'INVALID_TIMESTAMP', '-1'],
      ['RELAYED', null, ahead],
    ]);
    expect(logged[1]).toMatchObject({ gsTimestamp: null, dopplerShiftHz: null, storeError: null });
    expect(logged.every((p) => p.storeError === null)).toBe(true);
  });

  it('refuses a session past its byte rate with RATE_LIMITED, logs nothing of it but counts it, and takes frames again later', async () => {
    const station = await client(slot.stationKey);
    await station.startRemote(slot.slotId);
    const before = (await packets()).length;
    const scrapedBefore = await Scrape.of(t);
    const big = frames.downlink('x'.repeat(3990)); // 4 of these fill the 16 KiB burst
    for (let i = 0; i < 4; i++) expect((await station.sendMsg(big, now())).delivered).toBe(false);
    const limited = await rpcError(station.sendMsg(big, now()));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.message).toContain('8192 frame bytes per second');
    expect(limited.data).toEqual({ retryAfterMs: expect.any(Number) });
    expect((await packets()).length - before).toBe(4);
    // An operator sees the refusal on /metrics, by direction and reason.
    const rateLimited = { direction: 'DOWNLINK', reason: 'RATE_LIMITED' };
    const scrapedAfter = await Scrape.of(t);
    expect(
      scrapedAfter.value('satnet_frames_rejected_total', rateLimited) -
        scrapedBefore.value('satnet_frames_rejected_total', rateLimited),
    ).toBe(1);
    t.clock.advance(1000);
    try {
      expect((await station.sendMsg(big, now())).delivered).toBe(false);
    } finally {
      t.clock.advance(-1000);
    }
  });

  it('refuses bad clients and calls without disturbing a running session', async () => {
    const station = await client(slot.stationKey);
    const mission = await client(slot.missionKey);
    await station.startRemote(slot.slotId);
    await mission.startRemote(slot.slotId);

    const anonymous = await client();
    expect((await rpcError(anonymous.startRemote(slot.slotId))).code).toBe('LOGIN_REQUIRED');
    expect((await rpcError(anonymous.login('snk_not-a-key'))).code).toBe('INVALID_API_KEY');

    // Above the 64 KiB frame limit: the request is never answered; the client hears why, then the
    // close (docs/protocol.md, 6.4).
    const oversized = await client(slot.missionKey);
    const notice = next<[{ code: string }]>(oversized, 'serverError');
    const closed = next<[string]>(oversized, 'close');
    await expect(oversized.call('sendMsg', [Buffer.alloc(70_000), 0])).rejects.toThrow(GatewayClosedError);
    expect((await notice)[0].code).toBe('FRAME_TOO_LARGE');
    expect((await closed)[0]).toMatch(/^FRAME_TOO_LARGE: /);

    const raw = tlsConnect({ host: '127.0.0.1', port: t.gatewayPort, rejectUnauthorized: false });
    await new Promise<void>((resolve) => raw.once('secureConnect', () => resolve()));
    const said: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => said.push(chunk)); // read, as a real client would
    const rawClosed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    raw.write(Buffer.from([0, 0, 0, 4, 0xc1, 0xc1, 0xc1, 0xc1])); // 0xc1 is never valid msgpack
    await rawClosed;
    expect(Buffer.concat(said).toString('latin1')).toContain('MALFORMED_MSGPACK');

    const heard = next<[Buffer]>(mission, 'notifyMsg');
    expect((await station.sendMsg(frames.downlink('still here'), now())).delivered).toBe(true);
    expect((await heard)[0].toString()).toContain('still here');
  });

  describe('slot rules', () => {
    it('refuses unknown, unreserved, foreign, too-early and ended slots', async () => {
      const mission = await client(slot.missionKey);
      expect((await rpcError(mission.startRemote('slot-nope'))).code).toBe('SLOT_NOT_FOUND');
      const outsider = await reservedSlot(t, 'outsider');
      expect((await rpcError(mission.startRemote(outsider.slotId))).code).toBe('NOT_YOUR_SLOT');
      expect((await rpcError(mission.startRemote(slot.slotId, 'station'))).code).toBe('NOT_YOUR_SLOT');

      const now = t.clock.now();
      try {
        t.clock.set(new Date(slot.start.getTime() - 5 * 60_000 - 1));
        const early = await rpcError(mission.startRemote(slot.slotId));
        expect(early.code).toBe('TOO_EARLY');
        expect(early.message).toContain(new Date(slot.start.getTime() - 5 * 60_000).toISOString());
        t.clock.set(slot.end);
        expect((await rpcError(mission.startRemote(slot.slotId))).code).toBe('SLOT_ENDED');
      } finally {
        t.clock.set(now);
      }
      const token = await t.login('relay-m', 'relay-m-password');
      const free = (await t.rpc('get_operational_slots', ['relaySAT'], token)).result.OperationSlot.find(
        (s: { state: string }) => s.state === 'FREE',
      );
      expect((await rpcError(mission.startRemote(free.identifier))).code).toBe('SLOT_NOT_RESERVED');
    });

    it('refuses CSP_NOT_CONFIGURED to both sides of a slot whose spacecraft has no CSP settings', async () => {
      const bare = await reservedSlot(t, 'nocsp');
      const owner = await t.login('nocsp-m', 'nocsp-m-password');
      const { csp: _, ...withoutCsp } = spacecraftConfig(bare.spacecraft);
      const put = await t.http('PUT', `/api/spacecraft/${bare.spacecraft}`, {
        token: owner,
        body: withoutCsp,
      });
      expect([put.status, put.body.csp]).toEqual([200, null]);
      for (const key of [bare.stationKey, bare.missionKey]) {
        const refused = await rpcError((await client(key)).startRemote(bare.slotId));
        expect(refused.code).toBe('CSP_NOT_CONFIGURED');
        expect(refused.message).toContain(`spacecraft "${bare.spacecraft}" has no CSP settings`);
      }
    });

    it('answers a frame sent after the end SLOT_ENDED, then ends the slot for both sides', async () => {
      const station = await client(slot.stationKey);
      const mission = await client(slot.missionKey);
      await station.startRemote(slot.slotId);
      await mission.startRemote(slot.slotId);
      const heard = next<[number]>(mission, 'notifyEvent');
      const closes = [next(station, 'close'), next(mission, 'close')];
      t.clock.set(slot.end);
      expect((await rpcError(station.sendMsg(frames.downlink('late'), now()))).code).toBe('SLOT_ENDED');
      expect((await heard)[0]).toBe(EVENT.SLOT_END);
      await Promise.all(closes);
    });

    it('ends the slot: SLOT_END to both, then the connections close', async () => {
      const station = await client(slot.stationKey);
      const mission = await client(slot.missionKey);
      await station.startRemote(slot.slotId);
      await mission.startRemote(slot.slotId);
      const events = [next<[number]>(station, 'notifyEvent'), next<[number]>(mission, 'notifyEvent')];
      const closes = [next(station, 'close'), next(mission, 'close')];
      t.clock.set(slot.end);
      expect(await t.app.get(RelayService).endFinishedSlots()).toBe(1);
      expect((await Promise.all(events)).map((e) => e[0])).toEqual([EVENT.SLOT_END, EVENT.SLOT_END]);
      await Promise.all(closes);
    });
  });
});
