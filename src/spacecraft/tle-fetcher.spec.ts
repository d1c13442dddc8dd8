// SPDX-License-Identifier: Apache-2.0
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ISS_TLE, SSO_TLE } from '../orbit/test-fixtures';
import { normaliseTleUrl, TleFetcher, TleFetchError, type TleFetchErrorReason } from './tle-fetcher';

const GROUP_FILE = [
  `${ISS_TLE.name}            `,
  ISS_TLE.line1,
  ISS_TLE.line2,
  SSO_TLE.name,
  SSO_TLE.line1,
  SSO_TLE.line2,
  '',
].join('\r\n');

/** What the local server answers per path; /hang never answers. */
const ROUTES: Record<string, { status: number; body: string }> = {
  '/stations.txt': { status: 200, body: GROUP_FILE },
  '/missing.txt': { status: 404, body: 'Not Found' },
  '/html.txt': { status: 200, body: '<html><body>Maintenance</body></html>\n' },
  '/corrupt.txt': {
    status: 200,
    body: `${ISS_TLE.name}\n${ISS_TLE.line1}\n${ISS_TLE.line2.slice(0, 68)}0\n`,
  },
  '/big.txt': { status: 200, body: GROUP_FILE.repeat(100) },
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/hang') return;
    if (request.url === '/chunked') {
      // No content-length: the cap must hold while streaming.
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 100; i++) response.write(GROUP_FILE);
      response.end();
      return;
    }
    const route = ROUTES[request.url ?? ''] ?? { status: 404, body: '' };
    const length = String(Buffer.byteLength(route.body));
    response
      .writeHead(route.status, { 'content-type': 'text/plain', 'content-length': length })
      .end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// A generous timeout: a loaded CI machine must not turn a good answer into TIMEOUT. The timeout
// test has a fetcher of its own with a short one.
const fetcher = new TleFetcher({ timeoutMs: 10_000, maxBytes: 8 * 1024 });

async function failure(attempt: Promise<unknown>): Promise<TleFetchError> {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof TleFetchError)) throw new Error(`expected a TleFetchError, got ${String(error)}`);
  return error;
}

describe('TleFetcher.fetchTle', () => {
  it('fetches a 3-line group file and picks the entry by name, ignoring case', async () => {
    const tle = await fetcher.fetchTle(`${base}/stations.txt`, 'iss (zarya)');

    expect(tle).toMatchObject({
      name: 'ISS (ZARYA)',
      noradId: 25544,
      line1: ISS_TLE.line1,
      line2: ISS_TLE.line2,
    });
    expect(tle.epoch.toISOString()).toBe('2008-09-20T12:25:40.104Z');
  });

  it('picks an entry by NORAD id', async () => {
    expect((await fetcher.fetchTle(`${base}/stations.txt`, 28654)).name).toBe('SSO-TEST');
  });

  it.each<[string, string, string | number, TleFetchErrorReason, RegExp]>([
    ['a 404', '/missing.txt', 'ISS (ZARYA)', 'HTTP_STATUS', /missing\.txt answered HTTP 404/],
    [
      'a file without the entry',
      '/stations.txt',
      'HUBBLE',
      'NOT_FOUND_IN_FILE',
      /has no TLE entry for "HUBBLE"/,
    ],
    ['an HTML page', '/html.txt', 'ISS (ZARYA)', 'MALFORMED', /does not hold a usable TLE: TLE file line 1/],
    ['a corrupt entry', '/corrupt.txt', 25544, 'MALFORMED', /TLE line 2 checksum mismatch: expected 7/],
    ['a body over maxBytes', '/big.txt', 25544, 'TOO_LARGE', /more than the 8192 bytes/],
    ['a streamed body over maxBytes', '/chunked', 25544, 'TOO_LARGE', /more than the 8192 bytes/],
  ])('rejects %s', async (_label, path, id, reason, message) => {
    const error = await failure(fetcher.fetchTle(`${base}${path}`, id));

    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(message);
    expect(error).toMatchObject({ kind: 'UNAVAILABLE', code: 'TLE_FETCH_FAILED' });
  });

  it('gives up after timeoutMs when the server never answers', async () => {
    const impatient = new TleFetcher({ timeoutMs: 300, maxBytes: 8 * 1024 });
    const started = performance.now();
    const error = await failure(impatient.fetchTle(`${base}/hang`, 25544));

    expect(error.reason).toBe('TIMEOUT');
    expect(error.message).toMatch(/did not answer within 300 ms/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('reports a refused connection as NETWORK', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const error = await failure(fetcher.fetchTle(`http://127.0.0.1:${port}/stations.txt`, 25544));

    expect(error.reason).toBe('NETWORK');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('keeps query strings (which may carry a key) out of its messages', async () => {
    const error = await failure(fetcher.fetchTle(`${base}/missing.txt?key=abc123`, 25544));
    expect(error.message).toBe(`${base}/missing.txt answered HTTP 404`);
  });

  it('refuses credentials in the URL without repeating them', async () => {
    const error = await failure(fetcher.fetchTle(base.replace('http://', 'http://user:s3cret@'), 25544));
    expect(error.reason).toBe('BAD_URL');
    expect(error.message).not.toMatch(/s3cret/);
  });

  it('refuses schemes other than http and https', async () => {
    const error = await failure(fetcher.fetchTle('file:///etc/passwd', 25544));
    expect(error.reason).toBe('BAD_URL');
    expect(error.message).toMatch(/must use http or https, not file:/);
  });
});

describe('normaliseTleUrl', () => {
  it('adds https to a URL without a scheme (Annex C style)', () => {
    expect(normaliseTleUrl('www.celestrak.com/NORAD/elements/f.txt').href).toBe(
      'https://www.celestrak.com/NORAD/elements/f.txt',
    );
  });

  it('keeps an explicit http or https scheme', () => {
    expect(normaliseTleUrl(' http://example.org/a.txt ').href).toBe('http://example.org/a.txt');
    expect(normaliseTleUrl('HTTPS://example.org/a.txt').protocol).toBe('https:');
  });

  it('rejects what is not a URL', () => {
    expect(() => normaliseTleUrl('http://')).toThrow(TleFetchError);
  });
});
