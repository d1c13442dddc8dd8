// SPDX-License-Identifier: Apache-2.0
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ISS_TLE, SSO_TLE } from '../src/orbit/test-fixtures';
import { Logger } from '@nestjs/common';
import { JobRunner } from '../src/common/jobs';
import { TLE_REFRESH_JOB, TleRefreshService } from '../src/spacecraft/tle-refresh.service';
import { ORBIT_NOW, spacecraftConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';

/** A TLE file server the test controls: what it answers changes from one request to the next. */
class TleFileServer {
  answer: { status: number; body: string } | 'hang' = { status: 200, body: '' };
  private holding?: (release: () => void) => void;
  private readonly server: Server = createServer((_, response) => {
    if (this.answer === 'hang') return; // never answers: the fetch must time out
    const { status, body } = this.answer;
    const answer = () => response.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    const hold = this.holding;
    this.holding = undefined;
    if (hold) hold(answer);
    else answer();
  });

  /** The next request waits: resolves, once it arrived, with the function that answers it. */
  holdNext(): Promise<() => void> {
    return new Promise((resolve) => (this.holding = resolve));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/stations.txt`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const file = (...entries: { name: string; line1: string; line2: string }[]) =>
  entries.map((e) => `${e.name}\r\n${e.line1}\r\n${e.line2}\r\n`).join('');

describe('TLE refresh from a tracking URL', () => {
  const files = new TleFileServer();
  let url: string;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    url = await files.start();
    t = await TestApp.start({ SATNET_TLE_FETCH_TIMEOUT_MS: '300', SATNET_TLE_REFRESH_MINUTES: '60' });
    await t.operator('tracker');
  });
  afterAll(async () => {
    await t.stop();
    await files.stop();
  });

  // Each test sets its own time, logs in afresh (an earlier test may have moved the clock past
  // its session) and creates its own tracked spacecraft. What it created is deleted afterwards:
  // the interval sweep counts every tracked spacecraft, so one left behind would change its counts.
  const created: string[] = [];
  beforeEach(async () => {
    t.clock.set(ORBIT_NOW);
    files.answer = { status: 200, body: '' };
    token = await t.login('tracker', 'tracker-password');
  });
  afterEach(async () => {
    for (const identifier of created.splice(0)) {
      const deleted = await t.http('DELETE', `/api/spacecraft/${identifier}`, { token });
      expect([204, 404]).toContain(deleted.status);
    }
  });

  const tracked = (identifier: string) =>
    spacecraftConfig(identifier, { tracking: { url, spacecraftId: 'ISS (ZARYA)' } });
  /** Creates a spacecraft that tracks "ISS (ZARYA)", fetched from the file as it is served now. */
  const track = async (identifier: string) => {
    created.push(identifier);
    return t.http('POST', '/api/spacecraft', { token, body: tracked(identifier) });
  };
  const status = async (identifier: string) =>
    (await t.http('GET', `/api/spacecraft/${identifier}`, { token })).body;

  it('fetches the TLE when the spacecraft is created, then keeps the last good one through failures', async () => {
    files.answer = { status: 200, body: file(SSO_TLE, ISS_TLE) };
    const created = await track('ISS');
    expect(created.status).toBe(201);
    expect(created.body.tracking).toEqual({ tle: { ...ISS_TLE }, url, spacecraftId: 'ISS (ZARYA)' });
    expect(created.body.status).toMatchObject({ lastRefreshError: null, warnings: [] });

    for (const [answer, reason] of [
      [{ status: 404, body: 'not here' }, 'HTTP 404'],
      ['hang', 'did not answer within 300 ms'],
      [{ status: 200, body: 'this is not a TLE file\n' }, 'does not hold a usable TLE'],
      [{ status: 200, body: file(SSO_TLE) }, 'ISS (ZARYA)'],
    ] as const) {
      files.answer = answer;
      const refresh = await t.http('POST', '/api/spacecraft/ISS/tle/refresh', { token });
      expect(refresh.status).toBe(503);
      expect(refresh.body.error.code).toBe('TLE_REFRESH_FAILED');
      expect(refresh.body.error.message).toContain(reason);
      expect(refresh.body.error.message).toContain('the last good TLE stays in use');
      const after = await status('ISS');
      expect(after.tracking.tle).toEqual({ ...ISS_TLE });
      expect(after.status.lastRefreshError).toContain(reason);
      expect(after.status.warnings).toContainEqual(expect.stringContaining('the last TLE refresh failed'));
    }

    files.answer = { status: 200, body: file(ISS_TLE) };
    expect((await t.rpc('refresh_tle', ['ISS'], token)).result.status.lastRefreshError).toBeNull();
  });

  it('refreshes on its interval: only spacecraft not refreshed for SATNET_TLE_REFRESH_MINUTES', async () => {
    files.answer = { status: 200, body: file(ISS_TLE) };
    expect((await track('ISS-INTERVAL')).status).toBe(201);
    const refresher = t.app.get(TleRefreshService);
    expect(await refresher.refreshDue()).toEqual({ refreshed: 0, failed: 0 });
    t.clock.advance(61 * 60_000);
    files.answer = { status: 500, body: 'down' };
    expect(await refresher.refreshDue()).toEqual({ refreshed: 0, failed: 1 });
    expect(
      (
        await t.http('GET', '/api/spacecraft/ISS-INTERVAL', {
          token: await t.login('tracker', 'tracker-password'),
        })
      ).body.tracking.tle,
    ).toEqual({ ...ISS_TLE });
  });

  it('refuses a file entry for another catalogue number, keeping the TLE', async () => {
    files.answer = { status: 200, body: file(ISS_TLE) };
    expect((await track('ISS-CATNO')).status).toBe(201);
    files.answer = { status: 200, body: file({ ...SSO_TLE, name: 'ISS (ZARYA)' }) };
    const fresh = await t.login('tracker', 'tracker-password');
    const refresh = await t.http('POST', '/api/spacecraft/ISS-CATNO/tle/refresh', { token: fresh });
    expect(refresh.body.error.message).toContain('catalogue number 28654');
    expect((await t.http('GET', '/api/spacecraft/ISS-CATNO', { token: fresh })).body.tracking.tle).toEqual({
      ...ISS_TLE,
    });
  });

  it('skips a spacecraft deleted while its TLE is fetched; the others are refreshed, nothing fails', async () => {
    files.answer = { status: 200, body: file(ISS_TLE) };
    const fresh = await t.login('tracker', 'tracker-password');
    expect((await track('ISS-KEPT')).status).toBe(201);
    expect((await track('DOOMED')).status).toBe(201);
    t.clock.advance(61 * 60_000); // both ISS-KEPT and DOOMED are due
    const errors = jest.spyOn(Logger.prototype, 'error');
    const logs = jest.spyOn(Logger.prototype, 'log');
    try {
      const held = files.holdNext();
      const sweep = t.app.get(JobRunner).tick(TLE_REFRESH_JOB); // as its timer would
      const answer = await held; // the first fetch is under way
      expect((await t.http('DELETE', '/api/spacecraft/DOOMED', { token: fresh })).status).toBe(204);
      answer();
      await sweep;
      expect(errors).not.toHaveBeenCalled();
      expect(logs).toHaveBeenCalledWith(
        expect.objectContaining({ spacecraftId: expect.any(String) }),
        'spacecraft deleted during its TLE refresh; nothing to record',
      );
      expect(
        (await t.http('GET', '/api/spacecraft/ISS-KEPT', { token: fresh })).body.status.lastRefreshError,
      ).toBeNull();
      expect((await t.http('GET', '/api/spacecraft/DOOMED', { token: fresh })).status).toBe(404);
    } finally {
      errors.mockRestore();
      logs.mockRestore();
    }
  });
});
