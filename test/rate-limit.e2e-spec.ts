// SPDX-License-Identifier: Apache-2.0
import { asExpected, docText } from './helpers/doc-examples';
import { TestApp } from './helpers/test-app';

/** The two answers docs/api.md shows in its "Rate" limit, REST's then JSON-RPC's. */
function documentedRefusals(): unknown[] {
  const rate = /- \*\*Rate\*\*:[\s\S]*?(?=\n- \*\*)/.exec(docText('api.md'))![0];
  return [...rate.matchAll(/`(\{.*?\})`/g)].map((match) => asExpected(JSON.parse(match[1])));
}

/** The general HTTP rate limit: per client address and per user, 429 with Retry-After, on both APIs. */
describe('HTTP rate limit', () => {
  let t: TestApp;

  afterEach(() => t.stop());

  it('refuses an address over its limit with 429 TOO_MANY_REQUESTS and Retry-After, until the window ends', async () => {
    t = await TestApp.start({
      SATNET_HTTP_RATE_LIMIT_PER_IP: '3',
      SATNET_HTTP_RATE_LIMIT_WINDOW_SECONDS: '60',
    });
    for (let i = 0; i < 3; i++) expect((await t.http('GET', '/health')).status).toBe(200);
    t.clock.advance(15_000);
    const refused = await t.http('GET', '/health');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('45');
    expect(refused.body).toEqual({
      error: {
        code: 'TOO_MANY_REQUESTS',
        message: 'too many requests from this address; try again in 45 s',
        details: { retryAfterSeconds: 45 },
      },
    });
    // JSON-RPC counts too, and is answered in its own shape.
    const rpc = await t.http('POST', '/jsonrpc', {
      body: { jsonrpc: '2.0', id: 1, method: 'system.listMethods' },
    });
    expect(rpc.status).toBe(429);
    expect(rpc.headers.get('retry-after')).toBe('45');
    expect(rpc.body).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32029,
        message: 'too many requests from this address; try again in 45 s',
        data: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 45 },
      },
    });

    expect([refused.body, rpc.body]).toEqual(documentedRefusals());

    t.clock.advance(45_000);
    expect((await t.http('GET', '/health')).status).toBe(200);
  });

  it('limits each user on its own (on JSON-RPC each bearer token), apart from the address limit', async () => {
    t = await TestApp.start({ SATNET_HTTP_RATE_LIMIT_PER_USER: '4' });
    const alice = (await t.operator('alice')).token;
    const bob = (await t.operator('bob')).token;
    for (let i = 0; i < 4; i++) expect((await t.http('GET', '/api/me', { token: alice })).status).toBe(200);
    const refused = await t.http('GET', '/api/me', { token: alice });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toBe('too many requests for this user; try again in 60 s');
    expect((await t.http('GET', '/api/me', { token: bob })).status).toBe(200);

    // JSON-RPC authenticates inside its dispatcher: there the budget is the bearer token's.
    const rpc = async () =>
      (
        await t.http('POST', '/jsonrpc', {
          token: bob,
          body: { jsonrpc: '2.0', id: 1, method: 'get_account' },
        })
      ).status;
    expect([await rpc(), await rpc(), await rpc(), await rpc(), await rpc()]).toEqual([
      200, 200, 200, 200, 429,
    ]);
  });

  it('behind a trusted proxy, counts each client named by X-Forwarded-For on its own', async () => {
    t = await TestApp.start({ SATNET_HTTP_RATE_LIMIT_PER_IP: '2', SATNET_HTTP_TRUST_PROXY: 'loopback' });
    const from = (client: string) => t.http('GET', '/health', { headers: { 'x-forwarded-for': client } });
    expect([(await from('198.51.100.7')).status, (await from('198.51.100.7')).status]).toEqual([200, 200]);
    expect((await from('198.51.100.7')).status).toBe(429);
    expect((await from('203.0.113.9')).status).toBe(200);
  });

  it('without a trusted proxy, ignores X-Forwarded-For (a client cannot dodge its limit)', async () => {
    t = await TestApp.start({ SATNET_HTTP_RATE_LIMIT_PER_IP: '2' });
    const from = (client: string) => t.http('GET', '/health', { headers: { 'x-forwarded-for': client } });
    expect([(await from('198.51.100.1')).status, (await from('198.51.100.2')).status]).toEqual([200, 200]);
    expect((await from('198.51.100.3')).status).toBe(429);
  });

  it('refuses to start with a proxy setting it cannot read, naming the variable', async () => {
    await expect(TestApp.start({ SATNET_HTTP_TRUST_PROXY: 'not-an-address' })).rejects.toThrow(
      'SATNET_HTTP_TRUST_PROXY: not-an-address is not a hop count, an address, a subnet or loopback/linklocal/uniquelocal',
    );
    t = await TestApp.start();
  });
});
