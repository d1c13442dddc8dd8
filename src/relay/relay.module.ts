// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { BookingModule } from '../booking/booking.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SpacecraftModule } from '../spacecraft/spacecraft.module';
import { StationsModule } from '../stations/stations.module';
import { MissionSessionAudit } from './mission-session-audit';
import { ClusterPacketFeed } from './cluster-packet-feed';
import { ClusterPresence } from './cluster-presence';
import { FrameCrossings } from './frame-crossing';
import { FrameRecorder } from './frame-recorder';
import { PacketFeed } from './packet-feed';
import { PacketLog } from './packet-log';
import { PacketReplayService } from './packet-replay.service';
import { PacketsRepository } from './packets.repository';
import { MissionRelayPort, RelayPort } from './relay-port';
import { SequenceLog } from './relay-resume';
import { RelaySessionAudit } from './relay-session-audit';
import { RelaySessionsRepository } from './relay-sessions.repository';
import { RelayService } from './relay.service';
import { SlotContextLoader } from './slot-context-loader';
import { SlotReportRepository } from './slot-report.repository';
import { SlotReportService } from './slot-report.service';
import { SlotSettlement } from './slot-settlement';

/** The relay behind the TLS gateway (RelayPort) and the mission WebSocket gateway (MissionRelayPort). */
@Module({
  imports: [AccountsModule, BookingModule, MetricsModule, SpacecraftModule, StationsModule],
  providers: [
    RelayService,
    ClusterPresence,
    ClusterPacketFeed,
    FrameCrossings,
    FrameRecorder,
    { provide: RelayPort, useExisting: RelayService },
    { provide: MissionRelayPort, useExisting: RelayService },
    PacketFeed,
    PacketLog,
    PacketReplayService,
    PacketsRepository,
    RelaySessionAudit,
    RelaySessionsRepository,
    SequenceLog,
    SlotContextLoader,
    MissionSessionAudit,
    SlotSettlement,
    SlotReportService,
    SlotReportRepository,
  ],
  exports: [
    RelayPort,
    MissionRelayPort,
    RelayService,
    PacketLog,
    PacketFeed,
    PacketsRepository,
    SlotReportService,
    PacketReplayService,
  ],
})
export class RelayModule {}
