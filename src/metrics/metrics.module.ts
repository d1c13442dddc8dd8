// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { BusModule } from '../bus/bus.module';
import { Metrics } from './metrics.service';

/**
 * The instance's Prometheus metrics. Imported by each module that records some (one instance per
 * application: Nest shares a static module); the bus names the instance in every series.
 */
@Module({
  imports: [BusModule],
  providers: [Metrics],
  exports: [Metrics],
})
export class MetricsModule {}
