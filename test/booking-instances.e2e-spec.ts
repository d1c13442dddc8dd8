// SPDX-License-Identifier: Apache-2.0
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';

const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

interface Slot {
  identifier: string;
  gsIdentifier: string;
  slotStart: string;
  state: string;
}

/**
 * Two servers on one database: booking calls of one instance never wait in the other's per-station
 * queue, so only the database keeps a station to one holder (docs/api.md "Holds, autoConfirm,
 * exclusivity, visibility"): the station row's lock on MySQL, one writer at a time on SQLite.
 */
describe('booking through two server instances on one database', () => {
  let database: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  let gs: string;
  let alice: string; // owns INSTSAT-A
  let bob: string; // owns INSTSAT-B, same orbit: competes for the same passes

  beforeAll(async () => {
    database = await createTestDatabase();
    one = await TestApp.start({}, database);
    two = await TestApp.start({}, database);
    for (const app of [one, two]) app.clock.set(ORBIT_NOW);
    gs = (await one.operator('inst-gs')).token;
    alice = (await one.operator('inst-alice')).token;
    bob = (await one.operator('inst-bob')).token;
    await one.http('POST', '/api/ground-stations', { token: gs, body: stationConfig('InstGS') });
    await one.http('POST', '/api/ground-stations/InstGS/rules', { token: gs, body: ALWAYS });
    await one.http('POST', '/api/spacecraft', { token: alice, body: spacecraftConfig('INSTSAT-A') });
    await one.http('POST', '/api/spacecraft', { token: bob, body: spacecraftConfig('INSTSAT-B') });
  });
  afterAll(async () => {
    await Promise.all([one.stop(), two.stop()]);
    await database.drop();
  });

  const freeSlots = async (spacecraft: string, token: string): Promise<Slot[]> =>
    ((await one.rpc('get_operational_slots', [spacecraft], token)).result.OperationSlot as Slot[]).filter(
      (slot) => slot.state === 'FREE',
    );
  const heldAt = async (slotStart: string): Promise<Slot[]> =>
    ((await two.rpc('get_operational_slots', ['InstGS'], gs)).result.OperationSlot as Slot[]).filter(
      (slot) => slot.slotStart === slotStart && slot.state !== 'FREE',
    );

  it('lets exactly one of 20 selections of one slot, sent to both instances at once, win', async () => {
    const [slot] = await freeSlots('INSTSAT-A', alice);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? one : two).rpc('select_slots', ['INSTSAT-A', [slot.identifier]], alice),
      ),
    );
    expect(results.filter((r) => r.result)).toHaveLength(1);
    expect(results.filter((r) => r.error).map((r) => r.error.data.code)).toEqual(
      Array.from({ length: 19 }, () => 'ILLEGAL_SLOT_TRANSITION'),
    );
    expect(await heldAt(slot.slotStart)).toEqual([expect.objectContaining({ state: 'SELECTED' })]);
  });

  it('lets at most one of two spacecraft hold overlapping slots of one station, across instances', async () => {
    const mine = (await freeSlots('INSTSAT-A', alice))[2];
    const theirs = (await freeSlots('INSTSAT-B', bob)).find((slot) => slot.slotStart === mine.slotStart);
    expect(theirs).toBeDefined();
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => one.rpc('select_slots', ['INSTSAT-A', [mine.identifier]], alice)),
      ...Array.from({ length: 5 }, () => two.rpc('select_slots', ['INSTSAT-B', [theirs!.identifier]], bob)),
    ]);
    expect(results.filter((r) => r.result)).toHaveLength(1);
    expect(await heldAt(mine.slotStart)).toHaveLength(1);
  });
});
