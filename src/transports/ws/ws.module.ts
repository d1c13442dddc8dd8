// SPDX-License-Identifier: Apache-2.0
import { type DynamicModule, Module, type OnModuleInit, type Type } from '@nestjs/common';
import { AccountsModule } from '../../accounts/accounts.module';
import { BookingModule } from '../../booking/booking.module';
import { MetricsModule } from '../../metrics/metrics.module';
import { Metrics } from '../../metrics/metrics.service';
import { EventsSocketRoute } from './events-socket';
import { MissionSocketRoute } from './mission-socket';
import { PacketsSocketRoute } from './packets-socket';
import { WsGateway } from './ws-gateway';

/**
 * WebSockets on the HTTP port: the mission CSP gateway, the booking event stream and the packet
 * replay stream. Like the TLS
 * gateway it takes the relay module as a parameter (it needs MissionRelayPort from it).
 */
@Module({})
export class WsModule implements OnModuleInit {
  constructor(
    private readonly gateway: WsGateway,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics.countSessions('websocket', () => this.gateway.sessionCount);
  }

  static forRelay(relayModule: Type | DynamicModule): DynamicModule {
    return {
      module: WsModule,
      imports: [relayModule, AccountsModule, BookingModule, MetricsModule],
      providers: [WsGateway, MissionSocketRoute, EventsSocketRoute, PacketsSocketRoute],
      exports: [WsGateway],
    };
  }
}
