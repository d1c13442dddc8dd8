// SPDX-License-Identifier: Apache-2.0
// A station owner follows the packets their station carried on /ws/packets (docs/protocol.md §16):
// both directions of its slots, from the slot's start then live, and never another station's.
import { DataSource } from 'typeorm';
import type { GatewayClient } from '../src/client/gateway-client';
import { PacketReplayClient, type ReplaySubscription, WsServerError } from '../src/client/websocket-client';
import { PacketLog } from '../src/relay/packet-log';
import { Packet } from '../src/relay/packet.entity';
import { type PacketRecord, PacketsRepository } from '../src/relay/packets.repository';
import { Spacecraft } from '../src/spacecraft/spacecraft.entity';
import { PacketsSocketRoute } from '../src/transports/ws/packets-socket';
import { GroundStation } from '../src/stations/ground-station.entity';
import { ORBIT_NOW } from './helpers/fixtures';
import { frames, gatewayClient, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { rejection } from './helpers/rejection';
import { Received, until } from './helpers/replay-subscription';
import { TestApp } from './helpers/test-app';

const ns = (time: Date) => time.getTime() * 1_000_000;
const base64 = (frame: Buffer) => frame.toString('base64');

/** One slot's two clients over TLS, both in the slot. */
interface Pass {
  slot: ReservedSlot;
  station: GatewayClient;
  mission: GatewayClient;
}

describe('/ws/packets for a station owner (docs/protocol.md §16.2)', () => {
  let t: TestApp;
  /** Two slots at the same time (same location and TLE in the fixtures), of different owners. */
  let ours: Pass;
  let theirs: Pass;
  const open: { close(): unknown }[] = [];
  const client = async (token: string) => {
    const c = await PacketReplayClient.connect({ baseUrl: t.baseUrl, token });
    open.push(c);
    return c;
  };
  /** The station sends a downlink, then the mission an uplink; each resolves once stored. */
  const relay = async (pass: Pass, label: string) => {
    const down = frames.downlink(`${label}-down`);
    const up = frames.uplink(`${label}-up`);
    t.clock.advance(10);
    await pass.station.sendMsg(down, t.clock.now().toISOString());
    t.clock.advance(10);
    await pass.mission.sendMsg(up, t.clock.now().toISOString());
    return [base64(down), base64(up)];
  };
  /** The frames the archive holds for a slot, in its order, as /ws/packets sends them. */
  const storedInSlot = async (slotId: string) => {
    await t.app.get(PacketLog).flush();
    const stored = await t.app
      .get(DataSource)
      .getRepository(Packet)
      .find({ where: { slotId }, order: { serverReceivedAt: 'ASC', id: 'ASC' } });
    return stored.map((packet) => base64(Buffer.from(packet.data)));
  };
  /** A frame straight into the archive, as non-scheduled (no slot). */
  const archive = async (spacecraft: string | null, station: string, data: Buffer) => {
    const db = t.app.get(DataSource);
    const spacecraftId =
      spacecraft === null
        ? null
        : (await db.getRepository(Spacecraft).findOneByOrFail({ identifier: spacecraft })).id;
    const { id: stationId } = await db.getRepository(GroundStation).findOneByOrFail({ identifier: station });
    t.clock.advance(10);
    await t.app
      .get(PacketsRepository)
      .insertMany([nonScheduled({ spacecraftId, stationId, data, serverReceivedAt: t.clock.now() })]);
    return base64(data);
  };
  /** Subscribes, waits for `live` (or the end marker), and for a pong: nothing else is on its way. */
  const subscribe = async (c: PacketReplayClient, subscription: ReplaySubscription) => {
    const got = new Received(c, subscription.id);
    const answer = await c.add(subscription);
    await until(() => got.live || got.ended, `subscription ${subscription.id} to go live or end`);
    return { got, answer };
  };
  const settled = async (c: PacketReplayClient) => {
    await t.app.get(PacketLog).flush();
    const pong = c.next('pong');
    c.send({ type: 'ping' });
    await pong;
  };

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    const first = await reservedSlot(t, 'own');
    const second = await reservedSlot(t, 'oth');
    expect(second.start.getTime()).toBeLessThan(first.end.getTime()); // both passes at once
    t.clock.set(new Date(Math.max(first.start.getTime(), second.start.getTime()) + 1000));
    const join = async (slot: ReservedSlot): Promise<Pass> => {
      const station = await gatewayClient(t, slot.stationKey);
      await station.startRemote(slot.slotId);
      const mission = await gatewayClient(t, slot.missionKey);
      await mission.startRemote(slot.slotId);
      return { slot, station, mission };
    };
    ours = await join(first);
    theirs = await join(second);
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  afterAll(async () => {
    for (const pass of [ours, theirs]) {
      pass.station.destroy();
      pass.mission.destroy();
    }
    await t.stop();
  });

  it('plays back the slot from its start, then follows it live, both directions, only through its station', async () => {
    await relay(ours, 'before');
    await relay(theirs, 'their-before');
    // Whatever other tests relayed in this slot is played back too.
    const before = await storedInSlot(ours.slot.slotId);
    const c = await client(ours.slot.stationKey);
    const { got, answer } = await subscribe(c, {
      id: 'pass',
      station: ours.slot.station,
      slot: ours.slot.slotId,
      start_time: ns(ours.slot.start),
    });
    expect(answer).toEqual({
      type: 'subscribed',
      id: 'pass',
      station: ours.slot.station,
      slot: ours.slot.slotId,
      mode: 'playback-then-live',
    });
    expect(got.items.map((item) => item.buffer)).toEqual(before);
    const during = await relay(ours, 'live');
    await relay(theirs, 'their-live');
    await settled(c);
    expect(got.items.map((item) => item.buffer)).toEqual([...before, ...during]);
    expect(got.items.slice(-4).map((item) => item.direction)).toEqual([
      'downlink',
      'uplink',
      'downlink',
      'uplink',
    ]);
    for (const item of got.items) {
      expect(item).toMatchObject({
        slotId: ours.slot.slotId,
        groundStation: ours.slot.station,
        outcome: 'RELAYED',
      });
      expect(Math.abs(item.dopplerShiftHz!)).toBeGreaterThan(100);
    }
    expect(got.ended).toBe(false);
  });

  it('without a slot: every packet the station carried or heard, none another station carried of the same spacecraft', async () => {
    const from = new Date(t.clock.now().getTime() + 1);
    const heardHere = await archive(ours.slot.spacecraft, ours.slot.station, frames.downlink('heard-here'));
    const heardThere = await archive(
      ours.slot.spacecraft,
      theirs.slot.station,
      frames.downlink('heard-there'),
    );
    const relayed = await relay(ours, 'window');
    await relay(theirs, 'their-window');
    const unattributed = await archive(null, ours.slot.station, frames.downlink('nobody-s'));
    t.clock.advance(10);
    const window = { start_time: ns(from), end_time: ns(t.clock.now()) };

    const station = await client(ours.slot.stationKey);
    const all = await subscribe(station, { id: 'all', station: ours.slot.station, ...window });
    expect(all.answer).toMatchObject({ station: ours.slot.station, mode: 'history' });
    expect(all.got.items.map((item) => item.buffer)).toEqual([heardHere, ...relayed, unattributed]);
    // Each names its spacecraft: a station's packets mix them; nobody's frame names none.
    const { spacecraft } = ours.slot;
    expect(all.got.items.map((item) => item.spacecraft)).toEqual([spacecraft, spacecraft, spacecraft, null]);
    const slotOnly = await subscribe(station, {
      id: 'slot',
      station: ours.slot.station,
      slot: ours.slot.slotId,
      ...window,
    });
    expect(slotOnly.got.items.map((item) => item.buffer)).toEqual(relayed);
    const downlinks = await subscribe(station, {
      id: 'down',
      station: ours.slot.station,
      direction: 'downlink',
      ...window,
    });
    expect(downlinks.got.items.map((item) => item.buffer)).toEqual([heardHere, relayed[0], unattributed]);

    // The mission reads its spacecraft's packets through both stations (the test can fail).
    const mission = await client(ours.slot.missionKey);
    const craft = await subscribe(mission, { id: 'sc', spacecraft: ours.slot.spacecraft, ...window });
    expect(craft.got.items.map((item) => item.buffer)).toEqual([heardHere, heardThere, ...relayed]);
    expect(craft.got.items.map((item) => item.groundStation)).toEqual([
      ours.slot.station,
      theirs.slot.station,
      ours.slot.station,
      ours.slot.station,
    ]);
  });

  it('live only: a station owner gets their station frames as they are committed, an admin any station', async () => {
    const admin = await client(await t.adminToken());
    const watched = await subscribe(admin, { id: 'theirs', station: theirs.slot.station });
    const station = await client(ours.slot.stationKey);
    const mine = await subscribe(station, { id: 'mine', station: ours.slot.station });
    expect(mine.answer).toMatchObject({ mode: 'live' });
    const ourFrames = await relay(ours, 'now');
    const theirFrames = await relay(theirs, 'their-now');
    await settled(station);
    await settled(admin);
    expect(mine.got.items.map((item) => item.buffer)).toEqual(ourFrames);
    expect(watched.got.items.map((item) => item.buffer)).toEqual(theirFrames);
  });

  it('refuses what is not exactly one of spacecraft and station, others objects and slots, and subscribes nothing', async () => {
    const c = await client(ours.slot.stationKey);
    const refused = async (subscription: Record<string, unknown>) =>
      rejection(c.add(subscription as unknown as ReplaySubscription), WsServerError);
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        { id: 'e1', spacecraft: ours.slot.spacecraft, station: ours.slot.station },
        'INVALID_MESSAGE',
        /exactly one/,
      ],
      [{ id: 'e2' }, 'INVALID_MESSAGE', /exactly one/],
      [{ id: 'e3', station: 42 }, 'INVALID_MESSAGE', /"station" must be/],
      [{ id: 'e4', station: ours.slot.station, slot: ['x'] }, 'INVALID_MESSAGE', /"slot" must be/],
      [{ id: 'e5', station: 'NoSuchGS' }, 'GROUND_STATION_NOT_FOUND', /NoSuchGS/],
      [{ id: 'e6', station: theirs.slot.station }, 'NOT_OWNER', /belongs to another user/],
      [
        { id: 'e7', station: ours.slot.station, slot: 'slot-nosuchslot' },
        'SLOT_NOT_FOUND',
        /slot-nosuchslot/,
      ],
      [{ id: 'e8', station: ours.slot.station, slot: theirs.slot.slotId }, 'SLOT_NOT_FOUND', /has no slot/],
      // Someone else's slot id, even with a station of theirs named: not confirmed to exist.
      [{ id: 'e9', station: theirs.slot.station, slot: theirs.slot.slotId }, 'NOT_OWNER', /belongs/],
    ];
    for (const [subscription, code, text] of cases) {
      const error = await refused(subscription);
      expect([error.code, error.message]).toEqual([code, expect.stringMatching(text)]);
    }
    const mission = await client(ours.slot.missionKey);
    const notTheirs = await rejection(
      mission.add({ id: 'x', spacecraft: ours.slot.spacecraft, slot: theirs.slot.slotId }),
      WsServerError,
    );
    expect(notTheirs.code).toBe('SLOT_NOT_FOUND');
    expect(await mission.add({ id: 'y', spacecraft: ours.slot.spacecraft, slot: ours.slot.slotId })).toEqual({
      type: 'subscribed',
      id: 'y',
      spacecraft: ours.slot.spacecraft,
      slot: ours.slot.slotId,
      mode: 'live',
    });
    // Nothing of the refused ones holds a subscription on the socket.
    expect(
      t.app
        .get(PacketsSocketRoute)
        .stats()
        .map((s) => s.subscription),
    ).toEqual(['y']);
  });
});

/** A non-scheduled downlink row of the archive (the relay's shape, written directly). */
function nonScheduled(row: {
  spacecraftId: string | null;
  stationId: string;
  data: Buffer;
  serverReceivedAt: Date;
}) {
  return {
    ...row,
    slotId: null,
    sequence: null,
    frequencyHz: null,
    dedupKey: null,
    fromSide: 'station',
    direction: 'DOWNLINK',
    clientTimestamp: row.serverReceivedAt.toISOString(),
    gsTimestamp: row.serverReceivedAt,
    dopplerShiftHz: null,
    outcome: 'NON_SCHEDULED',
    rejectRule: null,
    frameBytes: row.data.length,
    cspSource: 10,
    cspDestination: 1,
    cspSourcePort: 10,
    cspDestinationPort: 20,
  } as unknown as PacketRecord;
}
