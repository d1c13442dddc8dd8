import { Module } from '@nestjs/common';
import { SpacecraftModule } from '../spacecraft/spacecraft.module';
import { StationsModule } from '../stations/stations.module';
import { PassPredictionService } from './pass-prediction.service';

/** The pure orbit modules next to it need no module; this one wires pass prediction to the data. */
@Module({
  imports: [SpacecraftModule, StationsModule],
  providers: [PassPredictionService],
  exports: [PassPredictionService],
})
export class OrbitModule {}
