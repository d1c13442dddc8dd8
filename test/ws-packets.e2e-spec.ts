// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import type { GatewayClient } from '../src/client/gateway-client';
import { PacketReplayClient, WsHandshakeError, WsServerError } from '../src/client/websocket-client';
import { PacketLog } from '../src/relay/packet-log';
import { Packet } from '../src/relay/packet.entity';
import { REPLAY_BATCH, REPLAY_PAGE } from '../src/relay/replay-stream';
import { PacketsSocketRoute } from '../src/transports/ws/packets-socket';
import { WsGateway } from '../src/transports/ws/ws-gateway';
import { archiveDownlinks } from './helpers/archive-rows';
import { Received, sendThroughHandOver, until } from './helpers/replay-subscription';
import { ORBIT_NOW } from './helpers/fixtures';
import { frames, gatewayClient, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { rejection } from './helpers/rejection';
import { TestApp } from './helpers/test-app';

const MAX_BUFFERED = 1024 * 1024;
const MAX_SUBSCRIPTIONS = 3;
const ns = (time: Date) => time.getTime() * 1_000_000;

describe('packet replay stream /ws/packets (COSMOS semantics, docs/protocol.md §16)', () => {
  let t: TestApp;
  let slot: ReservedSlot;
  let station: GatewayClient;
  const open: { close(): unknown }[] = [];
  const client = async (token = slot.missionKey) => {
    const c = await PacketReplayClient.connect({ baseUrl: t.baseUrl, token });
    open.push(c);
    return c;
  };
  /** The slot's packets as the archive holds them, in its order. */
  const archived = async () => {
    await t.app.get(PacketLog).flush();
    return t.app
      .get(DataSource)
      .getRepository(Packet)
      .find({ where: { slotId: slot.slotId }, order: { serverReceivedAt: 'ASC', id: 'ASC' } });
  };
  /** The station sends `count` downlinks through the TLS relay, all in flight at once. */
  const send = async (count: number, label: string) => {
    const sent = Array.from({ length: count }, (_, i) =>
      station.sendMsg(frames.downlink(`${label}-${i}`), t.clock.now().toISOString()),
    );
    await Promise.all(sent);
  };
  const replay = () => t.app.get(PacketsSocketRoute);
  /** Writes downlinks of the fixture's spacecraft straight into the archive (faster than the relay). */
  const archive = (rows: { data: Buffer; time: Date }[]) => archiveDownlinks(t, slot, rows);

  beforeAll(async () => {
    t = await TestApp.start({
      SATNET_WS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED),
      SATNET_WS_REPLAY_MAX_SUBSCRIPTIONS: String(MAX_SUBSCRIPTIONS),
      SATNET_WS_MAX_INVALID_MESSAGES: '100',
      // The clock stands still: the per-session byte rate would never refill for the flood below.
      SATNET_RELAY_MAX_SESSION_BYTES_PER_SECOND: '1073741824',
    });
    t.clock.set(ORBIT_NOW);
    slot = await reservedSlot(t, 'rpl');
    t.clock.set(new Date(slot.start.getTime() + 60_000));
    station = await gatewayClient(t, slot.stationKey);
    await station.startRemote(slot.slotId);
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  afterAll(async () => {
    station.destroy();
    await t.stop();
  });

  it('history only: the packets of the window in order, in batches of at most 100, then an empty batch', async () => {
    t.clock.advance(1000); // after whatever the other tests sent
    const before = new Date(t.clock.now().getTime() - 1);
    await send(REPLAY_PAGE + 30, 'history'); // more than one archive page
    t.clock.advance(1000);
    const inWindowEnd = t.clock.now();
    await send(5, 'after-window');
    const stored = (await archived()).filter(
      (p) => p.serverReceivedAt >= before && p.serverReceivedAt < inWindowEnd,
    );

    const c = await client();
    const got = new Received(c, 'h');
    expect(
      await c.add({
        id: 'h',
        spacecraft: slot.spacecraft,
        start_time: ns(before),
        end_time: ns(inWindowEnd),
      }),
    ).toEqual({
      type: 'subscribed',
      id: 'h',
      spacecraft: slot.spacecraft,
      mode: 'history',
    });
    await until(() => got.ended, 'the end marker');
    expect(got.ids).toEqual(stored.map((p) => p.id));
    expect(got.batchSizes.at(-1)).toBe(0);
    expect(Math.max(...got.batchSizes)).toBe(REPLAY_BATCH);
    const first = stored[0];
    expect(got.items[0]).toEqual({
      time: ns(first.serverReceivedAt),
      packet: 'CSP',
      buffer: Buffer.from(first.data).toString('base64'),
      id: first.id,
      slotId: slot.slotId,
      direction: 'downlink',
      outcome: first.outcome,
      spacecraft: slot.spacecraft,
      groundStation: slot.station,
      dopplerShiftHz: first.dopplerShiftHz,
      gsTimestamp: first.gsTimestamp?.toISOString(),
      serverTime: first.serverReceivedAt.toISOString(),
      sequence: first.sequence,
    });
    expect(Buffer.from(got.items[0].buffer, 'base64').toString()).toContain('history-0');
    expect(Math.abs(got.items[0].dopplerShiftHz!)).toBeGreaterThan(100);
    // The subscription is over: its id is free again, and nothing more comes for it.
    await c.add({
      id: 'h',
      spacecraft: slot.spacecraft,
      start_time: ns(inWindowEnd),
      end_time: ns(inWindowEnd) + 1,
    });
    await until(() => got.batchSizes.filter((size) => size === 0).length === 2, 'the second end marker');
  });

  it('playback then live: frames sent during the hand-over arrive once each, none missing', async () => {
    const start = t.clock.now();
    // A backlog long enough that the relay commits frames while it is read (asserted below).
    await archive(Array.from({ length: 20_000 }, () => ({ data: frames.downlink('backlog'), time: start })));
    await send(50, 'backlog');
    const c = await client();
    const got = new Received(c, 'pl');
    // The station keeps sending while the subscription reads its history, hands over and goes live.
    const sending = sendThroughHandOver(
      got,
      (chunk) => {
        t.clock.advance(1);
        return send(20, `during-${chunk}`);
      },
      200,
    );
    await c.add({ id: 'pl', spacecraft: slot.spacecraft, start_time: ns(start) });
    sending.subscribed();
    expect(await sending.sent).toBeGreaterThan(0); // committed while the history was being read
    const stored = (await archived()).filter((p) => p.serverReceivedAt >= start);
    await until(() => got.items.length >= stored.length, 'every stored packet');
    expect(got.live).toBe(true);
    expect(got.ended).toBe(false);
    expect(got.ids).toEqual(stored.map((p) => p.id)); // same order, nothing twice, nothing missing
    expect(new Set(got.ids).size).toBe(got.ids.length);
    expect(Math.max(...got.batchSizes)).toBeLessThanOrEqual(REPLAY_BATCH);
  });

  it('live only: only packets committed after the subscription, as they come', async () => {
    await send(3, 'old');
    const c = await client();
    const got = new Received(c, 'live');
    const live = c.next<{ id: string }>('live');
    expect(await c.add({ id: 'live', spacecraft: slot.spacecraft })).toMatchObject({ mode: 'live' });
    await live;
    await send(4, 'new');
    await until(() => got.items.length >= 4, 'the live packets');
    const payloads = got.items.map((item) => Buffer.from(item.buffer, 'base64').toString());
    expect(payloads.map((p) => p.slice(-5))).toEqual(
      ['new-0', 'new-1', 'new-2', 'new-3'].map((p) => p.slice(-5)),
    );
    expect(got.items.map((item) => item.groundStation)).toEqual(Array(4).fill(slot.station));
  });

  it('carries several subscriptions on one socket; a removed one gets nothing more', async () => {
    const c = await client();
    const a = new Received(c, 'a');
    const b = new Received(c, 'b');
    const rejectedOnly = new Received(c, 'rejected');
    await c.add({ id: 'a', spacecraft: slot.spacecraft });
    await c.add({ id: 'b', spacecraft: slot.spacecraft, direction: 'downlink' });
    await c.add({ id: 'rejected', spacecraft: slot.spacecraft, outcomes: ['REJECTED'] });
    await send(2, 'both');
    await until(() => a.items.length === 2 && b.items.length === 2, 'both subscriptions');
    expect(await c.remove('b')).toEqual({ type: 'removed', id: 'b' });
    await send(3, 'only-a');
    await station
      .sendMsg(frames.downlink('bad port', { sourcePort: 63 }), t.clock.now().toISOString())
      .catch(() => undefined);
    await until(
      () => a.items.length === 6 && rejectedOnly.items.length === 1,
      'subscription a and the rejected frame',
    );
    const pong = c.next('pong');
    c.send({ type: 'ping' });
    await pong; // whatever b would have got was sent before this
    expect(b.items).toHaveLength(2);
    expect(rejectedOnly.items[0]).toMatchObject({ outcome: 'REJECTED', rejectRule: expect.any(String) });
    expect(
      replay()
        .stats()
        .map((s) => s.subscription)
        .sort(),
    ).toEqual(['a', 'rejected']);
  });

  it('pauses playback for a client that does not read: the server holds two pages, not the history', async () => {
    // Years before the other tests' packets: a live hand-over after these must not see them last
    // (server times never go backwards in the archive; docs/protocol.md §16.4).
    const base = new Date(Date.UTC(2000, 0, 1));
    const total = 8000;
    const rows = Array.from({ length: total }, (_, i) => ({
      data: Buffer.alloc(2048, i % 251),
      time: new Date(base.getTime() + i),
    }));
    await archive(rows);

    const c = await client();
    c.raw.pause(); // stops reading from the socket: TCP fills, then the server's send buffer
    const got = new Received(c, 'slow');
    c.send({
      type: 'add',
      id: 'slow',
      spacecraft: slot.spacecraft,
      start_time: ns(base),
      end_time: ns(base) + total * 1e6,
    });
    const stats = () =>
      replay()
        .stats()
        .find((s) => s.subscription === 'slow');
    // The kernel's socket buffers take a few pages first; then the playback waits, and stays put.
    let settled = { pagesRead: -1, turns: 0 };
    await until(() => {
      const now = stats();
      if (!now?.waitingForReader || now.pagesRead !== settled.pagesRead)
        settled = { pagesRead: now?.pagesRead ?? -1, turns: 0 };
      return ++settled.turns > 500;
    }, 'the playback to wait for the reader');
    const paused = stats()!;
    expect(paused.pagesRead * REPLAY_PAGE).toBeLessThan(total / 2);
    expect(paused.bufferedBytes).toBeLessThanOrEqual(MAX_BUFFERED);
    expect(t.app.get(WsGateway).sessionCount).toBeGreaterThan(0);

    c.raw.resume();
    await until(() => got.ended, 'the end marker', 60_000);
    expect(got.items).toHaveLength(total);
    expect(got.items.map((item) => item.time)).toEqual(rows.map((row) => ns(row.time)));
  });

  it('closes a live reader that falls too far behind (1013) instead of buffering without bound', async () => {
    const c = await client();
    const live = c.next('live');
    await c.add({ id: 'flood', spacecraft: slot.spacecraft });
    await live;
    c.raw.pause();
    const closed = c.next<number>('close');
    const subscribed = () =>
      replay()
        .stats()
        .some((s) => s.subscription === 'flood');
    let sent = 0;
    while (subscribed() && sent < 20_000) {
      const chunk = Array.from({ length: 100 }, (_, i) =>
        station.sendMsg(frames.downlink(`${sent + i}`.padEnd(3000, '.')), t.clock.now().toISOString()),
      );
      await Promise.all(chunk);
      sent += 100;
    }
    expect(subscribed()).toBe(false);
    // Cut once more was waiting than the server may queue (about 4 KB of JSON a packet).
    expect(sent * 4000).toBeGreaterThan(2 * MAX_BUFFERED);
    c.raw.resume();
    expect(await closed).toBe(1013);
  });

  it('answers bad requests with an error for that subscription and subscribes nothing', async () => {
    const stranger = await t.operator('rpl-stranger');
    const c = await client();
    const refused = async (message: Record<string, unknown>) => {
      const error = c.next<Record<string, unknown>>('error', (e) => e.id === message.id);
      c.send(message);
      return error;
    };
    const add = (id: string, fields: Record<string, unknown>) => ({
      type: 'add',
      id,
      spacecraft: slot.spacecraft,
      ...fields,
    });
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [add('e1', { start_time: 'yesterday' }), 'INVALID_MESSAGE', /start_time/],
      [add('e2', { start_time: 2000, end_time: 1000 }), 'INVALID_MESSAGE', /before/],
      [add('e3', { end_time: 1000 }), 'INVALID_MESSAGE', /needs a "start_time"/],
      [add('e4', { direction: 'sideways' }), 'INVALID_MESSAGE', /direction/],
      [add('e5', { outcomes: ['LOST'] }), 'INVALID_MESSAGE', /outcomes/],
      [add('e6', { spacecraft: 'NOSUCHSAT' }), 'SPACECRAFT_NOT_FOUND', /NOSUCHSAT/],
      [{ type: 'remove', id: 'never-added' }, 'SUBSCRIPTION_NOT_FOUND', /never-added/],
    ];
    for (const [message, code, text] of cases) {
      const error = await refused(message);
      expect(error).toMatchObject({ type: 'error', code, id: message.id });
      expect(error.message).toMatch(text);
    }
    expect(await refused({ type: 'subscribe', id: 'x' })).toMatchObject({ code: 'INVALID_MESSAGE' });

    // Another user's spacecraft: refused, nothing subscribed.
    const other = await client(stranger.token);
    const notOwner = await rejection(other.add({ id: 'theirs', spacecraft: slot.spacecraft }), WsServerError);
    expect(notOwner.code).toBe('NOT_OWNER');

    // The limit per socket, and an id in use.
    for (let i = 0; i < MAX_SUBSCRIPTIONS; i++) await c.add({ id: `ok${i}`, spacecraft: slot.spacecraft });
    const duplicate = await rejection(c.add({ id: 'ok0', spacecraft: slot.spacecraft }), WsServerError);
    expect(duplicate.code).toBe('INVALID_MESSAGE');
    const tooMany = await rejection(c.add({ id: 'one-more', spacecraft: slot.spacecraft }), WsServerError);
    expect([tooMany.code, tooMany.details]).toEqual(['TOO_MANY_SUBSCRIPTIONS', { limit: MAX_SUBSCRIPTIONS }]);
    expect(
      replay()
        .stats()
        .map((s) => s.subscription)
        .sort(),
    ).toEqual(['ok0', 'ok1', 'ok2']);

    // Without a credential the handshake is refused.
    const anonymous = await rejection(
      PacketReplayClient.connect({ baseUrl: t.baseUrl, token: '', auth: 'query' }),
      WsHandshakeError,
    );
    expect([anonymous.status, anonymous.code]).toEqual([401, 'AUTHENTICATION_REQUIRED']);
  });
});
