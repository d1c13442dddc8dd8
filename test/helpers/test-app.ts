// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app';
import { BookingNotifier } from '../../src/booking/booking-notifier';
import { ManualClock } from '../../src/common/clock';
import { loadAppConfig } from '../../src/config/app-config';
import { GatewayServer } from '../../src/transports/gateway/gateway.server';
import { ADMIN, ApiClient } from './api-client';
import { createTestDatabase, type TestDatabase } from './test-database';

export { ADMIN, type HttpResult } from './api-client';

/** The real application on a real port, its own database and outbox, and a clock the test moves. */
export class TestApp extends ApiClient {
  private constructor(
    readonly app: INestApplication,
    baseUrl: string,
    readonly clock: ManualClock,
    readonly database: TestDatabase,
    readonly outboxDir: string,
    private readonly scratchDir: string,
    private readonly ownsDatabase: boolean,
  ) {
    super(baseUrl);
  }

  /**
   * `database`: reuse one the test created (and drops) itself; by default each app gets its own.
   * `clock`: share one clock between apps (instances of one network read the same time).
   * `jobTimers` false: periodic jobs run only when the test ticks them.
   */
  static async start(
    env: Record<string, string> = {},
    database?: TestDatabase,
    clock = new ManualClock('2030-01-01T00:00:00Z'),
    { jobTimers = true }: { jobTimers?: boolean } = {},
  ): Promise<TestApp> {
    const ownsDatabase = database === undefined;
    database ??= await createTestDatabase();
    const scratchDir = mkdtempSync(join(tmpdir(), 'satnet-e2e-'));
    const outboxDir = join(scratchDir, 'outbox');
    const config = loadAppConfig({
      env: {
        DATABASE_URL: database.url,
        SATNET_LOG_LEVEL: 'error',
        SATNET_OUTBOX_DIR: outboxDir,
        SATNET_ADMIN_EMAIL: ADMIN.email,
        SATNET_ADMIN_PASSWORD: ADMIN.password,
        SATNET_AUTH_THROTTLE_LIMIT: '1000',
        // The clock stands still in tests: a whole spec file's requests fall in one window.
        SATNET_HTTP_RATE_LIMIT_PER_IP: '1000000',
        SATNET_HTTP_RATE_LIMIT_PER_USER: '1000000',
        SATNET_GATEWAY_PORT: '0',
        SATNET_TLS_DIR: join(scratchDir, 'tls'),
        ...env,
      },
    });
    let app: INestApplication;
    try {
      app = await createApp(config, { clock, jobTimers });
      await app.listen(0, '127.0.0.1');
    } catch (error) {
      // A refused start (bad configuration) leaves no database or directory behind.
      if (ownsDatabase) await database.drop();
      rmSync(scratchDir, { recursive: true, force: true });
      throw error;
    }
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    return new TestApp(app, baseUrl, clock, database, outboxDir, scratchDir, ownsDatabase);
  }

  /** The port the TLS gateway listens on. */
  get gatewayPort(): number {
    return this.app.get(GatewayServer).port;
  }

  async stop(): Promise<void> {
    await this.app.close();
    if (this.ownsDatabase) await this.database.drop();
    rmSync(this.scratchDir, { recursive: true, force: true });
  }

  /**
   * Every mail written to the outbox (no SMTP configured) so far, in the order written: by
   * modification time, not by name, since a name carries the (manual) clock's time, which tests
   * move back and forth. Booking notifications are sent by a background job (docs/api.md
   * "Notifications"): this reads once it has sent every change committed so far.
   */
  async outbox(): Promise<{ file: string; content: string }[]> {
    await this.app.get(BookingNotifier).idle();
    let files: string[];
    try {
      const written = (file: string) => statSync(join(this.outboxDir, file), { bigint: true }).mtimeNs;
      files = readdirSync(this.outboxDir)
        .map((file) => ({ file, at: written(file) }))
        .sort((a, b) => (a.at === b.at ? a.file.localeCompare(b.file) : a.at < b.at ? -1 : 1))
        .map(({ file }) => file);
    } catch {
      return [];
    }
    return files.map((file) => ({
      file,
      content: decodeQuotedPrintable(readFileSync(join(this.outboxDir, file), 'utf8')),
    }));
  }
}

/** Bodies of .eml files are quoted-printable: long lines are soft-wrapped and non-ASCII escaped. */
function decodeQuotedPrintable(text: string): string {
  return Buffer.from(
    text
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}
