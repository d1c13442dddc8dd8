// SPDX-License-Identifier: Apache-2.0
import {
  asExpected,
  docSection,
  docText,
  type Exchange,
  exchanges,
  parseDocJson,
  session,
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
    const calls = session(section, 'gs-ops')
      .filter(({ request }) => typeof request === 'object')
      .filter(({ request }) => !/URLSAT|NOTLESAT/.test(JSON.stringify(request)));
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
  /(?<![\w-])(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|slot-[A-Za-z0-9_-]{11})(?![\w-])/g;
/** What may be a slot-list cursor: base64url of `<start ms>.<slot id>` (docs/api.md "Paging through slots"). */
const CURSOR_LIKE = /(?<![\w-])[A-Za-z0-9_-]{24,}(?![\w-])/g;

/** The start (in ms) a slot-list cursor encodes, or undefined when the text is not a cursor. */
function cursorStart(text: string): string | undefined {
  return /^(\d{13})\.slot-[\w-]+$/.exec(Buffer.from(text, 'base64url').toString())?.[1];
}

class DrawnIds {
  private readonly ids = new Map<string, string>();

  has(documented: string): boolean {
    return this.ids.has(documented);
  }

  get(documented: string): string | undefined {
    return this.ids.get(documented);
  }

  /** This run's id for a documented one, found by what the document says of it. */
  bind(documented: string, actual: string): void {
    this.ids.set(documented, actual);
  }

  /** The ids of this run that stand for a documented one. */
  taken(): Set<string> {
    return new Set(this.ids.values());
  }

  /** The documented value with every id and cursor already met replaced by this run's. */
  replace<T>(documented: T): T {
    const mapped = (id: string) => this.ids.get(id) ?? id;
    return JSON.parse(JSON.stringify(documented).replace(DRAWN_ID, mapped).replace(CURSOR_LIKE, mapped)) as T;
  }

  /**
   * Learns the ids an answer brought, where the document shows one and the server another, and the
   * cursors: the document's stands for this run's when both encode the same start (the slot ids
   * they name are drawn).
   */
  learn(documented: unknown, actual: unknown): void {
    if (typeof documented === 'string' && typeof actual === 'string') {
      if (this.ids.has(documented)) return;
      if (new RegExp(`^(${DRAWN_ID.source})$`).test(documented)) this.ids.set(documented, actual);
      const start = cursorStart(documented);
      if (start !== undefined && start === cursorStart(actual)) this.ids.set(documented, actual);
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

/** `200 [ … ]`, with response headers after two spaces: `200 [ … ]  X-Next-Cursor: MTIy…`. */
function restAnswer(text: string): { status: number; body?: unknown; headers?: Record<string, string> } {
  const [, status, content, headerText] = /^(\d{3})([\s\S]*?)((?:\s{2,}[A-Z][\w-]*: \S+)*)\s*$/.exec(text)!;
  const headers = [...headerText.matchAll(/([A-Z][\w-]*): (\S+)/g)].map(([, name, value]) => [name, value]);
  return {
    status: Number(status),
    body: content.trim() ? parseDocJson(content.trim()) : undefined,
    ...(headers.length ? { headers: Object.fromEntries(headers) } : {}),
  };
}

/** An exchange as sent and as documented: JSON-RPC, or REST read from its text. */
interface Call {
  /** As the document shows it (for the failure message). */
  shown: unknown;
  rpc?: { id: number; method: string; params: unknown };
  rest?: { method: string; path: string; body?: unknown };
  documented: unknown;
  caller: string;
  asides: string[];
}

function call(exchange: Exchange & { caller: string }): Call {
  const { request, answer, caller, asides } = exchange;
  return typeof request === 'object'
    ? { shown: request, rpc: request as Call['rpc'], documented: answer, caller, asides }
    : {
        shown: request,
        rest: restRequest(request as string),
        documented: restAnswer(answer as string),
        caller,
        asides,
      };
}

/** Replays documented exchanges against a test app, as the users they name. */
class Replayer {
  readonly ids = new DrawnIds();

  constructor(
    private readonly t: TestApp,
    private readonly tokens: Record<string, string>,
  ) {}

  /** Sends the call with this run's ids and returns the answer, checked against the documented one. */
  async replay(call: Call): Promise<unknown> {
    const token = this.tokens[call.caller];
    let actual: unknown;
    if (call.rpc)
      actual = (await this.t.http('POST', '/jsonrpc', { token, body: this.ids.replace(call.rpc) })).body;
    else {
      const { method, path, body } = this.ids.replace(call.rest!);
      const result = await this.t.http(method, path, { token, body });
      const documentedHeaders = (call.documented as { headers?: Record<string, string> }).headers;
      actual = {
        status: result.status,
        body: result.body,
        ...(documentedHeaders && {
          headers: Object.fromEntries(
            Object.keys(documentedHeaders).map((name) => [name, result.headers.get(name)]),
          ),
        }),
      };
    }
    this.ids.learn(call.documented, actual);
    const expected = this.ids.replace(call.documented);
    inDocumentedOrder(expected, actual);
    expect({ request: call.shown, answer: actual }).toEqual({
      request: call.shown,
      answer: asExpected(expected),
    });
    return actual;
  }
}

/**
 * Slots starting together are listed in the order of their identifiers, which the server draws:
 * the actual lists' runs of slots with the same start are put in the order the document shows
 * (everything else stays where the server put it).
 */
function inDocumentedOrder(expected: unknown, actual: unknown): void {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const shown = expected.map((item) => (item as { identifier?: unknown } | null)?.identifier);
    const rank = (item: { identifier: string }) =>
      shown.includes(item.identifier) ? shown.indexOf(item.identifier) : shown.length;
    const slots = actual as { identifier: string; slotStart: string }[];
    if (slots.every((item) => item && typeof item === 'object' && 'slotStart' in item)) {
      for (let from = 0; from < slots.length;) {
        let to = from + 1;
        while (to < slots.length && slots[to].slotStart === slots[from].slotStart) to++;
        slots.splice(from, to - from, ...slots.slice(from, to).sort((a, b) => rank(a) - rank(b)));
        from = to;
      }
    }
    expected.forEach((item, i) => inDocumentedOrder(item, actual[i]));
  } else if (expected && actual && typeof expected === 'object' && typeof actual === 'object') {
    for (const [key, value] of Object.entries(expected))
      inDocumentedOrder(value, (actual as Record<string, unknown>)[key]);
  }
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

  it('answers every example as documented, JSON-RPC and REST, in the session they come from', async () => {
    const replayer = new Replayer(t, tokens);
    // DstGS's examples are left out: the section shows its windows, not its rules.
    const calls = session(docSection(docText('api.md'), 'Availability rules'), 'gs-ops')
      .filter(({ request }) => !JSON.stringify(request).includes('DstGS'))
      .map(call);
    expect(calls.length).toBeGreaterThanOrEqual(12);
    for (const exchange of calls) {
      t.clock.advance(1000); // rules are listed oldest first: give each its own instant
      await replayer.replay(exchange);
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
