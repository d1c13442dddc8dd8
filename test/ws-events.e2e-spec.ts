// SPDX-License-Identifier: Apache-2.0
import { BookingEventsClient, type ChangeMessage, WsHandshakeError } from '../src/client/websocket-client';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { rejection } from './helpers/rejection';
import { TestApp } from './helpers/test-app';

const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

/** Collects the `change` messages of a stream, in order. */
function collect(client: BookingEventsClient): ChangeMessage[] {
  const changes: ChangeMessage[] = [];
  client.on('change', (message: ChangeMessage) => changes.push(message));
  return changes;
}

describe('booking event stream /ws/events (docs/protocol.md §13.6)', () => {
  let t: TestApp;
  let gs: { token: string };
  let mission: { token: string };
  const open: BookingEventsClient[] = [];
  const stream = async (token: string, cursor?: number) => {
    const client = await BookingEventsClient.connect({ baseUrl: t.baseUrl, token, cursor });
    open.push(client);
    return client;
  };
  /** Resolves once `changes` holds `count` entries (each arrives as its booking call commits). */
  const until = (client: BookingEventsClient, changes: ChangeMessage[], count: number) =>
    changes.length >= count
      ? Promise.resolve()
      : client.next<ChangeMessage>('change', () => changes.length >= count).then(() => undefined);

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    gs = await t.operator('wse-gs');
    mission = await t.operator('wse-m');
    await t.http('POST', '/api/ground-stations', { token: gs.token, body: stationConfig('wseGS') });
    await t.http('POST', '/api/ground-stations/wseGS/rules', { token: gs.token, body: ALWAYS });
    await t.http('POST', '/api/spacecraft', { token: mission.token, body: spacecraftConfig('wseSAT') });
  });
  afterEach(async () => {
    for (const client of open.splice(0)) await client.close();
  });
  afterAll(() => t.stop());

  it('pushes select → confirm → cancel to both owners at once, and resumes from a cursor', async () => {
    t.clock.set(ORBIT_NOW);
    const atStation = await stream(gs.token);
    const atMission = await stream(mission.token);
    await Promise.all([atStation.live, atMission.live]);
    const stationChanges = collect(atStation);
    const missionChanges = collect(atMission);

    const slots = (await t.rpc('get_operational_slots', ['wseSAT'], mission.token)).result.OperationSlot;
    const slotId = slots[0].identifier as string;
    await t.rpc('select_slots', ['wseSAT', [slotId]], mission.token);
    await until(atStation, stationChanges, 1);
    await t.rpc('confirm_selections', ['wseGS', [slotId]], gs.token);
    await t.rpc('cancel_reservations', ['wseSAT', [slotId]], mission.token);
    await until(atStation, stationChanges, 3);
    await until(atMission, missionChanges, 3);

    for (const changes of [stationChanges, missionChanges]) {
      expect(changes.map((c) => [c.change.slot, c.change.from, c.change.to, c.change.reason])).toEqual([
        [slotId, 'FREE', 'SELECTED', 'select'],
        [slotId, 'SELECTED', 'RESERVED', 'confirm'],
        [slotId, 'RESERVED', 'CANCELED', 'cancelReservation'],
      ]);
      expect(changes.map((c) => c.cursor)).toEqual(changes.map((c) => c.change.changeId));
    }
    // The records are get_changes' own.
    const polled = (await t.rpc('get_changes', ['wseSAT', 0], mission.token)).result.ChangedSlots;
    expect(missionChanges.map((c) => c.change)).toEqual(polled.slice(-3));

    // A client that saw only the first change resumes after it: the rest once, then live.
    const resumed = await stream(mission.token, missionChanges[0].cursor);
    const replayed = collect(resumed);
    const live = await resumed.live;
    expect(replayed.map((c) => c.cursor)).toEqual(missionChanges.slice(1).map((c) => c.cursor));
    expect(live).toBe(missionChanges[2].cursor);
  });

  it('shows a user only the changes of their own stations and spacecraft', async () => {
    const stranger = await t.operator('wse-stranger');
    const theirs = await stream(stranger.token, 0);
    const seen = collect(theirs);
    await theirs.live;
    expect(seen).toEqual([]);
  });

  it('refuses a bad cursor or credential at the handshake', async () => {
    const refused = async (opening: Promise<unknown>) => {
      const error = await rejection(opening, WsHandshakeError);
      return [error.status, error.code];
    };
    expect(
      await refused(BookingEventsClient.connect({ baseUrl: t.baseUrl, token: mission.token, cursor: -1 })),
    ).toEqual([400, 'VALIDATION_FAILED']);
    expect(await refused(BookingEventsClient.connect({ baseUrl: t.baseUrl, token: 'sns_nope' }))).toEqual([
      401,
      'INVALID_TOKEN',
    ]);
  });
});
