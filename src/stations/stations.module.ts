// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { GroundStationsRepository } from './ground-stations.repository';
import { GroundStationsService } from './ground-stations.service';

@Module({
  imports: [AccountsModule],
  providers: [GroundStationsService, GroundStationsRepository],
  exports: [GroundStationsService],
})
export class StationsModule {}
