// SPDX-License-Identifier: Apache-2.0
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AnnexDConfigurationService } from '../../../annex-d-configuration/annex-d-configuration.service';
import {
  IdentifierDto,
  ListDto,
  SetConfigurationDto,
} from '../../../annex-d-configuration/dto/annex-d-configuration.dto';
import { SpacecraftPassQueryDto } from '../../../passes/dto/pass-query.dto';
import { PassPredictionService } from '../../../passes/pass-prediction.service';
import { SpacecraftService } from '../../../spacecraft/spacecraft.service';
import { JsonRpcMethods } from '../json-rpc-methods';

/** The Annex D configuration methods plus pass prediction; docs/api.md maps each to REST. */
@Injectable()
export class ConfigurationMethods implements OnModuleInit {
  constructor(
    private readonly methods: JsonRpcMethods,
    private readonly configuration: AnnexDConfigurationService,
    private readonly spacecraft: SpacecraftService,
    private readonly passes: PassPredictionService,
  ) {}

  onModuleInit(): void {
    const m = this.methods;
    const byIdentifier = { params: IdentifierDto, positional: ['identifier'] as const };
    m.register({
      name: 'get_configuration',
      description: 'Annex C configuration of a ground station or spacecraft (others see a station summary).',
      ...byIdentifier,
      handler: (ctx, p) => this.configuration.get(ctx, p.identifier),
    });
    m.register({
      name: 'set_configuration',
      description:
        'Create or replace a configuration: {identifier, configuration: {GroundStationConfiguration|SpacecraftConfiguration: …}}.',
      params: SetConfigurationDto,
      positional: ['identifier', 'configuration'],
      handler: (ctx, p) => this.configuration.set(ctx, p.identifier, p.configuration),
    });
    m.register({
      name: 'list_groundstations',
      description: 'Identifiers of the ground stations ({mine: true} for your own).',
      params: ListDto,
      handler: (ctx, p) => this.configuration.listGroundStations(ctx, p),
    });
    m.register({
      name: 'list_spacecraft',
      description: 'Identifiers of your spacecraft.',
      params: ListDto,
      handler: (ctx, p) => this.configuration.listSpacecraft(ctx, p),
    });
    m.register({
      name: 'list_channels',
      description: 'Channels of a ground station or spacecraft.',
      ...byIdentifier,
      handler: (ctx, p) => this.configuration.channels(ctx, p.identifier),
    });
    m.register({
      name: 'delete',
      description: 'Delete a ground station or spacecraft you own.',
      ...byIdentifier,
      handler: (ctx, p) => this.configuration.delete(ctx, p.identifier),
    });
    this.registerOrbitMethods();
  }

  private registerOrbitMethods(): void {
    this.methods.register({
      name: 'get_compatibility',
      description: 'Every (ground station, GS channel, SC channel) that can serve a spacecraft.',
      params: IdentifierDto,
      positional: ['identifier'],
      handler: (ctx, p) => this.spacecraft.compatibility(ctx, p.identifier),
    });
    this.methods.register({
      name: 'refresh_tle',
      description: 'Fetch the TLE of a spacecraft from its tracking URL now.',
      params: IdentifierDto,
      positional: ['identifier'],
      handler: (ctx, p) => this.spacecraft.refreshTle(ctx, p.identifier),
    });
    this.methods.register({
      name: 'get_passes',
      description: 'Passes of a spacecraft over stations in a window, with Doppler per compatible channel.',
      params: SpacecraftPassQueryDto,
      positional: ['identifier', 'from', 'to', 'groundStations'],
      handler: (ctx, { identifier, ...query }) => this.passes.passes(ctx, identifier, query),
    });
  }
}
