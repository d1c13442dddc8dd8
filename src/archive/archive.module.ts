// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { RelayModule } from '../relay/relay.module';
import { SpacecraftModule } from '../spacecraft/spacecraft.module';
import { StationsModule } from '../stations/stations.module';
import { PacketHistoryService } from './packet-history.service';
import { PacketRetentionService } from './packet-retention.service';

/** The packet archive as its owners read it: history pages, exports, and the retention purge. */
@Module({
  imports: [RelayModule, SpacecraftModule, StationsModule],
  providers: [PacketHistoryService, PacketRetentionService],
  exports: [PacketHistoryService],
})
export class ArchiveModule {}
