// SPDX-License-Identifier: Apache-2.0
import { Logger } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { parseBinaryExport } from '../src/archive/packet-binary-format';
import { PACKET_PURGE_BATCH_ROWS, PACKET_PURGE_JOB } from '../src/archive/packet-retention.service';
import { syntheticPackets, type SyntheticTarget } from '../src/archive/testing/synthetic-packets';
import type { PacketView } from '../src/archive/packet-views';
import { JobRunner } from '../src/common/jobs';
import { PacketLog } from '../src/relay/packet-log';
import { Packet } from '../src/relay/packet.entity';
import { PacketsRepository } from '../src/relay/packets.repository';
import { SpacecraftService } from '../src/spacecraft/spacecraft.service';
import { GroundStationsService } from '../src/stations/ground-stations.service';
import { asExpected, docSection, docText, exchanges } from './helpers/doc-examples';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { frames, gatewayClient, next, type ReservedSlot, reservedSlot } from './helpers/relay-fixture';
import { type HttpResult, TestApp } from './helpers/test-app';

const SLOT_PACKETS = 3000;

/**
 * Issue 11, packet history: get_packets (JSON-RPC) and GET …/packets (REST) page through a
 * station's or a spacecraft's archive; …/packets/export downloads it; the retention job purges it.
 * Packets come from the real relay and, in bulk, from the packet log's own insert.
 */
describe('packet history, export and retention', () => {
  let t: TestApp;
  let slot: ReservedSlot;
  let target: SyntheticTarget;
  let inserted = 0;
  let mission: string;
  let station: string;
  let stranger: string;

  /** Adds `count` synthetic packets to the slot, after those already there. */
  const addToSlot = async (count: number) => {
    await t.app.get(PacketsRepository).insertMany(syntheticPackets(target, inserted, count));
    inserted += count;
  };
  const packetCount = () => t.app.get(DataSource).getRepository(Packet).count();

  const get = (path: string, token: string) => t.http('GET', path, { token });
  const fieldsOf = (result: HttpResult) =>
    (result.body.error.fields as { field: string }[]).map((field) => field.field);

  /** Every page of a REST history query, following X-Next-Cursor. */
  const walk = async (
    path: string,
    query: string,
    token = mission,
    between?: () => Promise<void>,
  ): Promise<{ packets: PacketView[]; pages: number }> => {
    const packets: PacketView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(`${path}?${query}${cursor ? `&cursor=${cursor}` : ''}`, token);
      expect(page.status).toBe(200);
      packets.push(...(page.body as PacketView[]));
      cursor = page.headers.get('x-next-cursor');
      pages++;
      if (between) await between();
    } while (cursor);
    return { packets, pages };
  };

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    slot = await reservedSlot(t, 'hist');
    const spacecraft = await t.app.get(SpacecraftService).findByIdentifier(slot.spacecraft);
    const groundStation = await t.app.get(GroundStationsService).findByIdentifier(slot.station);
    target = {
      slotId: slot.slotId,
      stationId: groundStation!.id,
      spacecraftId: spacecraft!.id,
      start: slot.start,
      stepMs: 40,
    };
    await addToSlot(SLOT_PACKETS);
    // Operators log in with the API keys the fixture made for them (bearer tokens either way).
    mission = slot.missionKey;
    station = slot.stationKey;
    stranger = (await t.operator('hist-stranger')).token;
  });
  afterAll(() => t.stop());

  it('walks a slot of thousands of packets page by page, in order, none lost or repeated', async () => {
    const { packets, pages } = await walk(
      `/api/spacecraft/${slot.spacecraft}/packets`,
      `slotId=${slot.slotId}&limit=1000`,
    );
    // Every packet of the slot once, in order: the seeded ones and any another test added.
    const stored = await t.app
      .get(DataSource)
      .getRepository(Packet)
      .find({ where: { slotId: slot.slotId }, order: { serverReceivedAt: 'ASC', id: 'ASC' } });
    expect(stored.length).toBeGreaterThanOrEqual(SLOT_PACKETS);
    expect(packets.map((p) => p.id)).toEqual(stored.map((p) => p.id));
    expect(pages).toBe(Math.ceil(stored.length / 1000));
    const times = packets.map((p) => Date.parse(p.serverTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const seeded = packets.find((p) => p.serverTime === slot.start.toISOString());
    expect(seeded).toMatchObject({
      slotId: slot.slotId,
      groundStation: slot.station,
      spacecraft: slot.spacecraft,
      direction: 'DOWNLINK',
      fromSide: 'station',
      outcome: 'RELAYED',
      sequence: 1,
      serverTime: slot.start.toISOString(),
      csp: {
        version: 1,
        priority: 2,
        source: 10,
        destination: 1,
        sourcePort: 10,
        destinationPort: 20,
        flags: { raw: 1, hmac: false, xtea: false, rdp: false, crc: true },
      },
    });
    expect(Buffer.from(seeded!.data, 'base64').subarray(4, 11).toString()).toBe('frame 0');

    // The station's owner sees the same packets, through JSON-RPC and its default page of 100.
    const first = await t.rpc('get_packets', { identifier: slot.station, slotId: slot.slotId }, station);
    expect(first.result.packets.map((p: PacketView) => p.id)).toEqual(packets.slice(0, 100).map((p) => p.id));
    const second = await t.rpc(
      'get_packets',
      { identifier: slot.station, slotId: slot.slotId, cursor: first.result.nextCursor, limit: 5 },
      station,
    );
    expect(second.result.packets.map((p: PacketView) => p.id)).toEqual(
      packets.slice(100, 105).map((p) => p.id),
    );
  });

  it('neither loses nor repeats packets committed while a client pages, ties on time included', async () => {
    const before = inserted;
    const { packets } = await walk(
      `/api/ground-stations/${slot.station}/packets`,
      `slotId=${slot.slotId}&limit=700`,
      station,
      // Between pages, 150 more packets: later ones and, with a step of 0, a run of equal times.
      async () => {
        if (inserted - before < 600) {
          target.stepMs = inserted % 2 === 0 ? 40 : 0;
          await addToSlot(150);
        }
      },
    );
    target.stepMs = 40;
    const stored = await t.app
      .get(DataSource)
      .getRepository(Packet)
      .find({ where: { slotId: slot.slotId }, order: { serverReceivedAt: 'ASC', id: 'ASC' } });
    expect(packets.map((p) => p.id)).toEqual(stored.map((p) => p.id));
    expect(packets.length).toBe(inserted + (await relayedCount()));
  });

  /** Frames the relay test below logged into the same slot (0 before it runs). */
  const relayedCount = async () =>
    (await t.app
      .get(DataSource)
      .getRepository(Packet)
      .count({ where: { slotId: slot.slotId } })) - inserted;

  it('shows frames the relay logged, with their Doppler, timestamps and decoded header', async () => {
    t.clock.set(new Date(slot.start.getTime() - 60_000));
    const gs = await gatewayClient(t, slot.stationKey);
    const mc = await gatewayClient(t, slot.missionKey);
    try {
      await gs.startRemote(slot.slotId);
      await mc.startRemote(slot.slotId);
      const heard = next<[Buffer, number, string]>(mc, 'notifyMsg');
      const down = frames.downlink('live');
      const gsTime = t.clock.now().toISOString();
      await gs.sendMsg(down, gsTime);
      const [, doppler] = await heard;
      await t.app.get(PacketLog).flush();
      const page = await get(
        `/api/spacecraft/${slot.spacecraft}/packets?from=${gsTime}&to=${slot.start.toISOString()}`,
        mission,
      );
      expect(page.status).toBe(200);
      expect(page.body).toEqual([
        expect.objectContaining({
          direction: 'DOWNLINK',
          outcome: 'RELAYED',
          groundStation: slot.station,
          spacecraft: slot.spacecraft,
          dopplerShiftHz: doppler,
          gsTimestamp: gsTime,
          serverTime: gsTime,
          frameBytes: down.length,
          data: down.toString('base64'),
          csp: expect.objectContaining({ source: 10, destination: 1, sourcePort: 10, destinationPort: 20 }),
        }),
      ]);
    } finally {
      gs.destroy();
      mc.destroy();
    }
  });

  it('filters by direction, one or several outcomes, and time', async () => {
    const base = `/api/spacecraft/${slot.spacecraft}/packets`;
    const slotOnly = `slotId=${slot.slotId}&limit=1000`;
    const all = (await walk(base, slotOnly)).packets;
    const expectFiltered = async (query: string, keep: (p: PacketView) => boolean) => {
      const { packets } = await walk(base, `${slotOnly}&${query}`);
      expect(packets.map((p) => p.id)).toEqual(all.filter(keep).map((p) => p.id));
      expect(packets.length).toBeGreaterThan(0);
    };
    await expectFiltered('direction=UPLINK', (p) => p.direction === 'UPLINK');
    await expectFiltered('outcome=REJECTED', (p) => p.outcome === 'REJECTED');
    await expectFiltered('outcome=REJECTED,NOT_DELIVERED', (p) => p.outcome !== 'RELAYED');
    await expectFiltered(
      'outcome=REJECTED&outcome=NOT_DELIVERED&direction=DOWNLINK',
      (p) => p.outcome !== 'RELAYED' && p.direction === 'DOWNLINK',
    );
    const from = all[1000].serverTime;
    const to = all[1500].serverTime;
    await expectFiltered(`from=${from}&to=${to}`, (p) => p.serverTime >= from && p.serverTime < to);
    // Without slotId, a range (no wider than 31 days) says which packets.
    const day = await walk(base, `from=2008-09-20T00:00:00Z&to=2008-09-21T00:00:00Z&limit=1000`);
    expect(day.packets.map((p) => p.id)).toEqual(all.map((p) => p.id));
    // One outcome over a range, page after page (the spacecraft's index by outcome walks it).
    const rejected = await walk(
      base,
      `from=2008-09-20T00:00:00Z&to=2008-09-21T00:00:00Z&outcome=REJECTED&limit=7`,
    );
    expect(rejected.packets.map((p) => p.id)).toEqual(
      all.filter((p) => p.outcome === 'REJECTED').map((p) => p.id),
    );

    const rpc = await t.rpc(
      'get_packets',
      {
        identifier: slot.spacecraft,
        slotId: slot.slotId,
        outcome: ['REJECTED'],
        direction: 'UPLINK',
        limit: 3,
      },
      mission,
    );
    expect(rpc.result.packets.map((p: PacketView) => p.id)).toEqual(
      all
        .filter((p) => p.outcome === 'REJECTED' && p.direction === 'UPLINK')
        .slice(0, 3)
        .map((p) => p.id),
    );
  });

  it("never shows another user's packets: their station or spacecraft is not found", async () => {
    const query = `slotId=${slot.slotId}`;
    const bySpacecraft = await get(`/api/spacecraft/${slot.spacecraft}/packets?${query}`, stranger);
    expect([bySpacecraft.status, bySpacecraft.body.error.code]).toEqual([404, 'SPACECRAFT_NOT_FOUND']);
    const unknown = await get(`/api/spacecraft/NOSUCHSAT/packets?${query}`, stranger);
    expect(unknown.body.error.message).toBe(
      bySpacecraft.body.error.message.replace(slot.spacecraft, 'NOSUCHSAT'),
    );
    const byStation = await get(`/api/ground-stations/${slot.station}/packets?${query}`, stranger);
    expect([byStation.status, byStation.body.error.code]).toEqual([404, 'GROUND_STATION_NOT_FOUND']);
    // The mission's owner does not read the station's archive either (only its own spacecraft's).
    const crossed = await get(`/api/ground-stations/${slot.station}/packets?${query}`, mission);
    expect(crossed.body.error.code).toBe('GROUND_STATION_NOT_FOUND');
    const rpc = await t.rpc('get_packets', { identifier: slot.spacecraft, slotId: slot.slotId }, stranger);
    expect([rpc.error.code, rpc.error.data.code]).toEqual([-32004, 'IDENTIFIER_NOT_FOUND']);
    const exported = await get(
      `/api/spacecraft/${slot.spacecraft}/packets/export?format=jsonl&${query}`,
      stranger,
    );
    expect(exported.status).toBe(404);
    // An admin reads any archive.
    const admin = await get(
      `/api/spacecraft/${slot.spacecraft}/packets?${query}&limit=1`,
      await t.adminToken(),
    );
    expect(admin.body).toHaveLength(1);
  });

  it('refuses bad queries with the field at fault, and changes nothing', async () => {
    const before = await packetCount();
    const base = `/api/spacecraft/${slot.spacecraft}/packets`;
    const cursor = (await get(`${base}?slotId=${slot.slotId}&limit=1`, mission)).headers.get('x-next-cursor');
    const bad: [string, string][] = [
      ['from=2008-09-21T00:00:00Z&to=2008-09-20T00:00:00Z', 'to'],
      ['from=2008-08-01T00:00:00Z&to=2008-09-20T00:00:00Z', 'to'],
      ['from=2008-09-20T00:00:00Z', 'to'],
      ['', 'from'],
      [`slotId=${slot.slotId}&outcome=LOST`, 'outcome'],
      [`slotId=${slot.slotId}&direction=SIDEWAYS`, 'direction'],
      [`slotId=${slot.slotId}&from=yesterday`, 'from'],
      [`slotId=${slot.slotId}&limit=0`, 'limit'],
      [`slotId=${slot.slotId}&limit=1001`, 'limit'],
      [`slotId=${slot.slotId}&cursor=not-a-cursor`, 'cursor'],
      // A cursor is bound to its query: another filter, or another archive, refuses it.
      [`slotId=${slot.slotId}&direction=UPLINK&cursor=${cursor}`, 'cursor'],
      [`slotId=${slot.slotId}&verbose=1`, 'verbose'],
    ];
    for (const [query, field] of bad) {
      const result = await get(`${base}?${query}`, mission);
      expect({ query, status: result.status, code: result.body.error.code }).toEqual({
        query,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect({ query, fields: fieldsOf(result) }).toEqual({ query, fields: expect.arrayContaining([field]) });
    }
    const otherArchive = await get(
      `/api/ground-stations/${slot.station}/packets?slotId=${slot.slotId}&cursor=${cursor}`,
      station,
    );
    expect(fieldsOf(otherArchive)).toEqual(['cursor']);
    const rpc = await t.rpc(
      'get_packets',
      { identifier: slot.spacecraft, slotId: slot.slotId, limit: 5000 },
      mission,
    );
    expect([rpc.error.code, rpc.error.data.code, rpc.error.data.fields[0].field]).toEqual([
      -32602,
      'VALIDATION_FAILED',
      'limit',
    ]);
    const badExport = await get(`${base}/export?format=csv&slotId=${slot.slotId}`, mission);
    expect([badExport.status, fieldsOf(badExport)]).toEqual([400, ['format']]);
    expect(await packetCount()).toBe(before);
  });

  it('exports a slot as JSON Lines and as SNPK binary, both equal to the query result', async () => {
    const base = `/api/spacecraft/${slot.spacecraft}/packets`;
    const { packets } = await walk(base, `slotId=${slot.slotId}&limit=1000`);

    const jsonl = await fetch(`${t.baseUrl}${base}/export?format=jsonl&slotId=${slot.slotId}`, {
      headers: { authorization: `Bearer ${mission}` },
    });
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(jsonl.headers.get('content-disposition')).toBe(
      `attachment; filename="${slot.spacecraft}-packets-${slot.slotId}.jsonl"`,
    );
    const text = await jsonl.text();
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as PacketView),
    ).toEqual(packets);

    const binary = await fetch(`${t.baseUrl}${base}/export?format=binary&slotId=${slot.slotId}`, {
      headers: { authorization: `Bearer ${mission}` },
    });
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect(binary.headers.get('content-disposition')).toContain('.snpk"');
    const records = parseBinaryExport(Buffer.from(await binary.arrayBuffer()));
    expect(
      records.map((r) => [
        r.id,
        r.serverTime.toISOString(),
        r.gsTime?.toISOString() ?? null,
        r.direction,
        r.outcome,
        r.data.toString('base64'),
      ]),
    ).toEqual(packets.map((p) => [p.id, p.serverTime, p.gsTimestamp, p.direction, p.outcome, p.data]));
  });

  it("exports a station's time range with filters; an empty range is a file with no packets", async () => {
    const base = `/api/ground-stations/${slot.station}/packets`;
    const range = `from=2008-09-20T00:00:00Z&to=2008-09-21T00:00:00Z&outcome=REJECTED`;
    const { packets } = await walk(base, `${range}&limit=1000`, station);
    const binary = await fetch(`${t.baseUrl}${base}/export?format=binary&${range}`, {
      headers: { authorization: `Bearer ${station}` },
    });
    const records = parseBinaryExport(Buffer.from(await binary.arrayBuffer()));
    expect(records.map((r) => r.id)).toEqual(packets.map((p) => p.id));
    expect(records.length).toBeGreaterThan(100);

    const empty = await fetch(
      `${t.baseUrl}${base}/export?format=binary&from=2008-10-01T00:00:00Z&to=2008-10-02T00:00:00Z`,
      { headers: { authorization: `Bearer ${station}` } },
    );
    expect(parseBinaryExport(Buffer.from(await empty.arrayBuffer()))).toEqual([]);
  });

  describe('retention', () => {
    afterEach(() => jest.restoreAllMocks());

    it(`purges packets older than 90 days in batches of ${PACKET_PURGE_BATCH_ROWS}, and only those`, async () => {
      const logs = jest.spyOn(Logger.prototype, 'log');
      const now = t.clock.now();
      const old: SyntheticTarget = {
        ...target,
        slotId: null,
        start: new Date(now.getTime() - 100 * 86_400_000),
        stepMs: 1000,
      };
      // Just inside the period: 89 days and 23 hours old.
      const kept: SyntheticTarget = { ...old, start: new Date(now.getTime() - 90 * 86_400_000 + 3_600_000) };
      const repository = t.app.get(PacketsRepository);
      await repository.insertMany(syntheticPackets(old, 0, PACKET_PURGE_BATCH_ROWS + 10));
      await repository.insertMany(syntheticPackets(kept, 0, 5));
      const total = await packetCount();

      await t.app.get(JobRunner).tick(PACKET_PURGE_JOB);

      expect(await packetCount()).toBe(total - PACKET_PURGE_BATCH_ROWS - 10);
      const stored = await t.app
        .get(DataSource)
        .getRepository(Packet)
        .find({ where: { slotId: IsNull() } });
      expect(stored.every((p) => p.serverReceivedAt.getTime() >= now.getTime() - 90 * 86_400_000)).toBe(true);
      expect(logs).toHaveBeenCalledWith(
        expect.objectContaining({ removed: PACKET_PURGE_BATCH_ROWS + 10, batches: 2, retentionDays: 90 }),
        expect.stringContaining('retention'),
      );
      // Two days later the ones just inside are old too; the other tests' packets (days old) stay.
      t.clock.set(new Date(now.getTime() + 2 * 86_400_000));
      await t.app.get(JobRunner).tick(PACKET_PURGE_JOB);
      t.clock.set(now);
      expect(await packetCount()).toBe(total - PACKET_PURGE_BATCH_ROWS - 10 - 5);
      expect(
        await t.app
          .get(DataSource)
          .getRepository(Packet)
          .count({ where: { slotId: IsNull() } }),
      ).toBe(0);
    });
  });
});

/**
 * docs/api.md "Packet history" replayed: the JSON-RPC exchanges in order, each as the user it
 * names (or the one named last). The document's slot id stands for the one this run reserved,
 * and a request's cursor for the previous answer's nextCursor (both are drawn per run).
 */
describe('docs/api.md "Packet history" examples', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const DOC_SLOT = 'slot-AhTQfULz03I';

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    for (const user of ['gs-ops', 'alice', 'bob']) tokens[user] = (await t.operator(user)).token;
    await t.http('POST', '/api/ground-stations', {
      token: tokens['gs-ops'],
      body: stationConfig('VigoGS', { autoConfirm: true }),
    });
    await t.http('POST', '/api/ground-stations/VigoGS/rules', {
      token: tokens['gs-ops'],
      body: { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' },
    });
    await t.http('POST', '/api/spacecraft', { token: tokens.alice, body: spacecraftConfig('XATCOBEO') });
  });
  afterAll(() => t.stop());

  it('answers every get_packets example as documented', async () => {
    const slots = (await t.rpc('get_operational_slots', ['XATCOBEO'], tokens.alice)).result.OperationSlot;
    const slot = slots.find((s: { scChannel: string }) => s.scChannel === 'tm');
    expect((await t.rpc('select_slots', ['XATCOBEO', [slot.identifier]], tokens.alice)).result).toBeDefined();
    const target: SyntheticTarget = {
      slotId: slot.identifier,
      stationId: (await t.app.get(GroundStationsService).findByIdentifier('VigoGS'))!.id,
      spacecraftId: (await t.app.get(SpacecraftService).findByIdentifier('XATCOBEO'))!.id,
      start: new Date(slot.slotStart),
      stepMs: 1000,
    };
    await t.app.get(PacketsRepository).insertMany(syntheticPackets(target, 0, 3));

    const section = docSection(docText('api.md'), 'Packet history');
    const here = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value).replaceAll(DOC_SLOT, slot.identifier as string));
    let caller = 'alice';
    let cursor: string | null = null;
    const calls = exchanges(section).filter(({ request }) => typeof request === 'object');
    expect(calls.length).toBe(5);
    for (const exchange of calls) {
      caller = exchange.caller ?? caller;
      const request = here(exchange.request) as { params: Record<string, unknown> };
      if (!Array.isArray(request.params) && request.params.cursor) request.params.cursor = cursor;
      const sent = await t.http('POST', '/jsonrpc', { token: tokens[caller], body: request });
      const documented = here(exchange.answer) as { result?: { nextCursor?: unknown } };
      // The cursor is drawn per run: its shape is checked, not its value.
      if (typeof documented.result?.nextCursor === 'string') documented.result.nextCursor = '…';
      expect({ request, answer: sent.body }).toEqual({ request, answer: asExpected(documented) });
      cursor = (sent.body as { result?: { nextCursor: string | null } }).result?.nextCursor ?? null;
    }
  });
});
