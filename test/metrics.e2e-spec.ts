// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayClient } from '../src/client/gateway-client';
import { GatewayRpcError } from '../src/client/gateway-client';
import { BookingEventsClient } from '../src/client/websocket-client';
import { codeBlocks, docSection } from './helpers/doc-examples';
import { ORBIT_NOW } from './helpers/fixtures';
import { Scrape } from './helpers/prometheus';
import { frames, gatewayClient, next, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { rejection } from './helpers/rejection';
import { TestApp } from './helpers/test-app';

const TOKEN = 'metrics-scrape-token-1';
const INSTANCE = 'metrics-test-a';

describe('GET /metrics (Prometheus) with a scrape token', () => {
  let t: TestApp;
  let slot: ReservedSlot;
  const open: GatewayClient[] = [];
  const client = async (key: string) => {
    const c = await gatewayClient(t, key);
    open.push(c);
    return c;
  };
  const scrape = () => Scrape.of(t, TOKEN);
  const now = () => t.clock.now().toISOString();

  beforeAll(async () => {
    t = await TestApp.start({ SATNET_METRICS_TOKEN: TOKEN, SATNET_INSTANCE_ID: INSTANCE });
    t.clock.set(ORBIT_NOW);
    slot = await reservedSlot(t, 'metrics');
  });
  beforeEach(() => t.clock.set(new Date(slot.start.getTime() - 60_000)));
  afterEach(() => {
    for (const c of open.splice(0)) c.destroy();
  });
  afterAll(() => t.stop());

  it('refuses a scrape without the token or with another one, and changes nothing', async () => {
    const missing = await t.http('GET', '/metrics');
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('AUTHENTICATION_REQUIRED');
    const wrong = await t.http('GET', '/metrics', { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_TOKEN');
    expect(JSON.stringify(wrong.body)).not.toContain(TOKEN);
    // A user's login token is not the metrics token either.
    const user = await t.operator('metrics-user');
    expect((await t.http('GET', '/metrics', { token: user.token })).status).toBe(401);
    expect((await scrape()).type('satnet_frames_total')).toBe('counter'); // the token itself is taken
  });

  it('counts the frames relayed and rejected through the TLS gateway, by direction, outcome and rule', async () => {
    const before = await scrape();
    const station = await client(slot.stationKey);
    const mission = await client(slot.missionKey);
    await station.startRemote(slot.slotId);
    await mission.startRemote(slot.slotId);
    const during = await scrape();
    expect(during.value('satnet_sessions_open', { transport: 'tls' })).toBe(2);

    const down = [frames.downlink('first'), frames.downlink('second frame')];
    for (const frame of down) {
      const heard = next<[Buffer]>(mission, 'notifyMsg');
      expect((await station.sendMsg(frame, now())).delivered).toBe(true);
      expect((await heard)[0]).toEqual(frame);
    }
    const up = frames.uplink('command');
    const heard = next<[Buffer]>(station, 'notifyMsg');
    expect((await mission.sendMsg(up, now())).delivered).toBe(true);
    await heard;
    const wrongSource = frames.downlink('x', { source: 11 });
    const refused = await rejection(station.sendMsg(wrongSource, now()), GatewayRpcError);
    expect(refused.data).toEqual({ rule: 'SOURCE_NOT_ALLOWED' });

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    const bytes = (list: Buffer[]) => list.reduce((sum, frame) => sum + frame.length, 0);
    expect(moved('satnet_frames_total', { direction: 'DOWNLINK', outcome: 'RELAYED' })).toBe(2);
    expect(moved('satnet_frame_bytes_total', { direction: 'DOWNLINK', outcome: 'RELAYED' })).toBe(
      bytes(down),
    );
    expect(moved('satnet_frames_total', { direction: 'UPLINK', outcome: 'RELAYED' })).toBe(1);
    expect(moved('satnet_frame_bytes_total', { direction: 'UPLINK', outcome: 'RELAYED' })).toBe(up.length);
    expect(moved('satnet_frames_total', { direction: 'DOWNLINK', outcome: 'REJECTED' })).toBe(1);
    expect(moved('satnet_frame_bytes_total', { direction: 'DOWNLINK', outcome: 'REJECTED' })).toBe(
      wrongSource.length,
    );
    expect(
      moved('satnet_frames_rejected_total', { direction: 'DOWNLINK', reason: 'SOURCE_NOT_ALLOWED' }),
    ).toBe(1);
    expect(moved('satnet_frames_total', { direction: 'UPLINK', outcome: 'REJECTED' })).toBe(0);
    expect(moved('satnet_frames_total', { direction: 'DOWNLINK', outcome: 'NOT_DELIVERED' })).toBe(0);
    // Each answer came after its frame's commit: four frames, at least one packet-log write.
    expect(moved('satnet_packet_log_write_seconds_count', {})).toBeGreaterThanOrEqual(1);
    expect(after.value('satnet_packet_log_queue_frames')).toBe(0);
    for (const sample of after.named('satnet_frame')) expect(sample.labels.instance_id).toBe(INSTANCE);
  });

  it('counts the WebSocket sessions open', async () => {
    const operator = await t.login('metrics-m', 'metrics-m-password');
    const before = (await scrape()).value('satnet_sessions_open', { transport: 'websocket' });
    const events = await BookingEventsClient.connect({ baseUrl: t.baseUrl, token: operator });
    try {
      await events.live;
      expect((await scrape()).value('satnet_sessions_open', { transport: 'websocket' })).toBe(before + 1);
    } finally {
      await events.close();
    }
  });

  it('labels every series with the instance, and has process and event-loop metrics', async () => {
    const scraped = await scrape();
    expect(scraped.samples.filter((sample) => sample.labels.instance_id !== INSTANCE)).toEqual([]);
    expect(scraped.type('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(scraped.value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
    expect(scraped.type('process_cpu_seconds_total')).toBe('counter');
    expect(scraped.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(scraped.type('satnet_frames_total')).toBe('counter');
    expect(scraped.type('satnet_http_request_duration_seconds')).toBe('histogram');
    expect(scraped.type('satnet_sessions_open')).toBe('gauge');
  });

  it('times HTTP requests by route template and JSON-RPC calls by method, never by raw URL or unknown name', async () => {
    const mission = await t.login(`metrics-m`, 'metrics-m-password');
    const before = await scrape();
    expect((await t.http('GET', `/api/spacecraft/${slot.spacecraft}`, { token: mission })).status).toBe(200);
    expect((await t.http('GET', '/no/such/route/4711')).status).toBe(404);
    expect((await t.rpc('get_account', undefined, mission)).result.username).toBe('metrics-m');
    expect((await t.rpc('no_such_method_4711', undefined, mission)).error.data.code).toBe('METHOD_NOT_FOUND');
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);

    const http = 'satnet_http_request_duration_seconds_count';
    expect(moved(http, { method: 'GET', route: '/api/spacecraft/:identifier', status: '200' })).toBe(1);
    expect(moved(http, { method: 'GET', route: '(unmatched)', status: '404' })).toBe(1);
    expect(moved(http, { method: 'POST', route: '/jsonrpc', status: '200' })).toBe(2);
    const rpc = 'satnet_jsonrpc_call_duration_seconds_count';
    expect(moved(rpc, { method: 'get_account', outcome: 'ok' })).toBe(1);
    expect(moved(rpc, { method: '(unknown)', outcome: 'METHOD_NOT_FOUND' })).toBe(1);
    expect(after.type('satnet_jsonrpc_call_duration_seconds')).toBe('histogram');
    expect(
      after.value('satnet_jsonrpc_call_duration_seconds_bucket', {
        method: 'get_account',
        outcome: 'ok',
        le: '+Inf',
      }),
    ).toBe(after.value(rpc, { method: 'get_account', outcome: 'ok' }));
    const labels = JSON.stringify(after.samples.map((sample) => sample.labels));
    expect(labels).not.toContain('4711');
    expect(labels).not.toContain(slot.spacecraft);
  });

  it('counts booking operations by action and result', async () => {
    const before = await scrape();
    const other = await reservedSlot(t, 'metricsb'); // selects one slot of an autoConfirm station
    const mission = await t.login('metricsb-m', 'metricsb-m-password');
    const missing = await t.rpc('select_slots', [other.spacecraft, ['no-such-slot']], mission);
    expect(missing.error.data.code).toBe('SLOT_NOT_FOUND');
    const after = await scrape();
    const moved = (labels: Record<string, string>) =>
      after.value('satnet_booking_operations_total', labels) -
      before.value('satnet_booking_operations_total', labels);
    expect(moved({ action: 'select', result: 'OK' })).toBe(1);
    expect(moved({ action: 'select', result: 'SLOT_NOT_FOUND' })).toBe(1);
    expect(moved({ action: 'cancelReservation', result: 'OK' })).toBe(0);
    // The selection held its station once; the unknown slot named none.
    const held = 'satnet_booking_station_seconds_count';
    expect(after.value(held, { action: 'select' }) - before.value(held, { action: 'select' })).toBe(1);
    expect(after.type('satnet_booking_station_seconds')).toBe('histogram');
  });
});

describe('README "Metrics"', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start({ SATNET_INSTANCE_ID: 'gs-relay-1' })));
  afterAll(() => t.stop());

  const section = docSection(readFileSync(join(__dirname, '..', 'README.md'), 'utf8'), 'Metrics');
  /** The table's rows naming one satnet_ metric: name, type, label names. */
  const documented = section
    .split('\n')
    .map((line) => /^\| `(satnet_\w+)` +\| (\w+) +\| ([^|]*)\|/.exec(line))
    .filter((match) => match !== null)
    .map(([, name, type, labels]) => ({
      name,
      type,
      labels: [...labels.matchAll(/`(\w+)`/g)].map((m) => m[1]),
    }));
  const labelNames = (scrape: Scrape, name: string) =>
    new Set(
      scrape.samples
        .filter((sample) => sample.name === name || sample.name === `${name}_count`)
        .flatMap((sample) => Object.keys(sample.labels).filter((label) => label !== 'instance_id')),
    );

  it('lists every satnet_ metric the server has, with its type and labels', async () => {
    const operator = await t.operator('readme-metrics');
    await t.rpc('get_account', undefined, operator.token);
    await t.rpc('select_slots', ['NOSAT', ['no-such-slot']], operator.token);
    const scraped = await Scrape.of(t);
    const served = [...scraped.types.keys()].filter((name) => name.startsWith('satnet_'));
    expect(documented.map((row) => row.name).sort()).toEqual(served.sort());
    for (const { name, type, labels } of documented) {
      expect([name, scraped.type(name)]).toEqual([name, type]);
      const seen = labelNames(scraped, name);
      // A labelled series exists once something happened (no frame was rejected here).
      if (seen.size > 0 || labels.length === 0)
        expect([name, [...seen].sort()]).toEqual([name, [...labels].sort()]);
    }
    const defaults = [...section.matchAll(/`((?:process|nodejs)_\w+)`/g)].map((match) => match[1]);
    expect(defaults.length).toBeGreaterThan(1);
    for (const name of defaults) expect([name, scraped.type(name)]).toEqual([name, expect.any(String)]);
  });

  it('shows example lines of series the server has, with the labels it gives them', async () => {
    const example = codeBlocks(section).find((block) => block.startsWith('satnet_'));
    const lines = Scrape.parse(example ?? '').samples;
    expect(lines.length).toBeGreaterThan(0);
    const scraped = await Scrape.of(t);
    for (const line of lines) {
      expect(documented.map((row) => row.name)).toContain(line.name);
      expect(Object.keys(line.labels).sort()).toEqual(
        [...documented.find((row) => row.name === line.name)!.labels, 'instance_id'].sort(),
      );
    }
    expect(scraped.value('satnet_frames_total', { direction: 'DOWNLINK', outcome: 'RELAYED' })).toBe(0);
    expect(scraped.samples.every((sample) => sample.labels.instance_id === 'gs-relay-1')).toBe(true);
  });
});

describe('GET /metrics without a scrape token configured', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.stop());

  it('is open, and names the instance after the host when SATNET_INSTANCE_ID is unset', async () => {
    const scraped = await Scrape.of(t);
    const instances = new Set(scraped.samples.map((sample) => sample.labels.instance_id));
    expect(instances.size).toBe(1);
    expect([...instances][0]).toMatch(/.+-\d+-[0-9a-f]{4}$/);
    expect(scraped.value('satnet_frames_total', { direction: 'UPLINK', outcome: 'RELAYED' })).toBe(0);
  });
});
