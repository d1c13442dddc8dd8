// SPDX-License-Identifier: Apache-2.0
import { Worker } from 'node:worker_threads';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type SqliteConnection from 'better-sqlite3';
import { DataSource } from 'typeorm';

/** How often the worker folds the write-ahead log back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 500;

/**
 * SQLite in WAL mode copies the log back into the database file at a checkpoint, with an fsync.
 * By default the connection that commits past 1,000 log pages does it, inside its commit: on the
 * event loop, since better-sqlite3 is synchronous, where it stalled relaying for 10-30 ms at a time
 * once every frame's acknowledgement waited for a commit (bench/relay.ts (b)). So the app's own
 * connection never checkpoints (`wal_autocheckpoint = 0`, see data-source-options.ts), and this
 * worker thread, with a connection of its own to the same file, runs a PASSIVE checkpoint every
 * CHECKPOINT_INTERVAL_MS: it never blocks a reader or a writer, and its fsync happens off the
 * event loop. Nothing for MySQL.
 */
@Injectable()
export class SqliteCheckpointer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SqliteCheckpointer.name);
  private worker: Worker | undefined;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    if (this.dataSource.options.type !== 'better-sqlite3') return;
    const worker = new Worker(`(${checkpointLoop.toString()})()`, {
      eval: true,
      workerData: { file: this.dataSource.options.database, intervalMs: CHECKPOINT_INTERVAL_MS },
    });
    worker.on('error', (error) =>
      this.logger.error({ err: error }, 'the SQLite checkpoint thread failed; the write-ahead log will grow'),
    );
    worker.unref();
    this.worker = worker;
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/**
 * The worker's code, sent as text (a worker runs JavaScript, and this way the same source serves
 * the compiled server and the TypeScript tests): self-contained, so it may use only require().
 */
function checkpointLoop(): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- runs alone in the worker, see above */
  const { workerData } = require('node:worker_threads') as { workerData: unknown };
  const BetterSqlite3 = require('better-sqlite3') as typeof SqliteConnection;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const { file, intervalMs } = workerData as { file: string; intervalMs: number };
  const db = new BetterSqlite3(file, { timeout: 5000 });
  setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), intervalMs);
}
