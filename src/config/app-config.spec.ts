// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadAppConfig } from './app-config';
import { OPTIONS } from './config-schema';

describe('loadAppConfig', () => {
  it('has a sensible default for everything', () => {
    const config = loadAppConfig({ env: {} });
    expect(config.http.port).toBe(8080);
    expect(config.database).toEqual({
      url: 'sqlite:./data/satnet.sqlite',
      migrate: true,
      logQueries: false,
      sqliteSynchronous: 'NORMAL',
    });
    expect(config.mail.smtpUrl).toBeNull();
  });

  it('reads environment variables over the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'satnet.json');
    writeFileSync(
      file,
      JSON.stringify({ http: { port: 9000, host: '127.0.0.1' }, database: { migrate: false } }),
    );
    const config = loadAppConfig({ env: { SATNET_HTTP_PORT: '9100' }, argv: ['--config', file] });
    expect(config.http).toMatchObject({ port: 9100, host: '127.0.0.1' });
    expect(config.database.migrate).toBe(false);
    expect(loadAppConfig({ env: { SATNET_CONFIG: file } }).http.port).toBe(9000);
  });

  it('names every bad variable and hides secrets', () => {
    const attempt = () =>
      loadAppConfig({
        env: { SATNET_HTTP_PORT: 'eighty', SATNET_DB_MIGRATE: 'maybe', SATNET_SMTP_URL: 'not a url:secret' },
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const { problems, message } = error as ConfigError;
      expect(problems).toEqual([
        'SATNET_HTTP_PORT: expected an integer from 0 to 65535, got "eighty"',
        'SATNET_DB_MIGRATE: expected true or false, got "maybe"',
        'SATNET_SMTP_URL: expected a URL, got (hidden)',
      ]);
      expect(message).not.toContain('secret');
    }
  });

  it('rejects unknown keys and unreadable files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ http: { prot: 1 }, nonsense: {} }));
    expect(() => loadAppConfig({ env: {}, argv: ['--config', file] })).toThrow(
      /unknown option "http.prot"[\s\S]*unknown section "nonsense"/,
    );
    expect(() => loadAppConfig({ env: {}, argv: [`--config=${join(dir, 'missing.json')}`] })).toThrow(
      /missing.json/,
    );
  });

  it('documents every option in the README', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    for (const option of OPTIONS) expect(readme).toContain(`\`${option.env}\``);
  });
});
