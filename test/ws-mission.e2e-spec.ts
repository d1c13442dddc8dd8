// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import {
  type DownlinkMessage,
  type ErrorMessage,
  type MissionEventMessage,
  MissionSocketClient,
  WsHandshakeError,
  WsServerError,
  type WsConnectOptions,
} from '../src/client/websocket-client';
import { JobRunner } from '../src/common/jobs';
import { CSP_FLAG, makeCspHeader } from '../src/csp/csp-header';
import { buildCspFrame } from '../src/csp/csp-frame';
import { PacketLog } from '../src/relay/packet-log';
import { Packet } from '../src/relay/packet.entity';
import { RelayService } from '../src/relay/relay.service';
import { WS_KEEPALIVE_JOB, WsGateway } from '../src/transports/ws/ws-gateway';
import { ORBIT_NOW } from './helpers/fixtures';
import { frames, gatewayClient, next, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { rejection } from './helpers/rejection';
import { TestApp } from './helpers/test-app';

const EVENT = { REMOTE_DISCONNECTED: -1, SLOT_END: -2, END_REMOTE: -3, REMOTE_CONNECTED: -4 };

const handshakeError = (opening: Promise<unknown>) => rejection(opening, WsHandshakeError);
const serverError = (call: Promise<unknown>) => rejection(call, WsServerError);

describe('mission WebSocket gateway (CSP over JSON, docs/protocol.md §13)', () => {
  let t: TestApp;
  let slot: ReservedSlot;
  const open: { close(): unknown }[] = [];
  const track = <T extends { close(): unknown }>(c: T): T => {
    open.push(c);
    return c;
  };
  const options = (token: string, extra: Partial<WsConnectOptions> = {}) => ({
    baseUrl: t.baseUrl,
    token,
    spacecraft: slot.spacecraft,
    ...extra,
  });
  const mission = async (extra: Partial<WsConnectOptions> = {}) =>
    track(await MissionSocketClient.connect(options(slot.missionKey, extra)));
  const station = async () => track(await gatewayClient(t, slot.stationKey));
  const now = () => t.clock.now().toISOString();
  const packets = async () => {
    await t.app.get(PacketLog).flush();
    return t.app
      .get(DataSource)
      .getRepository(Packet)
      .find({ where: { slotId: slot.slotId }, order: { id: 'ASC' } });
  };
  const sessions = () => t.app.get(WsGateway).sessionCount;
  /** Resolves once the server serves the session (a pong proves it took the socket). */
  const settle = (client: MissionSocketClient) => client.ping();

  beforeAll(async () => {
    t = await TestApp.start({ SATNET_WS_MAX_INVALID_MESSAGES: '5', SATNET_WS_MAX_BUFFERED_BYTES: '65536' });
    t.clock.set(ORBIT_NOW);
    slot = await reservedSlot(t, 'wsm');
  });
  beforeEach(() => t.clock.set(new Date(slot.start.getTime() - 60_000)));
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  afterAll(() => t.stop());

  it('exchanges packets both ways with a TLS station in the reserved slot, and logs them', async () => {
    const gs = await station();
    await gs.startRemote(slot.slotId);
    const m = await mission();
    const connected = await m.next<MissionEventMessage>('event');
    expect(connected).toEqual({
      type: 'event',
      event: 'REMOTE_CONNECTED',
      slotId: slot.slotId,
      groundStation: slot.station,
    });

    const downlink = m.next<DownlinkMessage>('message');
    const sent = await gs.sendMsg(frames.downlink('hello from orbit'), now());
    expect(sent.delivered).toBe(true);
    const received = await downlink;
    expect(Buffer.from(received.packet, 'base64')).toEqual(frames.downlink('hello from orbit'));
    expect(received).toMatchObject({
      type: 'message',
      direction: 'downlink',
      slotId: slot.slotId,
      groundStation: slot.station,
      gsTimestamp: now(),
      serverTime: now(),
    });
    expect(received.dopplerShiftHz).toBe(sent.dopplerShift);
    expect(Math.abs(received.dopplerShiftHz)).toBeGreaterThan(100);

    const atStation = next<[Buffer, number, string]>(gs, 'notifyMsg');
    const ack = await m.uplink(frames.uplink('telecommand'));
    expect(ack).toMatchObject({ type: 'ack', slotId: slot.slotId, groundStation: slot.station });
    expect((await atStation)[0]).toEqual(frames.uplink('telecommand'));

    const logged = (await packets()).slice(-2);
    expect(logged.map((p) => [p.fromSide, p.direction, p.outcome])).toEqual([
      ['station', 'DOWNLINK', 'RELAYED'],
      ['mission', 'UPLINK', 'RELAYED'],
    ]);
  });

  it('shares a slot with a TLS M-client: both receive each downlink, both may uplink', async () => {
    const gs = await station();
    await gs.startRemote(slot.slotId);
    const tlsMission = await gatewayClient(t, slot.missionKey);
    track(tlsMission);
    await tlsMission.startRemote(slot.slotId);
    const m = await mission();
    await settle(m);
    const overTls = next<[Buffer]>(tlsMission, 'notifyMsg');
    const overWs = m.next<DownlinkMessage>('message');
    expect((await gs.sendMsg(frames.downlink('both'), now())).delivered).toBe(true);
    expect((await overTls)[0]).toEqual(frames.downlink('both'));
    expect(Buffer.from((await overWs).packet, 'base64')).toEqual(frames.downlink('both'));

    const atStation: Buffer[] = [];
    gs.on('notifyMsg', (data: Buffer) => atStation.push(Buffer.from(data)));
    await tlsMission.sendMsg(frames.uplink('from tls'), now());
    await m.uplink(frames.uplink('from ws'));
    await gs.ping();
    expect(atStation).toEqual([frames.uplink('from tls'), frames.uplink('from ws')]);
  });

  it('closes a session that sends a message over the size limit (1009)', async () => {
    const m = await mission();
    const closed = m.next<number>('close');
    m.send({ type: 'message', direction: 'uplink', packet: 'A'.repeat(70_000) });
    expect(await closed).toBe(1009);
  });

  it('accepts the token in a subprotocol or the query (for browsers), and echoes ids', async () => {
    const viaProtocol = await mission({ auth: 'subprotocol' });
    expect(viaProtocol.raw.protocol).toBe('satnet.v1');
    const viaQuery = await mission({ auth: 'query' });
    const pong = viaQuery.next<Record<string, unknown>>('pong');
    viaQuery.send({ type: 'ping', id: 'p-1' });
    expect(await pong).toEqual({ type: 'pong', id: 'p-1' });
    await viaProtocol.ping();
  });

  it('broadcasts each downlink to every session; a fourth session is refused at the handshake', async () => {
    const gs = await station();
    await gs.startRemote(slot.slotId);
    const clients = [await mission(), await mission(), await mission()];
    for (const c of clients) await settle(c);
    const refused = await handshakeError(MissionSocketClient.connect(options(slot.missionKey)));
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('TOO_MANY_SESSIONS');
    expect(refused.details).toEqual({ limit: 3 });

    const all = clients.map((c) => c.next<DownlinkMessage>('message'));
    await gs.sendMsg(frames.downlink('to all'), now());
    for (const message of await Promise.all(all))
      expect(Buffer.from(message.packet, 'base64')).toEqual(frames.downlink('to all'));

    // A closed session frees its seat.
    await clients[0].close();
    await settle(await mission());
  });

  it('refuses at the handshake with a status and a JSON body', async () => {
    const other = await t.operator('wsm-stranger');
    const cases: [Promise<unknown>, number, string][] = [
      [MissionSocketClient.connect(options('snk_not-a-key')), 401, 'INVALID_API_KEY'],
      [MissionSocketClient.connect(options('sns_not-a-token')), 401, 'INVALID_TOKEN'],
      [MissionSocketClient.connect(options(other.token)), 403, 'NOT_OWNER'],
      [MissionSocketClient.connect(options(slot.stationKey)), 403, 'NOT_OWNER'],
      [
        MissionSocketClient.connect({ ...options(slot.missionKey), spacecraft: 'NOSUCHSAT' }),
        404,
        'SPACECRAFT_NOT_FOUND',
      ],
    ];
    for (const [opening, status, code] of cases) {
      const error = await handshakeError(opening);
      expect([error.status, error.code]).toEqual([status, code]);
    }
    const anonymous = await handshakeError(MissionSocketClient.connect({ ...options(''), auth: 'query' }));
    expect([anonymous.status, anonymous.code]).toEqual([401, 'AUTHENTICATION_REQUIRED']);
    expect(sessions()).toBe(0);
  });

  it('answers invalid packets with an error naming the rule, relays nothing and logs them', async () => {
    const gs = await station();
    await gs.startRemote(slot.slotId);
    const m = await mission();
    const relayed: Buffer[] = [];
    gs.on('notifyMsg', (data: Buffer) => relayed.push(data));

    const port = await serverError(m.uplink(frames.uplink('x', { destinationPort: 12 })));
    expect(port.code).toBe('FRAME_REJECTED');
    expect(port.details).toEqual({ rule: 'DESTINATION_PORT_NOT_ALLOWED' });
    expect(port.message).toMatch(/^FRAME_REJECTED: error verifying csp packet: .*12/);
    const withCrc = Buffer.from(
      buildCspFrame(
        1,
        makeCspHeader({
          source: 1,
          sourcePort: 20,
          destination: 10,
          destinationPort: 11,
          flags: CSP_FLAG.CRC,
        }),
        Buffer.from('payload'),
      ),
    );
    const corrupted = Buffer.from(withCrc);
    corrupted[6] ^= 0xff;
    expect((await serverError(m.uplink(corrupted))).details).toEqual({ rule: 'BAD_CRC' });
    await m.uplink(withCrc); // a good CRC passes
    await gs.ping();
    expect(relayed).toEqual([withCrc]);
    const rejected = (await packets()).filter((p) => p.outcome === 'REJECTED').slice(-2);
    expect(rejected.map((p) => [p.fromSide, p.rejectRule])).toEqual([
      ['mission', 'DESTINATION_PORT_NOT_ALLOWED'],
      ['mission', 'BAD_CRC'],
    ]);
  });

  it('keeps the session open after malformed messages, and closes it after too many in a row', async () => {
    const m = await mission();
    const errors: ErrorMessage[] = [];
    m.on('error', (error: ErrorMessage) => errors.push(error));
    m.send('{not json');
    m.send({ type: 'message', direction: 'uplink', packet: '!!not base64!!', id: 7 });
    m.send({ type: 'subscribe' });
    m.send({ type: 'message', direction: 'downlink', packet: 'AAAA' });
    await m.ping(); // still open; a valid message resets the count
    expect(errors.map((e) => [e.code, e.id])).toEqual([
      ['INVALID_MESSAGE', undefined],
      ['INVALID_MESSAGE', 7],
      ['INVALID_MESSAGE', undefined],
      ['INVALID_MESSAGE', undefined],
    ]);
    expect(errors[1].message).toContain('base64');
    expect(errors[2].message).toContain('unknown "type"');

    const closed = m.next<number>('close');
    for (let i = 0; i < 5; i++) m.send('garbage');
    expect(await closed).toBe(1008);
  });

  it('says when no slot is in progress, and when the station is not connected (logged, not delivered)', async () => {
    t.clock.set(new Date(slot.start.getTime() - 3 * 3600_000));
    const early = await mission();
    const none = await serverError(early.uplink(frames.uplink()));
    expect(none.code).toBe('NO_SLOT_IN_PROGRESS');
    await early.close();

    t.clock.set(new Date(slot.start.getTime() - 60_000));
    const before = (await packets()).length;
    const m = await mission();
    const absent = await serverError(m.uplink(frames.uplink('nobody home')));
    expect(absent.code).toBe('REMOTE_NOT_CONNECTED');
    expect(absent.details).toEqual({ slotId: slot.slotId, groundStation: slot.station });
    const logged = (await packets()).slice(before);
    expect(logged.map((p) => p.outcome)).toEqual(['NOT_DELIVERED']);
  });

  it('tells the station when the first mission session arrives and the last leaves', async () => {
    const gs = await station();
    await gs.startRemote(slot.slotId);
    const arrived = next<[number]>(gs, 'notifyEvent');
    const m = await mission();
    expect((await arrived)[0]).toBe(EVENT.REMOTE_CONNECTED);
    const left = next<[number]>(gs, 'notifyEvent');
    await m.close();
    expect((await left)[0]).toBe(EVENT.END_REMOTE);
  });

  it('closes a session that stops reading (1013) while the station and other sessions carry on', async () => {
    const gs = await station();
    await gs.startRemote(slot.slotId);
    const reader = await mission();
    const stalled = await mission();
    await settle(stalled);
    stalled.raw.pause(); // stops reading: the server's send buffer to it grows
    const payload = 'x'.repeat(1000);
    let received = 0;
    reader.on('message', () => (received += 1));
    // Until the kernel's socket buffers are full and the server's own queue passes its bound.
    for (let i = 0; i < 20_000 && sessions() === 2; i++) {
      t.clock.advance(1); // keeps under the station's byte rate
      await gs.sendMsg(frames.downlink(payload), now());
    }
    expect(sessions()).toBe(1);
    await gs.sendMsg(frames.downlink('after'), now());
    await reader.ping();
    expect(received).toBeGreaterThan(100);
    stalled.terminate();
  });

  it('cuts a session that does not answer pings', async () => {
    const silent = await mission({ socketOptions: { autoPong: false } });
    await settle(silent);
    const closed = silent.next<number>('close');
    const jobs = t.app.get(JobRunner);
    await jobs.tick(WS_KEEPALIVE_JOB); // ping
    await jobs.tick(WS_KEEPALIVE_JOB); // no pong since: cut
    expect(await closed).toBe(1006);
  });

  it('sends SLOT_END to the sessions at the end of the slot and closes them', async () => {
    const gs = await station();
    await gs.startRemote(slot.slotId);
    const m = await mission();
    await m.next<MissionEventMessage>('event');
    const ended = m.next<MissionEventMessage>('event');
    const closed = m.next<number>('close');
    t.clock.set(slot.end);
    await t.app.get(RelayService).endFinishedSlots();
    expect(await ended).toEqual({
      type: 'event',
      event: 'SLOT_END',
      slotId: slot.slotId,
      groundStation: slot.station,
    });
    expect(await closed).toBe(1000);
  });
});
