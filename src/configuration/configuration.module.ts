import { Module } from '@nestjs/common';
import { PassesModule } from '../passes/passes.module';
import { SpacecraftModule } from '../spacecraft/spacecraft.module';
import { StationsModule } from '../stations/stations.module';
import { ConfigurationService } from './configuration.service';

/** Stations, spacecraft, pass prediction and the Annex D configuration facade, for the transports. */
@Module({
  imports: [StationsModule, SpacecraftModule, PassesModule],
  providers: [ConfigurationService],
  exports: [ConfigurationService, StationsModule, SpacecraftModule, PassesModule],
})
export class ConfigurationModule {}
