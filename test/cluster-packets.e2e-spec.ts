// SPDX-License-Identifier: Apache-2.0
import { DataSource, MoreThanOrEqual } from 'typeorm';
import type { GatewayClient } from '../src/client/gateway-client';
import { PacketReplayClient } from '../src/client/websocket-client';
import { PacketLog } from '../src/relay/packet-log';
import { Packet } from '../src/relay/packet.entity';
import { Spacecraft } from '../src/spacecraft/spacecraft.entity';
import { busHealth, TestCluster } from './helpers/cluster';
import { archiveDownlinks } from './helpers/archive-rows';
import { ORBIT_NOW, spacecraftConfig } from './helpers/fixtures';
import { Received, sendThroughHandOver, until } from './helpers/replay-subscription';
import { frames, gatewayClient, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import type { TestApp } from './helpers/test-app';

const ns = (time: Date) => time.getTime() * 1_000_000;

/**
 * Issue 15: /ws/packets on one instance follows the packets another instance commits
 * (docs/protocol.md §16.4, §17).
 */
describe('packet replay stream across instances', () => {
  let cluster: TestCluster;
  let a: TestApp;
  let b: TestApp;
  const open: { close(): unknown; destroy?(): void }[] = [];

  const station = async (at: TestApp, slot: ReservedSlot): Promise<GatewayClient> => {
    const c = await gatewayClient(at, slot.stationKey);
    open.push(c);
    await c.startRemote(slot.slotId);
    return c;
  };
  const replay = async (at: TestApp, slot: ReservedSlot): Promise<PacketReplayClient> => {
    const c = await PacketReplayClient.connect({ baseUrl: at.baseUrl, token: slot.missionKey });
    open.push(c);
    return c;
  };
  /** A live-only subscription, listening once this resolves. */
  const follow = async (c: PacketReplayClient, slot: ReservedSlot, id = 'live'): Promise<Received> => {
    const got = new Received(c, id);
    const live = c.next<{ id: string }>('live');
    await c.add({ id, spacecraft: slot.spacecraft });
    await live;
    return got;
  };
  const now = () => cluster.clock.now().toISOString();
  /** A reserved slot of its own, with the clock one minute into it. */
  const slotFor = async (prefix: string): Promise<ReservedSlot> => {
    cluster.clock.set(ORBIT_NOW);
    const slot = await reservedSlot(a, prefix);
    cluster.clock.set(new Date(slot.start.getTime() + 60_000));
    return slot;
  };
  /** The spacecraft's packets in the shared database, in the archive's order. */
  const archived = async (slot: ReservedSlot, since = new Date(0)): Promise<Packet[]> => {
    for (const instance of cluster.instances) await instance.app.get(PacketLog).flush();
    const data = a.app.get(DataSource);
    const { id } = await data.getRepository(Spacecraft).findOneByOrFail({ identifier: slot.spacecraft });
    return data.getRepository(Packet).find({
      where: { spacecraftId: id, serverReceivedAt: MoreThanOrEqual(since) },
      order: { serverReceivedAt: 'ASC', id: 'ASC' },
    });
  };

  beforeAll(async () => {
    cluster = await TestCluster.start(['A', 'B'], {
      // The clock stands still: the per-session byte rate would never refill for the frames below.
      SATNET_RELAY_MAX_SESSION_BYTES_PER_SECOND: '1073741824',
    });
    [a, b] = cluster.instances;
  });
  afterEach(async () => {
    for (const c of open.splice(0)) (c.destroy ?? c.close).call(c);
    await cluster.stopProxies();
  });
  afterAll(() => cluster.stop());

  it('a subscriber on B receives live the frames a station relays through A', async () => {
    const slot = await slotFor('pf');
    const got = await follow(await replay(b, slot), slot);
    const gs = await station(a, slot);
    for (const text of ['one', 'two', 'three']) await gs.sendMsg(frames.downlink(text), now());

    const stored = await archived(slot);
    await until(() => got.items.length >= 3, 'the three frames on B');
    expect(got.ids).toEqual(stored.map((packet) => packet.id));
    expect(got.items.map((item) => Buffer.from(item.buffer, 'base64'))).toEqual(
      ['one', 'two', 'three'].map((text) => frames.downlink(text)),
    );
    expect(got.items.map((item) => [item.outcome, item.groundStation, item.slotId])).toEqual(
      Array(3).fill(['NOT_DELIVERED', slot.station, slot.slotId]),
    );
  });

  it("a station owner on B receives live the frames their station relays through A, the mission's uplinks too", async () => {
    const slot = await slotFor('pg');
    const c = await PacketReplayClient.connect({ baseUrl: b.baseUrl, token: slot.stationKey });
    open.push(c);
    const got = new Received(c, 'gs');
    const live = c.next<{ id: string }>('live');
    await c.add({ id: 'gs', station: slot.station });
    await live;
    const gs = await station(a, slot);
    const mission = await gatewayClient(b, slot.missionKey);
    open.push(mission);
    await mission.startRemote(slot.slotId);
    await gs.sendMsg(frames.downlink('down'), now());
    await mission.sendMsg(frames.uplink('up'), now());

    const stored = await archived(slot);
    await until(() => got.items.length >= 2, 'both frames on B');
    // One logged by A, one by B: each instance's packets come in its own order, and A's may come
    // after B's later one, which B commits and hands over itself (docs/protocol.md §16.4).
    expect(got.items).toHaveLength(2);
    const byId = new Map(got.items.map((item) => [item.id, item]));
    expect([...byId.keys()].sort((x, y) => x - y)).toEqual(stored.map((packet) => packet.id));
    expect(
      stored
        .map(({ id }) => byId.get(id))
        .map((item) => [item?.direction, item?.spacecraft, item?.groundStation]),
    ).toEqual([
      ['downlink', slot.spacecraft, slot.station],
      ['uplink', slot.spacecraft, slot.station],
    ]);
  });

  it('hands over from playback to live with no gap and no duplicate while A keeps sending', async () => {
    const slot = await slotFor('ph');
    const gs = await station(a, slot);
    const start = cluster.clock.now();
    const send = (count: number, label: string) =>
      Promise.all(
        Array.from({ length: count }, (_, i) => gs.sendMsg(frames.downlink(`${label}-${i}`), now())),
      );
    // A backlog long enough that A commits frames while B reads it (asserted below).
    await archiveDownlinks(
      a,
      slot,
      Array.from({ length: 20_000 }, () => ({ data: frames.downlink('old'), time: start })),
    );
    await send(50, 'backlog');
    const c = await replay(b, slot);
    const got = new Received(c, 'pl');
    const sending = sendThroughHandOver(
      got,
      (chunk) => {
        cluster.clock.advance(1);
        return send(20, `during-${chunk}`);
      },
      100,
    );
    await c.add({ id: 'pl', spacecraft: slot.spacecraft, start_time: ns(start) });
    sending.subscribed();
    expect(await sending.sent).toBeGreaterThan(0); // committed on A while B read the history

    const stored = await archived(slot, start);
    await until(() => got.items.length >= stored.length, 'every stored packet on B');
    expect(got.ids).toEqual(stored.map((packet) => packet.id)); // in order, once each, none missing
  });

  it('a subscriber on B receives live the non-scheduled frames a station uploads to A', async () => {
    const slot = await slotFor('pn');
    // A spacecraft of the mission's own CSP address: the upload is attributed to it alone.
    const csp = { version: 1, addresses: [21], uplinkPorts: [11], downlinkPorts: [10] };
    await a.http('POST', '/api/spacecraft', {
      token: slot.missionKey,
      body: spacecraftConfig('pnSOLO', { csp }),
    });
    const c = await replay(b, slot);
    const got = new Received(c, 'solo');
    const live = c.next<{ id: string }>('live');
    await c.add({ id: 'solo', spacecraft: 'pnSOLO' });
    await live;
    const gs = await gatewayClient(a, slot.stationKey);
    open.push(gs);
    const result = await gs.sendNonScheduled(slot.station, [
      {
        data: frames.downlink('heard', { source: 21 }),
        gsTimestamp: new Date(slot.start.getTime() + 30_000).toISOString(),
      },
    ]);
    expect(result.frames[0]).toMatchObject({ status: 'STORED', spacecraft: 'pnSOLO' });

    await until(() => got.items.length >= 1, 'the uploaded frame on B');
    expect(got.items).toMatchObject([{ id: result.frames[0].id, outcome: 'NON_SCHEDULED', slotId: null }]);
  });

  it('ends a live subscription with SUBSCRIPTION_INTERRUPTED when its instance loses Redis, or when the committing instance could not send', async () => {
    const slot = await slotFor('pi');
    // The subscriber's instance loses Redis: packets of the others cannot reach it.
    const { instance: c, proxy: cProxy } = await cluster.addBehindProxy('C');
    const onC = await follow(await replay(c, slot), slot);
    await cProxy.cut();
    await busHealth(c, 'degraded');
    await until(() => onC.error !== undefined, 'the interruption on C');
    expect(onC.error?.code).toBe('SUBSCRIPTION_INTERRUPTED');

    // The committing instance loses Redis: its packets cannot be sent; once back it says so.
    const { instance: d, proxy: dProxy } = await cluster.addBehindProxy('D');
    const onB = await follow(await replay(b, slot), slot, 'from-d');
    const gs = await station(d, slot);
    await dProxy.cut();
    await busHealth(d, 'degraded');
    await gs.sendMsg(frames.downlink('unsent'), now());
    await d.app.get(PacketLog).flush();
    expect(onB.error).toBeUndefined();
    await dProxy.start();
    await busHealth(d, 'up');
    await until(() => onB.error !== undefined, 'the interruption on B');
    expect(onB.error?.code).toBe('SUBSCRIPTION_INTERRUPTED');
    expect(onB.items).toEqual([]);
  });
});
