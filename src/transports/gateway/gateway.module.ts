// SPDX-License-Identifier: Apache-2.0
import { type DynamicModule, Module, type OnModuleInit, type Type } from '@nestjs/common';
import { MetricsModule } from '../../metrics/metrics.module';
import { Metrics } from '../../metrics/metrics.service';
import { GatewayServer } from './gateway.server';

/**
 * The TLS gateway. It needs a RelayPort provider, which the relay module exports; the app wires
 * them as `GatewayModule.forRelay(RelayModule)`. Taking the module as a parameter keeps the
 * transport free of any import of relay (or booking) internals, and lets tests pass a fake.
 */
@Module({})
export class GatewayModule implements OnModuleInit {
  constructor(
    private readonly server: GatewayServer,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics.countSessions('tls', () => this.server.connectionCount);
  }

  /** `others`: modules of further services the method table may call (NonScheduledModule). */
  static forRelay(relayModule: Type | DynamicModule, ...others: (Type | DynamicModule)[]): DynamicModule {
    return {
      module: GatewayModule,
      imports: [relayModule, MetricsModule, ...others],
      providers: [GatewayServer],
      exports: [GatewayServer],
    };
  }
}
