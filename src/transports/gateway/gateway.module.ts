// SPDX-License-Identifier: Apache-2.0
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { GatewayServer } from './gateway.server';

/**
 * The TLS gateway. It needs a RelayPort provider, which the relay module exports; the app wires
 * them as `GatewayModule.forRelay(RelayModule)`. Taking the module as a parameter keeps the
 * transport free of any import of relay (or booking) internals, and lets tests pass a fake.
 */
@Module({})
export class GatewayModule {
  /** `others`: modules of further services the method table may call (NonScheduledModule). */
  static forRelay(relayModule: Type | DynamicModule, ...others: (Type | DynamicModule)[]): DynamicModule {
    return {
      module: GatewayModule,
      imports: [relayModule, ...others],
      providers: [GatewayServer],
      exports: [GatewayServer],
    };
  }
}
