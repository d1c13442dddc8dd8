// SPDX-License-Identifier: Apache-2.0
import { ServiceHarness } from '../../test/helpers/service-harness';
import { stationConfig } from '../../test/helpers/fixtures';
import { AccountsService } from '../accounts/accounts.service';
import { AccountsFixture, PASSWORD } from '../accounts/testing/accounts-fixture';
import type { RequestContext } from '../common/request-context';
import type { GroundStationConfigDto, GsChannelDto } from './dto/ground-station.dto';
import { GroundStationsService } from './ground-stations.service';
import { StationsModule } from './stations.module';

const config = (identifier = 'VigoGS', overrides: Record<string, unknown> = {}) =>
  stationConfig(identifier, overrides) as GroundStationConfigDto;
const vhf: GsChannelDto = {
  ...config().channels[0],
  channelId: 'vhf',
  frequencyRange: { minimum: 144e6, maximum: 146e6 },
};

describe('GroundStationsService', () => {
  let harness: ServiceHarness;
  let stations: GroundStationsService;
  let root: RequestContext;
  let ada: RequestContext;
  let bob: RequestContext;

  beforeEach(async () => {
    harness = await ServiceHarness.start([StationsModule]);
    stations = harness.get(GroundStationsService);
    const fixture = new AccountsFixture(harness);
    root = await fixture.adminContext();
    ada = await fixture.operator('ada', root);
    bob = await fixture.operator('bob', root);
  });

  afterEach(() => harness.stop());

  it('stores a station for its creator, who reads back the full configuration', async () => {
    const created = await stations.create(ada, config());
    expect(created).toMatchObject({ identifier: 'VigoGS', callsign: 'EA1XYZ', autoConfirm: false });
    expect(await stations.get(ada, 'VigoGS')).toEqual(created);
    expect(await stations.get(root, 'VigoGS')).toEqual(created);
  });

  it('shows other operators only a summary, in lists too', async () => {
    await stations.create(ada, config());
    const summary = await stations.get(bob, 'VigoGS');
    expect(summary).not.toHaveProperty('callsign');
    expect(summary).toMatchObject({ identifier: 'VigoGS', channels: [{ channelId: 'uhf' }] });
    expect(await stations.list(bob)).toEqual([summary]);
    expect(await stations.list(bob, true)).toEqual([]);
  });

  it('refuses a taken identifier and an unknown one', async () => {
    await stations.create(ada, config());
    await expect(stations.create(bob, config())).rejects.toMatchObject({ code: 'IDENTIFIER_TAKEN' });
    await expect(stations.get(ada, 'Nowhere')).rejects.toMatchObject({ code: 'GROUND_STATION_NOT_FOUND' });
  });

  it('replaces the configuration and channels, but never renames', async () => {
    await stations.create(ada, config());
    const replaced = await stations.replace(
      ada,
      'VigoGS',
      config('VigoGS', { callsign: 'EA1ABC', channels: [vhf] }),
    );
    expect(replaced).toMatchObject({ callsign: 'EA1ABC', channels: [{ channelId: 'vhf' }] });
    expect(await stations.get(ada, 'VigoGS')).toEqual(replaced);
    await expect(stations.replace(ada, 'VigoGS', config('OtherGS'))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'identifier' }],
    });
  });

  it('lets only the owner or an admin change or delete a station', async () => {
    await stations.create(ada, config());
    await expect(stations.replace(bob, 'VigoGS', config())).rejects.toMatchObject({ kind: 'FORBIDDEN' });
    await expect(stations.putChannel(bob, 'VigoGS', vhf)).rejects.toMatchObject({ kind: 'FORBIDDEN' });
    await expect(stations.delete(bob, 'VigoGS')).rejects.toMatchObject({ kind: 'FORBIDDEN' });
    await stations.delete(root, 'VigoGS');
    await expect(stations.get(ada, 'VigoGS')).rejects.toMatchObject({ code: 'GROUND_STATION_NOT_FOUND' });
  });

  it('adds, replaces and deletes single channels', async () => {
    await stations.create(ada, config());
    expect(await stations.putChannel(ada, 'VigoGS', vhf)).toMatchObject({ channelId: 'vhf' });
    await expect(stations.putChannel(ada, 'VigoGS', vhf)).rejects.toMatchObject({ kind: 'CONFLICT' });
    const narrower = { ...vhf, frequencyRange: { minimum: 145e6, maximum: 146e6 } };
    await stations.putChannel(ada, 'VigoGS', narrower, 'vhf');
    expect(await stations.getChannel(bob, 'VigoGS', 'vhf')).toMatchObject({
      frequencyRange: { minimum: 145e6, maximum: 146e6 },
    });
    await stations.deleteChannel(ada, 'VigoGS', 'uhf');
    expect((await stations.listChannels(bob, 'VigoGS')).map((c) => c.channelId)).toEqual(['vhf']);
    await expect(stations.getChannel(ada, 'VigoGS', 'uhf')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('removes the stations of an account that unregisters', async () => {
    await stations.create(ada, config());
    await harness.get(AccountsService).unregister(ada, PASSWORD);
    expect(await stations.exists('VigoGS')).toBe(false);
  });

  it('needs a caller', async () => {
    await expect(stations.list({ actor: null, clientAddress: 'x' })).rejects.toMatchObject({
      code: 'AUTHENTICATION_REQUIRED',
    });
  });
});
