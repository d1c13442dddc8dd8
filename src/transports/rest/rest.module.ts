// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AccountsModule } from '../../accounts/accounts.module';
import { ArchiveModule } from '../../archive/archive.module';
import { BookingModule } from '../../booking/booking.module';
import { RelayModule } from '../../relay/relay.module';
import { AnnexDConfigurationModule } from '../../annex-d-configuration/annex-d-configuration.module';
import { MetricsModule } from '../../metrics/metrics.module';
import { NonScheduledModule } from '../../non-scheduled/non-scheduled.module';
import { ApiThrottleGuard, ApiThrottleOptions } from '../api-throttle';
import { AdminController } from './admin.controller';
import { AuthController, MeController } from './accounts.controller';
import { BearerAuthGuard } from './auth';
import { SpacecraftBookingController, StationBookingController } from './booking.controller';
import { GroundStationsController } from './ground-stations.controller';
import { SpacecraftController } from './spacecraft.controller';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { NonScheduledController } from './non-scheduled.controller';
import { HttpErrorFilter } from './http-error.filter';
import { SlotReportController } from './slot-report.controller';
import { SpacecraftPacketsController, StationPacketsController } from './packets.controller';

@Module({
  imports: [
    AccountsModule,
    AnnexDConfigurationModule,
    ArchiveModule,
    BookingModule,
    MetricsModule,
    NonScheduledModule,
    RelayModule,
    ThrottlerModule.forRootAsync({ useClass: ApiThrottleOptions }),
  ],
  controllers: [
    AuthController,
    MeController,
    AdminController,
    HealthController,
    MetricsController,
    GroundStationsController,
    SpacecraftController,
    StationBookingController,
    SpacecraftBookingController,
    NonScheduledController,
    SlotReportController,
    SpacecraftPacketsController,
    StationPacketsController,
  ],
  providers: [
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    // After the bearer guard, which names the user the per-user limit counts for.
    { provide: APP_GUARD, useClass: ApiThrottleGuard },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class RestModule {}
