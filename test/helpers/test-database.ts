// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/**
 * A fresh, empty database for one test file: a temporary SQLite file by default, or a new MySQL
 * database on the server named by DATABASE_URL (mysql://…), dropped again afterwards.
 */
export interface TestDatabase {
  url: string;
  kind: 'sqlite' | 'mysql';
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL;
  if (server?.startsWith('mysql://')) return createMysqlDatabase(server);
  const dir = mkdtempSync(join(tmpdir(), 'satnet-db-'));
  return {
    url: `sqlite:${join(dir, 'satnet.sqlite')}`,
    kind: 'sqlite',
    drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}

async function createMysqlDatabase(server: string): Promise<TestDatabase> {
  const name = `satnet_t_${randomBytes(6).toString('hex')}`;
  const admin = new URL(server);
  admin.pathname = '/';
  const connection = await createConnection(admin.toString());
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await connection.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'mysql',
    drop: async () => {
      const dropper = await createConnection(admin.toString());
      await dropper.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await dropper.end();
    },
  };
}
