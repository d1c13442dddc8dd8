// SPDX-License-Identifier: Apache-2.0
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { runCli } from '../src/cli';
import { TestApp } from './helpers/test-app';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';

describe('npm run cli -- admin:create', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  const env = () => ({ DATABASE_URL: database.url, SATNET_LOG_LEVEL: 'error' });

  it('creates an admin who can then log in, and refuses a second with the same name', async () => {
    const lines: string[] = [];
    const args = [
      'admin:create',
      '--username',
      'root-admin',
      '--email',
      'root@example.org',
      '--password',
      'a-long-password',
    ];
    expect(await runCli(args, env(), (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual(['created admin root-admin <root@example.org>']);

    expect(await runCli(args, env(), (line) => lines.push(line))).toBe(1);
    expect(lines[1]).toBe('admin:create failed: the username "root-admin" is already registered');

    const t = await TestApp.start({ SATNET_ADMIN_EMAIL: '', SATNET_ADMIN_PASSWORD: '' }, database);
    try {
      const token = await t.login('root-admin', 'a-long-password');
      expect((await t.http('GET', '/api/me', { token })).body).toMatchObject({
        role: 'ADMIN',
        status: 'ACTIVE',
      });
    } finally {
      await t.stop();
    }
  });

  it('works while a server holds the HTTP and gateway ports: it starts no listener', async () => {
    // A running server owns these ports; the command must not try to bind them (it used to boot
    // the whole app and die with EADDRINUSE on the gateway port).
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = String((taken.address() as AddressInfo).port);
    try {
      const lines: string[] = [];
      const args = ['admin:create', '--username', 'second-admin', '--email', 'second@example.org'];
      const code = await runCli(
        args,
        {
          ...env(),
          SATNET_HTTP_HOST: '127.0.0.1',
          SATNET_HTTP_PORT: port,
          SATNET_GATEWAY_HOST: '127.0.0.1',
          SATNET_GATEWAY_PORT: port,
          SATNET_ADMIN_PASSWORD: 'a-long-password',
        },
        (line) => lines.push(line),
      );
      expect(lines).toEqual(['created admin second-admin <second@example.org>']);
      expect(code).toBe(0);
    } finally {
      taken.close();
    }
  });

  it('explains what is missing', async () => {
    const lines: string[] = [];
    expect(await runCli(['admin:create', '--username', 'x'], env(), (line) => lines.push(line))).toBe(2);
    expect(lines[0]).toContain('needs --username, --email and --password');
    expect(await runCli(['frobnicate'], env(), (line) => lines.push(line))).toBe(2);
    expect(lines[1]).toContain('usage: npm run cli');
  });
});
