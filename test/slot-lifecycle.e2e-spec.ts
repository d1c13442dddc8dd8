// SPDX-License-Identifier: Apache-2.0
import { setTimeout as pause } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { BookingEventsClient, type ChangeMessage, MissionSocketClient } from '../src/client/websocket-client';
import type { GatewayClient } from '../src/client/gateway-client';
import { JobRunner } from '../src/common/jobs';
import { SLOT_END_JOB } from '../src/relay/relay.service';
import { SETTLE_GRACE_MS, SLOT_SETTLE_JOB } from '../src/relay/slot-settlement';
import { SlotSummary } from '../src/relay/slot-summary.entity';
import { asExpected, docSection, docText, exchanges, parseDocJson } from './helpers/doc-examples';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { frames, gatewayClient, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { TestApp } from './helpers/test-app';

/** Polls `read` (a real request each time) until `done` holds; the clock is not involved. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (done(value) || attempt === 200) return value;
    await pause(25);
  }
}

/**
 * Issue 11 "report": a reserved slot runs RESERVED → EXECUTING (first relay session) → COMPLETED
 * after its end, or FAILED (NO_CLIENT_CONNECTED) when nobody came; either owner reads its report
 * (docs/api.md "Slot lifecycle" and "Slot report"). Real TLS gateway, WebSocket sessions,
 * database and migrations; the clock is moved, the jobs are run as their timers would.
 */
describe('slot lifecycle and slot report', () => {
  let t: TestApp;
  let slot: ReservedSlot;
  let stationToken: string;
  let missionToken: string;
  const open: { close(): unknown }[] = [];
  const tls: GatewayClient[] = [];
  const client = async (key: string) => {
    const c = await gatewayClient(t, key);
    tls.push(c);
    return c;
  };
  const at = (ms: number) => t.clock.set(new Date(slot.start.getTime() + ms));
  const now = () => t.clock.now().toISOString();
  const report = (token: string, path = `/api/spacecraft/${slot.spacecraft}/slots/${slot.slotId}/report`) =>
    t.http('GET', path, { token });
  const changes = async (identifier: string, token: string) =>
    (
      await t.http(
        'GET',
        `/api/${identifier === slot.station ? 'ground-stations' : 'spacecraft'}/${identifier}/changes`,
        { token },
      )
    ).body.changes as { slot: string; from: string; to: string; reason: string }[];

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    slot = await reservedSlot(t, 'life');
    stationToken = await t.login('life-gs', 'life-gs-password');
    missionToken = await t.login('life-m', 'life-m-password');
  });
  afterEach(async () => {
    for (const c of tls.splice(0)) c.destroy();
    for (const c of open.splice(0)) await c.close();
  });
  afterAll(() => t.stop());

  /**
   * One slot's whole life, in order: EXECUTING at its first session (pushed and logged), not
   * cancellable while it executes, then its report and COMPLETED after its end. Its own slot,
   * booked here: another test that runs the settle job past its slots' end would fail a slot
   * booked earlier that nobody joined yet.
   */
  it('runs a slot RESERVED → EXECUTING → COMPLETED, refuses to cancel it while it executes, and reports it', async () => {
    slot = await reservedSlot(t, 'story');
    stationToken = await t.login('story-gs', 'story-gs-password');
    missionToken = await t.login('story-m', 'story-m-password');

    // EXECUTING at the first session, pushed on /ws/events and listed by get_changes.
    {
      at(-60_000);
      const events = await BookingEventsClient.connect({ baseUrl: t.baseUrl, token: missionToken });
      open.push(events);
      await events.live;
      const executing = events.next<ChangeMessage>(
        'change',
        (m) => m.change.slot === slot.slotId && m.change.to === 'EXECUTING',
      );
      const station = await client(slot.stationKey);
      expect(await station.startRemote(slot.slotId)).toBe(-2); // REMOTE_NOT_CONNECTED
      expect((await executing).change).toMatchObject({
        from: 'RESERVED',
        to: 'EXECUTING',
        reason: 'execute',
      });

      for (const [identifier, token] of [
        [slot.spacecraft, missionToken],
        [slot.station, stationToken],
      ])
        expect((await changes(identifier, token)).filter((c) => c.slot === slot.slotId).at(-1)).toEqual(
          expect.objectContaining({ from: 'RESERVED', to: 'EXECUTING', reason: 'execute' }),
        );
      const listed = await t.rpc('get_operational_slots', [slot.spacecraft], missionToken);
      expect(
        listed.result.OperationSlot.find((s: { identifier: string }) => s.identifier === slot.slotId).state,
      ).toBe('EXECUTING');
      // Still operable: the mission joins the EXECUTING slot, a second station session coincides.
      const mission = await client(slot.missionKey);
      expect(await mission.startRemote(slot.slotId)).toBe(0); // REMOTE_READY
      expect(await (await client(slot.stationKey)).startRemote(slot.slotId)).toBe(-1); // CLIENTS_COINCIDE
      for (const c of tls.splice(0)) c.destroy();
    }
    // An EXECUTING slot cannot be cancelled, and nothing changes.
    {
      at(-30_000);
      await (await client(slot.stationKey)).startRemote(slot.slotId);
      const state = async () => (await report(missionToken)).body.state as string;
      expect(await eventually(state, (s) => s === 'EXECUTING')).toBe('EXECUTING');
      const cancel = await t.rpc('cancel_reservations', [slot.spacecraft, [slot.slotId]], missionToken);
      expect(cancel.error?.data?.code).toBe('ILLEGAL_SLOT_TRANSITION');
      expect(JSON.stringify(cancel.error.data)).toContain(
        'EXECUTING and cannot have its reservation cancelled',
      );
      const listed = await t.rpc('get_operational_slots', [slot.spacecraft], missionToken);
      expect(
        listed.result.OperationSlot.find((s: { identifier: string }) => s.identifier === slot.slotId).state,
      ).toBe('EXECUTING');
      for (const c of tls.splice(0)) c.destroy();
    }
    // Frames, bytes, rejections, first and last, the longest gap and every session; COMPLETED after the end.
    {
      at(0);
      const station = await client(slot.stationKey);
      const mission = await client(slot.missionKey);
      await station.startRemote(slot.slotId);
      await mission.startRemote(slot.slotId);
      const t0 = t.clock.nowMs();
      const A = frames.downlink('A-telemetry');
      const U1 = frames.uplink('U1');
      const B = frames.downlink('B-wrong-source', { source: 11 });
      const C = frames.downlink('C');
      const D = frames.downlink('D-nobody-listens');
      const U2 = frames.uplink('U2-over-websocket');
      expect((await station.sendMsg(A, now())).delivered).toBe(true);
      at(10_000);
      expect((await mission.sendMsg(U1, now())).delivered).toBe(true);
      at(50_000);
      await expect(station.sendMsg(B, now())).rejects.toMatchObject({ code: 'FRAME_REJECTED' });
      at(55_000);
      expect((await station.sendMsg(C, now())).delivered).toBe(true);
      await mission.endRemote();
      at(60_000);
      expect((await station.sendMsg(D, now())).delivered).toBe(false);
      const ws = await MissionSocketClient.connect({
        baseUrl: t.baseUrl,
        token: slot.missionKey,
        spacecraft: slot.spacecraft,
      });
      open.push(ws);
      await ws.next('event'); // REMOTE_CONNECTED: attached to the slot (and audited) from now
      at(70_000);
      await ws.uplink(U2, { slotId: slot.slotId });

      // While it runs: partial, and the same for both owners, over REST and JSON-RPC.
      const partial = (await report(missionToken)).body;
      expect(partial).toMatchObject({ state: 'EXECUTING', final: false, failureReason: null });
      expect(partial.downlink.relayed).toEqual({ frames: 2, bytes: A.length + C.length });
      const asStation = await report(
        stationToken,
        `/api/ground-stations/${slot.station}/slots/${slot.slotId}/report`,
      );
      expect(asStation.status).toBe(200);
      expect(asStation.body.downlink).toEqual(partial.downlink);
      const rpc = await t.rpc('get_slot_report', [slot.station, slot.slotId], stationToken);
      expect(rpc.result.uplink).toEqual(partial.uplink);
      await ws.close();
      const wsEnded = (r: { body: { sessions: { transport: string; endedAt: string | null }[] } }) =>
        r.body.sessions.some((s) => s.transport === 'websocket' && s.endedAt !== null);
      expect(wsEnded(await eventually(() => report(missionToken), wsEnded))).toBe(true);

      // The end: the relay closes the sessions, then (after the grace) the settle job completes it.
      t.clock.set(slot.end);
      await t.app.get(JobRunner).tick(SLOT_END_JOB);
      t.clock.set(new Date(slot.end.getTime() + SETTLE_GRACE_MS));
      await t.app.get(JobRunner).tick(SLOT_SETTLE_JOB);

      const done = (
        await eventually(
          () => report(missionToken),
          (r) => r.body.sessions?.every((s: { endedAt: string | null }) => s.endedAt !== null),
        )
      ).body;
      const iso = (ms: number) => new Date(t0 + ms).toISOString();
      expect(done).toMatchObject({ state: 'COMPLETED', final: true, failureReason: null });
      expect(done.slot).toMatchObject({ identifier: slot.slotId, state: 'COMPLETED' });
      expect(done.downlink).toEqual({
        relayed: { frames: 2, bytes: A.length + C.length },
        notDelivered: { frames: 1, bytes: D.length },
        rejected: { frames: 1, bytes: B.length, byRule: { SOURCE_NOT_ALLOWED: 1 } },
        firstFrameAt: iso(0),
        lastFrameAt: iso(60_000),
        longestGap: { ms: 50_000, from: iso(0), to: iso(50_000) },
      });
      expect(done.uplink).toEqual({
        relayed: { frames: 2, bytes: U1.length + U2.length },
        notDelivered: { frames: 0, bytes: 0 },
        rejected: { frames: 0, bytes: 0, byRule: {} },
        firstFrameAt: iso(10_000),
        lastFrameAt: iso(70_000),
        longestGap: { ms: 60_000, from: iso(10_000), to: iso(70_000) },
      });
      const sessions = done.sessions.map((s: Record<string, unknown>) => [
        s.side,
        s.transport,
        s.user,
        s.endReason,
      ]);
      // The earlier steps' sessions (their clients destroyed: REMOTE_DISCONNECTED), then these.
      expect(sessions).toEqual(
        expect.arrayContaining([
          ['station', 'tls', 'story-gs', 'SLOT_END'],
          ['mission', 'tls', 'story-m', 'END_REMOTE'],
          ['mission', 'websocket', 'story-m', 'CLOSED'],
        ]),
      );
      const wsRow = done.sessions.find((s: { transport: string }) => s.transport === 'websocket');
      expect(wsRow).toMatchObject({ startedAt: iso(60_000), endedAt: iso(70_000) });
      expect(wsRow.connectionId).toMatch(/^[0-9a-f-]{36}$/);

      // Stored once at completion, read from there since: the same figures.
      const summary = await t.app
        .get(DataSource)
        .getRepository(SlotSummary)
        .findOneByOrFail({ slotId: slot.slotId });
      expect(JSON.parse(summary.figures)).toEqual({ downlink: done.downlink, uplink: done.uplink });
      const completed = (await changes(slot.station, stationToken))
        .filter((c) => c.slot === slot.slotId)
        .at(-1);
      expect(completed).toMatchObject({ from: 'EXECUTING', to: 'COMPLETED', reason: 'complete' });
    }
  });

  it('fails a reserved slot nobody joined, with its reason, once its end has passed', async () => {
    const idle = await reservedSlot(t, 'idle');
    const idleToken = await t.login('idle-m', 'idle-m-password');
    t.clock.set(new Date(idle.end.getTime() + SETTLE_GRACE_MS - 1));
    await t.app.get(JobRunner).tick(SLOT_SETTLE_JOB);
    expect(
      (
        await t.http('GET', `/api/spacecraft/${idle.spacecraft}/slots/${idle.slotId}/report`, {
          token: idleToken,
        })
      ).body.state,
    ).toBe('RESERVED');

    t.clock.set(new Date(idle.end.getTime() + SETTLE_GRACE_MS));
    await t.app.get(JobRunner).tick(SLOT_SETTLE_JOB);
    const failed = (
      await t.http('GET', `/api/spacecraft/${idle.spacecraft}/slots/${idle.slotId}/report`, {
        token: idleToken,
      })
    ).body;
    expect(failed).toMatchObject({
      state: 'FAILED',
      failureReason: 'NO_CLIENT_CONNECTED',
      final: true,
      sessions: [],
      downlink: { relayed: { frames: 0, bytes: 0 }, firstFrameAt: null, longestGap: null },
    });
    expect(failed.slot).toMatchObject({ state: 'FAILED', failureReason: 'NO_CLIENT_CONNECTED' });
    const log = (await t.rpc('get_changes', [idle.spacecraft], idleToken)).result.ChangedSlots as {
      slot: string;
      to: string;
      reason: string;
    }[];
    expect(log.filter((c) => c.slot === idle.slotId).map((c) => [c.to, c.reason])).toEqual([
      ['RESERVED', 'autoReserve'],
      ['FAILED', 'fail'],
    ]);
    // Nobody is emailed about it (the reservation itself was: the station owner heard of it).
    const mails = (await t.outbox()).filter((mail) => mail.content.includes(idle.slotId));
    expect(mails.length).toBeGreaterThan(0);
    expect(mails.filter((mail) => /FAILED|EXECUTING|COMPLETED/.test(mail.content))).toEqual([]);
    // Idempotent: a second run changes nothing, and a failed slot cannot be operated.
    await t.app.get(JobRunner).tick(SLOT_SETTLE_JOB);
    expect((await t.rpc('get_changes', [idle.spacecraft], idleToken)).result.ChangedSlots).toHaveLength(
      log.length,
    );
  });

  it('executes and completes a slot operated only by a mission WebSocket session, and lists that session', async () => {
    const ws = await reservedSlot(t, 'wsonly');
    const token = await t.login('wsonly-m', 'wsonly-m-password');
    const read = () => t.http('GET', `/api/spacecraft/${ws.spacecraft}/slots/${ws.slotId}/report`, { token });
    t.clock.set(new Date(ws.start.getTime() - 60_000));
    const session = await MissionSocketClient.connect({
      baseUrl: t.baseUrl,
      token: ws.missionKey,
      spacecraft: ws.spacecraft,
    });
    open.push(session);
    // No station: attaching to the slot in progress is its first relay session.
    expect((await eventually(read, (r) => r.body.state === 'EXECUTING')).body.state).toBe('EXECUTING');

    const slotEnd = session.next<{ event: string }>('event', (m) => m.event === 'SLOT_END');
    t.clock.set(ws.end);
    await t.app.get(JobRunner).tick(SLOT_END_JOB);
    await slotEnd;
    t.clock.set(new Date(ws.end.getTime() + SETTLE_GRACE_MS));
    await t.app.get(JobRunner).tick(SLOT_SETTLE_JOB);
    const done = (await eventually(read, (r) => r.body.sessions?.[0]?.endedAt !== null)).body;
    expect(done).toMatchObject({ state: 'COMPLETED', final: true });
    expect(done.sessions).toEqual([
      {
        side: 'mission',
        transport: 'websocket',
        user: 'wsonly-m',
        connectionId: expect.any(String),
        startedAt: new Date(ws.start.getTime() - 60_000).toISOString(),
        endedAt: ws.end.toISOString(),
        endReason: 'SLOT_END',
      },
    ]);
  });

  it('completes an EXECUTING slot when one of its owners unregisters (it cannot be cancelled)', async () => {
    const leaving = await reservedSlot(t, 'leave');
    const missionSide = await t.login('leave-m', 'leave-m-password');
    const stationSide = await t.login('leave-gs', 'leave-gs-password');
    t.clock.set(new Date(leaving.start.getTime() - 60_000));
    await (await client(leaving.stationKey)).startRemote(leaving.slotId);
    const read = () =>
      t.http('GET', `/api/ground-stations/${leaving.station}/slots/${leaving.slotId}/report`, {
        token: stationSide,
      });
    expect((await eventually(read, (r) => r.body.state === 'EXECUTING')).body.state).toBe('EXECUTING');

    const gone = await t.http('DELETE', '/api/me', {
      token: missionSide,
      body: { password: 'leave-m-password' },
    });
    expect(gone.status).toBe(204);
    const log = (await t.rpc('get_changes', [leaving.station], stationSide)).result.ChangedSlots as {
      slot: string;
      to: string;
      reason: string;
    }[];
    expect(log.filter((c) => c.slot === leaving.slotId).map((c) => [c.to, c.reason])).toEqual([
      ['RESERVED', 'autoReserve'],
      ['EXECUTING', 'execute'],
      ['COMPLETED', 'complete'],
    ]);
  });

  it('shows a report to nobody but the two owners', async () => {
    const outsider = await t.operator('life-outsider');
    const foreign = await report(outsider.token);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('NOT_OWNER');
    // Through a station or spacecraft of their own: the slot is not on it.
    const own = await reservedSlot(t, 'lifeown');
    const ownToken = await t.login('lifeown-m', 'lifeown-m-password');
    const viaOwn = await report(ownToken, `/api/spacecraft/${own.spacecraft}/slots/${slot.slotId}/report`);
    expect(viaOwn.status).toBe(404);
    expect(viaOwn.body.error.code).toBe('SLOT_NOT_FOUND');
    expect(JSON.stringify(viaOwn.body)).not.toContain(slot.station);
    const rpc = await t.rpc('get_slot_report', [own.spacecraft, slot.slotId], ownToken);
    expect(rpc.error.data.code).toBe('SLOT_NOT_FOUND');
    const wrongSide = await report(
      missionToken,
      `/api/ground-stations/${slot.spacecraft}/slots/${slot.slotId}/report`,
    );
    expect(wrongSide.body.error.code).toBe('WRONG_SIDE');
    const bad = await t.rpc('get_slot_report', { identifier: slot.spacecraft }, missionToken);
    expect(bad.error.data.code).toBe('VALIDATION_FAILED');
  });
});

/**
 * docs/api.md "Slot report", replayed: the scenario its text describes (gs-ops' autoConfirm
 * station VigoGS, alice's XATCOBEO, the first pass reserved; frames at the documented instants),
 * then each documented request as its caller, with this run's slot id for the document's.
 */
describe('docs/api.md slot report examples', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const keys: Record<string, string> = {};
  let slotId: string;
  const DOC_SLOT = 'slot-_cjW8MR7IVA';

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    for (const user of ['gs-ops', 'alice']) {
      tokens[user] = (await t.operator(user)).token;
      keys[user] = (
        await t.http('POST', '/api/me/api-keys', { token: tokens[user], body: { name: 'client' } })
      ).body.key as string;
    }
    const always = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };
    await t.http('POST', '/api/ground-stations', {
      token: tokens['gs-ops'],
      body: stationConfig('VigoGS', { autoConfirm: true }),
    });
    await t.http('POST', '/api/ground-stations/VigoGS/rules', { token: tokens['gs-ops'], body: always });
    await t.http('POST', '/api/spacecraft', { token: tokens.alice, body: spacecraftConfig('XATCOBEO') });
    const slots = (await t.rpc('get_operational_slots', ['XATCOBEO'], tokens.alice)).result.OperationSlot;
    // The first pass gives two slots (tm and tc channels, random ids): the document's is tm.
    const first = (
      slots as { scChannel: string; identifier: string; slotStart: string; slotEnd: string }[]
    ).find((candidate) => candidate.scChannel === 'tm')!;
    slotId = first.identifier;
    await t.rpc('select_slots', ['XATCOBEO', [slotId]], tokens.alice);
    const start = new Date(first.slotStart).getTime();
    const end = new Date(first.slotEnd);
    const at = (ms: number) => t.clock.set(new Date(start + ms));

    at(-60_000);
    const station = await gatewayClient(t, keys['gs-ops']);
    const mission = await gatewayClient(t, keys.alice);
    await station.startRemote(slotId);
    await mission.startRemote(slotId);
    const stamp = () => t.clock.now().toISOString();
    at(0);
    await station.sendMsg(frames.downlink('telemetry'), stamp());
    at(2_000);
    await mission.sendMsg(frames.uplink('telecommand'), stamp());
    at(20_000);
    await station.sendMsg(frames.downlink('telemetry', { source: 11 }), stamp()).catch(() => undefined);
    at(21_000);
    await station.sendMsg(frames.downlink('telemetry'), stamp());
    at(30_000);
    await mission.endRemote();
    at(90_000);
    await station.sendMsg(frames.downlink('telemetry'), stamp());
    t.clock.set(end);
    await t.app.get(JobRunner).tick(SLOT_END_JOB);
    t.clock.set(new Date(end.getTime() + SETTLE_GRACE_MS));
    await t.app.get(JobRunner).tick(SLOT_SETTLE_JOB);
    station.destroy();
    mission.destroy();
  });
  afterAll(() => t.stop());

  it('answers every example as documented, JSON-RPC and REST', async () => {
    const ours = <T>(value: T): T => JSON.parse(JSON.stringify(value).split(DOC_SLOT).join(slotId)) as T;
    const calls = exchanges(docSection(docText('api.md'), 'Slot report'));
    expect(calls).toHaveLength(4);
    let caller = 'alice';
    for (const { request, answer, caller: named } of calls) {
      caller = named ?? caller;
      const token = tokens[caller];
      if (typeof request === 'object') {
        const sent = await t.http('POST', '/jsonrpc', { token, body: ours(request) });
        expect({ request, answer: sent.body }).toEqual({ request, answer: asExpected(ours(answer)) });
      } else {
        const [, path] = /^GET (\S+)$/.exec(request as string)!;
        const [, status, body] = /^(\d{3}) ([\s\S]*)$/.exec(answer as string)!;
        const sent = await t.http('GET', ours(path), { token });
        expect({ request, answer: { status: sent.status, body: sent.body } }).toEqual({
          request,
          answer: { status: Number(status), body: asExpected(ours(parseDocJson(body))) },
        });
      }
    }
  });
});
