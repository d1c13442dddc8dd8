// SPDX-License-Identifier: Apache-2.0
import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { buildDataSourceOptions } from './data-source-options';
import { Database } from './database.service';
import { SqliteCheckpointer } from './sqlite-checkpointer';

@Global()
@Module({})
export class DatabaseModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(DatabaseModule.name);

  /** `entities`: every entity of the app (src/entities.ts). */
  static forRoot(entities: DataSourceOptions['entities']): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...buildDataSourceOptions(config.database, entities),
            // A database still starting (docker compose) gets a few tries; a wrong URL fails fast.
            retryAttempts: 3,
            retryDelay: 2000,
          }),
        }),
      ],
      providers: [Database, SqliteCheckpointer],
      exports: [Database],
    };
  }

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Migrations run before anything else touches the database (SATNET_DB_MIGRATE=false skips). */
  async onModuleInit(): Promise<void> {
    if (!this.config.database.migrate) return;
    const applied = await this.dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) this.logger.log(`applied migration ${migration.name}`);
    if (applied.length === 0) this.logger.log('database schema is up to date');
  }

  onApplicationBootstrap(): void {
    this.logger.log(`database ready (${this.dataSource.options.type})`);
  }
}
