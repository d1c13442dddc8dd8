import { Module } from '@nestjs/common';
import { StationsModule } from '../stations/stations.module';
import { AvailabilityService } from './availability.service';

@Module({
  imports: [StationsModule],
  providers: [AvailabilityService],
  exports: [AvailabilityService],
})
export class AvailabilityModule {}
