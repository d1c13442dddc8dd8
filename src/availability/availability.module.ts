// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { StationsModule } from '../stations/stations.module';
import { AvailabilityRulesRepository } from './availability-rules.repository';
import { AvailabilityService } from './availability.service';

@Module({
  imports: [StationsModule],
  providers: [AvailabilityService, AvailabilityRulesRepository],
  exports: [AvailabilityService],
})
export class AvailabilityModule {}
