import { Module } from '@nestjs/common';
import { PassesModule } from '../passes/passes.module';
import { SpacecraftModule } from '../spacecraft/spacecraft.module';
import { StationsModule } from '../stations/stations.module';
import { AnnexDConfigurationService } from './annex-d-configuration.service';

/** Stations, spacecraft, pass prediction and the Annex D configuration facade, for the transports. */
@Module({
  imports: [StationsModule, SpacecraftModule, PassesModule],
  providers: [AnnexDConfigurationService],
  exports: [AnnexDConfigurationService, StationsModule, SpacecraftModule, PassesModule],
})
export class AnnexDConfigurationModule {}
