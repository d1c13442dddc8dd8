// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import { WebSocket } from 'ws';
import { type GatewayClient, GatewayRpcError } from '../src/client/gateway-client';
import { type DownlinkMessage, MissionSocketClient, WsHandshakeError } from '../src/client/websocket-client';
import { PacketLog } from '../src/relay/packet-log';
import { Packet } from '../src/relay/packet.entity';
import { PacketsRepository } from '../src/relay/packets.repository';
import { ORBIT_NOW } from './helpers/fixtures';
import { frames, gatewayClient, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { rejection } from './helpers/rejection';
import { TestApp } from './helpers/test-app';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';

const REMOTE_DISCONNECTED = -1;
/** A small window, so that going past it takes a few frames (docs/protocol.md §14.3). */
const WINDOW = 20;

/** What a TLS client heard, in order: each notifyMsg's payload text and sequence number. */
function recorder(client: GatewayClient) {
  const heard: { text: string; seq: number | undefined }[] = [];
  client.on('notifyMsg', (data, _doppler, _gs, seq) => heard.push({ text: payloadOf(data), seq }));
  return heard;
}

/** The payload of a test frame (the CSP v1 header is 4 bytes; these frames carry no CRC). */
const payloadOf = (packet: Buffer) => packet.subarray(4).toString();

/** Resolves once `check` holds, looking again at every turn of the event loop. */
async function until(check: () => boolean, what: string, turns = 20_000): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/**
 * Runs `meanwhile` as the next resume starts reading the packet log: a live frame arrives in the
 * middle of the catch-up, at a chosen moment rather than by luck. The read itself is the real one.
 */
function duringCatchUp(t: TestApp, meanwhile: () => Promise<unknown>): void {
  const repository = t.app.get(PacketsRepository);
  const page = repository.page.bind(repository);
  jest.spyOn(repository, 'page').mockImplementationOnce(async (query) => {
    await meanwhile();
    return page(query);
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resuming a slot with sequence numbers (docs/protocol.md §14)', () => {
  let t: TestApp;
  const open: { close(): unknown }[] = [];
  const track = <T extends { close(): unknown }>(c: T): T => {
    open.push(c);
    return c;
  };
  const client = async (key: string) => track(await gatewayClient(t, key));
  const wsMission = async (slot: ReservedSlot, resume?: { slotId: string; lastSeq: number }) =>
    track(
      await MissionSocketClient.connect({
        baseUrl: t.baseUrl,
        token: slot.missionKey,
        spacecraft: slot.spacecraft,
        resume,
      }),
    );
  const now = () => t.clock.now().toISOString();
  /** A mission WebSocket handshake with a raw query string: the refusal's status and code. */
  const handshake = (slot: ReservedSlot, query: Record<string, string>) =>
    new Promise<{ status?: number; code?: string }>((resolve, reject) => {
      const path = `/ws/mission/${slot.spacecraft}/protocol/csp?${new URLSearchParams(query).toString()}`;
      const socket = new WebSocket(new URL(path, t.baseUrl.replace(/^http/, 'ws')), ['satnet.v1'], {
        headers: { authorization: `Bearer ${slot.missionKey}` },
      });
      socket.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode,
            code: (JSON.parse(body) as { error: { code: string } }).error.code,
          }),
        );
      });
      socket.on('open', () => {
        socket.close();
        reject(new Error(`the handshake with ${JSON.stringify(query)} was accepted`));
      });
      socket.on('error', () => undefined); // the refusal, reported above
    });
  const logged = async (slot: ReservedSlot) => {
    await t.app.get(PacketLog).flush();
    return t.app
      .get(DataSource)
      .getRepository(Packet)
      .find({ where: { slotId: slot.slotId }, order: { id: 'ASC' } });
  };
  /** A fresh slot, the clock a minute before its start (clients may connect). */
  const freshSlot = async (prefix: string) => {
    t.clock.set(ORBIT_NOW);
    const slot = await reservedSlot(t, prefix);
    t.clock.set(new Date(slot.start.getTime() - 60_000));
    return slot;
  };
  /** The station sends `texts` as downlink frames and waits for each answer; returns their seqs. */
  const downlinks = async (station: GatewayClient, texts: string[]) => {
    const seqs: number[] = [];
    for (const text of texts) seqs.push((await station.sendMsg(frames.downlink(text), now())).seq);
    return seqs;
  };

  beforeAll(async () => {
    t = await TestApp.start({ SATNET_RELAY_RESUME_MAX_FRAMES: String(WINDOW) });
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  afterAll(() => t.stop());

  it('numbers each direction of a slot from 1, skipping refused frames, as sender and receiver are told', async () => {
    const slot = await freshSlot('rsq');
    const station = await client(slot.stationKey);
    const mission = await client(slot.missionKey);
    await station.startRemote(slot.slotId);
    await mission.startRemote(slot.slotId);
    const atMission = recorder(mission);
    const atStation = recorder(station);

    expect(await downlinks(station, ['d1', 'd2'])).toEqual([1, 2]);
    const refused = await rejection(
      station.sendMsg(frames.downlink('bad', { source: 11 }), now()),
      GatewayRpcError,
    );
    expect(refused.code).toBe('FRAME_REJECTED');
    expect(await downlinks(station, ['d3'])).toEqual([3]);
    expect((await mission.sendMsg(frames.uplink('u1'), now())).seq).toBe(1);

    await until(() => atMission.length === 3 && atStation.length === 1, 'the frames');
    expect(atMission).toEqual([
      { text: 'd1', seq: 1 },
      { text: 'd2', seq: 2 },
      { text: 'd3', seq: 3 },
    ]);
    expect(atStation).toEqual([{ text: 'u1', seq: 1 }]);
    const rows = await logged(slot);
    expect(rows.map((p) => [p.direction, p.outcome, p.sequence])).toEqual([
      ['DOWNLINK', 'RELAYED', 1],
      ['DOWNLINK', 'RELAYED', 2],
      ['DOWNLINK', 'REJECTED', null],
      ['DOWNLINK', 'RELAYED', 3],
      ['UPLINK', 'RELAYED', 1],
    ]);
  });

  it('TLS: a mission client dropped mid-slot resumes with its last seq: every frame sent meanwhile once, in order, then live', async () => {
    const slot = await freshSlot('rtl');
    const station = await client(slot.stationKey);
    const first = await client(slot.missionKey);
    await station.startRemote(slot.slotId);
    await first.startRemote(slot.slotId);
    const before = recorder(first);
    await downlinks(station, ['a1', 'a2', 'a3']);
    await until(() => before.length === 3, 'the first frames');
    const lastSeq = first.lastSeq; // the client keeps it
    expect(lastSeq).toBe(3);

    const gone = new Promise((resolve) => station.once('notifyEvent', resolve));
    first.destroy();
    expect(await gone).toBe(REMOTE_DISCONNECTED);
    // Logged, nobody to deliver them to.
    const meanwhile = await station.sendMsg(frames.downlink('a4'), now());
    expect(meanwhile).toMatchObject({ delivered: false, seq: 4 });
    await downlinks(station, ['a5', 'a6']);

    const second = await client(slot.missionKey);
    const after = recorder(second);
    // The station keeps sending while the mission resumes: pipelined, not awaited.
    const sending = ['a7', 'a8', 'a9', 'a10'].map((text) => station.sendMsg(frames.downlink(text), now()));
    await second.startRemote(slot.slotId, undefined, lastSeq);
    // The missed frames came before the answer to startRemote (§14.2).
    expect(after.slice(0, 3)).toEqual([
      { text: 'a4', seq: 4 },
      { text: 'a5', seq: 5 },
      { text: 'a6', seq: 6 },
    ]);
    await Promise.all(sending);
    await downlinks(station, ['a11']);
    await until(() => after.length >= 8, 'the live frames');
    expect(after.map((frame) => frame.seq)).toEqual(range(4, 11));
    expect(after.map((frame) => frame.text)).toEqual(range(4, 11).map((n) => `a${n}`));
    const rows = (await logged(slot)).map((p) => [p.sequence, p.outcome]);
    expect(rows.slice(3, 6)).toEqual([
      [4, 'NOT_DELIVERED'],
      [5, 'NOT_DELIVERED'],
      [6, 'NOT_DELIVERED'],
    ]);
  });

  it('TLS: a station resumes the uplink the mission sent while it was away', async () => {
    const slot = await freshSlot('rup');
    const station = await client(slot.stationKey);
    const mission = await client(slot.missionKey);
    await station.startRemote(slot.slotId);
    await mission.startRemote(slot.slotId);
    const gone = new Promise((resolve) => mission.once('notifyEvent', resolve));
    station.destroy();
    expect(await gone).toBe(REMOTE_DISCONNECTED);
    const pending = ['u1', 'u2', 'u3'].map((text) => mission.sendMsg(frames.uplink(text), now()));
    const back = await client(slot.stationKey);
    const heard = recorder(back);
    const resumed = back.startRemote(slot.slotId, undefined, 0);
    expect((await Promise.all(pending)).map((answer) => answer.seq)).toEqual([1, 2, 3]);
    await resumed;
    expect(heard).toEqual([
      { text: 'u1', seq: 1 },
      { text: 'u2', seq: 2 },
      { text: 'u3', seq: 3 },
    ]);
  });

  it('WebSocket: a mission session dropped mid-slot resumes with ?slotId=&lastSeq=: the missed frames once, in order, then live', async () => {
    const slot = await freshSlot('rws');
    const station = await client(slot.stationKey);
    await station.startRemote(slot.slotId);
    const first = await wsMission(slot);
    await first.ping();
    const before: DownlinkMessage[] = [];
    first.on('message', (message: DownlinkMessage) => before.push(message));
    await downlinks(station, ['w1', 'w2']);
    await until(() => before.length === 2, 'the first downlinks');
    expect(before.map((m) => m.seq)).toEqual([1, 2]);
    const ack = await first.uplink(frames.uplink('cmd'));
    expect(ack.seq).toBe(1);

    const gone = new Promise((resolve) => station.once('notifyEvent', resolve));
    await first.close();
    await gone;
    await downlinks(station, ['w3', 'w4', 'w5']);

    const sending = ['w6', 'w7'].map((text) => station.sendMsg(frames.downlink(text), now()));
    expect(first.lastSeqs.get(slot.slotId)).toBe(2); // the client keeps it
    const second = await wsMission(slot, { slotId: slot.slotId, lastSeq: 2 });
    const after: DownlinkMessage[] = [];
    second.on('message', (message: DownlinkMessage) => after.push(message));
    await Promise.all(sending);
    await downlinks(station, ['w8']);
    await until(() => after.length >= 6, 'the resumed and live downlinks');
    expect(after.map((m) => m.seq)).toEqual(range(3, 8));
    expect(after.map((m) => payloadOf(Buffer.from(m.packet, 'base64')))).toEqual(
      range(3, 8).map((n) => `w${n}`),
    );
    expect(after[0]).toMatchObject({
      type: 'message',
      direction: 'downlink',
      slotId: slot.slotId,
      groundStation: slot.station,
    });
  });

  it('sends a frame committed while the resume reads the log once, in order', async () => {
    const slot = await freshSlot('rdup');
    const station = await client(slot.stationKey);
    await station.startRemote(slot.slotId);
    await downlinks(station, ['c1', 'c2']);
    const mission = await client(slot.missionKey);
    const heard = recorder(mission);
    // Relayed live to the resuming client (held) and committed before the read: in both.
    duringCatchUp(t, () => station.sendMsg(frames.downlink('c3'), now()));
    await mission.startRemote(slot.slotId, undefined, 0);
    await downlinks(station, ['c4']);
    await until(() => heard.length >= 4, 'the live frame');
    expect(heard).toEqual(range(1, 4).map((n) => ({ text: `c${n}`, seq: n })));
  });

  it('ends a resume whose log read fails rather than leave a gap: TLS answers an error, WebSocket closes', async () => {
    const slot = await freshSlot('rfail');
    const station = await client(slot.stationKey);
    await station.startRemote(slot.slotId);
    await downlinks(station, ['e1']);
    const repository = t.app.get(PacketsRepository);
    const failRead = () =>
      jest.spyOn(repository, 'page').mockRejectedValueOnce(new Error('the database went away'));

    const mission = await client(slot.missionKey);
    failRead();
    const failed = await rejection(mission.startRemote(slot.slotId, undefined, 0), GatewayRpcError);
    expect(failed.code).toBe('INTERNAL_ERROR');
    // The half-started session was ended: the side is free, on this connection or another.
    const heard = recorder(mission);
    expect(await mission.startRemote(slot.slotId, undefined, 0)).toBe(0);
    expect(heard).toEqual([{ text: 'e1', seq: 1 }]);
    await mission.endRemote();

    failRead();
    const ws = await wsMission(slot, { slotId: slot.slotId, lastSeq: 0 });
    const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    expect(await closed).toBe(1013); // try again later (docs/protocol.md §13.5)
  });

  it('refuses a resume beyond the window with RESUME_WINDOW_EXCEEDED, and starts nothing', async () => {
    const slot = await freshSlot('rwin');
    const station = await client(slot.stationKey);
    await station.startRemote(slot.slotId);
    await downlinks(
      station,
      range(1, WINDOW + 2).map((n) => `f${n}`),
    );

    const mission = await client(slot.missionKey);
    const refused = await rejection(mission.startRemote(slot.slotId, undefined, 1), GatewayRpcError);
    expect(refused.code).toBe('RESUME_WINDOW_EXCEEDED');
    expect(refused.data).toEqual({ lastSeq: 1, last: WINDOW + 2, maxFrames: WINDOW });
    const ws = await rejection(wsMission(slot, { slotId: slot.slotId, lastSeq: 0 }), WsHandshakeError);
    expect([ws.status, ws.code]).toEqual([409, 'RESUME_WINDOW_EXCEEDED']);

    // Within the window it works, on the same connection: nothing was started by the refusal.
    const heard = recorder(mission);
    await mission.startRemote(slot.slotId, undefined, 2);
    expect(heard.map((frame) => frame.seq)).toEqual(range(3, WINDOW + 2));
  });

  it('refuses a bad lastSeq with INVALID_LAST_SEQ and starts nothing', async () => {
    const slot = await freshSlot('rbad');
    const station = await client(slot.stationKey);
    await station.startRemote(slot.slotId);
    await downlinks(station, ['x1', 'x2']);
    const mission = await client(slot.missionKey);
    for (const lastSeq of [-1, 1.5, '2', 3]) {
      const refused = await rejection(
        mission.call('startRemote', [slot.slotId, null, lastSeq]),
        GatewayRpcError,
      );
      expect(refused.code).toBe('INVALID_LAST_SEQ');
    }
    const beyond = await rejection(mission.startRemote(slot.slotId, undefined, 3), GatewayRpcError);
    expect(beyond.message).toContain('beyond the last sequence number');
    expect(beyond.data).toEqual({ lastSeq: 3, last: 2 });

    const queries: Record<string, string>[] = [
      { slotId: slot.slotId, lastSeq: '-1' },
      { slotId: slot.slotId, lastSeq: 'abc' },
      { slotId: slot.slotId, lastSeq: '3' },
      { lastSeq: '1' },
      { slotId: slot.slotId },
    ];
    for (const query of queries)
      expect(await handshake(slot, query)).toEqual({ status: 400, code: 'INVALID_LAST_SEQ' });
    const other = await freshSlot('roth');
    const notHis = await rejection(wsMission(slot, { slotId: other.slotId, lastSeq: 0 }), WsHandshakeError);
    expect([notHis.status, notHis.code]).toEqual([404, 'SLOT_NOT_FOUND']);

    // Nothing was started: a plain start works on the same connection and the station is told.
    t.clock.set(new Date(slot.start.getTime() - 60_000));
    expect(await mission.startRemote(slot.slotId)).toBe(0);
  });
});

describe('sequence numbers across a server restart (docs/protocol.md §14.1)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('continues numbering after the last logged frame, and a client resumes from before the restart', async () => {
    const first = await TestApp.start({}, database);
    let slot: ReservedSlot;
    try {
      first.clock.set(ORBIT_NOW);
      slot = await reservedSlot(first, 'rrs');
      first.clock.set(new Date(slot.start.getTime() - 60_000));
      const station = await gatewayClient(first, slot.stationKey);
      await station.startRemote(slot.slotId);
      for (const text of ['r1', 'r2', 'r3'])
        await station.sendMsg(frames.downlink(text), first.clock.now().toISOString());
      await station.close();
    } finally {
      await first.stop();
    }

    const second = await TestApp.start({}, database);
    try {
      second.clock.set(new Date(slot.start.getTime() - 30_000));
      const station = await gatewayClient(second, slot.stationKey);
      const mission = await gatewayClient(second, slot.missionKey);
      try {
        await station.startRemote(slot.slotId);
        const heard = recorder(mission);
        await mission.startRemote(slot.slotId, undefined, 1);
        expect(heard).toEqual([
          { text: 'r2', seq: 2 },
          { text: 'r3', seq: 3 },
        ]);
        const next = await station.sendMsg(frames.downlink('r4'), second.clock.now().toISOString());
        expect(next).toMatchObject({ delivered: true, seq: 4 });
        await until(() => heard.length === 3, 'the live frame');
        expect(heard[2]).toEqual({ text: 'r4', seq: 4 });
      } finally {
        await station.close();
        await mission.close();
      }
    } finally {
      await second.stop();
    }
  });
});

/** A packet log that holds its frames (a long flush interval, big batches) until the test flushes it. */
describe('resuming while frames are still queued in the packet log (docs/protocol.md §14)', () => {
  let t: TestApp;
  const log = () => t.app.get(PacketLog);
  const freshSlot = async (prefix: string) => {
    t.clock.set(ORBIT_NOW);
    const slot = await reservedSlot(t, prefix);
    t.clock.set(new Date(slot.start.getTime() - 60_000));
    return slot;
  };
  beforeAll(async () => {
    t = await TestApp.start({
      SATNET_PACKET_LOG_FLUSH_MS: '60000',
      SATNET_PACKET_LOG_BATCH_SIZE: '100000',
      // The smallest send buffers allowed: a resume that did not wait for its reader overflows them.
      SATNET_GATEWAY_MAX_BUFFERED_BYTES: '65536',
      SATNET_WS_MAX_BUFFERED_BYTES: '65536',
    });
  });
  afterAll(() => t.stop());

  it('numbers on from queued frames when the slot relay opens again, and resends queued frames on resume', async () => {
    const slot = await freshSlot('rq');
    const now = () => t.clock.now().toISOString();
    const station = await gatewayClient(t, slot.stationKey);
    await station.startRemote(slot.slotId);
    // Answered only once committed: not awaited while the log holds them.
    const early = ['q1', 'q2'].map((text) => station.sendMsg(frames.downlink(text), now()));
    await until(() => log().pending === 2, 'two queued frames');
    station.destroy(); // alone in the slot: its relay closes, and opens again below
    const again = await gatewayClient(t, slot.stationKey);
    await again.startRemote(slot.slotId);
    const later = again.sendMsg(frames.downlink('q3'), now());
    await until(() => log().pending === 3, 'the third queued frame');

    const mission = await gatewayClient(t, slot.missionKey);
    const heard = recorder(mission);
    await mission.startRemote(slot.slotId, undefined, 1);
    expect(log().pending).toBe(3); // nothing committed yet: the resume read the queue
    expect(heard).toEqual([
      { text: 'q2', seq: 2 },
      { text: 'q3', seq: 3 },
    ]);

    await log().flush();
    expect((await later).seq).toBe(3);
    await Promise.allSettled(early); // their connection is gone: no answer comes
    const rows = await t.app
      .get(DataSource)
      .getRepository(Packet)
      .find({ where: { slotId: slot.slotId }, order: { id: 'ASC' } });
    expect(rows.map((p) => [payloadOf(p.data), p.sequence])).toEqual([
      ['q1', 1],
      ['q2', 2],
      ['q3', 3],
    ]);
    await again.close();
    await mission.close();
  });

  it('holds a frame relayed during the catch-up until the missed ones are sent', async () => {
    const slot = await freshSlot('rh');
    const now = () => t.clock.now().toISOString();
    const station = await gatewayClient(t, slot.stationKey);
    await station.startRemote(slot.slotId);
    const first = station.sendMsg(frames.downlink('h1'), now());
    await until(() => log().pending === 1, 'a queued frame');
    const mission = await gatewayClient(t, slot.missionKey);
    const heard = recorder(mission);
    let live: Promise<unknown> | undefined;
    // Neither read back (queued after the queue was read, not committed) nor sent yet: held.
    duringCatchUp(t, async () => {
      const queued = log().pending;
      live = station.sendMsg(frames.downlink('h2'), now());
      await until(() => log().pending === queued + 1, 'the live frame relayed');
    });
    await mission.startRemote(slot.slotId, undefined, 0);
    expect(heard).toEqual([
      { text: 'h1', seq: 1 },
      { text: 'h2', seq: 2 },
    ]);
    await log().flush();
    await Promise.all([first, live]);
    await station.close();
    await mission.close();
  });

  it('sends a long catch-up no faster than the client reads: it is not dropped for not reading', async () => {
    const slot = await freshSlot('rbig');
    const now = () => t.clock.now().toISOString();
    const station = await gatewayClient(t, slot.stationKey);
    await station.startRemote(slot.slotId);
    const count = 300; // about 300 KB: several times the 64 KiB a client may leave unread
    const sent = range(1, count).map((n) =>
      station.sendMsg(frames.downlink(`${n}:`.padEnd(1000, 'x')), now()),
    );
    await until(() => log().pending === count, 'the queued frames');

    const tls = await gatewayClient(t, slot.missionKey);
    const heard = recorder(tls);
    await tls.startRemote(slot.slotId, undefined, 0);
    expect(heard.map((frame) => frame.seq)).toEqual(range(1, count));

    const ws = await MissionSocketClient.connect({
      baseUrl: t.baseUrl,
      token: slot.missionKey,
      spacecraft: slot.spacecraft,
      resume: { slotId: slot.slotId, lastSeq: 0 },
    });
    const downlinks: DownlinkMessage[] = [];
    ws.on('message', (message: DownlinkMessage) => downlinks.push(message));
    await until(() => downlinks.length === count, 'the WebSocket catch-up', 200_000);
    expect(downlinks.map((message) => message.seq)).toEqual(range(1, count));
    await ws.ping(); // still served

    await log().flush();
    await Promise.all(sent);
    await ws.close();
    await tls.close();
    await station.close();
  });
});
