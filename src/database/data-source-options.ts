// SPDX-License-Identifier: Apache-2.0
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/app-config';
import { MIGRATIONS } from '../../migrations';

/**
 * One DataSource definition for the app, the CLI and `npm run migration:*`; `entities` is the
 * list in src/entities.ts (passed in, so this module imports no feature module).
 */
export function buildDataSourceOptions(
  database: Omit<AppConfig['database'], 'sqliteSynchronous'> & Partial<AppConfig['database']>,
  entities: DataSourceOptions['entities'],
): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: database.logQueries,
  } as const;
  if (database.url.startsWith('sqlite:')) {
    const file = resolve(database.url.slice('sqlite:'.length) || './data/satnet.sqlite');
    mkdirSync(dirname(file), { recursive: true });
    // WAL with synchronous=NORMAL: a commit is in the OS's hands once it returns, so a killed
    // process loses nothing; FULL adds an fsync per commit for power loss (docs/protocol.md).
    // Checkpoints (and their fsync) run in a worker thread, not in this connection's commits:
    // see sqlite-checkpointer.ts.
    const synchronous = database.sqliteSynchronous ?? 'NORMAL';
    return {
      ...common,
      type: 'better-sqlite3',
      database: file,
      enableWAL: true,
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma(`synchronous = ${synchronous}`);
        db.pragma('wal_autocheckpoint = 0');
      },
    };
  }
  if (database.url.startsWith('mysql://')) {
    // Timestamps are stored and read as UTC; utf8mb4 so any name or message fits. `trace` off:
    // mysql2 otherwise captures a stack trace on every query (in case it fails), a cost every
    // statement pays (bench/booking.ts's profile, issue 13); a failure still carries the
    // driver's error, the SQL (QueryFailedError) and the stack from TypeORM up.
    return {
      ...common,
      type: 'mysql',
      url: database.url,
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      trace: false,
      extra: { connectionLimit: 20 },
    };
  }
  throw new ConfigError([
    `DATABASE_URL (database.url): expected sqlite:<file> or mysql://…, got another scheme`,
  ]);
}
