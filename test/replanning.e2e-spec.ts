// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import { ENDED_SLOT_GRACE_MS, ENDED_SLOT_PURGE_JOB } from '../src/booking/ended-slot-purge';
import { REPLAN_JOB, SlotPlanner } from '../src/booking/slot-planner.service';
import { JobRunner } from '../src/common/jobs';
import { nudgedIss, ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';

const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

interface Slot {
  identifier: string;
  slotStart: string;
  slotEnd: string;
  state: string;
}

/** An app at ORBIT_NOW with one station, always available, and one spacecraft: `<name>GS`, `<NAME>SAT`. */
async function oneStationNetwork(name: string): Promise<{ t: TestApp; gs: string; mission: string }> {
  const t = await TestApp.start({ SATNET_PLANNING_HORIZON_DAYS: '1' });
  t.clock.set(ORBIT_NOW);
  const gs = (await t.operator(`gs-${name.toLowerCase()}`)).token;
  const mission = (await t.operator(`mission-${name.toLowerCase()}`)).token;
  await t.http('POST', '/api/ground-stations', { token: gs, body: stationConfig(`${name}GS`) });
  await t.http('POST', `/api/ground-stations/${name}GS/rules`, { token: gs, body: ALWAYS });
  await t.http('POST', '/api/spacecraft', {
    token: mission,
    body: spacecraftConfig(`${name.toUpperCase()}SAT`),
  });
  return { t, gs, mission };
}

/** Replanning (issue 13): the hourly roll plans only what the horizon moved into; bookings stay. */
describe('replanning keeps bookings', () => {
  let t: TestApp;
  let gs: string;
  let mission: string;

  beforeAll(async () => {
    ({ t, gs, mission } = await oneStationNetwork('Plan'));
  });
  afterAll(() => t.stop());

  const stationSlots = async (): Promise<Slot[]> =>
    (await t.rpc('get_operational_slots', { identifier: 'PlanGS', limit: 1000 }, gs)).result.OperationSlot;
  const reserve = async (slot: Slot) => {
    expect((await t.rpc('select_slots', ['PLANSAT', [slot.identifier]], mission)).result).toBeDefined();
    expect((await t.rpc('confirm_selections', ['PlanGS', [slot.identifier]], gs)).result).toBeDefined();
  };

  it('rolls the horizon by planning only the new hours, exactly as a full replan would', async () => {
    const jobs = t.app.get(JobRunner);
    await jobs.tick(REPLAN_JOB); // the first run after a start plans everything
    const before = await stationSlots();
    const booked = before[before.length - 1];
    await reserve(booked);

    t.clock.advance(12 * 3600_000); // the ISS passes over Vigo in groups, about twice a day
    await jobs.tick(REPLAN_JOB);
    const after = await stationSlots();
    const horizonBefore = Date.parse(ORBIT_NOW) + 86_400_000;
    expect(after.some((slot) => Date.parse(slot.slotStart) >= horizonBefore)).toBe(true);
    expect(after.find((slot) => slot.identifier === booked.identifier)).toMatchObject({
      state: 'RESERVED',
      slotStart: booked.slotStart,
    });
    // What the roll left is what a full replan makes: it finds nothing to add, move or remove.
    expect(await t.app.get(SlotPlanner).replan({})).toEqual({ created: 0, updated: 0, removed: 0 });
    expect(await stationSlots()).toEqual(after);
  });

  it('keeps a reservation through a TLE update that moves its pass slightly, with the new times', async () => {
    const booked = (await stationSlots()).find((slot) => slot.state === 'FREE')!;
    await reserve(booked);
    const updated = await t.http('PUT', '/api/spacecraft/PLANSAT', {
      token: mission,
      body: spacecraftConfig('PLANSAT', { tracking: { tle: nudgedIss(0.05) } }),
    });
    expect(updated.status).toBe(200);
    const now = (await stationSlots()).find((slot) => slot.identifier === booked.identifier);
    expect(now?.state).toBe('RESERVED');
    expect(now?.slotStart).not.toBe(booked.slotStart);
    expect(Math.abs(Date.parse(now!.slotStart) - Date.parse(booked.slotStart))).toBeLessThan(60_000);
    const changes = (await t.rpc('get_changes', ['PLANSAT', 0], mission)).result.ChangedSlots;
    expect(changes).toContainEqual(
      expect.objectContaining({
        slot: booked.identifier,
        reason: 'reschedule',
        from: 'RESERVED',
        to: 'RESERVED',
      }),
    );
  });
});

/**
 * A full replan must not hold booking calls for its whole length (issue 13): on SQLite every
 * statement completes at once, and a replan that never let the event loop turn answered no
 * request until its last station was stored.
 */
describe('booking during a full replan', () => {
  const STATIONS = 12;
  let t: TestApp;
  let mission: string;

  beforeAll(async () => {
    t = await TestApp.start({ SATNET_PLANNING_HORIZON_DAYS: '1' });
    t.clock.set(ORBIT_NOW);
    const gs = (await t.operator('gs-busy')).token;
    mission = (await t.operator('mission-busy')).token;
    await t.http('POST', '/api/spacecraft', { token: mission, body: spacecraftConfig('BUSYSAT') });
    for (let i = 0; i < STATIONS; i++) {
      const location = { latitude: 42.17 - i, longitude: -8.69 + i * 10, altitude: 460 };
      await t.http('POST', '/api/ground-stations', {
        token: gs,
        body: stationConfig(`BusyGS${i}`, { location }),
      });
      await t.http('POST', `/api/ground-stations/BusyGS${i}/rules`, { token: gs, body: ALWAYS });
    }
  });
  afterAll(() => t.stop());

  it('answers a slot list asked for while every station is being replanned, before the replan ends', async () => {
    const finished: string[] = [];
    const replan = t.app
      .get(SlotPlanner)
      .replan({})
      .then(() => finished.push('replan'));
    const list = t.rpc('get_operational_slots', ['BUSYSAT'], mission).then((reply) => {
      finished.push('slot list');
      return reply;
    });
    const [reply] = await Promise.all([list, replan]);
    expect(reply.result.OperationSlot.length).toBeGreaterThan(0);
    expect(finished).toEqual(['slot list', 'replan']);
  });
});

/**
 * Ended FREE slots go (issue 13): a slot list walks a spacecraft's slots from its oldest start, so
 * months of unbooked passes left in place slowed every page. Booked slots stay, with their reports.
 */
describe('removing ended FREE slots', () => {
  let t: TestApp;
  let gs: string;
  let mission: string;

  beforeAll(async () => {
    ({ t, gs, mission } = await oneStationNetwork('Ended'));
  });
  afterAll(() => t.stop());

  const listed = async (): Promise<Slot[]> =>
    (await t.rpc('get_operational_slots', { identifier: 'EndedGS', limit: 1000 }, gs)).result.OperationSlot;
  const stored = async (): Promise<{ id: string; state: string; endAt: string }[]> =>
    (await t.app.get(DataSource).query('SELECT id, state, endAt FROM operational_slots')).map(
      (row: { id: string; state: string; endAt: string | Date }) => ({
        ...row,
        endAt: new Date(row.endAt instanceof Date ? row.endAt : `${row.endAt}Z`).toISOString(),
      }),
    );

  it('removes FREE slots that ended, keeps booked ones and everything still to come', async () => {
    const slots = await listed();
    expect(slots.length).toBeGreaterThan(3);
    const [booked] = slots;
    expect((await t.rpc('select_slots', ['ENDEDSAT', [booked.identifier]], mission)).result).toBeDefined();
    expect((await t.rpc('confirm_selections', ['EndedGS', [booked.identifier]], gs)).result).toBeDefined();
    // Past the end of the third slot, and the grace after it: the first three have ended.
    t.clock.set(new Date(Date.parse(slots[2].slotEnd) + ENDED_SLOT_GRACE_MS));
    const still = await listed();
    const before = await stored();

    await t.app.get(JobRunner).tick(ENDED_SLOT_PURGE_JOB);

    const after = await stored();
    const endedFree = before.filter(
      (row) => row.state === 'FREE' && row.endAt <= t.clock.now().toISOString(),
    );
    // The two unbooked slots listed first, and any other that ended by then (a pass has a slot per channel pair).
    expect(endedFree.map((row) => row.id)).toEqual(
      expect.arrayContaining([slots[1].identifier, slots[2].identifier]),
    );
    expect(after.map((row) => row.id).sort()).toEqual(
      before
        .filter((row) => !endedFree.includes(row))
        .map((row) => row.id)
        .sort(),
    );
    expect(await listed()).toEqual(still); // nothing a list shows changed
    const report = await t.http('GET', `/api/spacecraft/ENDEDSAT/slots/${booked.identifier}/report`, {
      token: mission,
    });
    expect(report.status).toBe(200);
  });
});
