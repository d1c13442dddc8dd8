// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Global, Logger, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JobLeases } from '../common/job-leases';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { BusJobLeases } from './bus-job-leases';
import { InProcessBus } from './in-process-bus';
import { MessageBus } from './message-bus';
import { NetworkFanout } from './network-fanout';
import { RedisBus } from './redis-bus';

/**
 * Provides the MessageBus: over Redis when SATNET_REDIS_URL is set, in process otherwise. An
 * instance starts even while Redis is unreachable (reported as degraded on /health), and joins
 * the others as soon as it comes back.
 */
@Global()
@Module({
  providers: [
    {
      provide: MessageBus,
      inject: [APP_CONFIG, Clock],
      useFactory: async (config: AppConfig, clock: Clock): Promise<MessageBus> => {
        const instanceId = config.cluster.instanceId ?? defaultInstanceId();
        if (!config.cluster.redisUrl) return new InProcessBus(clock, instanceId);
        const bus = new RedisBus(clock, instanceId, config.cluster.redisUrl, config.cluster.redisKeyPrefix);
        await bus
          .connect()
          .catch((error: unknown) =>
            new Logger(BusModule.name).warn(
              { err: error, instanceId },
              'Redis unreachable at start-up; serving this instance alone until it answers',
            ),
          );
        return bus;
      },
    },
    { provide: JobLeases, useClass: BusJobLeases },
    NetworkFanout,
  ],
  exports: [MessageBus, JobLeases, NetworkFanout],
})
export class BusModule implements OnApplicationShutdown {
  constructor(@Inject(MessageBus) private readonly bus: MessageBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/** Unique even for two instances in one process (tests): host, process and a random tag. */
function defaultInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
}
