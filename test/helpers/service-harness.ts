// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from './test-database';
import { loadAppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { ENTITIES } from '../../src/entities';
import { ManualClock } from '../../src/common/clock';
import { CommonModule } from '../../src/common/common.module';

/**
 * The middle test tier: the real services of `imports` over a fresh database (SQLite, or MySQL when
 * DATABASE_URL names one) after the real migrations, with a clock the spec moves. No HTTP server.
 * It lives here rather than in a src/ testing folder because it needs every entity (src/entities.ts),
 * and a feature module's spec importing that from src/ would close a module cycle.
 */
export class ServiceHarness {
  private constructor(
    readonly module: TestingModule,
    readonly clock: ManualClock,
    private readonly database: TestDatabase,
    private readonly scratchDir: string,
  ) {}

  static async start(
    imports: (Type | DynamicModule)[],
    env: Record<string, string> = {},
  ): Promise<ServiceHarness> {
    const database = await createTestDatabase();
    const scratchDir = mkdtempSync(join(tmpdir(), 'satnet-unit-'));
    const clock = new ManualClock('2030-01-01T00:00:00Z');
    const config = loadAppConfig({
      env: {
        DATABASE_URL: database.url,
        SATNET_OUTBOX_DIR: join(scratchDir, 'outbox'),
        SATNET_AUTH_THROTTLE_LIMIT: '1000',
        ...env,
      },
    });
    const module = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.forRoot(clock),
        DatabaseModule.forRoot(ENTITIES),
        ...imports,
      ],
    }).compile();
    module.useLogger(['error']);
    await module.init();
    return new ServiceHarness(module, clock, database, scratchDir);
  }

  get<T>(type: Type<T>): T {
    return this.module.get(type);
  }

  async stop(): Promise<void> {
    await this.module.close();
    await this.database.drop();
    rmSync(this.scratchDir, { recursive: true, force: true });
  }
}
