// SPDX-License-Identifier: Apache-2.0
import { spacecraftConfig, stationConfig } from '../../test/helpers/fixtures';
import { ServiceHarness } from '../../test/helpers/service-harness';
import { AccountsFixture } from '../accounts/testing/accounts-fixture';
import type { RequestContext } from '../common/request-context';
import { AnnexDConfigurationModule } from './annex-d-configuration.module';
import { AnnexDConfigurationService } from './annex-d-configuration.service';

describe('AnnexDConfigurationService', () => {
  let harness: ServiceHarness;
  let facade: AnnexDConfigurationService;
  let ada: RequestContext;
  let bob: RequestContext;

  beforeEach(async () => {
    harness = await ServiceHarness.start([AnnexDConfigurationModule]);
    facade = harness.get(AnnexDConfigurationService);
    const fixture = new AccountsFixture(harness);
    const root = await fixture.adminContext();
    ada = await fixture.operator('ada', root);
    bob = await fixture.operator('bob', root);
    // The station's document leaves out its identifier: the call's identifier fills it in.
    const { identifier: _, ...station } = stationConfig('VigoGS');
    await facade.set(ada, 'VigoGS', { GroundStationConfiguration: station });
    await facade.set(ada, 'XATCOBEO', { SpacecraftConfiguration: spacecraftConfig('XATCOBEO') });
  });

  afterEach(() => harness.stop());

  it('answers each identifier with the document of its kind', async () => {
    expect(await facade.get(ada, 'VigoGS')).toEqual({
      GroundStationConfiguration: expect.objectContaining({ identifier: 'VigoGS', callsign: 'EA1XYZ' }),
    });
    expect(await facade.get(ada, 'XATCOBEO')).toEqual({
      SpacecraftConfiguration: expect.objectContaining({ identifier: 'XATCOBEO' }),
    });
    expect((await facade.channels(ada, 'XATCOBEO')).Channels).toHaveLength(2);
    await expect(facade.get(ada, 'Nothing')).rejects.toMatchObject({ code: 'IDENTIFIER_NOT_FOUND' });
  });

  it('replaces an existing configuration of the same kind', async () => {
    await facade.set(ada, 'VigoGS', {
      GroundStationConfiguration: stationConfig('VigoGS', { callsign: 'EA1ABC' }),
    });
    expect(await facade.get(ada, 'VigoGS')).toMatchObject({
      GroundStationConfiguration: { callsign: 'EA1ABC' },
    });
  });

  it('refuses a document of the other kind, a second document, and a differing identifier', async () => {
    const invalid = (configuration: Record<string, unknown>, identifier = 'VigoGS') =>
      facade
        .set(ada, identifier, configuration)
        .catch((error: { code: string; fields: { field: string }[] }) => ({
          code: error.code,
          fields: error.fields.map((f) => f.field),
        }));
    expect(await invalid({ SpacecraftConfiguration: spacecraftConfig('VigoGS') })).toEqual({
      code: 'VALIDATION_FAILED',
      fields: ['configuration'],
    });
    expect(await invalid({ GroundStationConfiguration: stationConfig('XATCOBEO') }, 'XATCOBEO')).toEqual({
      code: 'VALIDATION_FAILED',
      fields: ['configuration'],
    });
    expect(await invalid({ GroundStationConfiguration: {}, SpacecraftConfiguration: {} })).toEqual({
      code: 'VALIDATION_FAILED',
      fields: ['configuration'],
    });
    expect(await invalid({ GroundStationConfiguration: stationConfig('OtherGS') })).toEqual({
      code: 'VALIDATION_FAILED',
      fields: ['configuration.identifier'],
    });
  });

  it('validates the document with the same DTO as the REST API', async () => {
    await expect(
      facade.set(ada, 'NewGS', { GroundStationConfiguration: { callsign: 'EA1XYZ' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(facade.get(ada, 'NewGS')).rejects.toMatchObject({ code: 'IDENTIFIER_NOT_FOUND' });
  });

  it('lists identifiers per kind, filtered by owner or identifier', async () => {
    await facade.set(bob, 'BobGS', { GroundStationConfiguration: stationConfig('BobGS') });
    expect((await facade.listGroundStations(ada)).Identifier.sort()).toEqual(['BobGS', 'VigoGS']);
    expect(await facade.listGroundStations(ada, { mine: true })).toEqual({ Identifier: ['VigoGS'] });
    expect(await facade.listGroundStations(ada, { identifier: 'BobGS' })).toEqual({ Identifier: ['BobGS'] });
    expect(await facade.listSpacecraft(ada)).toEqual({ Identifier: ['XATCOBEO'] });
  });

  it('shows anyone the channels of a station, but a spacecraft only to its owner', async () => {
    expect((await facade.channels(bob, 'VigoGS')).Channels).toHaveLength(1);
    await expect(facade.channels(bob, 'XATCOBEO')).rejects.toMatchObject({ code: 'NOT_OWNER' });
    expect(await facade.listSpacecraft(bob)).toEqual({ Identifier: [] });
  });

  it('deletes whichever kind the identifier names, for its owner only', async () => {
    await expect(facade.delete(bob, 'XATCOBEO')).rejects.toMatchObject({ kind: 'FORBIDDEN' });
    expect(await facade.delete(ada, 'XATCOBEO')).toBe('OK');
    expect(await facade.delete(ada, 'VigoGS')).toBe('OK');
    expect(await facade.listGroundStations(ada)).toEqual({ Identifier: [] });
    expect(await facade.listSpacecraft(ada)).toEqual({ Identifier: [] });
  });
});
