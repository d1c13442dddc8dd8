// SPDX-License-Identifier: Apache-2.0
import { isServerPath, wantsConsolePage } from './console-paths';

describe('console paths', () => {
  it.each([
    '/api',
    '/api/me',
    '/API/me',
    '/jsonrpc',
    '/ws/events',
    '/health',
    '/metrics',
    '/docs',
    '/docs/x',
  ])('%s belongs to the server', (path) => expect(isServerPath(path)).toBe(true));

  it.each(['/', '/stations', '/apis', '/wsx', '/healthy', '/slots/slot-1'])('%s is a console page', (path) =>
    expect(isServerPath(path)).toBe(false),
  );

  it('answers the page to a browser navigating outside the server routes', () => {
    expect(wantsConsolePage('GET', '/stations/VigoGS', 'text/html,application/xhtml+xml')).toBe(true);
    expect(wantsConsolePage('HEAD', '/', 'text/html')).toBe(true);
  });

  it('never shadows an API route, a missing asset, a non-GET or a non-HTML client', () => {
    expect(wantsConsolePage('GET', '/api/nope', 'text/html')).toBe(false);
    expect(wantsConsolePage('GET', '/assets/missing.js', 'text/html')).toBe(false);
    expect(wantsConsolePage('POST', '/stations', 'text/html')).toBe(false);
    expect(wantsConsolePage('GET', '/stations', 'application/json')).toBe(false);
    expect(wantsConsolePage('GET', '/stations', undefined)).toBe(false);
  });
});
