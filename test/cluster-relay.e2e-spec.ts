// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import type { GatewayClient } from '../src/client/gateway-client';
import { GatewayRpcError } from '../src/client/gateway-client';
import {
  type DownlinkMessage,
  type MissionEventMessage,
  MissionSocketClient,
  WsHandshakeError,
} from '../src/client/websocket-client';
import { JobRunner } from '../src/common/jobs';
import { PRESENCE_JOB } from '../src/relay/cluster-presence';
import { PacketLog } from '../src/relay/packet-log';
import { Packet } from '../src/relay/packet.entity';
import { ABANDONED_SESSIONS_JOB, SLOT_END_JOB } from '../src/relay/relay.service';
import { RelaySessionRecord } from '../src/relay/relay-session.entity';
import { busHealth, TestCluster } from './helpers/cluster';
import { ORBIT_NOW } from './helpers/fixtures';
import { frames, gatewayClient, next, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { rejection } from './helpers/rejection';
import type { TestApp } from './helpers/test-app';

const REMOTE_READY = 0;
const CLIENTS_COINCIDE = -1;
const REMOTE_NOT_CONNECTED = -2;
const EVENT = { REMOTE_DISCONNECTED: -1, SLOT_END: -2, END_REMOTE: -3, REMOTE_CONNECTED: -4 };
/** SATNET_PRESENCE_TTL_SECONDS's default. */
const PRESENCE_TTL_MS = 6_000;

type Heard = [Buffer, number, string, number];

/** Issue 15: a station and a mission on different instances of one network (docs/protocol.md §17). */
describe('relay across instances', () => {
  let cluster: TestCluster;
  let a: TestApp;
  let b: TestApp;
  const open: { close(): unknown; destroy?(): void }[] = [];

  const client = async (at: TestApp, key: string): Promise<GatewayClient> => {
    const c = await gatewayClient(at, key);
    open.push(c);
    return c;
  };
  const mission = async (at: TestApp, slot: ReservedSlot): Promise<MissionSocketClient> => {
    const m = await MissionSocketClient.connect({
      baseUrl: at.baseUrl,
      token: slot.missionKey,
      spacecraft: slot.spacecraft,
    });
    open.push(m);
    return m;
  };
  const now = () => cluster.clock.now().toISOString();
  /** A reserved slot of its own, with the clock one minute before it. */
  const slotFor = async (prefix: string): Promise<ReservedSlot> => {
    cluster.clock.set(ORBIT_NOW);
    const slot = await reservedSlot(a, prefix);
    cluster.clock.set(new Date(slot.start.getTime() - 60_000));
    return slot;
  };
  /** Every frame of the slot in the shared database, once each instance's log is flushed. */
  const packets = async (slot: ReservedSlot): Promise<Packet[]> => {
    for (const instance of cluster.instances) await instance.app.get(PacketLog).flush();
    return a.app
      .get(DataSource)
      .getRepository(Packet)
      .find({ where: { slotId: slot.slotId }, order: { id: 'ASC' } });
  };
  /** Resolves with the first `count` frames the client is sent from now on. */
  const heard = (c: GatewayClient, count: number): Promise<Heard[]> =>
    new Promise((resolve) => {
      const got: Heard[] = [];
      const listener = (...args: unknown[]) => {
        got.push([Buffer.from(args[0] as Uint8Array), ...(args.slice(1, 4) as [number, string, number])]);
        if (got.length < count) return;
        c.off('notifyMsg', listener);
        resolve(got);
      };
      c.on('notifyMsg', listener);
    });

  beforeAll(async () => {
    cluster = await TestCluster.start(['A', 'B']);
    [a, b] = cluster.instances;
  });
  afterEach(async () => {
    for (const c of open.splice(0)) (c.destroy ?? c.close).call(c);
    await cluster.stopProxies();
  });
  afterAll(() => cluster.stop());

  it('relays both ways between a station on A and a mission on B, logging each frame once', async () => {
    const slot = await slotFor('xr');
    const gs = await client(a, slot.stationKey);
    expect(await gs.startRemote(slot.slotId)).toBe(REMOTE_NOT_CONNECTED);
    // Nobody receives the downlink anywhere yet: logged, not delivered.
    expect((await gs.sendMsg(frames.downlink('alone'), now())).delivered).toBe(false);

    const connected = next<[number]>(gs, 'notifyEvent');
    const m = await client(b, slot.missionKey);
    expect(await m.startRemote(slot.slotId)).toBe(REMOTE_READY);
    expect((await connected)[0]).toBe(EVENT.REMOTE_CONNECTED);

    const down = heard(m, 3);
    const sent = [];
    for (const text of ['one', 'two', 'three']) sent.push(await gs.sendMsg(frames.downlink(text), now()));
    expect(sent.map((s) => [s.delivered, s.seq])).toEqual([
      [true, 2],
      [true, 3],
      [true, 4],
    ]);
    expect(Math.abs(sent[0].dopplerShift)).toBeGreaterThan(100);
    expect(await down).toEqual(
      sent.map((s, i) => [frames.downlink(['one', 'two', 'three'][i]), s.dopplerShift, s.gsTimestamp, s.seq]),
    );

    const up = heard(gs, 1);
    const uplink = await m.sendMsg(frames.uplink('command'), now());
    expect(uplink).toMatchObject({ delivered: true, seq: 1 });
    expect(await up).toEqual([[frames.uplink('command'), uplink.dopplerShift, uplink.gsTimestamp, 1]]);

    const ended = next<[number]>(gs, 'notifyEvent');
    await m.endRemote();
    expect((await ended)[0]).toBe(EVENT.END_REMOTE);

    const logged = await packets(slot);
    expect(logged.map((p) => [p.fromSide, p.direction, p.outcome, p.sequence])).toEqual([
      ['station', 'DOWNLINK', 'NOT_DELIVERED', 1],
      ['station', 'DOWNLINK', 'RELAYED', 2],
      ['station', 'DOWNLINK', 'RELAYED', 3],
      ['station', 'DOWNLINK', 'RELAYED', 4],
      ['mission', 'UPLINK', 'RELAYED', 1],
    ]);
    expect(logged[1].dopplerShiftHz).toBe(sent[0].dopplerShift);
  });

  it('relays between a station on A and a mission WebSocket session on B', async () => {
    const slot = await slotFor('xw');
    const gs = await client(a, slot.stationKey);
    await gs.startRemote(slot.slotId);
    const arrived = next<[number]>(gs, 'notifyEvent');
    const m = await mission(b, slot);
    const told = m.next<MissionEventMessage>('event');
    expect((await arrived)[0]).toBe(EVENT.REMOTE_CONNECTED);
    expect(await told).toMatchObject({
      event: 'REMOTE_CONNECTED',
      slotId: slot.slotId,
      groundStation: slot.station,
    });

    const downlink = m.next<DownlinkMessage>('message');
    const sent = await gs.sendMsg(frames.downlink('to the web'), now());
    expect(sent.delivered).toBe(true);
    const received = await downlink;
    expect(Buffer.from(received.packet, 'base64')).toEqual(frames.downlink('to the web'));
    expect(received).toMatchObject({
      slotId: slot.slotId,
      groundStation: slot.station,
      dopplerShiftHz: sent.dopplerShift,
      gsTimestamp: sent.gsTimestamp,
      seq: sent.seq,
    });

    const atStation = heard(gs, 1);
    const ack = await m.uplink(frames.uplink('from the web'));
    expect((await atStation)[0]).toEqual([frames.uplink('from the web'), ack.dopplerShiftHz, now(), ack.seq]);

    const left = next<[number]>(gs, 'notifyEvent');
    await m.close();
    expect((await left)[0]).toBe(EVENT.END_REMOTE);
  });

  it('answers CLIENTS_COINCIDE to a second station client on another instance', async () => {
    const slot = await slotFor('xc');
    const first = await client(a, slot.stationKey);
    expect(await first.startRemote(slot.slotId)).toBe(REMOTE_NOT_CONNECTED);
    const second = await client(b, slot.stationKey);
    expect(await second.startRemote(slot.slotId)).toBe(CLIENTS_COINCIDE);
    await first.endRemote();
    expect(await second.startRemote(slot.slotId)).toBe(REMOTE_NOT_CONNECTED);
  });

  it('refuses a fourth WebSocket session of a spacecraft when the other three are on another instance', async () => {
    const slot = await slotFor('xs');
    const onB = [await mission(b, slot), await mission(b, slot), await mission(b, slot)];
    for (const m of onB) await m.ping();
    const refused = await rejection(
      MissionSocketClient.connect({
        baseUrl: a.baseUrl,
        token: slot.missionKey,
        spacecraft: slot.spacecraft,
      }),
      WsHandshakeError,
    );
    expect([refused.status, refused.code, refused.details]).toEqual([429, 'TOO_MANY_SESSIONS', { limit: 3 }]);

    await onB[0].close(); // its seat is free again, for any instance
    await (await mission(a, slot)).ping();
  });

  it('tells the station on A within the bound that B died, and the mission resumes on A', async () => {
    const slot = await slotFor('xk');
    const { instance: c, proxy } = await cluster.addBehindProxy('C');
    const gs = await client(a, slot.stationKey);
    await gs.startRemote(slot.slotId);
    const connected = next<[number]>(gs, 'notifyEvent');
    const m = await client(c, slot.missionKey);
    expect(await m.startRemote(slot.slotId)).toBe(REMOTE_READY);
    await connected;
    const first = heard(m, 1);
    await gs.sendMsg(frames.downlink('before'), now());
    const lastSeq = (await first)[0][3];

    // A hard kill as the other instances see it: C's last renewal, then C loses Redis before its
    // clients' sockets go, so no goodbye reaches anyone. (In one test process, with the clock all
    // instances share; a child process could not share the ManualClock that times the leases.)
    const renewedAt = cluster.clock.nowMs();
    await c.app.get(JobRunner).tick(PRESENCE_JOB);
    await proxy.cut();
    await busHealth(c, 'degraded');
    cluster.instances.splice(cluster.instances.indexOf(c), 1);
    await c.stop();

    const events: number[] = [];
    gs.on('notifyEvent', (id: number) => events.push(id));
    // Sent while A still counts C's mission present: logged as relayed, and resumed below.
    const lost = await gs.sendMsg(frames.downlink('while dying'), now());
    cluster.clock.set(new Date(renewedAt + PRESENCE_TTL_MS - 1));
    await a.app.get(JobRunner).tick(PRESENCE_JOB);
    await gs.ping(); // anything sent before the pong has arrived
    expect(events).toEqual([]);

    // The documented bound: 4/3 of the presence ttl after the last renewal.
    const disconnected = next<[number, string, string]>(gs, 'notifyEvent');
    cluster.clock.set(new Date(renewedAt + (PRESENCE_TTL_MS * 4) / 3));
    await a.app.get(JobRunner).tick(PRESENCE_JOB);
    expect(await disconnected).toEqual([EVENT.REMOTE_DISCONNECTED, 'REMOTE_DISCONNECTED', 'CONNECTION_LOST']);

    // The mission comes back on A and resumes after the last frame it got.
    const again = await client(a, slot.missionKey);
    const missed = heard(again, 1);
    const back = next<[number]>(gs, 'notifyEvent');
    expect(await again.startRemote(slot.slotId, 'mission', lastSeq)).toBe(REMOTE_READY);
    expect(await missed).toEqual([
      [frames.downlink('while dying'), lost.dopplerShift, lost.gsTimestamp, lost.seq],
    ]);
    expect((await back)[0]).toBe(EVENT.REMOTE_CONNECTED);
    const live = heard(again, 1);
    const after = await gs.sendMsg(frames.downlink('after'), now());
    expect(after).toMatchObject({ delivered: true, seq: lost.seq + 1 });
    expect((await live)[0][3]).toBe(after.seq);
  });

  it('keeps relaying on one instance while its Redis is unreachable, and across again once it is back', async () => {
    const local = await slotFor('xl');
    const across = await slotFor('xa');
    const { instance: d, proxy } = await cluster.addBehindProxy('D');
    const gs1 = await client(d, local.stationKey);
    const m1 = await client(d, local.missionKey);
    await gs1.startRemote(local.slotId);
    await m1.startRemote(local.slotId);
    const gs2 = await client(a, across.stationKey);
    await gs2.startRemote(across.slotId);
    const arrived = next<[number]>(gs2, 'notifyEvent');
    const m2 = await client(d, across.missionKey);
    expect(await m2.startRemote(across.slotId)).toBe(REMOTE_READY);
    expect((await arrived)[0]).toBe(EVENT.REMOTE_CONNECTED); // A knows the mission on D

    const lostStation = next<[number, string, string]>(m2, 'notifyEvent');
    await proxy.cut();
    await busHealth(d, 'degraded');
    // The mission on D hears that the station on A is out of reach.
    expect(await lostStation).toEqual([EVENT.REMOTE_DISCONNECTED, 'REMOTE_DISCONNECTED', 'CONNECTION_LOST']);

    const sameInstance = heard(m1, 1);
    expect((await gs1.sendMsg(frames.downlink('local'), now())).delivered).toBe(true);
    expect((await sameInstance)[0][0]).toEqual(frames.downlink('local'));

    await m2.endRemote();
    const refused = await rejection(m2.startRemote(across.slotId), GatewayRpcError);
    expect(refused.code).toBe('RELAY_UNAVAILABLE');
    const wsRefused = await rejection(mission(d, across), WsHandshakeError);
    expect([wsRefused.status, wsRefused.code]).toEqual([503, 'RELAY_UNAVAILABLE']);

    await proxy.start();
    await busHealth(d, 'up');
    // A never learnt that the mission left during the outage (shorter than the presence ttl): for
    // its station the mission was there all along, so it hears no REMOTE_CONNECTED now.
    expect(await m2.startRemote(across.slotId)).toBe(REMOTE_READY);
    const crossed = heard(m2, 1);
    expect((await gs2.sendMsg(frames.downlink('across again'), now())).delivered).toBe(true);
    expect((await crossed)[0][0]).toEqual(frames.downlink('across again'));
  });

  it('answers delivered: false for frames that could not reach the instance cut from Redis, and logs them NOT_DELIVERED for the resume', async () => {
    const slot = await slotFor('xo');
    const { instance: d, proxy } = await cluster.addBehindProxy('D');
    const gs = await client(a, slot.stationKey);
    await gs.startRemote(slot.slotId);
    const arrived = next<[number]>(gs, 'notifyEvent');
    const m = await client(d, slot.missionKey);
    expect(await m.startRemote(slot.slotId)).toBe(REMOTE_READY);
    expect((await arrived)[0]).toBe(EVENT.REMOTE_CONNECTED);
    const first = heard(m, 1);
    expect((await gs.sendMsg(frames.downlink('before'), now())).delivered).toBe(true);
    const lastSeq = (await first)[0][3];

    // An outage shorter than the presence ttl: A still counts the mission on D present.
    await proxy.cut();
    await busHealth(d, 'degraded');
    const during = [];
    for (const text of ['cut 1', 'cut 2']) during.push(await gs.sendMsg(frames.downlink(text), now()));
    expect(during.map((sent) => [sent.delivered, sent.seq])).toEqual([
      [false, lastSeq + 1],
      [false, lastSeq + 2],
    ]);
    expect((await packets(slot)).map((p) => [p.sequence, p.outcome])).toEqual([
      [lastSeq, 'RELAYED'],
      [lastSeq + 1, 'NOT_DELIVERED'],
      [lastSeq + 2, 'NOT_DELIVERED'],
    ]);

    // Redis is back: the mission resumes after the last frame it got and has them all.
    await proxy.start();
    await busHealth(d, 'up');
    const left = next<[number]>(gs, 'notifyEvent');
    await m.endRemote();
    expect((await left)[0]).toBe(EVENT.END_REMOTE);
    const missed = heard(m, 2);
    const back = next<[number]>(gs, 'notifyEvent');
    expect(await m.startRemote(slot.slotId, 'mission', lastSeq)).toBe(REMOTE_READY);
    expect((await back)[0]).toBe(EVENT.REMOTE_CONNECTED);
    expect((await missed).map(([data, , , seq]) => [data, seq])).toEqual([
      [frames.downlink('cut 1'), lastSeq + 1],
      [frames.downlink('cut 2'), lastSeq + 2],
    ]);
    const live = heard(m, 1);
    expect(await gs.sendMsg(frames.downlink('after'), now())).toMatchObject({
      delivered: true,
      seq: lastSeq + 3,
    });
    expect((await live)[0][3]).toBe(lastSeq + 3);
  });

  it("ends the mission's session on B at the slot's end found by A", async () => {
    const slot = await slotFor('xe');
    const gs = await client(a, slot.stationKey);
    await gs.startRemote(slot.slotId);
    const m = await client(b, slot.missionKey);
    await m.startRemote(slot.slotId);
    const ended = next<[number]>(m, 'notifyEvent');
    const closed = next(m, 'close');
    cluster.clock.set(slot.end);
    await a.app.get(JobRunner).tick(SLOT_END_JOB);
    expect((await ended)[0]).toBe(EVENT.SLOT_END);
    await closed;
  });

  it("leaves a live instance's sessions open when another starts, and ends those of one that died", async () => {
    const slot = await slotFor('xd');
    const gs = await client(a, slot.stationKey);
    await gs.startRemote(slot.slotId);
    const rows = a.app.get(DataSource).getRepository(RelaySessionRecord);
    const states = async () =>
      (await rows.find({ where: { slotId: slot.slotId }, order: { instanceId: 'ASC' } })).map((row) => [
        row.instanceId,
        row.endReason,
      ]);
    expect(await states()).toEqual([['A', null]]);

    // A new instance ends the sessions a previous run left open, not A's: A says it is alive on
    // every presence round (here, after the test moved the clock).
    await a.app.get(JobRunner).tick(PRESENCE_JOB);
    await cluster.add('C');
    expect(await states()).toEqual([['A', null]]);

    // What an instance killed mid-slot leaves in the table: a session nobody will end.
    await rows.insert({
      id: '00000000-0000-4000-8000-0000000000de',
      slotId: slot.slotId,
      side: 'mission',
      userId: (await rows.findOneByOrFail({ slotId: slot.slotId })).userId,
      connectionId: 'gone-1',
      transport: 'tls',
      startedAt: cluster.clock.now(),
      endedAt: null,
      endReason: null,
      instanceId: 'killed',
    });
    // The check runs on one instance, whichever holds its lease.
    for (const instance of cluster.instances) await instance.app.get(JobRunner).tick(ABANDONED_SESSIONS_JOB);
    expect(await states()).toEqual([
      ['A', null],
      ['killed', 'SERVER_LOST'],
    ]);
  });
});
