// SPDX-License-Identifier: Apache-2.0
import { DataSource } from 'typeorm';
import { CHANGE_GAP_WAIT_MS } from '../src/booking/change-log-watermark';
import { OperationalSlot } from '../src/booking/operational-slot.entity';
import { SlotChange } from '../src/booking/slot-change.entity';
import { changeRecord } from '../src/booking/slot-ledger';
import { BookingEventsClient, type ChangeMessage } from '../src/client/websocket-client';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';

const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

/**
 * On MySQL a change's id is taken at its INSERT and seen at its COMMIT, so booking calls on two
 * stations can commit out of id order. SQLite runs one transaction at a time (a second writer
 * waits for the first), so the case cannot arise there.
 */
const onMysql = process.env.DATABASE_URL?.startsWith('mysql://') ? describe : describe.skip;

onMysql('change log cursors when calls commit out of order (docs/api.md "Change log and cursors")', () => {
  let t: TestApp;
  let mission: { token: string };
  let free: string[];
  const open: BookingEventsClient[] = [];

  /** A change of `slotId` in a transaction left open, as a booking call still under way has it. */
  async function changeInFlight(slotId: string) {
    const runner = t.app.get(DataSource).createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    const slot = await runner.manager.findOneByOrFail(OperationalSlot, { id: slotId });
    const inserted = await runner.manager.insert(
      SlotChange,
      changeRecord(slot, 'FREE', 'SELECTED', 'select', null, t.clock.now()),
    );
    const end = async (how: 'commit' | 'rollback') => {
      if (how === 'commit') await runner.commitTransaction();
      else await runner.rollbackTransaction();
      await runner.release();
    };
    return {
      id: Number(inserted.identifiers[0].id),
      commit: () => end('commit'),
      rollback: () => end('rollback'),
    };
  }

  /** The largest change id committed, read straight from the table. */
  const lastCommitted = async (): Promise<number> => {
    const [row] = await t.app
      .get(DataSource)
      .query<{ id: number | string }[]>('SELECT MAX(id) AS id FROM slot_changes');
    return Number(row.id);
  };

  const changeIds = async (cursor: number): Promise<number[]> =>
    (
      (await t.rpc('get_changes', ['cloSAT', cursor], mission.token)).result.ChangedSlots as {
        changeId: number;
      }[]
    ).map((change) => change.changeId);

  const stream = async () => {
    const client = await BookingEventsClient.connect({ baseUrl: t.baseUrl, token: mission.token });
    open.push(client);
    await client.live;
    const changes: ChangeMessage[] = [];
    client.on('change', (message: ChangeMessage) => changes.push(message));
    const until = (count: number) =>
      changes.length >= count
        ? Promise.resolve()
        : client.next<ChangeMessage>('change', () => changes.length >= count).then(() => undefined);
    return { changes, until };
  };

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    const gs = await t.operator('clo-gs');
    mission = await t.operator('clo-m');
    await t.http('POST', '/api/ground-stations', { token: gs.token, body: stationConfig('cloGS') });
    await t.http('POST', '/api/ground-stations/cloGS/rules', { token: gs.token, body: ALWAYS });
    await t.http('POST', '/api/spacecraft', { token: mission.token, body: spacecraftConfig('cloSAT') });
    const slots = (await t.rpc('get_operational_slots', ['cloSAT'], mission.token)).result.OperationSlot as {
      identifier: string;
    }[];
    free = slots.map((slot) => slot.identifier);
  });
  afterEach(async () => {
    for (const client of open.splice(0)) await client.close();
  });
  afterAll(() => t.stop());

  it('shows a change only once every earlier one has committed, so a cursor skips none', async () => {
    const live = await stream();
    const start = (await changeIds(0)).at(-1) ?? 0;
    const earlier = await changeInFlight(free[0]);
    await t.rpc('select_slots', ['cloSAT', [free[1]]], mission.token);
    const later = await lastCommitted();
    expect(later).toBeGreaterThan(earlier.id);

    // The later call has committed, the earlier has not: neither is readable yet.
    expect(await changeIds(start)).toEqual([]);

    await earlier.commit();
    expect(await changeIds(start)).toEqual([earlier.id, later]);
    // The stream hears of them with the next change, in order, the earlier one included.
    await t.rpc('cancel_selections', ['cloSAT', [free[1]]], mission.token);
    await live.until(3);
    expect(live.changes.slice(0, 2).map((c) => c.cursor)).toEqual([earlier.id, later]);
    expect(live.changes[2].change.reason).toBe('cancelSelection');
  });

  it(`passes a change that never commits after ${CHANGE_GAP_WAIT_MS / 1000} s, without a new change`, async () => {
    const live = await stream();
    const start = (await changeIds(0)).at(-1) ?? 0;
    const failed = await changeInFlight(free[2]);
    await failed.rollback();
    await t.rpc('select_slots', ['cloSAT', [free[3]]], mission.token);
    expect(await changeIds(start)).toEqual([]);

    t.clock.advance(CHANGE_GAP_WAIT_MS);
    // The stream is woken by the watermark's own look at the hole: no change is made meanwhile.
    await live.until(1);
    expect(live.changes.map((c) => c.cursor)).toEqual([failed.id + 1]);
    expect(await changeIds(start)).toEqual([failed.id + 1]);
  });
});
