// SPDX-License-Identifier: Apache-2.0
import {
  asExpected,
  docSection,
  docText,
  type Exchange,
  exchanges,
  parseDocJson,
} from './helpers/doc-examples';
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

/** Ids the server draws (rule ids, slot ids): the document's stand for the ones this run got. */
const DRAWN_ID =
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\bslot-[A-Za-z0-9_-]{11}\b/g;

class DrawnIds {
  private readonly ids = new Map<string, string>();

  /** The documented value with every id already met replaced by this run's. */
  replace<T>(documented: T): T {
    return JSON.parse(JSON.stringify(documented).replace(DRAWN_ID, (id) => this.ids.get(id) ?? id)) as T;
  }

  /** Learns the ids an answer brought, where the document shows one and the server another. */
  learn(documented: unknown, actual: unknown): void {
    if (typeof documented === 'string' && typeof actual === 'string') {
      if (new RegExp(`^(${DRAWN_ID.source})$`).test(documented) && !this.ids.has(documented))
        this.ids.set(documented, actual);
    } else if (Array.isArray(documented) && Array.isArray(actual)) {
      documented.forEach((item, i) => this.learn(item, actual[i]));
    } else if (documented && actual && typeof documented === 'object' && typeof actual === 'object') {
      for (const [key, value] of Object.entries(documented))
        this.learn(value, (actual as Record<string, unknown>)[key]);
    }
  }
}

/** `GET /api/…` (a JSON body on the next lines or after two spaces), and `201 {…}` answers. */
function restRequest(text: string): { method: string; path: string; body?: unknown } {
  const [, method, path, rest] = /^(GET|POST|PUT|DELETE) (\S+)([\s\S]*)$/.exec(text)!;
  return { method, path, body: rest.trim() ? parseDocJson(rest.trim()) : undefined };
}

function restAnswer(text: string): { status: number; body?: unknown } {
  const [, status, rest] = /^(\d{3})([\s\S]*)$/.exec(text)!;
  return { status: Number(status), body: rest.trim() ? parseDocJson(rest.trim()) : undefined };
}

describe('docs/api.md availability-rule examples', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    for (const user of ['gs-ops', 'bob']) tokens[user] = (await t.operator(user)).token;
    const created = await t.http('POST', '/api/ground-stations', {
      token: tokens['gs-ops'],
      body: stationConfig('VigoGS'),
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => t.stop());

  /**
   * The section's exchanges in the session's order: JSON-RPC ones by id, each REST one right after
   * the JSON-RPC exchange it follows in the document. DstGS's examples are left out: the section
   * shows its windows, not its rules.
   */
  function session(section: string): (Exchange & { caller: string })[] {
    let caller = 'gs-ops';
    let key = 0;
    return exchanges(section)
      .map((exchange, index) => {
        caller = exchange.caller ?? caller;
        if (typeof exchange.request === 'object') key = (exchange.request as { id: number }).id;
        return { ...exchange, caller, order: [key, index] };
      })
      .filter(({ request }) => !JSON.stringify(request).includes('DstGS'))
      .sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
  }

  it('answers every example as documented, JSON-RPC and REST, in the session they come from', async () => {
    const ids = new DrawnIds();
    const calls = session(docSection(docText('api.md'), 'Availability rules'));
    expect(calls.length).toBeGreaterThanOrEqual(12);
    for (const { request, answer, caller } of calls) {
      t.clock.advance(1000); // rules are listed oldest first: give each its own instant
      const token = tokens[caller];
      let actual: unknown;
      let documented: unknown;
      if (typeof request === 'object') {
        actual = (await t.http('POST', '/jsonrpc', { token, body: ids.replace(request) })).body;
        documented = answer;
      } else {
        const { method, path, body } = ids.replace(restRequest(request as string));
        const result = await t.http(method, path, { token, body });
        actual = { status: result.status, body: result.body };
        documented = restAnswer(answer as string);
      }
      ids.learn(documented, actual);
      expect({ request, answer: actual }).toEqual({ request, answer: asExpected(ids.replace(documented)) });
    }
  });
});

describe('docs/api.md non-scheduled frame examples', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await TestApp.start();
    t.clock.set(ORBIT_NOW);
    for (const user of ['gs-ops', 'alice']) tokens[user] = (await t.operator(user)).token;
    // "gs-ops owns VigoGS, alice owns XATCOBEO, the server's clock reads 2008-09-20T20:00:00Z".
    const created = [
      await t.http('POST', '/api/ground-stations', {
        token: tokens['gs-ops'],
        body: stationConfig('VigoGS'),
      }),
      await t.http('POST', '/api/spacecraft', { token: tokens.alice, body: spacecraftConfig('XATCOBEO') }),
    ];
    expect(created.map((result) => result.status)).toEqual([201, 201]);
    t.clock.set('2008-09-20T20:00:00Z');
  });
  afterAll(() => t.stop());

  it('answers every example as documented, in the order of the document', async () => {
    let caller = 'gs-ops';
    const calls = exchanges(docSection(docText('api.md'), 'Non-scheduled frames'));
    expect(calls).toHaveLength(6);
    for (const exchange of calls) {
      caller = exchange.caller ?? caller;
      const token = tokens[caller];
      if (typeof exchange.request === 'object') {
        const sent = await t.http('POST', '/jsonrpc', { token, body: exchange.request });
        expect({ request: exchange.request, answer: sent.body }).toEqual({
          request: exchange.request,
          answer: asExpected(exchange.answer),
        });
      } else {
        const { method, path, body } = restRequest(exchange.request as string);
        const result = await t.http(method, path, { token, body });
        expect({ request: exchange.request, answer: { status: result.status, body: result.body } }).toEqual({
          request: exchange.request,
          answer: asExpected(restAnswer(exchange.answer as string)),
        });
      }
    }
  });
});
