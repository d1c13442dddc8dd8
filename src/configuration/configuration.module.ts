import { Module } from '@nestjs/common';
import { OrbitModule } from '../orbit/orbit.module';
import { SpacecraftModule } from '../spacecraft/spacecraft.module';
import { StationsModule } from '../stations/stations.module';
import { ConfigurationService } from './configuration.service';

/** Stations, spacecraft, pass prediction and the Annex D configuration facade, for the transports. */
@Module({
  imports: [StationsModule, SpacecraftModule, OrbitModule],
  providers: [ConfigurationService],
  exports: [ConfigurationService, StationsModule, SpacecraftModule, OrbitModule],
})
export class ConfigurationModule {}
