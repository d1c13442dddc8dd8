// SPDX-License-Identifier: Apache-2.0
import { SlotPlanner } from '../src/booking/slot-planner.service';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';

const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

/** Holds are data, not timers: they outlive the process that made them. */
describe('booking across restarts and as the horizon rolls', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('keeps a hold through a restart and releases it at its expiry time, not before', async () => {
    const first = await TestApp.start({}, database);
    first.clock.set(ORBIT_NOW);
    const gs = await first.operator('gs-restart');
    const mission = await first.operator('mission-restart');
    await first.http('POST', '/api/ground-stations', { token: gs.token, body: stationConfig('RestartGS') });
    await first.http('POST', '/api/ground-stations/RestartGS/rules', { token: gs.token, body: ALWAYS });
    await first.http('POST', '/api/spacecraft', {
      token: mission.token,
      body: spacecraftConfig('RESTARTSAT'),
    });
    const slot = (await first.rpc('get_operational_slots', ['RESTARTSAT'], mission.token)).result
      .OperationSlot[0];
    await first.rpc('select_slots', ['RESTARTSAT', [slot.identifier]], mission.token);
    await first.stop();

    const second = await TestApp.start({}, database);
    try {
      second.clock.set('2008-09-20T12:04:00Z');
      const gsToken = await second.login('gs-restart', gs.password);
      const stateNow = async () =>
        (await second.rpc('get_operational_slots', ['RestartGS'], gsToken)).result.OperationSlot.find(
          (s: { identifier: string }) => s.identifier === slot.identifier,
        ).state;
      expect(await stateNow()).toBe('SELECTED');
      second.clock.set('2008-09-20T12:05:00Z');
      expect(await stateNow()).toBe('FREE');
      const confirm = await second.rpc('confirm_selections', ['RestartGS', [slot.identifier]], gsToken);
      expect(confirm.error.data.code).toBe('HOLD_EXPIRED');
    } finally {
      await second.stop();
    }
  });

  it('offers new passes as the horizon rolls forward, and keeps past slots out of the offer', async () => {
    const t = await TestApp.start({ SATNET_PLANNING_HORIZON_DAYS: '1' });
    try {
      t.clock.set(ORBIT_NOW);
      const gs = await t.operator('gs-roll');
      const mission = await t.operator('mission-roll');
      await t.http('POST', '/api/ground-stations', { token: gs.token, body: stationConfig('RollGS') });
      await t.http('POST', '/api/ground-stations/RollGS/rules', { token: gs.token, body: ALWAYS });
      await t.http('POST', '/api/spacecraft', { token: mission.token, body: spacecraftConfig('ROLLSAT') });
      let token = mission.token;
      const offered = async () =>
        (await t.rpc('get_operational_slots', ['ROLLSAT'], token)).result.OperationSlot as {
          slotStart: string;
        }[];
      const firstDay = await offered();
      const lastStart = Math.max(...firstDay.map((s) => Date.parse(s.slotStart)));
      expect(lastStart).toBeLessThan(Date.parse('2008-09-21T12:00:00Z'));

      t.clock.set('2008-09-21T12:00:00Z');
      token = await t.login('mission-roll', mission.password); // a day later the first login has expired
      const result = await t.app.get(SlotPlanner).replan({});
      expect(result.created).toBeGreaterThan(0);
      const nextDay = await offered();
      expect(nextDay.every((s) => Date.parse(s.slotStart) > lastStart - 3600_000)).toBe(true);
      expect(Math.max(...nextDay.map((s) => Date.parse(s.slotStart)))).toBeGreaterThan(
        Date.parse('2008-09-21T12:00:00Z'),
      );
    } finally {
      await t.stop();
    }
  });
});
