// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { StationsModule } from '../stations/stations.module';
import { SpacecraftRepository } from './spacecraft.repository';
import { SpacecraftService } from './spacecraft.service';
import { TleRefreshService } from './tle-refresh.service';

@Module({
  imports: [AccountsModule, StationsModule],
  providers: [SpacecraftService, SpacecraftRepository, TleRefreshService],
  exports: [SpacecraftService, TleRefreshService],
})
export class SpacecraftModule {}
