// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { SpacecraftModule } from '../spacecraft/spacecraft.module';
import { StationsModule } from '../stations/stations.module';
import { PassPredictionService } from './pass-prediction.service';

/** Pass prediction: the pure orbit functions applied to the stored stations and spacecraft. */
@Module({
  imports: [SpacecraftModule, StationsModule],
  providers: [PassPredictionService],
  exports: [PassPredictionService],
})
export class PassesModule {}
