// SPDX-License-Identifier: Apache-2.0
import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { AccountsModule } from '../../accounts/accounts.module';
import { ArchiveModule } from '../../archive/archive.module';
import { BookingModule } from '../../booking/booking.module';
import { RelayModule } from '../../relay/relay.module';
import { AnnexDConfigurationModule } from '../../annex-d-configuration/annex-d-configuration.module';
import { MetricsModule } from '../../metrics/metrics.module';
import { NonScheduledModule } from '../../non-scheduled/non-scheduled.module';
import { JsonRpcController } from './json-rpc.controller';
import { JsonRpcDispatcher } from './json-rpc-dispatcher';
import { JsonRpcMethods } from './json-rpc-methods';
import { AccountsMethods } from './methods/accounts.methods';
import { BookingMethods } from './methods/booking.methods';
import { ConfigurationMethods } from './methods/configuration.methods';
import { NonScheduledMethods } from './methods/non-scheduled.methods';
import { SlotReportMethods } from './methods/slot-report.methods';
import { PacketsMethods } from './methods/packets.methods';

/** Global so feature transports can register their methods in the one registry. */
@Global()
@Module({
  imports: [
    AccountsModule,
    AnnexDConfigurationModule,
    ArchiveModule,
    BookingModule,
    MetricsModule,
    NonScheduledModule,
    RelayModule,
  ],
  controllers: [JsonRpcController],
  providers: [
    JsonRpcMethods,
    JsonRpcDispatcher,
    AccountsMethods,
    ConfigurationMethods,
    BookingMethods,
    NonScheduledMethods,
    SlotReportMethods,
    PacketsMethods,
  ],
  exports: [JsonRpcMethods],
})
export class JsonRpcModule implements OnModuleInit {
  constructor(private readonly methods: JsonRpcMethods) {}

  onModuleInit(): void {
    this.methods.register({
      name: 'system.listMethods',
      description: 'Every method this server offers, with a one-line description.',
      public: true,
      handler: () => Promise.resolve(this.methods.list()),
    });
  }
}
