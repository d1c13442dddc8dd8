import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccountsModule } from '../../accounts/accounts.module';
import { BookingModule } from '../../booking/booking.module';
import { AnnexDConfigurationModule } from '../../annex-d-configuration/annex-d-configuration.module';
import { AdminController } from './admin.controller';
import { AuthController, MeController } from './accounts.controller';
import { BearerAuthGuard } from './auth';
import { SpacecraftBookingController, StationBookingController } from './booking.controller';
import { GroundStationsController } from './ground-stations.controller';
import { SpacecraftController } from './spacecraft.controller';
import { HealthController } from './health.controller';
import { HttpErrorFilter } from './http-error.filter';

@Module({
  imports: [AccountsModule, AnnexDConfigurationModule, BookingModule],
  controllers: [
    AuthController,
    MeController,
    AdminController,
    HealthController,
    GroundStationsController,
    SpacecraftController,
    StationBookingController,
    SpacecraftBookingController,
  ],
  providers: [
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class RestModule {}
