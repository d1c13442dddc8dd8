// SPDX-License-Identifier: Apache-2.0
import { HOLD_SWEEP_JOB } from '../src/booking/booking.service';
import { SlotsRepository } from '../src/booking/slots.repository';
import { MessageBus } from '../src/bus/message-bus';
import { healthBecomes } from '../src/bus/testing/health-becomes';
import { TcpProxy } from '../src/bus/testing/tcp-proxy';
import { BookingEventsClient, type ChangeMessage } from '../src/client/websocket-client';
import { JobRunner } from '../src/common/jobs';
import { asExpected, docSection, docText, exchanges, parseDocJson } from './helpers/doc-examples';
import { TestCluster } from './helpers/cluster';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { frames } from './helpers/relay-fixture';
import { TestApp } from './helpers/test-app';

const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };
/** Past the 5-minute hold, and so past the sweeper's lease (3 × 15 s) whoever held it. */
const HOLD_EXPIRED_MS = 5 * 60_000 + 1000;

/**
 * Issue 15, README "Scaling out": instances sharing one database and one Redis. A and B reach
 * Redis through proxies the test cuts (the machine's Redis stays up for other test files).
 */
describe('several instances behind one address (README "Scaling out")', () => {
  let cluster: TestCluster;
  let a: TestApp;
  let b: TestApp;
  const proxies: Record<string, TcpProxy> = {};
  /** Instances whose proxy to Redis is cut (restored after each test). */
  const cutOff = new Set<string>();
  let gs: { token: string };
  let mission: { token: string };
  const open: BookingEventsClient[] = [];

  const proxied = async (name: string) => {
    const proxy = new TcpProxy('127.0.0.1', 6379);
    proxies[name] = proxy;
    return cluster.add(name, { SATNET_REDIS_URL: `redis://127.0.0.1:${await proxy.start()}/0` });
  };
  const named = (name: string) => cluster.instances.find((i) => i.app.get(MessageBus).instanceId === name)!;
  const cut = async (name: string) => {
    cutOff.add(name);
    await proxies[name].cut();
    await healthBecomes(named(name).app.get(MessageBus), 'degraded');
  };
  const restore = async (name: string) => {
    await proxies[name].start();
    cutOff.delete(name);
    await healthBecomes(named(name).app.get(MessageBus), 'up');
  };
  const tick = (instance: TestApp) => instance.app.get(JobRunner).tick(HOLD_SWEEP_JOB);
  const tickAll = () => Promise.all(cluster.instances.map(tick));
  const stream = async (instance: TestApp, token: string) => {
    const client = await BookingEventsClient.connect({ baseUrl: instance.baseUrl, token });
    open.push(client);
    await client.live;
    return client;
  };
  /**
   * Selects the first free slot (on a station that does not confirm by itself): a 5-minute hold.
   * Returns it with the cursor of the change log before it.
   */
  const hold = async (on: TestApp) => {
    const before = (await on.rpc('get_changes', ['clSAT', 0], mission.token)).result.ChangedSlots;
    const slots = (await on.rpc('get_operational_slots', ['clSAT'], mission.token)).result.OperationSlot;
    const slotId = slots.find((slot: { state: string }) => slot.state === 'FREE').identifier as string;
    expect((await on.rpc('select_slots', ['clSAT', [slotId]], mission.token)).result).toBeDefined();
    return { slotId, since: (before.at(-1)?.changeId ?? 0) as number };
  };
  /** The sweeps of that hold recorded in the change log (each sweep records one). */
  const sweepsOf = async ({ slotId, since }: { slotId: string; since: number }) =>
    (await a.rpc('get_changes', ['clSAT', since], mission.token)).result.ChangedSlots.filter(
      (change: { slot: string; reason: string }) => change.slot === slotId && change.reason === 'expireHold',
    );
  /** Which instance holds the sweeper's lease (BusJobLeases: `job:<name>`). */
  const sweepLease = () =>
    cluster.instances
      .map((instance) => instance.app.get(MessageBus))
      .find((bus) => !cutOff.has(bus.instanceId))!
      .holder(`job:${HOLD_SWEEP_JOB}`);

  beforeAll(async () => {
    cluster = await TestCluster.start([]);
    a = await proxied('A');
    b = await proxied('B');
    cluster.clock.set(ORBIT_NOW);
    gs = await a.operator('cl-gs');
    mission = await a.operator('cl-m');
    await a.http('POST', '/api/ground-stations', { token: gs.token, body: stationConfig('clGS') });
    await a.http('POST', '/api/ground-stations/clGS/rules', { token: gs.token, body: ALWAYS });
    await a.http('POST', '/api/spacecraft', { token: mission.token, body: spacecraftConfig('clSAT') });
  });
  afterEach(async () => {
    for (const client of open.splice(0)) await client.close();
    for (const name of [...cutOff]) await restore(name);
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await cluster.stop();
    for (const proxy of Object.values(proxies)) await proxy.stop();
  });

  it('pushes a booking change made on A to /ws/events subscribers on B, in order, once', async () => {
    const onB = await stream(b, gs.token);
    const changes: ChangeMessage[] = [];
    onB.on('change', (message: ChangeMessage) => changes.push(message));
    const { slotId } = await hold(a);
    await a.rpc('confirm_selections', ['clGS', [slotId]], gs.token);
    await a.rpc('cancel_reservations', ['clSAT', [slotId]], mission.token);
    if (changes.length < 3) await onB.next('change', () => changes.length >= 3);
    expect(changes.map((c) => [c.change.slot, c.change.reason])).toEqual([
      [slotId, 'select'],
      [slotId, 'confirm'],
      [slotId, 'cancelReservation'],
    ]);
    const polled = (await b.rpc('get_changes', ['clGS', 0], gs.token)).result.ChangedSlots;
    expect(changes.map((c) => c.change)).toEqual(polled.slice(-3));
  });

  it('a subscriber on an instance cut from Redis gets the changes made elsewhere meanwhile once it is back', async () => {
    const onB = await stream(b, mission.token);
    const changes: ChangeMessage[] = [];
    onB.on('change', (message: ChangeMessage) => changes.push(message));
    await cut('B');
    const { slotId } = await hold(a); // the wake-up for B is lost: B is cut
    const arrived = onB.next<ChangeMessage>('change', (c) => c.change.slot === slotId);
    await restore('B');
    expect((await arrived).change).toMatchObject({ slot: slotId, reason: 'select' });
    await a.rpc('cancel_selections', ['clSAT', [slotId]], mission.token);
  });

  it("pushes a nonScheduled notice from an upload on A to the spacecraft owner's subscriber on B, and to nobody else", async () => {
    const passes = (
      await b.http<{ aos: string; los: string }[]>(
        'GET',
        '/api/spacecraft/clSAT/passes?groundStations=clGS',
        {
          token: mission.token,
        },
      )
    ).body;
    const heardAt = new Date(Date.parse(passes[0].aos) + 60_000).toISOString();
    if (cluster.clock.nowMs() < Date.parse(heardAt))
      cluster.clock.set(new Date(Date.parse(heardAt) + 60_000));
    const onB = await stream(b, mission.token);
    const stranger = await stream(b, (await b.operator('cl-stranger')).token);
    const strangerHeard: unknown[] = [];
    stranger.on('nonScheduled', (message: unknown) => strangerHeard.push(message));
    const heard = onB.next<Record<string, unknown>>('nonScheduled');
    const data = frames.downlink('heard outside a slot', { source: 10 }).toString('base64');
    const upload = await a.http('POST', '/api/ground-stations/clGS/packets/non-scheduled', {
      token: gs.token,
      body: { frames: [{ data, gsTimestamp: heardAt }] },
    });
    expect(upload.body).toMatchObject({ attributed: 1 });
    expect(await heard).toEqual({
      type: 'nonScheduled',
      spacecraft: 'clSAT',
      groundStation: 'clGS',
      count: 1,
      from: heardAt,
      to: heardAt,
    });
    await stranger.request({ type: 'ping' }); // a round trip: anything sent to it before has arrived
    expect(strangerHeard).toEqual([]);
  });

  it('the hold sweeper runs on exactly one instance; the holds it frees are freed once', async () => {
    const held = await hold(b);
    const looked = [a, b].map((instance) => jest.spyOn(instance.app.get(SlotsRepository), 'expiredHolds'));
    cluster.clock.advance(HOLD_EXPIRED_MS);
    await tickAll();
    await tickAll();
    const holder = await sweepLease();
    expect(['A', 'B']).toContain(holder);
    expect(looked.map((spy) => spy.mock.calls.length > 0)).toEqual([holder === 'A', holder === 'B']);
    expect(await sweepsOf(held)).toHaveLength(1);
  });

  it("another instance takes the sweeper over when the holder's lease expires by the clock", async () => {
    await tickAll();
    const first = (await sweepLease())!;
    const [holder, other] = first === 'A' ? [a, b] : [b, a];
    // The holder loses Redis: it cannot renew, and its lease runs out by the clock.
    await cut(first);
    const held = await hold(other);
    cluster.clock.advance(HOLD_EXPIRED_MS);
    await tick(other);
    expect(await sweepLease()).toBe(other.app.get(MessageBus).instanceId);
    expect(await sweepsOf(held)).toHaveLength(1);
    await restore(first);
    await tick(holder); // back, but the lease is the other's now
    expect(await sweepLease()).toBe(other.app.get(MessageBus).instanceId);
  });

  it('a holder that stops gives the sweeper up: the next tick elsewhere takes it, without waiting for the lease time', async () => {
    const extra = await cluster.add('C');
    // C takes the lease while A and B cannot reach Redis (their leases, if any, expired).
    await cut('A');
    await cut('B');
    cluster.clock.advance(HOLD_EXPIRED_MS);
    await tick(extra);
    expect(await sweepLease()).toBe('C');
    await restore('A');
    await restore('B');
    const looked = [a, b].map((instance) => jest.spyOn(instance.app.get(SlotsRepository), 'expiredHolds'));
    cluster.instances.splice(cluster.instances.indexOf(extra), 1);
    await extra.stop();
    await tickAll(); // the clock has not moved: C's lease would still hold had C not given it up
    const holder = await sweepLease();
    expect(['A', 'B']).toContain(holder);
    expect(looked.map((spy) => spy.mock.calls.length > 0)).toEqual([holder === 'A', holder === 'B']);
  });

  it('/health: the instance and its bus; "degraded" (200) while it cannot reach Redis, "ok" again when it can', async () => {
    const documented = exchanges(docSection(docText('api.md'), 'Health')).map(({ answer }) => {
      const [, status, body] = /^(\d{3}) ([\s\S]*)$/.exec(answer as string)!;
      return { status: Number(status), body: asExpected(parseDocJson(body)) };
    });
    const health = async (instance: TestApp) => {
      const { status, body } = await instance.http('GET', '/health');
      return { status, body: body as unknown };
    };
    const alone = await TestApp.start(); // no Redis: the in-process bus
    try {
      expect(await health(alone)).toEqual(documented[0]);
    } finally {
      await alone.stop();
    }
    expect(await health(a)).toEqual(documented[1]);
    await cut('A');
    expect(await health(a)).toEqual(documented[2]);
    expect((await health(b)).body).toMatchObject({ status: 'ok', instance: 'B', bus: { status: 'up' } });
    await restore('A');
    expect(await health(a)).toEqual(documented[1]);
  });
});
