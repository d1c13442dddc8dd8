// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AvailabilityModule } from '../availability/availability.module';
import { MailModule } from '../mail/mail.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SpacecraftModule } from '../spacecraft/spacecraft.module';
import { StationsModule } from '../stations/stations.module';
import { BookingNotifier } from './booking-notifier';
import { BookingParties } from './booking-parties';
import { BookingService } from './booking.service';
import { ChangeCursors } from './change-cursors.repository';
import { ChangeLogWatermark } from './change-log-watermark';
import { EndedSlotPurge } from './ended-slot-purge';
import { SlotLedger } from './slot-ledger';
import { SlotLifecycle } from './slot-lifecycle';
import { PartiesRepository } from './parties.repository';
import { SlotPlanner } from './slot-planner.service';
import { SlotsRepository } from './slots.repository';

@Module({
  imports: [AccountsModule, StationsModule, SpacecraftModule, AvailabilityModule, MailModule, MetricsModule],
  providers: [
    BookingService,
    SlotPlanner,
    SlotLedger,
    SlotLifecycle,
    SlotsRepository,
    PartiesRepository,
    BookingParties,
    BookingNotifier,
    ChangeLogWatermark,
    ChangeCursors,
    EndedSlotPurge,
  ],
  exports: [BookingService, SlotPlanner, SlotLifecycle, AvailabilityModule],
})
export class BookingModule {}
