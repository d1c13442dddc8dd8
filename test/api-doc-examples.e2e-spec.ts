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
import { HOLD_SWEEP_JOB } from '../src/booking/booking.service';
import { JobRunner } from '../src/common/jobs';
import { nudgedIss, ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';

/**
 * docs/api.md, "Annex D configuration methods, with examples", replayed: the JSON-RPC exchanges
 * (and the REST ones whose request is shown whole) are sent in the order of the session they were
 * taken from, each as the user its
 * example names (or the one named last), in the setting the section describes, and every answer
 * must be the documented one, trimmed parts aside. Left out: the examples about URLSAT and
 * NOTLESAT, which need a TLE file server at the address the document shows.
 */
describe('docs/api.md Annex D configuration examples', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    // The story says when the hold sweeper runs; a run its real-time timer started in between
    // (a slow machine takes over 15 s) would record a change the document does not show.
    t = await TestApp.start({}, undefined, undefined, { jobTimers: false });
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

  it('answers every example as documented: JSON-RPC, and REST where the request is shown whole', async () => {
    const section = docSection(docText('api.md'), 'Annex D configuration methods, with examples');
    const calls = session(section, 'gs-ops')
      // REST requests shown abbreviated (…) cannot be sent; VigoGS's creation is this test's set-up.
      .filter(
        ({ request }) =>
          typeof request !== 'string' || !/…|same again|^POST \/api\/ground-stations\s/.test(request),
      )
      .filter(({ request }) => !/URLSAT|NOTLESAT/.test(JSON.stringify(request)));
    expect(
      calls.map(({ request }) =>
        typeof request === 'string' ? request.split(/\s/, 2).join(' ') : (request as { id: number }).id,
      ),
    ).toEqual([
      1,
      3,
      4,
      5,
      6,
      8,
      10,
      11,
      13,
      'POST /api/ground-stations/VigoGS/channels',
      'GET /api/spacecraft/XATCOBEO/channels/nope',
      20,
      25,
      26,
      'GET /api/spacecraft/XATCOBEO/passes?from=2008-09-20T12:00:00Z&to=2008-09-21T12:00:00Z&groundStations=VigoGS,AutoGS',
      27,
    ]);
    const replayer = new Replayer(t, tokens);
    for (const exchange of calls.map(call)) await replayer.replay(exchange);
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
const SLOT_ID = /^slot-[A-Za-z0-9_-]{11}$/;
/** What may be a slot-list cursor: base64url of `<start ms>.<slot id>` (docs/api.md "Paging through slots"). */
const CURSOR_LIKE = /(?<![\w-])[A-Za-z0-9_-]{24,}(?![\w-])/g;

/** The position a slot-list cursor encodes, the start (in ms) and the slot id, or undefined. */
function cursorPosition(text: string): { start: string; slot: string } | undefined {
  const [, start, slot] = /^(\d{13})\.(slot-[\w-]+)$/.exec(Buffer.from(text, 'base64url').toString()) ?? [];
  return start === undefined ? undefined : { start, slot };
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
   * cursors: the document's stands for this run's when both encode the same start and the same
   * slot (this run's for a slot the document shows; any, for one it names only there).
   */
  learn(documented: unknown, actual: unknown): void {
    if (typeof documented === 'string' && typeof actual === 'string') {
      if (this.ids.has(documented)) return;
      if (new RegExp(`^(${DRAWN_ID.source})$`).test(documented)) this.ids.set(documented, actual);
      const [shown, got] = [cursorPosition(documented), cursorPosition(actual)];
      if (shown && got && shown.start === got.start && (this.ids.get(shown.slot) ?? got.slot) === got.slot)
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

interface Slot {
  identifier: string;
  gsIdentifier: string;
  scIdentifier: string;
  scChannel: string;
  slotStart: string;
  slotEnd: string;
  state: string;
}

/** What a document may say of a slot, enough to tell which of this run's slots it shows. */
const SLOT_FACTS = ['gsIdentifier', 'scIdentifier', 'scChannel', 'slotStart', 'slotEnd'] as const;
type SlotFacts = Partial<Pick<Slot, (typeof SLOT_FACTS)[number]>>;

/** The slot ids a documented value shows. */
function slotIds(value: unknown): string[] {
  return [...new Set(JSON.stringify(value ?? null).match(DRAWN_ID) ?? [])].filter((id) => SLOT_ID.test(id));
}

/**
 * What the exchanges say of each slot id they show (a slot's own `identifier`, a change's `slot`):
 * station, spacecraft, channel and times, each as first said.
 */
function slotFacts(calls: Call[]): Map<string, SlotFacts> {
  const facts = new Map<string, SlotFacts>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const id = [record.identifier, record.slot].find((v) => typeof v === 'string' && SLOT_ID.test(v));
      if (typeof id === 'string') {
        const known: Record<string, string> = facts.get(id) ?? {};
        // Times as the first answer that shows any (a later one may show the slot moved).
        const timed = known.slotStart !== undefined || known.slotEnd !== undefined;
        for (const fact of SLOT_FACTS) {
          const said = record[fact];
          if (typeof said !== 'string' || said.includes('…')) continue;
          if (fact === 'slotStart' || fact === 'slotEnd' ? !timed : known[fact] === undefined)
            known[fact] = said;
        }
        facts.set(id, known);
      }
      Object.values(record).forEach(visit);
    }
  };
  for (const { rpc, rest, documented } of calls) [rpc, rest, documented].forEach(visit);
  return facts;
}

const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

/**
 * docs/api.md, "Paging through slots" and "Annex D scheduling methods, with examples", replayed as
 * one session in the setting they describe. Slot ids are drawn: each documented one stands for the
 * slot of this run that fits what the document says of it (station, spacecraft, channel, times),
 * found when it is first shown; cursors stand for this run's that encode the same start. The
 * asides tell what happened between the exchanges, and the test does it.
 */
describe('docs/api.md booking examples', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    // The story says when the hold sweeper runs; a run its real-time timer started in between
    // (a slow machine takes over 15 s) would record a change the document does not show.
    t = await TestApp.start({}, undefined, undefined, { jobTimers: false });
    t.clock.set(ORBIT_NOW);
    for (const user of ['gs-ops', 'alice', 'bob']) tokens[user] = (await t.operator(user)).token;
    // "VigoGS (confirms by hand) and AutoGS (autoConfirm) are available all day; XATCOBEO (alice)
    // and OTHERSAT (bob) fly the same orbit". AutoGS as its set_configuration example makes it.
    const autoGS = stationConfig('AutoGS', {
      callsign: 'EA4AUT',
      contactElevation: 10,
      location: { latitude: 40.4, longitude: -3.7, altitude: 650 },
      horizonMask: [{ fromAzimuth: 300, toAzimuth: 30, minElevation: 20 }],
      autoConfirm: true,
    });
    const created = [
      await t.http('POST', '/api/ground-stations', {
        token: tokens['gs-ops'],
        body: stationConfig('VigoGS'),
      }),
      await t.http('POST', '/api/ground-stations', { token: tokens['gs-ops'], body: autoGS }),
      await t.http('POST', '/api/ground-stations/VigoGS/rules', { token: tokens['gs-ops'], body: ALWAYS }),
      await t.http('POST', '/api/ground-stations/AutoGS/rules', { token: tokens['gs-ops'], body: ALWAYS }),
      await t.http('POST', '/api/spacecraft', { token: tokens.alice, body: spacecraftConfig('XATCOBEO') }),
      await t.http('POST', '/api/spacecraft', { token: tokens.bob, body: spacecraftConfig('OTHERSAT') }),
    ];
    expect(created.map((result) => result.status)).toEqual([201, 201, 201, 201, 201, 201]);
  });
  afterAll(() => t.stop());

  it('answers every example as documented, in the session they come from', async () => {
    const api = docText('api.md');
    const calls = session(
      [
        docSection(api, 'Paging through slots'),
        docSection(api, 'Annex D scheduling methods, with examples'),
      ].join('\n'),
      'alice',
    ).map(call);
    expect(
      calls.map(({ rpc, rest }) => rpc?.id ?? `${rest!.method} ${rest!.path.replace(/\?.*/, '')}`),
    ).toEqual([
      41,
      42,
      43,
      44,
      45,
      'POST /api/spacecraft/XATCOBEO/slots/select',
      46,
      'POST /api/ground-stations/VigoGS/slots/confirm',
      47,
      'GET /api/spacecraft/XATCOBEO/slots',
      49,
      'POST /api/ground-stations/VigoGS/slots/deny',
      50,
      51,
      'POST /api/spacecraft/XATCOBEO/slots/cancel',
      56,
      'POST /api/ground-stations/VigoGS/reservations/cancel',
      58,
      'POST /api/spacecraft/XATCOBEO/slots/select',
      60,
      67,
      69,
      80,
      81,
      'GET /api/ground-stations/VigoGS/changes',
      82,
      83,
    ]);
    const replayer = new Replayer(t, tokens);
    const { ids } = replayer;
    const facts = slotFacts(calls);
    const seen = new Map<string, Slot>(); // this run's slots, by id, as first found
    const selectedAt = new Map<string, number>(); // documented slot id → when alice selected it
    const rpc = async (method: string, params: unknown, user: string) => {
      const answer = await t.rpc(method, params, tokens[user]);
      expect({ method, params, answer }).toEqual({
        method,
        params,
        answer: expect.objectContaining({ result: expect.anything() }),
      });
      return answer.result;
    };

    /** The slots of a station or spacecraft as `user` sees them, page by page (100 a page). */
    const pages = async (identifier: string, user: string): Promise<Slot[][]> => {
      const read: Slot[][] = [];
      let cursor: string | null = null;
      do {
        const page = await rpc('get_operational_slots', cursor ? [identifier, cursor] : [identifier], user);
        read.push(page.OperationSlot);
        cursor = page.nextCursor;
      } while (cursor);
      return read;
    };

    /** Binds a documented slot id to the slot of `identifier` (as `user` sees them) that fits the document. */
    const resolve = async (documented: string, identifier: string, user: string, more: SlotFacts = {}) => {
      if (ids.has(documented)) return;
      const listed = (await pages(identifier, user)).flat();
      const wanted: Record<string, string | undefined> = { ...more, ...facts.get(documented) };
      const taken = ids.taken();
      const slot = listed.find(
        (candidate) =>
          !taken.has(candidate.identifier) &&
          Object.entries(wanted).every(([fact, value]) => candidate[fact as keyof Slot] === value),
      );
      if (!slot) {
        const near = listed.filter((candidate) =>
          ['gsIdentifier', 'scIdentifier'].every((fact) =>
            [undefined, candidate[fact as keyof Slot]].includes(wanted[fact]),
          ),
        );
        throw new Error(
          `no slot of ${identifier} is ${documented}: ${JSON.stringify(wanted)}; there are ${JSON.stringify(near.slice(0, 6))}`,
        );
      }
      ids.bind(documented, slot.identifier);
      seen.set(slot.identifier, slot);
    };
    const select = async (documented: string, station?: string) => {
      await resolve(documented, 'XATCOBEO', 'alice', station ? { gsIdentifier: station } : {});
      if (selectedAt.has(documented)) return;
      const [slot] = (await rpc('select_slots', ['XATCOBEO', [ids.get(documented)]], 'alice')).OperationSlot;
      expect(slot.state).toBe('SELECTED');
      selectedAt.set(documented, t.clock.now().getTime());
    };

    /** What an aside says happened before an exchange. */
    const happen = async (aside: string, exchange: Call) => {
      let match: RegExpExecArray | null;
      if (
        (match = /^after alice selected (slot-\S+?)(?: at (\w+))?( and gs-ops confirmed it)?$/.exec(aside))
      ) {
        const [, documented, station, confirmed] = match;
        await select(documented, station);
        if (confirmed) {
          const slot = seen.get(ids.get(documented)!)!;
          const [confirmedSlot] = (
            await rpc('confirm_selections', [slot.gsIdentifier, [slot.identifier]], 'gs-ops')
          ).ChangedSlots;
          expect(confirmedSlot.state).toBe('RESERVED');
        }
      } else if ((match = /^(\d+) minutes after alice selected (slot-\S+)$/.exec(aside))) {
        t.clock.set(new Date(selectedAt.get(match[2])! + Number(match[1]) * 60_000));
      } else if (aside === 'the clock moved past its end') {
        const [documented] = slotIds(exchange.rpc ?? exchange.rest);
        const end = Date.parse(seen.get(ids.get(documented)!)!.slotEnd);
        // On its way the clock passed the sweeper's next run, 15 s on, which stored the holds that
        // had run out; it stops at the next whole minute after the slot's end.
        t.clock.advance(15_000);
        await t.app.get(JobRunner).tick(HOLD_SWEEP_JOB);
        t.clock.set(new Date(Math.ceil((end + 1) / 60_000) * 60_000));
      } else if (
        (match =
          /^after gs-ops added (\w+), available all day, alice booked (slot-\S+) there and gs-ops removed its rule$/.exec(
            aside,
          ))
      ) {
        const [, station, documented] = match;
        // "TempGS (a station like VigoGS, at 43.3° N 8.4° W)"
        const location = { latitude: 43.3, longitude: -8.4, altitude: 50 };
        const created = await t.http('POST', '/api/ground-stations', {
          token: tokens['gs-ops'],
          body: stationConfig(station, { location }),
        });
        expect(created.status).toBe(201);
        const rule = (await rpc('add_rule', [station, ALWAYS], 'gs-ops')).Rule;
        await select(documented, station);
        await rpc('confirm_selections', [station, [ids.get(documented)]], 'gs-ops');
        expect(await rpc('remove_rule', [station, rule], 'gs-ops')).toBe('OK');
      } else if (/^after a new TLE of XATCOBEO moved/.test(aside)) {
        const updated = await t.http('PUT', '/api/spacecraft/XATCOBEO', {
          token: tokens.alice,
          body: spacecraftConfig('XATCOBEO', { tracking: { tle: nudgedIss(0.05) } }),
        });
        expect(updated.status).toBe(200);
      } else if (!/^as [\w-]+$|^an \w+ slot$/.test(aside)) throw new Error(`what happened: "${aside}"?`);
    };

    /** What the prose between the examples says of the session at that point. */
    const prose = docSection(api, 'Annex D scheduling methods, with examples').replace(/\s+/g, ' ');
    const proseAfter = async (id?: number) => {
      const window = seen.get(ids.get('slot-_cjW8MR7IVA') ?? '');
      const there = (slots: Slot[]) =>
        slots.filter((slot) => slot.gsIdentifier === 'VigoGS' && slot.slotStart === window?.slotStart);
      if (id === 43) {
        // "Meanwhile bob's `get_operational_slots ["OTHERSAT"]` lists 126 slots (over two pages), none
        // of them at VigoGS 18:17 (his two slots there overlap alice's hold). `GET
        // /api/ground-stations/VigoGS/slots` as alice → `403 NOT_OWNER`."
        const [, count, pageCount] =
          /bob's `get_operational_slots \["OTHERSAT"\]` lists (\d+) slots \(over (\w+) pages\)/.exec(prose)!;
        const bobs = await pages('OTHERSAT', 'bob');
        expect({ slots: bobs.flat().length, pages: bobs.length, atVigo1817: there(bobs.flat()) }).toEqual({
          slots: Number(count),
          pages: ['one', 'two', 'three'].indexOf(pageCount) + 1,
          atVigo1817: [],
        });
        expect(prose).toContain('`GET /api/ground-stations/VigoGS/slots` as alice → `403 NOT_OWNER`');
        const refused = await t.http('GET', '/api/ground-stations/VigoGS/slots', { token: tokens.alice });
        expect([refused.status, refused.body.error.code]).toEqual([403, 'NOT_OWNER']);
      }
      if (id === 50) {
        // "After the first cancellation the 18:17 window is offered again to alice under a new id
        // (`slot-…`, `FREE`), and to bob."
        expect(prose).toContain(
          'After the first cancellation the 18:17 window is offered again to alice under a new id',
        );
        const alices = there((await pages('XATCOBEO', 'alice')).flat()).filter(
          (slot) => slot.scChannel === 'tm',
        );
        expect(alices).toEqual([expect.objectContaining({ state: 'FREE' })]);
        expect(alices[0].identifier).not.toBe(window!.identifier);
        expect(there((await pages('OTHERSAT', 'bob')).flat())).toEqual([
          expect.objectContaining({ state: 'FREE' }),
          expect.objectContaining({ state: 'FREE' }),
        ]);
      }
    };

    for (const exchange of calls) {
      for (const aside of exchange.asides) await happen(aside, exchange);
      // The slots it shows for the first time are the ones of the station or spacecraft it names.
      const named = exchange.rpc
        ? ((Array.isArray(exchange.rpc.params)
            ? exchange.rpc.params[0]
            : (exchange.rpc.params as { identifier: string }).identifier) as string)
        : /^\/api\/(?:spacecraft|ground-stations)\/([^/?]+)/.exec(exchange.rest!.path)![1];
      for (const documented of slotIds([exchange.rpc ?? exchange.rest, exchange.documented]))
        await resolve(documented, named, exchange.caller);
      const answer = await replayer.replay(exchange);
      const selecting =
        exchange.rpc?.method === 'select_slots' || exchange.rest?.path.endsWith('/slots/select');
      const failed = JSON.stringify(answer).includes('"error"');
      if (selecting && !failed)
        for (const documented of slotIds(exchange.rpc ?? exchange.rest))
          selectedAt.set(documented, t.clock.now().getTime());
      await proseAfter(exchange.rpc?.id);
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
    const replayer = new Replayer(t, tokens);
    let caller = 'gs-ops';
    const calls = exchanges(docSection(docText('api.md'), 'Non-scheduled frames')).map((exchange) =>
      call({ ...exchange, caller: (caller = exchange.caller ?? caller) }),
    );
    expect(calls).toHaveLength(6);
    for (const exchange of calls) await replayer.replay(exchange);
  });
});
