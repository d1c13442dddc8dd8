// SPDX-License-Identifier: Apache-2.0
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';

const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

interface Slot {
  identifier: string;
  gsIdentifier: string;
  slotStart: string;
  slotEnd: string;
  state: string;
}

/** Slot lists come in pages (docs/api.md "Paging through slots", issue 13). */
describe('paging through slots', () => {
  let t: TestApp;
  let gs: string;
  let alice: string;

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    gs = (await t.operator('gs-ops')).token;
    alice = (await t.operator('alice')).token;
    for (const [identifier, location] of [
      ['VigoGS', undefined],
      ['MadridGS', { latitude: 40.4, longitude: -3.7, altitude: 650 }],
    ] as const) {
      await t.http('POST', '/api/ground-stations', {
        token: gs,
        body: stationConfig(identifier, location ? { location } : {}),
      });
      await t.http('POST', `/api/ground-stations/${identifier}/rules`, { token: gs, body: ALWAYS });
    }
    await t.http('POST', '/api/spacecraft', { token: alice, body: spacecraftConfig('XATCOBEO') });
  });
  afterAll(() => t.stop());

  const page = async (params: Record<string, unknown>, token = alice) => {
    const reply = await t.rpc('get_operational_slots', { identifier: 'XATCOBEO', ...params }, token);
    if (!reply.result) throw new Error(JSON.stringify(reply.error));
    return reply.result as { OperationSlot: Slot[]; nextCursor: string | null };
  };
  const everything = async () => (await page({ limit: 1000 })).OperationSlot;

  it('answers a small page by default and a cursor to the next, until the list ends', async () => {
    const all = await everything();
    expect(all.length).toBeGreaterThan(100); // 7 days, two stations, two channel pairs

    const first = await page({});
    expect(first.OperationSlot).toEqual(all.slice(0, 100));
    expect(first.nextCursor).toEqual(expect.any(String));

    const listed: Slot[] = [];
    let cursor: string | null = null;
    do {
      const next = await page({ limit: 30, ...(cursor ? { cursor } : {}) });
      listed.push(...next.OperationSlot);
      cursor = next.nextCursor;
    } while (cursor);
    expect(listed).toEqual(all);
  });

  it('loses and repeats no slot while slots are booked between pages', async () => {
    const before = await everything();
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      // Meanwhile the mission selects, cancels (the window comes back as a new FREE slot) and the
      // station confirms, spread over the whole week, some of it behind the cursor, some ahead.
      const target = before[(round * 37) % before.length];
      const [next]: [Awaited<ReturnType<typeof page>>, unknown] = await Promise.all([
        page({ limit: 9, ...(cursor ? { cursor } : {}) }),
        t.rpc('select_slots', ['XATCOBEO', [target.identifier]], alice).then(async (selected) => {
          if (!selected.result) return;
          if (round % 2 === 0) await t.rpc('cancel_selections', ['XATCOBEO', [target.identifier]], alice);
          else await t.rpc('confirm_selections', [target.gsIdentifier, [target.identifier]], gs);
        }),
      ]);
      seen.push(...next.OperationSlot.map((slot) => slot.identifier));
      cursor = next.nextCursor;
      round++;
    } while (cursor);
    const after = new Set((await everything()).map((slot) => slot.identifier));

    expect(new Set(seen).size).toBe(seen.length); // nothing twice
    // Every slot listed before and after (whatever happened to the others) was on some page.
    const stayed = before.map((slot) => slot.identifier).filter((id) => after.has(id));
    expect(stayed.length).toBeGreaterThan(before.length / 2);
    expect(stayed.filter((id) => !seen.includes(id))).toEqual([]);
    expect(round).toBeGreaterThan(10);
  });

  it('takes a time window', async () => {
    const from = '2008-09-22T00:00:00.000Z';
    const to = '2008-09-23T00:00:00.000Z';
    const { OperationSlot: slots, nextCursor } = await page({ from, to, limit: 1000 });
    expect(slots.length).toBeGreaterThan(0);
    expect(nextCursor).toBeNull();
    for (const slot of slots) {
      expect(slot.slotEnd > from).toBe(true);
      expect(slot.slotStart < to).toBe(true);
    }
    const all = await everything();
    expect(slots).toEqual(all.filter((slot) => slot.slotEnd > from && slot.slotStart < to));
  });

  it('pages the REST list too: the body stays an array, the next cursor comes in X-Next-Cursor', async () => {
    const first = await t.http('GET', '/api/ground-stations/VigoGS/slots?limit=5', { token: gs });
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(5);
    const cursor = first.headers.get('x-next-cursor');
    expect(cursor).toEqual(expect.any(String));
    const second = await t.http('GET', `/api/ground-stations/VigoGS/slots?limit=5&cursor=${cursor}`, {
      token: gs,
    });
    expect(second.body).toHaveLength(5);
    const station = (await t.rpc('get_operational_slots', { identifier: 'VigoGS', limit: 10 }, gs)).result;
    expect([...first.body, ...second.body]).toEqual(station.OperationSlot);

    const last = await t.http('GET', '/api/ground-stations/VigoGS/slots?limit=1000', { token: gs });
    expect(last.headers.get('x-next-cursor')).toBeNull();
  });

  it('refuses a cursor it did not make, a limit out of range and an empty window', async () => {
    const bad = await t.rpc(
      'get_operational_slots',
      { identifier: 'XATCOBEO', cursor: 'not-a-cursor' },
      alice,
    );
    expect(bad.error).toMatchObject({ code: -32602, data: { code: 'VALIDATION_FAILED' } });
    expect(bad.error.data.fields).toEqual([expect.objectContaining({ field: 'cursor' })]);

    const big = await t.http('GET', '/api/spacecraft/XATCOBEO/slots?limit=1001', { token: alice });
    expect(big.status).toBe(400);
    expect(big.body.error.fields).toEqual([expect.objectContaining({ field: 'limit' })]);

    const empty = await t.http(
      'GET',
      '/api/spacecraft/XATCOBEO/slots?from=2008-09-22T00:00:00Z&to=2008-09-21T00:00:00Z',
      { token: alice },
    );
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields).toEqual([expect.objectContaining({ field: 'to' })]);
  });
});
