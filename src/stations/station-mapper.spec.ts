// SPDX-License-Identifier: Apache-2.0
import { stationConfig } from '../../test/helpers/fixtures';
import type { GroundStationConfigDto, GsChannelDto } from './dto/ground-station.dto';
import type { GroundStation } from './ground-station.entity';
import {
  applyStationConfig,
  checkGsChannel,
  checkStationConfig,
  groundSite,
  gsChannelFromDto,
  stationSummary,
  stationView,
} from './station-mapper';

const config = (overrides: Record<string, unknown> = {}) =>
  stationConfig('VigoGS', overrides) as GroundStationConfigDto;
const channel = (overrides: Record<string, unknown> = {}): GsChannelDto => ({
  ...config().channels[0],
  ...overrides,
});

const blank = {
  id: 'station-row',
  identifier: 'VigoGS',
  ownerId: 'owner',
  createdAt: new Date('2030-01-01T00:00:00Z'),
  updatedAt: new Date('2030-01-01T00:00:00Z'),
} as GroundStation;

describe('station mapper', () => {
  it('gives an Annex C document back as it came in, channels sorted by id', () => {
    const dto = config({
      horizonMask: [{ fromAzimuth: 10, toAzimuth: 20, minElevation: 15 }],
      channels: [channel({ channelId: 'vhf' }), channel({ channelId: 'uhf' })],
    });
    const station = applyStationConfig(blank, dto);
    const channels = dto.channels.map((c) => gsChannelFromDto(station.id, c));
    expect(stationView(station, channels)).toEqual({
      identifier: 'VigoGS',
      callsign: 'EA1XYZ',
      contactElevation: 5,
      location: { latitude: 42.17, longitude: -8.69, altitude: 460 },
      horizonMask: [{ fromAzimuth: 10, toAzimuth: 20, minElevation: 15 }],
      autoConfirm: false,
      channels: ['uhf', 'vhf'].map((channelId) => ({ ...channel(), channelId })),
    });
  });

  it('shows strangers only the identifier, location and channels', () => {
    const station = applyStationConfig(blank, config());
    expect(Object.keys(stationSummary(station, [])).sort()).toEqual(['channels', 'identifier', 'location']);
  });

  it('stores an empty horizon mask as none, and a missing autoConfirm as false', () => {
    const station = applyStationConfig(blank, config({ horizonMask: [], autoConfirm: undefined }));
    expect(station).toMatchObject({ horizonMask: null, autoConfirm: false });
    expect(stationView(station, []).horizonMask).toEqual([]);
    expect(groundSite(station)).toEqual({
      latitudeDeg: 42.17,
      longitudeDeg: -8.69,
      altitudeM: 460,
      minElevationDeg: 5,
      horizonMask: undefined,
    });
  });

  it('drops repeated list entries of a channel', () => {
    const stored = gsChannelFromDto('s', channel({ modulation: ['FM', 'FM'], bitrate: [9600, 9600] }));
    expect(stored).toMatchObject({ modulations: ['FM'], bitratesBps: [9600] });
  });

  it('names every field that breaks a rule the DTO cannot express', () => {
    const bad = config({
      channels: [
        channel({ channelId: 'a', frequencyRange: { minimum: 2, maximum: 1 } }),
        channel({ channelId: 'a' }),
      ],
      horizonMask: [{ fromAzimuth: 90, toAzimuth: 90, minElevation: 0 }],
    });
    let thrown: unknown;
    try {
      checkStationConfig(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((thrown as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual([
      'channels.0.frequencyRange',
      'channels.1.channelId',
      'horizonMask.0',
    ]);
    expect(() => checkStationConfig(config())).not.toThrow();
    expect(() => checkGsChannel(channel({ frequencyRange: { minimum: 2, maximum: 1 } }))).toThrow(
      expect.objectContaining({ fields: [expect.objectContaining({ field: 'frequencyRange' })] }),
    );
  });
});
