import { asExpected, docSection, docText, exchanges } from './helpers/doc-examples';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';

/**
 * docs/api.md, "Annex D configuration methods, with examples", replayed: the JSON-RPC exchanges
 * are sent in the order of their ids (the session they were taken from), each as the user its
 * example names (or the one named last), in the setting the section describes, and every answer
 * must be the documented one, trimmed parts aside. Left out: the examples about URLSAT and
 * NOTLESAT, which need a TLE file server at the address the document shows.
 */
describe('docs/api.md Annex D configuration examples', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    for (const user of ['gs-ops', 'alice', 'bob']) tokens[user] = (await t.operator(user)).token;
    // "gs-ops owns VigoGS and AutoGS (created by the set_configuration example), alice owns
    // XATCOBEO, bob owns OTHERSAT".
    const created = [
      await t.http('POST', '/api/ground-stations', {
        token: tokens['gs-ops'],
        body: stationConfig('VigoGS'),
      }),
      await t.http('POST', '/api/spacecraft', { token: tokens.alice, body: spacecraftConfig('XATCOBEO') }),
      await t.http('POST', '/api/spacecraft', { token: tokens.bob, body: spacecraftConfig('OTHERSAT') }),
    ];
    expect(created.map((result) => result.status)).toEqual([201, 201, 201]);
  });
  afterAll(() => t.stop());

  it('answers every JSON-RPC example as documented', async () => {
    const section = docSection(docText('api.md'), 'Annex D configuration methods, with examples');
    let caller = 'gs-ops';
    const calls = exchanges(section)
      .map((exchange) => ({ ...exchange, caller: (caller = exchange.caller ?? caller) }))
      .filter(({ request }) => typeof request === 'object')
      .filter(({ request }) => !/URLSAT|NOTLESAT/.test(JSON.stringify(request)))
      .sort((a, b) => (a.request as { id: number }).id - (b.request as { id: number }).id);
    expect(calls.map(({ request }) => (request as { id: number }).id)).toEqual([
      1, 3, 4, 5, 6, 8, 10, 11, 13, 20, 25, 26, 27,
    ]);
    for (const { request, answer, caller: user } of calls) {
      const sent = await t.http('POST', '/jsonrpc', { token: tokens[user], body: request });
      expect({ request, answer: sent.body }).toEqual({ request, answer: asExpected(answer) });
    }
  });
});

describe('docs/api.md account examples', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set('2026-11-21T10:00:00Z'); // the examples' day; a login token lasts 24 h
    const registered = await t.http('POST', '/api/auth/register', {
      body: {
        username: 'vigo-ops',
        email: 'ops@uvigo.example',
        password: 'a-long-password',
        organisation: 'University of Vigo',
      },
    });
    expect(registered.status).toBe(201);
    await t.http('POST', '/api/admin/users/vigo-ops/approve', { token: await t.adminToken() });
  });
  afterAll(() => t.stop());

  it('answers the JSON-RPC examples of "Accounts" as documented', async () => {
    const calls = exchanges(docSection(docText('api.md'), 'Accounts'));
    expect(calls).toHaveLength(2);
    for (const { request, answer } of calls) {
      const sent = await t.http('POST', '/jsonrpc', { body: request });
      expect({ request, answer: sent.body }).toEqual({ request, answer: asExpected(answer) });
    }
  });
});
