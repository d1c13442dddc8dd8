// SPDX-License-Identifier: Apache-2.0
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MissionSocketClient, WsHandshakeError } from '../src/client/websocket-client';
import { ISS_TLE } from '../src/orbit/test-fixtures';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { rejection } from './helpers/rejection';
import { TestApp } from './helpers/test-app';

/**
 * Golden tests: the calls of the SATNet seed's Annex D (../shared/seeds/003_…, "Annex D:
 * WebServices API"), with the seed's own parameter names, answered as the seed writes the answers.
 * The seed's listings are not valid JSON as printed (`["identifier": "channel_id"]` inside an
 * object); they are read here as the named params they stand for.
 */
describe('Annex D as the seed writes it', () => {
  let t: TestApp;
  let gs: string;

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set('2014-07-01T00:00:00Z');
    ({ token: gs } = await t.operator('gs-ops'));
    const created = await t.http('POST', '/api/ground-stations', {
      token: gs,
      body: stationConfig('VigoGS', {
        channels: [{ ...stationConfig().channels[0], channelId: 'channel-01' }],
      }),
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => t.stop());

  const rpc = async (method: string, params: unknown) =>
    (await t.http('POST', '/jsonrpc', { token: gs, body: { jsonrpc: '2.0', id: 15, method, params } })).body;

  it('add_rule {identifier, channel_id, rule_cfg} → {"Rule": id}; get_rules {identifier, channel_id} → {"GetRules": …}; remove_rule {identifier, channel_id, rule_cfg} → "OK"', async () => {
    // rule_cfg as the seed's only rule shape: an Annex C availability entry.
    const ruleCfg = { date: '07/17/2014', slotStart: '10:00', slotEnd: '11:00' };
    const added = await rpc('add_rule', {
      identifier: 'VigoGS',
      channel_id: 'channel-01',
      rule_cfg: ruleCfg,
    });
    expect(added).toEqual({ jsonrpc: '2.0', id: 15, result: { Rule: expect.any(String) } });

    t.clock.advance(1000); // rules are listed oldest first
    const daily = { operation: 'ADD', periodicity: 'DAILY', startTime: '20:00', endTime: '22:00' };
    expect((await rpc('add_rule', { identifier: 'VigoGS', rule_cfg: daily })).result).toEqual({
      Rule: expect.any(String),
    });

    const rules = await rpc('get_rules', { identifier: 'VigoGS', channel_id: 'channel-01' });
    expect(rules.result).toEqual({
      GetRules: [
        {
          ruleId: added.result.Rule,
          channelId: 'channel-01',
          operation: 'ADD',
          periodicity: 'ONCE',
          date: '2014-07-17',
          startTime: '10:00',
          endTime: '11:00',
          timeZone: 'UTC',
        },
        { ruleId: expect.any(String), ...daily, timeZone: 'UTC' },
      ],
    });
    const windows = await t.http(
      'GET',
      '/api/ground-stations/VigoGS/availability?channelId=channel-01&from=2014-07-17T00:00:00Z&to=2014-07-18T00:00:00Z',
      {
        token: gs,
      },
    );
    expect(windows.body.windows).toContainEqual({
      start: '2014-07-17T10:00:00.000Z',
      end: '2014-07-17T11:00:00.000Z',
    });

    const removed = await rpc('remove_rule', {
      identifier: 'VigoGS',
      channel_id: 'channel-01',
      rule_cfg: ruleCfg,
    });
    expect(removed).toEqual({ jsonrpc: '2.0', id: 15, result: 'OK' });
    expect((await rpc('get_rules', { identifier: 'VigoGS' })).result.GetRules).toEqual([
      { ruleId: expect.any(String), ...daily, timeZone: 'UTC' },
    ]);
    const again = await rpc('remove_rule', {
      identifier: 'VigoGS',
      channel_id: 'channel-01',
      rule_cfg: ruleCfg,
    });
    expect(again.error.data).toEqual({ code: 'RULE_NOT_FOUND' });
  });

  it('refuses both spellings at once, naming the extra one', async () => {
    const rule = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };
    const both = await rpc('add_rule', { identifier: 'VigoGS', rule, rule_cfg: rule });
    expect(both.error.data.fields).toEqual([{ field: 'rule_cfg', message: 'is not a known field' }]);
    const ruleAndId = await rpc('remove_rule', { identifier: 'VigoGS', ruleId: 'x', rule });
    expect(ruleAndId.error.data.fields).toEqual([
      { field: 'rule', message: 'give ruleId or rule, not both' },
    ]);
  });

  describe('Annex C documents in set_configuration, verbatim', () => {
    /** The seed's ground-station document exactly as printed (but for its trailing commas). */
    const seedStation = {
      identifier: 'My Ground Station',
      contactElevation: 10.4,
      location: { latitude: 25.5, longitude: 0.0 },
      channels: [
        {
          channelId: 'channel-01',
          modulation: 'FM',
          frequencyRange: { minimum: 450.54, maximum: 800.23 },
          bandwidth: [12.5, 25, 50],
          bitrate: [600, 1200, 2400],
          polarization: ['LHCP', 'RHCP', 'LINEAR'],
        },
      ],
      availability: [{ date: '07/17/2014', slotStart: '10:00', slotEnd: '11:00', channelId: 'channel-01' }],
    };
    const stationParams = {
      identifier: 'My Ground Station',
      configuration: { GroundStationConfiguration: seedStation },
    };

    it('accepts the ground station: spaces in its identifier, no callsign, MHz and kHz read as Hz, availability[] as a rule', async () => {
      expect((await rpc('set_configuration', stationParams)).result).toBe('OK');
      const read = await rpc('get_configuration', { identifier: 'My Ground Station' });
      expect(read.result.GroundStationConfiguration).toMatchObject({
        identifier: 'My Ground Station',
        callsign: null,
        contactElevation: 10.4,
        location: { latitude: 25.5, longitude: 0, altitude: 0 },
        channels: [
          {
            channelId: 'channel-01',
            direction: 'BOTH',
            modulation: ['FM'],
            frequencyRange: { minimum: 450_540_000, maximum: 800_230_000 },
            bandwidth: [12_500, 25_000, 50_000],
            bitrate: [600, 1200, 2400],
          },
        ],
      });
      // Sent again unchanged: still one rule.
      expect((await rpc('set_configuration', stationParams)).result).toBe('OK');
      expect((await rpc('get_rules', { identifier: 'My Ground Station' })).result.GetRules).toEqual([
        {
          ruleId: expect.any(String),
          channelId: 'channel-01',
          operation: 'ADD',
          periodicity: 'ONCE',
          date: '2014-07-17',
          startTime: '10:00',
          endTime: '11:00',
          timeZone: 'UTC',
        },
      ]);
      // REST reaches it with the space encoded.
      const rest = await t.http('GET', '/api/ground-stations/My%20Ground%20Station', { token: gs });
      expect(rest.status).toBe(200);
      expect(rest.body.identifier).toBe('My Ground Station');
    });

    it('accepts the spacecraft as printed (no noradId, no csp, numbers as strings): the NORAD id is learned from its TLE, it is compatible with the station, and relaying waits for csp', async () => {
      expect((await rpc('set_configuration', stationParams)).result).toBe('OK');
      // The seed's tracking names a Celestrak file; the test serves it locally (no internet), so
      // its URL is the one deviation from the printed document.
      const tleFile = createServer((_, response) =>
        response.end(`XATCOBEO\n${ISS_TLE.line1}\n${ISS_TLE.line2}\n`),
      );
      await new Promise<void>((resolve) => tleFile.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(tleFile.address() as AddressInfo).port}/NORAD/elements/f.txt`;
      try {
        const seedSpacecraft = {
          identifier: 'My Spacecraft',
          callsign: 'KXSC02',
          tracking: { url, spacecraftId: 'XATCOBEO' },
          channels: [
            {
              channelId: 'slowChannel',
              modulation: 'FM',
              frequency: '457.356',
              bandwidth: '25',
              bitrate: '600',
              polarization: 'LHCP',
            },
            {
              channelId: 'fastChannel',
              modulation: 'FM',
              frequency: '457.356',
              bandwidth: '50',
              bitrate: '1200',
              polarization: 'RHCP',
            },
          ],
        };
        const params = {
          identifier: 'My Spacecraft',
          configuration: { SpacecraftConfiguration: seedSpacecraft },
        };
        expect((await rpc('set_configuration', params)).result).toBe('OK');
        const read = (await rpc('get_configuration', { identifier: 'My Spacecraft' })).result
          .SpacecraftConfiguration;
        expect(read).toMatchObject({ identifier: 'My Spacecraft', noradId: 25544, csp: null });
        expect(read.status.warnings).toContainEqual(expect.stringContaining('no CSP settings'));
        expect(read.channels).toEqual([
          expect.objectContaining({
            channelId: 'fastChannel',
            direction: 'BOTH',
            frequency: 457_356_000,
            bandwidth: 50_000,
            bitrate: 1200,
          }),
          expect.objectContaining({
            channelId: 'slowChannel',
            direction: 'BOTH',
            frequency: 457_356_000,
            bandwidth: 25_000,
            bitrate: 600,
          }),
        ]);
        const compatible = JSON.stringify(
          (await rpc('get_compatibility', { identifier: 'My Spacecraft' })).result,
        );
        expect(compatible).toContain('My Ground Station');
        expect(compatible).toContain('slowChannel');
        expect(compatible).toContain('fastChannel');
        // Without CSP settings, nothing can be checked, so nothing is relayed: a mission
        // WebSocket session is refused before it opens, saying what to set.
        const refused = await rejection(
          MissionSocketClient.connect({ baseUrl: t.baseUrl, token: gs, spacecraft: 'My Spacecraft' }),
          WsHandshakeError,
        );
        expect([refused.status, refused.code]).toEqual([409, 'CSP_NOT_CONFIGURED']);
        expect(refused.message).toContain('set csp');
      } finally {
        tleFile.close();
      }
    });

    it.each([' leading', 'double  space', 'trailing '])(
      'refuses the identifier %p, saying which characters identifiers may hold',
      async (identifier) => {
        const params = {
          identifier,
          configuration: { GroundStationConfiguration: { ...seedStation, identifier } },
        };
        const refused = await rpc('set_configuration', params);
        expect(refused.error.data.fields).toContainEqual({
          field: 'identifier',
          message:
            'must be 1–30 characters of letters, digits, ".", "_" or "-", words separated by single spaces',
        });
      },
    );
  });
});

describe('Annex D slot calls as the seed writes them', () => {
  let t: TestApp;
  let gs: string;
  let mission: string;

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    gs = (await t.operator('gs-ops')).token;
    mission = (await t.operator('xatco-ops')).token;
    const always = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };
    const setUp = [
      await t.http('POST', '/api/ground-stations', {
        token: gs,
        body: stationConfig('VigoGS', { autoConfirm: true }),
      }),
      await t.http('POST', '/api/ground-stations/VigoGS/rules', { token: gs, body: always }),
      await t.http('POST', '/api/spacecraft', { token: mission, body: spacecraftConfig('XATCOBEO') }),
    ];
    expect(setUp.map((result) => result.status)).toEqual([201, 201, 201]);
  });
  afterAll(() => t.stop());

  it('select_slots {identifier, slot_identifier} → {"OperationSlot": …}; cancel_reservations {identifier, slot_identifiers} → {"ChangedSlots": …}; a station’s get_changes → {"GroundstationChanges": …}', async () => {
    const [slot] = (await t.rpc('get_operational_slots', { identifier: 'XATCOBEO' }, mission)).result
      .OperationSlot;
    const selected = await t.rpc(
      'select_slots',
      { identifier: 'XATCOBEO', slot_identifier: slot.identifier },
      mission,
    );
    expect(selected.result).toEqual({
      OperationSlot: [expect.objectContaining({ identifier: slot.identifier, state: 'RESERVED' })],
    });
    const canceled = await t.rpc(
      'cancel_reservations',
      { identifier: 'VigoGS', slot_identifiers: [slot.identifier] },
      gs,
    );
    expect(canceled.result).toEqual({
      ChangedSlots: [expect.objectContaining({ identifier: slot.identifier, state: 'CANCELED' })],
    });

    // get_changes: a station's answer is the seed's GroundstationChanges (ChangedSlots kept).
    const station = (await t.rpc('get_changes', { identifier: 'VigoGS' }, gs)).result;
    expect(station.GroundstationChanges.map((c: { to: string }) => c.to)).toEqual(['RESERVED', 'CANCELED']);
    expect(station.ChangedSlots).toEqual(station.GroundstationChanges);
    const spacecraft = (await t.rpc('get_changes', { identifier: 'XATCOBEO' }, mission)).result;
    expect(Object.keys(spacecraft).sort()).toEqual(['ChangedSlots', 'nextCursor']);
  });
});
