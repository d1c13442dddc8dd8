// SPDX-License-Identifier: Apache-2.0
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AccountsModule } from './accounts/accounts.module';
import { BusModule } from './bus/bus.module';
import type { Clock } from './common/clock';
import { CommonModule } from './common/common.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ENTITIES } from './entities';
import { NonScheduledModule } from './non-scheduled/non-scheduled.module';
import { RelayModule } from './relay/relay.module';
import { GatewayModule } from './transports/gateway/gateway.module';
import { WsModule } from './transports/ws/ws.module';
import { JsonRpcModule } from './transports/json-rpc/json-rpc.module';
import { RestModule } from './transports/rest/rest.module';

export interface AppOptions {
  clock?: Clock;
  /** False: periodic jobs run only when a test ticks them (JOB_TIMERS). */
  jobTimers?: boolean;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.forRoot(options.clock, options.jobTimers),
        loggerModule(config),
        DatabaseModule.forRoot(ENTITIES),
        BusModule,
        AccountsModule,
        RestModule,
        JsonRpcModule,
        GatewayModule.forRelay(RelayModule, NonScheduledModule),
        WsModule.forRelay(RelayModule),
      ],
    };
  }
}

/**
 * What the command-line tool (src/cli.ts) needs and nothing more: configuration, the database and
 * the accounts. No HTTP server, no TLS gateway, no relay or planner: a command run beside a
 * running server must not compete for its ports or its background jobs.
 */
@Module({})
export class CommandModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CommandModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.forRoot(),
        loggerModule(config),
        DatabaseModule.forRoot(ENTITIES),
        AccountsModule,
      ],
    };
  }
}

/** The server's structured log, shared by the server and the command-line tool. */
function loggerModule(config: AppConfig): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.log.level,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      // Lines logged during a request carry its id only; the access line carries the rest.
      quietReqLogger: true,
      autoLogging: { ignore: (request) => request.url === '/health' },
    },
  });
}
