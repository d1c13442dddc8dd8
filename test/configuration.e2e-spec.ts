// SPDX-License-Identifier: Apache-2.0
import { ISS_TLE } from '../src/orbit/test-fixtures';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';

describe('ground stations and spacecraft', () => {
  let t: TestApp;
  let gsOp: string;
  let scOp: string;
  let other: string;

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    gsOp = (await t.operator('gs-op')).token;
    scOp = (await t.operator('sc-op')).token;
    other = (await t.operator('other-op')).token;
    expect(
      (await t.http('POST', '/api/ground-stations', { token: gsOp, body: stationConfig() })).status,
    ).toBe(201);
    expect(
      (
        await t.rpc(
          'set_configuration',
          { identifier: 'XATCOBEO', configuration: { SpacecraftConfiguration: spacecraftConfig() } },
          scOp,
        )
      ).result,
    ).toBe('OK');
  });
  afterAll(() => t.stop());

  it('returns the Annex C documents to their owners', async () => {
    const station = await t.http('GET', '/api/ground-stations/VigoGS', { token: gsOp });
    expect(station.body).toEqual({ ...stationConfig(), horizonMask: [] });
    const spacecraft = (await t.rpc('get_configuration', ['XATCOBEO'], scOp)).result.SpacecraftConfiguration;
    const { status, ...config } = spacecraft;
    const sent = spacecraftConfig();
    // Channels come back ordered by channel id.
    expect(config).toEqual({ ...sent, channels: [sent.channels[1], sent.channels[0]] });
    expect(status).toMatchObject({ tleEpoch: '2008-09-20T12:25:40.104Z', tleAgeDays: 0, warnings: [] });
    expect(
      (await t.rpc('get_configuration', ['VigoGS'], gsOp)).result.GroundStationConfiguration.callsign,
    ).toBe('EA1XYZ');
  });

  it('shows other users only a public summary of a station, and nothing of a spacecraft', async () => {
    const summary = await t.http('GET', '/api/ground-stations/VigoGS', { token: scOp });
    expect(Object.keys(summary.body).sort()).toEqual(['channels', 'identifier', 'location']);
    const listed = await t.http('GET', '/api/ground-stations', { token: scOp });
    expect(listed.body).toEqual([summary.body]);
    const spacecraft = await t.http('GET', '/api/spacecraft/XATCOBEO', { token: gsOp });
    expect(spacecraft.status).toBe(403);
    expect(spacecraft.body.error.code).toBe('NOT_OWNER');
    expect((await t.rpc('list_spacecraft', {}, gsOp)).result).toEqual({ Identifier: [] });
    expect((await t.rpc('list_groundstations', {}, scOp)).result).toEqual({ Identifier: ['VigoGS'] });
  });

  it('refuses changes to another user’s station and keeps it as it was', async () => {
    const before = (await t.http('GET', '/api/ground-stations/VigoGS', { token: gsOp })).body;
    const put = await t.http('PUT', '/api/ground-stations/VigoGS', {
      token: other,
      body: stationConfig('VigoGS', { callsign: 'HACKED' }),
    });
    expect(put.status).toBe(403);
    expect((await t.http('DELETE', '/api/ground-stations/VigoGS', { token: other })).status).toBe(403);
    expect((await t.rpc('delete', ['VigoGS'], other)).error.data.code).toBe('NOT_OWNER');
    expect(
      (await t.http('DELETE', '/api/ground-stations/VigoGS/channels/uhf', { token: other })).status,
    ).toBe(403);
    expect((await t.http('GET', '/api/ground-stations/VigoGS', { token: gsOp })).body).toEqual(before);
  });

  it('creates, reads, updates, lists and deletes a station and its channels', async () => {
    const created = await t.http('POST', '/api/ground-stations', {
      token: gsOp,
      body: stationConfig('Svalbard', { location: { latitude: 78.23, longitude: 15.39, altitude: 500 } }),
    });
    expect(created.status).toBe(201);
    const horizonMask = [{ fromAzimuth: 300, toAzimuth: 30, minElevation: 20 }];
    const masked = stationConfig('Svalbard', { horizonMask, autoConfirm: true });
    expect(
      (await t.http('PUT', '/api/ground-stations/Svalbard', { token: gsOp, body: masked })).body,
    ).toMatchObject({ autoConfirm: true, horizonMask });

    const vhf = {
      channelId: 'vhf',
      direction: 'DOWNLINK',
      modulation: 'FM',
      frequencyRange: { minimum: 144e6, maximum: 146e6 },
      bandwidth: 12500,
      bitrate: 1200,
      polarization: 'ANY',
    };
    const added = await t.http('POST', '/api/ground-stations/Svalbard/channels', { token: gsOp, body: vhf });
    expect(added.body).toEqual({
      ...vhf,
      modulation: ['FM'],
      bandwidth: [12500],
      bitrate: [1200],
      polarization: ['ANY'],
    });
    expect(
      (await t.http('POST', '/api/ground-stations/Svalbard/channels', { token: gsOp, body: vhf })).body.error
        .code,
    ).toBe('CHANNEL_EXISTS');
    const replaced = await t.http('PUT', '/api/ground-stations/Svalbard/channels/vhf', {
      token: gsOp,
      body: { ...vhf, bitrate: [1200, 9600] },
    });
    expect(replaced.body.bitrate).toEqual([1200, 9600]);
    expect(
      (await t.rpc('list_channels', ['Svalbard'], gsOp)).result.Channels.map(
        (c: { channelId: string }) => c.channelId,
      ),
    ).toEqual(['uhf', 'vhf']);
    expect(
      (await t.http('DELETE', '/api/ground-stations/Svalbard/channels/vhf', { token: gsOp })).status,
    ).toBe(204);
    expect(
      (await t.http('GET', '/api/ground-stations/Svalbard/channels/vhf', { token: gsOp })).body.error.code,
    ).toBe('CHANNEL_NOT_FOUND');

    expect(
      (await t.http('GET', '/api/ground-stations?mine=true', { token: gsOp })).body.map(
        (s: { identifier: string }) => s.identifier,
      ),
    ).toEqual(['Svalbard', 'VigoGS']);
    expect((await t.rpc('delete', ['Svalbard'], gsOp)).result).toBe('OK');
    expect((await t.http('GET', '/api/ground-stations/Svalbard', { token: gsOp })).status).toBe(404);
  });

  it('updates a spacecraft over JSON-RPC and its channels over REST', async () => {
    // A spacecraft of its own: the others' tests expect XATCOBEO as first configured.
    const created = { SpacecraftConfiguration: spacecraftConfig('UPDSAT') };
    expect((await t.rpc('set_configuration', ['UPDSAT', created], scOp)).result).toBe('OK');
    const changed = spacecraftConfig('UPDSAT', { callsign: 'NEWCALL' });
    expect(
      (await t.rpc('set_configuration', ['UPDSAT', { SpacecraftConfiguration: changed }], scOp)).result,
    ).toBe('OK');
    expect((await t.http('GET', '/api/spacecraft/UPDSAT', { token: scOp })).body.callsign).toBe('NEWCALL');
    const beacon = {
      channelId: 'beacon',
      direction: 'DOWNLINK',
      modulation: 'CW',
      frequency: 437.1e6,
      bandwidth: 500,
      bitrate: 20,
      polarization: 'LINEAR',
    };
    expect(
      (await t.http('POST', '/api/spacecraft/UPDSAT/channels', { token: scOp, body: beacon })).status,
    ).toBe(201);
    expect((await t.http('GET', '/api/spacecraft/UPDSAT/channels', { token: scOp })).body).toHaveLength(3);
    expect((await t.http('DELETE', '/api/spacecraft/UPDSAT/channels/beacon', { token: scOp })).status).toBe(
      204,
    );
  });

  it('answers the literal Annex D list calls, and explains a refresh without a tracking URL', async () => {
    expect((await t.rpc('list_groundstations', { identifier: 'VigoGS' }, scOp)).result).toEqual({
      Identifier: ['VigoGS'],
    });
    expect((await t.rpc('list_spacecraft', { identifier: 'Nothing' }, scOp)).result).toEqual({
      Identifier: [],
    });
    const refresh = await t.rpc('refresh_tle', ['XATCOBEO'], scOp);
    expect(refresh.error.data.code).toBe('NO_TRACKING_URL');
  });

  it('lists the compatible station channels of a spacecraft', async () => {
    const result = await t.http('GET', '/api/spacecraft/XATCOBEO/compatibility', { token: scOp });
    expect(result.body).toEqual([
      { groundStation: 'VigoGS', gsChannel: 'uhf', scChannel: 'tc', direction: 'UPLINK' },
      { groundStation: 'VigoGS', gsChannel: 'uhf', scChannel: 'tm', direction: 'DOWNLINK' },
    ]);
    expect((await t.rpc('get_compatibility', ['XATCOBEO'], scOp)).result).toEqual(result.body);
  });

  it('predicts passes with Doppler over REST and JSON-RPC', async () => {
    const query = 'from=2008-09-20T12:00:00Z&to=2008-09-21T12:00:00Z&groundStations=VigoGS';
    const passes = (await t.http('GET', `/api/spacecraft/XATCOBEO/passes?${query}`, { token: scOp })).body;
    expect(passes.length).toBeGreaterThanOrEqual(3);
    for (const pass of passes) {
      expect(pass.groundStation).toBe('VigoGS');
      expect(Date.parse(pass.aos)).toBeLessThan(Date.parse(pass.tca));
      expect(Date.parse(pass.tca)).toBeLessThan(Date.parse(pass.los));
      expect(pass.durationSeconds).toBeGreaterThanOrEqual(120);
      const downlink = pass.channels.find((c: { direction: string }) => c.direction === 'DOWNLINK');
      expect(downlink).toMatchObject({ gsChannel: 'uhf', scChannel: 'tm', frequency: 437.5e6 });
      // Approaching at AOS (received frequency higher), receding at LOS; LEO at 437 MHz stays within ±11 kHz.
      expect(downlink.dopplerHz.aos).toBeGreaterThan(0);
      expect(downlink.dopplerHz.los).toBeLessThan(0);
      expect(Math.abs(downlink.dopplerHz.aos)).toBeLessThan(11_000);
      const uplink = pass.channels.find((c: { direction: string }) => c.direction === 'UPLINK');
      expect(uplink.dopplerHz.aos).toBeLessThan(0);
    }
    const rpc = await t.rpc(
      'get_passes',
      {
        identifier: 'XATCOBEO',
        from: '2008-09-20T12:00:00Z',
        to: '2008-09-21T12:00:00Z',
        groundStations: ['VigoGS'],
      },
      scOp,
    );
    expect(rpc.result).toEqual(passes);
  });

  it('rejects a pass window that is backwards or too long', async () => {
    const backwards = await t.http(
      'GET',
      '/api/spacecraft/XATCOBEO/passes?from=2008-09-21T00:00:00Z&to=2008-09-20T00:00:00Z',
      { token: scOp },
    );
    expect(backwards.body.error.fields).toEqual([{ field: 'to', message: 'must be after from' }]);
    const long = await t.rpc(
      'get_passes',
      { identifier: 'XATCOBEO', from: '2008-09-01T00:00:00Z', to: '2008-10-01T00:00:00Z' },
      scOp,
    );
    expect(long.error.code).toBe(-32602);
  });

  it('warns when the TLE is old', async () => {
    t.clock.set('2008-11-20T12:00:00Z');
    try {
      const token = await t.login('sc-op', 'sc-op-password'); // the earlier login expired meanwhile
      const { status } = (await t.http('GET', '/api/spacecraft/XATCOBEO', { token })).body;
      expect(status.tleAgeDays).toBe(61);
      expect(status.warnings).toEqual([
        'the TLE epoch is 61 days old (more than 14); predictions may be off',
      ]);
    } finally {
      t.clock.set(ORBIT_NOW);
    }
  });

  describe('bad input is refused with a clear error and nothing is stored', () => {
    const stationIds = async () => (await t.rpc('list_groundstations', {}, gsOp)).result.Identifier;

    it.each<[string, object, string, string]>([
      [
        'latitude outside ±90',
        { location: { latitude: 91, longitude: 0, altitude: 0 } },
        'location.latitude',
        'must not be greater than 90',
      ],
      [
        'longitude outside ±180',
        { location: { latitude: 0, longitude: -181, altitude: 0 } },
        'location.longitude',
        'must not be less than -180',
      ],
      ['elevation outside 0–90', { contactElevation: 95 }, 'contactElevation', 'must not be greater than 90'],
      ...[' leading', 'trailing ', 'double  space', 'slash/ed', 'x'.repeat(31)].map(
        (identifier) =>
          [
            `a bad identifier ${JSON.stringify(identifier)}`,
            { identifier },
            'identifier',
            'must be 1–30 characters of letters, digits, ".", "_" or "-", words separated by single spaces',
          ] as [string, object, string, string],
      ),
      ['an extra Annex C field', { availability: [] }, 'availability', 'is not a known field'],
    ])('%s', async (_, change, field, message) => {
      const before = await stationIds();
      const result = await t.http('POST', '/api/ground-stations', {
        token: gsOp,
        body: { ...stationConfig('BadGS'), ...change },
      });
      expect(result.status).toBe(400);
      expect(result.body.error.fields).toContainEqual({ field, message });
      expect(await stationIds()).toEqual(before);
    });

    it('a missing Annex C field', async () => {
      const { location: _, ...withoutLocation } = stationConfig('BadGS');
      const result = await t.rpc(
        'set_configuration',
        { identifier: 'BadGS', configuration: { GroundStationConfiguration: withoutLocation } },
        gsOp,
      );
      expect(result.error.code).toBe(-32602);
      expect(result.error.data.fields).toContainEqual({
        field: 'location',
        message: 'is required',
      });
    });

    it('channel rules: min > max, unknown modulation and polarization, duplicate ids', async () => {
      const channel = stationConfig().channels[0];
      const bad = stationConfig('BadGS', {
        channels: [
          { ...channel, frequencyRange: { minimum: 438e6, maximum: 435e6 } },
          { ...channel, channelId: 'x', modulation: ['QAM-1024'], polarization: ['CIRCULAR'] },
        ],
      });
      const result = await t.http('POST', '/api/ground-stations', { token: gsOp, body: bad });
      expect(result.body.error.fields).toEqual(
        expect.arrayContaining([
          {
            field: 'channels.1.modulation',
            message: expect.stringContaining('each value in modulation must be one of the following values'),
          },
          { field: 'channels.1.polarization', message: expect.stringContaining('RHCP, LHCP, LINEAR, ANY') },
        ]),
      );
      const ranges = await t.http('POST', '/api/ground-stations', {
        token: gsOp,
        body: stationConfig('BadGS', {
          channels: [{ ...channel, frequencyRange: { minimum: 438e6, maximum: 435e6 } }, channel],
        }),
      });
      expect(ranges.body.error.fields).toEqual([
        { field: 'channels.0.frequencyRange', message: 'minimum must not exceed maximum' },
        { field: 'channels.1.channelId', message: 'duplicate channel id "uhf"' },
      ]);
      expect(await stationIds()).not.toContain('BadGS');
    });

    it('a document naming another identifier than the call', async () => {
      const result = await t.rpc(
        'set_configuration',
        { identifier: 'NewGS', configuration: { GroundStationConfiguration: stationConfig('OtherGS') } },
        gsOp,
      );
      expect(result.error.data.fields).toEqual([
        { field: 'configuration.identifier', message: 'must be "NewGS", the identifier this call names' },
      ]);
      expect(await stationIds()).not.toContain('OtherGS');
    });

    it('duplicate identifiers, across stations and spacecraft too', async () => {
      const station = await t.http('POST', '/api/ground-stations', {
        token: other,
        body: stationConfig('VigoGS'),
      });
      expect(station.status).toBe(409);
      expect(station.body.error.code).toBe('IDENTIFIER_TAKEN');
      const clash = await t.http('POST', '/api/spacecraft', {
        token: other,
        body: spacecraftConfig('VigoGS'),
      });
      expect(clash.body.error.code).toBe('IDENTIFIER_TAKEN');
    });

    it('a bad TLE checksum, shape, or catalogue number', async () => {
      const badChecksum = { ...ISS_TLE, line1: ISS_TLE.line1.slice(0, 68) + '0' };
      const result = await t.http('POST', '/api/spacecraft', {
        token: other,
        body: spacecraftConfig('BadSC', { tracking: { tle: badChecksum } }),
      });
      expect(result.status).toBe(400);
      expect(result.body.error).toMatchObject({ code: 'INVALID_TLE', details: { reason: 'BAD_CHECKSUM' } });
      expect(result.body.error.message).toContain('line 1');
      const short = await t.http('POST', '/api/spacecraft', {
        token: other,
        body: spacecraftConfig('BadSC', { tracking: { tle: { line1: 'garbage', line2: ISS_TLE.line2 } } }),
      });
      expect(short.body.error.details.reason).toBe('BAD_SHAPE');
      const norad = await t.http('POST', '/api/spacecraft', {
        token: other,
        body: spacecraftConfig('BadSC', { noradId: 99999 }),
      });
      expect(norad.body.error.fields).toEqual([
        { field: 'noradId', message: 'is 99999 but the TLE is for catalogue number 25544' },
      ]);
      const csp = await t.http('POST', '/api/spacecraft', {
        token: other,
        body: spacecraftConfig('BadSC', {
          csp: { version: 1, addresses: [40], uplinkPorts: [64], downlinkPorts: [] },
        }),
      });
      expect(csp.body.error.fields).toEqual(
        expect.arrayContaining([
          { field: 'csp.uplinkPorts', message: 'each value in uplinkPorts must not be greater than 63' },
        ]),
      );
      expect((await t.rpc('list_spacecraft', {}, other)).result.Identifier).toEqual([]);
    });
  });

  it('deletes a user’s stations and spacecraft when they unregister', async () => {
    const leaving = await t.operator('leaving');
    await t.http('POST', '/api/ground-stations', { token: leaving.token, body: stationConfig('LeavingGS') });
    await t.http('POST', '/api/spacecraft', { token: leaving.token, body: spacecraftConfig('LeavingSC') });
    expect(
      (await t.http('DELETE', '/api/me', { token: leaving.token, body: { password: leaving.password } }))
        .status,
    ).toBe(204);
    const admin = await t.adminToken();
    expect((await t.http('GET', '/api/ground-stations/LeavingGS', { token: admin })).status).toBe(404);
    expect((await t.http('GET', '/api/spacecraft/LeavingSC', { token: admin })).status).toBe(404);
  });
});
