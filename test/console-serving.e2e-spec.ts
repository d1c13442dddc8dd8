// SPDX-License-Identifier: Apache-2.0
// The web console is served at / beside the APIs, and never in their place.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApp } from './helpers/test-app';

describe('web console serving', () => {
  let t: TestApp;
  let consoleDir: string;

  beforeAll(async () => {
    // A stand-in build: these tests are about routing, not about the console's content.
    consoleDir = mkdtempSync(join(tmpdir(), 'satnet-console-'));
    mkdirSync(join(consoleDir, 'assets'));
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>SATNet console</title>');
    writeFileSync(join(consoleDir, 'assets', 'app-1.js'), 'console.log(1)');
    t = await TestApp.start({ SATNET_CONSOLE_DIR: consoleDir });
  });

  afterAll(async () => {
    await t.stop();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  const get = (path: string, accept = 'text/html') => fetch(t.baseUrl + path, { headers: { accept } });

  it('serves the console at / and its assets, index.html never cached', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('SATNet console');
    const asset = await get('/assets/app-1.js', '*/*');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it("answers the console's own pages (deep links, reloads) with index.html", async () => {
    for (const path of ['/stations/VigoGS', '/live/XATCOBEO/slot-1', '/login']) {
      const page = await get(path);
      expect([path, page.status, await page.text()]).toEqual([
        path,
        200,
        expect.stringContaining('SATNet console'),
      ]);
    }
  });

  it('leaves every server route to the server, even for a browser asking for HTML', async () => {
    const api = await get('/api/nope');
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: expect.objectContaining({ code: 'ROUTE_NOT_FOUND' }) });
    expect((await get('/health')).headers.get('content-type')).toContain('application/json');
    expect((await get('/api/docs')).status).toBe(200);
    expect(await (await get('/api/docs')).text()).toContain('swagger');
    expect((await get('/jsonrpc')).headers.get('content-type')).not.toContain('text/html');
    const me = await get('/api/me');
    expect(me.status).toBe(401);
  });

  it('keeps a missing asset or a non-HTML request a 404, not the page', async () => {
    expect((await get('/assets/missing.js', '*/*')).status).toBe(404);
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/stations', 'application/json')).status).toBe(404);
  });

  it('says how to build the console when there is no build', async () => {
    const unbuilt = await TestApp.start({ SATNET_CONSOLE_DIR: join(consoleDir, 'nowhere') });
    try {
      const page = await fetch(unbuilt.baseUrl + '/', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(404);
      expect(await page.text()).toContain('run `npm run build`');
      expect((await fetch(unbuilt.baseUrl + '/health')).status).toBe(200);
    } finally {
      await unbuilt.stop();
    }
  });
});
