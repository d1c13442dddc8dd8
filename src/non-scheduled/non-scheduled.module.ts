// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { RelayModule } from '../relay/relay.module';
import { SpacecraftModule } from '../spacecraft/spacecraft.module';
import { StationsModule } from '../stations/stations.module';
import { NonScheduledService } from './non-scheduled.service';

/** Non-scheduled frames (Non-SCS): uploads into the packet archive the relay writes and feeds. */
@Module({
  imports: [MetricsModule, RelayModule, SpacecraftModule, StationsModule],
  providers: [NonScheduledService],
  exports: [NonScheduledService],
})
export class NonScheduledModule {}
