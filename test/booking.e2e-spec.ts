// SPDX-License-Identifier: Apache-2.0
import { BookingService } from '../src/booking/booking.service';
import { SlotLifecycle } from '../src/booking/slot-lifecycle';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';

/** The default selection hold (SATNET_HOLD_MINUTES). */
const HOLD_MS = 5 * 60_000;
const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

interface Slot {
  identifier: string;
  gsIdentifier: string;
  scIdentifier: string;
  scChannel: string;
  slotStart: string;
  slotEnd: string;
  state: string;
  holdExpiresAt?: string;
  mOperator?: { username: string };
}

describe('availability rules and slot booking', () => {
  let t: TestApp;
  let gs: string; // owns VigoGS (confirms by hand) and AutoGS (autoConfirm)
  let alice: string; // owns XATCOBEO
  let bob: string; // owns OTHERSAT, same orbit: competes for the same passes

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    gs = (await t.operator('gs-ops')).token;
    alice = (await t.operator('alice')).token;
    bob = (await t.operator('bob')).token;
    await t.http('POST', '/api/ground-stations', { token: gs, body: stationConfig('VigoGS') });
    await t.http('POST', '/api/ground-stations', {
      token: gs,
      body: stationConfig('AutoGS', {
        autoConfirm: true,
        location: { latitude: 40.4, longitude: -3.7, altitude: 650 },
      }),
    });
    await t.http('POST', '/api/spacecraft', { token: alice, body: spacecraftConfig('XATCOBEO') });
    await t.http('POST', '/api/spacecraft', { token: bob, body: spacecraftConfig('OTHERSAT') });
    expect((await t.rpc('add_rule', { identifier: 'VigoGS', rule: ALWAYS }, gs)).result.Rule).toEqual(
      expect.any(String),
    );
    await t.http('POST', '/api/ground-stations/AutoGS/rules', { token: gs, body: ALWAYS });
  });
  afterAll(() => t.stop());
  // Each test starts at the same time with no selection pending, whatever ran before it: holds a
  // test leaves behind expire and are swept here (reservations stay; tests pick FREE slots).
  beforeEach(() => t.clock.set(ORBIT_NOW));
  afterEach(async () => {
    t.clock.advance(HOLD_MS + 1);
    await t.app.get(BookingService).sweepExpiredHolds();
  });

  const slots = async (identifier: string, token: string): Promise<Slot[]> =>
    (await t.rpc('get_operational_slots', [identifier], token)).result.OperationSlot;
  const freeOver = async (station: string, spacecraft: string, token: string) =>
    (await slots(spacecraft, token)).filter((s) => s.gsIdentifier === station && s.state === 'FREE');
  const stateOf = async (id: string) =>
    (await t.http('GET', '/api/ground-stations/VigoGS/slots', { token: gs })).body.find(
      (s: Slot) => s.identifier === id,
    )?.state;
  /** A FREE slot of `spacecraft` over `station` that nothing else overlaps yet. */
  const pick = async (station: string, spacecraft: string, token: string, index = 0) =>
    (await freeOver(station, spacecraft, token))[index * 2];

  it('derives slots from passes, availability and compatible channel pairs', async () => {
    // A spacecraft of its own: what other tests booked does not show among its slots.
    await t.http('POST', '/api/spacecraft', { token: alice, body: spacecraftConfig('FRESHSAT') });
    const all = await slots('FRESHSAT', alice);
    expect(all.length).toBeGreaterThan(10);
    expect(new Set(all.map((s) => s.gsIdentifier))).toEqual(new Set(['VigoGS', 'AutoGS']));
    expect(new Set(all.map((s) => s.scChannel))).toEqual(new Set(['tm', 'tc']));
    for (const slot of all) {
      expect(slot.state).toBe('FREE');
      expect(Date.parse(slot.slotEnd) - Date.parse(slot.slotStart)).toBeGreaterThanOrEqual(120_000);
      expect(Date.parse(slot.slotStart)).toBeLessThan(Date.parse(ORBIT_NOW) + 7 * 86_400_000);
    }
    const availability = await t.rpc(
      'get_availability',
      { identifier: 'VigoGS', from: ORBIT_NOW, to: '2008-09-21T12:00:00Z' },
      bob,
    );
    expect(availability.result.windows).toEqual([
      { start: '2008-09-20T12:00:00.000Z', end: '2008-09-21T12:00:00.000Z' },
    ]);
  });

  it('runs select → confirm → cancel over JSON-RPC, telling each side', async () => {
    const slot = await pick('VigoGS', 'XATCOBEO', alice);
    const selected = (await t.rpc('select_slots', ['XATCOBEO', [slot.identifier]], alice)).result
      .OperationSlot[0];
    expect(selected).toMatchObject({
      identifier: slot.identifier,
      state: 'SELECTED',
      holdExpiresAt: '2008-09-20T12:05:00.000Z',
    });
    expect(
      (await t.outbox()).some(
        (m) =>
          m.content.includes('To: gs-ops@example.org') && m.content.includes('waits for your confirmation'),
      ),
    ).toBe(true);

    const stationView = (await slots('VigoGS', gs)).find((s) => s.identifier === slot.identifier);
    expect(stationView).toMatchObject({
      state: 'SELECTED',
      mOperator: { username: 'alice' },
      scChannel: slot.scChannel,
    });

    expect(
      (await t.rpc('confirm_selections', ['VigoGS', [slot.identifier]], gs)).result.ChangedSlots[0].state,
    ).toBe('RESERVED');
    // The reservation is still alice's: the station owner confirming it does not become its M-operator.
    expect((await slots('VigoGS', gs)).find((s) => s.identifier === slot.identifier)).toMatchObject({
      state: 'RESERVED',
      mOperator: { username: 'alice' },
    });
    expect(
      (await t.outbox()).some(
        (m) => m.content.includes('To: alice@example.org') && m.content.includes('was confirmed'),
      ),
    ).toBe(true);
    expect(
      (await t.rpc('cancel_reservations', ['XATCOBEO', [slot.identifier]], alice)).result.ChangedSlots[0]
        .state,
    ).toBe('CANCELED');
    expect(
      (await t.outbox()).some(
        (m) =>
          m.content.includes('To: gs-ops@example.org') && m.content.includes('reservation was cancelled'),
      ),
    ).toBe(true);

    const changes = (await t.rpc('get_changes', ['XATCOBEO', 0], alice)).result;
    expect(
      changes.ChangedSlots.filter((c: { slot: string }) => c.slot === slot.identifier).map(
        (c: { from: string; to: string }) => `${c.from}>${c.to}`,
      ),
    ).toEqual(['FREE>SELECTED', 'SELECTED>RESERVED', 'RESERVED>CANCELED']);
    expect((await t.rpc('get_changes', ['XATCOBEO', changes.nextCursor], alice)).result.ChangedSlots).toEqual(
      [],
    );
    // The window is bookable again, as a new slot.
    const again = await freeOver('VigoGS', 'XATCOBEO', alice);
    expect(
      again.some(
        (s) =>
          s.slotStart === slot.slotStart &&
          s.scChannel === slot.scChannel &&
          s.identifier !== slot.identifier,
      ),
    ).toBe(true);
  });

  it('runs select → deny over REST', async () => {
    const slot = await pick('VigoGS', 'XATCOBEO', alice, 1);
    expect(
      (
        await t.http('POST', '/api/spacecraft/XATCOBEO/slots/select', {
          token: alice,
          body: { slots: [slot.identifier] },
        })
      ).body[0].state,
    ).toBe('SELECTED');
    const denied = await t.http('POST', '/api/ground-stations/VigoGS/slots/deny', {
      token: gs,
      body: { slots: [slot.identifier] },
    });
    expect(denied.body[0].state).toBe('DENIED');
    expect(
      (await t.outbox()).some(
        (m) => m.content.includes('To: alice@example.org') && m.content.includes('was denied'),
      ),
    ).toBe(true);
    const changes = await t.http('GET', '/api/ground-stations/VigoGS/changes?cursor=0', { token: gs });
    expect(
      changes.body.changes.some(
        (c: { slot: string; to: string }) => c.slot === slot.identifier && c.to === 'DENIED',
      ),
    ).toBe(true);
  });

  it('hides a held slot from other M-operators, frees it when the hold expires, then lets them book it', async () => {
    const slot = await pick('VigoGS', 'XATCOBEO', alice, 2);
    const bobsTwin = (await freeOver('VigoGS', 'OTHERSAT', bob)).find(
      (s) => s.slotStart === slot.slotStart && s.scChannel === slot.scChannel,
    );
    expect(bobsTwin).toBeDefined();
    await t.rpc('select_slots', ['XATCOBEO', [slot.identifier]], alice);

    const bobSees = await slots('OTHERSAT', bob);
    expect(bobSees.some((s) => s.identifier === slot.identifier)).toBe(false);
    expect(bobSees.some((s) => s.identifier === bobsTwin!.identifier)).toBe(false);
    const blocked = await t.rpc('select_slots', ['OTHERSAT', [bobsTwin!.identifier]], bob);
    expect(blocked.error.data.code).toBe('STATION_BUSY');

    t.clock.advance(5 * 60_000);
    expect(await stateOf(slot.identifier)).toBe('FREE');
    const confirmLate = await t.rpc('confirm_selections', ['VigoGS', [slot.identifier]], gs);
    expect(confirmLate.error.data).toMatchObject({ code: 'HOLD_EXPIRED' });
    expect(
      (await t.rpc('select_slots', ['OTHERSAT', [bobsTwin!.identifier]], bob)).result.OperationSlot[0].state,
    ).toBe('SELECTED');
    expect(await t.app.get(BookingService).sweepExpiredHolds()).toBe(1);
    expect(
      (await t.rpc('get_changes', ['XATCOBEO', 0], alice)).result.ChangedSlots.some(
        (c: { slot: string; reason: string; from: string; to: string }) =>
          c.slot === slot.identifier && c.reason === 'expireHold' && c.from === 'SELECTED' && c.to === 'FREE',
      ),
    ).toBe(true);
    await t.rpc('cancel_selections', ['OTHERSAT', [bobsTwin!.identifier]], bob);
  });

  it('hides from other M-operators what a hold, a reservation or a slot being served overlaps, not what an expired hold did', async () => {
    const slot = await pick('VigoGS', 'XATCOBEO', alice, 4);
    const bobsTwin = (await freeOver('VigoGS', 'OTHERSAT', bob)).find(
      (s) => s.slotStart === slot.slotStart && s.scChannel === slot.scChannel,
    )!;
    const bobSeesTwin = async () =>
      (await slots('OTHERSAT', bob)).some((s) => s.identifier === bobsTwin.identifier);
    expect(await bobSeesTwin()).toBe(true);
    await t.rpc('select_slots', ['XATCOBEO', [slot.identifier]], alice);
    expect(await bobSeesTwin()).toBe(false);
    // Expired but not yet swept: reads as FREE, so it hides nothing.
    t.clock.advance(HOLD_MS);
    expect(await bobSeesTwin()).toBe(true);
    await t.rpc('select_slots', ['XATCOBEO', [slot.identifier]], alice);
    await t.rpc('confirm_selections', ['VigoGS', [slot.identifier]], gs);
    expect(await bobSeesTwin()).toBe(false);
    expect(await t.app.get(SlotLifecycle).execute(slot.identifier)).toBe(true);
    expect(await bobSeesTwin()).toBe(false);
    // Its own slot the M-operator sees in every state.
    expect((await slots('XATCOBEO', alice)).find((s) => s.identifier === slot.identifier)?.state).toBe(
      'EXECUTING',
    );
  });

  it('mails the station owner of every selection of a burst exactly once, however the job batched them', async () => {
    const passes = new Map<string, Slot>();
    for (const slot of await freeOver('VigoGS', 'XATCOBEO', alice))
      if (!passes.has(slot.slotStart)) passes.set(slot.slotStart, slot);
    const burst = [...passes.values()].slice(-6).map((slot) => slot.identifier);
    expect(burst).toHaveLength(6);
    const before = (await t.outbox()).length;
    const replies = await Promise.all(burst.map((id) => t.rpc('select_slots', ['XATCOBEO', [id]], alice)));
    expect(replies.map((reply) => reply.result?.OperationSlot[0].state)).toEqual(burst.map(() => 'SELECTED'));
    const toStation = (await t.outbox())
      .slice(before)
      .filter((mail) => mail.content.includes('To: gs-ops@example.org'));
    // Each selection in exactly one message.
    for (const id of burst)
      expect(toStation.filter((mail) => mail.content.includes(`(slot ${id})`))).toHaveLength(1);
  });

  it('reserves at once on an autoConfirm station', async () => {
    const slot = await pick('AutoGS', 'XATCOBEO', alice);
    expect(
      (await t.rpc('select_slots', ['XATCOBEO', [slot.identifier]], alice)).result.OperationSlot[0].state,
    ).toBe('RESERVED');
    expect(
      (await t.rpc('cancel_reservations', ['AutoGS', [slot.identifier]], gs)).result.ChangedSlots[0].state,
    ).toBe('CANCELED');
    expect(
      (await t.outbox()).some(
        (m) => m.content.includes('To: alice@example.org') && m.content.includes('reservation was cancelled'),
      ),
    ).toBe(true);
  });

  it('is all-or-nothing across the slots of one call', async () => {
    const [a, b] = [await pick('VigoGS', 'XATCOBEO', alice, 3), await pick('VigoGS', 'XATCOBEO', alice, 4)];
    await t.rpc('select_slots', ['XATCOBEO', [a.identifier]], alice);
    const result = await t.rpc(
      'select_slots',
      ['XATCOBEO', [b.identifier, a.identifier, 'slot-unknown']],
      alice,
    );
    expect(result.error.data.code).toBe('SLOTS_REJECTED');
    expect(
      result.error.data.failures.map((f: { slot: string; code: string }) => `${f.slot}:${f.code}`),
    ).toEqual([`${a.identifier}:ILLEGAL_SLOT_TRANSITION`, 'slot-unknown:SLOT_NOT_FOUND']);
    expect(await stateOf(b.identifier)).toBe('FREE');
    await t.rpc('cancel_selections', ['XATCOBEO', [a.identifier]], alice);
  });

  it('refuses other users’ stations, spacecraft and reservations, changing nothing', async () => {
    const slot = await pick('VigoGS', 'XATCOBEO', alice, 5);
    await t.rpc('select_slots', ['XATCOBEO', [slot.identifier]], alice);
    expect((await t.rpc('confirm_selections', ['VigoGS', [slot.identifier]], bob)).error.data.code).toBe(
      'NOT_OWNER',
    );
    expect((await t.rpc('select_slots', ['XATCOBEO', [slot.identifier]], bob)).error.data.code).toBe(
      'NOT_OWNER',
    );
    expect((await t.rpc('get_operational_slots', ['XATCOBEO'], bob)).error.data.code).toBe('NOT_OWNER');
    await t.rpc('confirm_selections', ['VigoGS', [slot.identifier]], gs);
    expect((await t.rpc('cancel_reservations', ['OTHERSAT', [slot.identifier]], bob)).error.data.code).toBe(
      'SLOT_NOT_FOUND',
    );
    expect((await t.rpc('cancel_reservations', ['VigoGS', [slot.identifier]], bob)).error.data.code).toBe(
      'NOT_OWNER',
    );
    expect((await t.rpc('confirm_selections', ['XATCOBEO', [slot.identifier]], alice)).error.data.code).toBe(
      'WRONG_SIDE',
    );
    expect(await stateOf(slot.identifier)).toBe('RESERVED');
    await t.rpc('cancel_reservations', ['VigoGS', [slot.identifier]], gs);
  });

  describe('bad input', () => {
    it('unknown slots and identifiers, empty lists, duplicate ids', async () => {
      expect((await t.rpc('select_slots', ['XATCOBEO', ['slot-nope']], alice)).error).toMatchObject({
        code: -32004,
        data: { code: 'SLOT_NOT_FOUND' },
      });
      expect((await t.rpc('select_slots', ['NOSUCHSAT', ['slot-nope']], alice)).error.data.code).toBe(
        'SPACECRAFT_NOT_FOUND',
      );
      expect((await t.rpc('get_operational_slots', ['Nowhere'], alice)).error.data.code).toBe(
        'IDENTIFIER_NOT_FOUND',
      );
      const empty = await t.rpc('select_slots', ['XATCOBEO', []], alice);
      expect(empty.error.data.fields).toEqual([{ field: 'slots', message: 'should not be empty' }]);
      const slot = await pick('VigoGS', 'XATCOBEO', alice, 6);
      const twice = await t.http('POST', '/api/spacecraft/XATCOBEO/slots/select', {
        token: alice,
        body: { slots: [slot.identifier, slot.identifier] },
      });
      expect(twice.status).toBe(400);
      expect(twice.body.error.fields).toEqual([
        { field: 'slots', message: `lists ${slot.identifier} more than once` },
      ]);
      expect(await stateOf(slot.identifier)).toBe('FREE');
    });

    it('a slot in the past', async () => {
      const slot = (await freeOver('VigoGS', 'XATCOBEO', alice))[0];
      const now = t.clock.now();
      t.clock.set(new Date(Date.parse(slot.slotEnd) + 1000));
      try {
        expect((await t.rpc('select_slots', ['XATCOBEO', [slot.identifier]], alice)).error.data.code).toBe(
          'SLOT_IN_PAST',
        );
      } finally {
        t.clock.set(now);
      }
    });

    it.each([
      [
        'validity ending before it starts',
        { ...ALWAYS, validFrom: '2008-10-01', validUntil: '2008-09-01' },
        'rule.validUntil',
      ],
      [
        'an unknown weekday',
        { ...ALWAYS, periodicity: 'WEEKLY', weekdays: ['MON', 'FUNDAY'] },
        'rule.weekdays.1',
      ],
      ['an invalid time zone', { ...ALWAYS, timeZone: 'Mars/Olympus_Mons' }, 'rule.timeZone'],
      ['a bad time of day', { ...ALWAYS, endTime: '25:00' }, 'rule.endTime'],
      ['an unknown channel', { ...ALWAYS, channelId: 'sband' }, 'rule.channelId'],
    ])('a malformed rule: %s', async (_, rule, field) => {
      const before = (await t.rpc('get_rules', ['VigoGS'], gs)).result.GetRules;
      const result = await t.rpc('add_rule', { identifier: 'VigoGS', rule }, gs);
      expect(result.error.code).toBe(-32602);
      expect(result.error.data.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect((await t.rpc('get_rules', ['VigoGS'], gs)).result.GetRules).toEqual(before);
    });
  });

  it('removes a booked slot when its availability goes, telling both owners', async () => {
    const temp = await t.http('POST', '/api/ground-stations', {
      token: gs,
      body: stationConfig('TempGS', { location: { latitude: 43.3, longitude: -8.4, altitude: 50 } }),
    });
    expect(temp.status).toBe(201);
    const ruleId = (await t.rpc('add_rule', ['TempGS', ALWAYS], gs)).result.Rule;
    const slot = await pick('TempGS', 'XATCOBEO', alice);
    await t.rpc('select_slots', ['XATCOBEO', [slot.identifier]], alice);
    await t.rpc('confirm_selections', ['TempGS', [slot.identifier]], gs);
    const mailsBefore = (await t.outbox()).length;

    expect((await t.rpc('remove_rule', ['TempGS', ruleId], gs)).result).toBe('OK');
    expect(await slots('TempGS', gs)).toEqual([]);
    const change = (await t.rpc('get_changes', ['XATCOBEO', 0], alice)).result.ChangedSlots.find(
      (c: { slot: string; to: string }) => c.slot === slot.identifier && c.to === 'REMOVED',
    );
    expect(change).toMatchObject({ from: 'RESERVED', reason: 'remove' });
    const mails = (await t.outbox()).slice(mailsBefore);
    expect(
      mails.some((m) => m.content.includes('To: alice@example.org') && m.content.includes('was removed')),
    ).toBe(true);
    expect(
      mails.some((m) => m.content.includes('To: gs-ops@example.org') && m.content.includes('was removed')),
    ).toBe(true);
  });

  it('never lets two of 20 concurrent selections of one slot succeed', async () => {
    const slot = await pick('VigoGS', 'XATCOBEO', alice, 7);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.rpc('select_slots', ['XATCOBEO', [slot.identifier]], alice)),
    );
    expect(results.filter((r) => r.result).length).toBe(1);
    expect(results.filter((r) => r.error).every((r) => r.error.data.code === 'ILLEGAL_SLOT_TRANSITION')).toBe(
      true,
    );
    await t.rpc('cancel_selections', ['XATCOBEO', [slot.identifier]], alice);
  });

  it('lets at most one of two spacecraft win overlapping slots of one station selected at once', async () => {
    const mine = await pick('VigoGS', 'XATCOBEO', alice, 8);
    const theirs = (await freeOver('VigoGS', 'OTHERSAT', bob)).filter((s) => s.slotStart === mine.slotStart);
    const calls = [
      ...Array.from({ length: 5 }, () => t.rpc('select_slots', ['XATCOBEO', [mine.identifier]], alice)),
      ...theirs.flatMap((s) =>
        Array.from({ length: 5 }, () => t.rpc('select_slots', ['OTHERSAT', [s.identifier]], bob)),
      ),
    ];
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.result).length).toBe(1);
    const held = (await slots('VigoGS', gs)).filter(
      (s) => s.slotStart === mine.slotStart && s.state !== 'FREE',
    );
    expect(held).toHaveLength(1);
  });

  it('cancels an unregistering user’s bookings first and tells the other party', async () => {
    const carol = await t.operator('carol');
    await t.http('POST', '/api/spacecraft', { token: carol.token, body: spacecraftConfig('CAROLSAT') });
    const slot = await pick('AutoGS', 'CAROLSAT', carol.token, 3);
    expect(
      (await t.rpc('select_slots', ['CAROLSAT', [slot.identifier]], carol.token)).result.OperationSlot[0]
        .state,
    ).toBe('RESERVED');
    const before = (await t.outbox()).length;
    expect(
      (await t.http('DELETE', '/api/me', { token: carol.token, body: { password: carol.password } })).status,
    ).toBe(204);
    const changes = (await t.rpc('get_changes', ['AutoGS', 0], gs)).result.ChangedSlots;
    expect(
      changes.some((c: { slot: string; to: string }) => c.slot === slot.identifier && c.to === 'CANCELED'),
    ).toBe(true);
    expect(
      (await t.outbox())
        .slice(before)
        .some(
          (m) =>
            m.content.includes('To: gs-ops@example.org') && m.content.includes('reservation was cancelled'),
        ),
    ).toBe(true);
    expect((await slots('AutoGS', gs)).some((s) => s.scIdentifier === 'CAROLSAT')).toBe(false);
  });
});
