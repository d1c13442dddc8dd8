// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { AvailabilityModule } from '../availability/availability.module';
import { PassesModule } from '../passes/passes.module';
import { SpacecraftModule } from '../spacecraft/spacecraft.module';
import { StationsModule } from '../stations/stations.module';
import { AnnexDConfigurationService } from './annex-d-configuration.service';

/** Stations, spacecraft, pass prediction and the Annex D configuration facade, for the transports. */
@Module({
  imports: [StationsModule, SpacecraftModule, PassesModule, AvailabilityModule],
  providers: [AnnexDConfigurationService],
  exports: [AnnexDConfigurationService, StationsModule, SpacecraftModule, PassesModule],
})
export class AnnexDConfigurationModule {}
