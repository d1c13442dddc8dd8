// SPDX-License-Identifier: Apache-2.0
import { getMetadataStorage } from 'class-validator';
import fc from 'fast-check';
import { JsonRpcMethods } from '../src/transports/json-rpc/json-rpc-methods';
import { databaseSnapshot, describeDifference } from './helpers/db-snapshot';
import { spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';

/**
 * Property: no input reaches an internal error. Every registered JSON-RPC method and every REST
 * route in the OpenAPI document gets params or bodies of random shape, from an admin, an
 * ordinary approved user and nobody. Answers are always well-formed errors in the transport's
 * shape (never -32603, never a 5xx), and a call that fails leaves every table as it was.
 *
 * Replay a failure with FUZZ_SEED=<seed> (and FUZZ_RUNS=<runs per method or route>).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 16016);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

/** A placeholder for an identifier that exists when the call is made (see World). */
class Existing {
  constructor(readonly index: number) {}
  toString(): string {
    return `Existing(${this.index})`;
  }
}

/** A value nested `depth` levels deep, built when sent: fast-check cannot print (or shrink) the real thing. */
class Deep {
  constructor(
    readonly depth: number,
    readonly objects: boolean,
  ) {}

  build(): unknown {
    let value: unknown = 1;
    for (let i = 0; i < this.depth; i++) value = this.objects ? { identifier: value } : [value];
    return value;
  }

  toString(): string {
    return `Deep(${this.depth}, ${this.objects ? 'objects' : 'arrays'})`;
  }
}

/** The fixtures: an ordinary approved user owning a station and a spacecraft, and what calls may name. */
interface World {
  username: string;
  password: string;
  station: string;
  spacecraft: string;
  tokens: { admin: string; user: string; nobody: undefined };
  /** A station, a spacecraft, channels, a rule, a key, users, slots. */
  existing: string[];
}

type Caller = keyof World['tokens'];

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];

describe(`No input reaches an internal error (fast-check seed ${SEED}, ${RUNS} runs per method and route)`, () => {
  let t: TestApp;
  let world: World;
  let snapshot: string;
  let fieldNames: string[];
  let restRoutes: Route[];

  beforeAll(async () => {
    console.log(
      `malformed-input: fast-check seed ${SEED}, ${RUNS} runs per method and route (FUZZ_SEED, FUZZ_RUNS)`,
    );
    // Hundreds of public calls (register, login) from one address: keep the throttle out of the way.
    t = await TestApp.start({ SATNET_AUTH_THROTTLE_LIMIT: '100000' });
    const document = (await t.http('GET', '/api/docs.json')).body;
    restRoutes = routesOf(document);
    // Keys worth trying: every field of every DTO, so some values get past the first check.
    const registry = t.app.get(JsonRpcMethods);
    const schemas: { properties?: object }[] = Object.values(document.components.schemas);
    fieldNames = [
      ...new Set([
        ...schemas.flatMap((schema) => Object.keys(schema.properties ?? {})),
        ...registry.list().flatMap((m) => dtoFields(registry.get(m.name)?.params)),
      ]),
    ].sort();
  });
  afterAll(() => t.stop());
  // Each test starts from working fixtures, whatever the one before did to them.
  beforeEach(async () => {
    world ??= await provision();
    await repair();
  });

  async function provision(): Promise<World> {
    const username = 'fuzz-user';
    const { token, password } = await t.operator(username);
    await expectStatus(201, 'POST', '/api/auth/register', undefined, {
      username: 'fuzz-pending',
      email: 'fuzz-pending@example.org',
      password: 'pending-password',
      organisation: 'fuzz',
    });
    const key = await expectStatus(201, 'POST', '/api/me/api-keys', token, { name: 'fuzz' });
    return {
      username,
      password,
      station: 'FuzzGS',
      spacecraft: 'FuzzSAT',
      tokens: { admin: await t.adminToken(), user: token, nobody: undefined },
      existing: ['FuzzGS', 'FuzzSAT', 'uhf', 'tm', 'fuzz-user', 'fuzz-pending', 'admin', key.id],
    };
  }

  /**
   * Undoes what a successful random call may have done to the fixtures (a logout, a suspension, a
   * deletion), so later calls still reach past authentication and find things; then takes the
   * snapshot later calls are compared with.
   */
  async function repair(): Promise<void> {
    const works = async (token: string) => (await t.http('GET', '/api/me', { token })).status === 200;
    if (!(await works(world.tokens.admin))) world.tokens.admin = await t.adminToken();
    if (!(await works(world.tokens.user))) {
      // 409 when the account was merely logged out: it is active already.
      await t.http('POST', `/api/admin/users/${world.username}/reactivate`, { token: world.tokens.admin });
      world.tokens.user = await t.login(world.username, world.password);
    }
    const { user } = world.tokens;
    let rule: string | undefined;
    if ((await t.http('GET', `/api/ground-stations/${world.station}`, { token: user })).status === 404) {
      await expectStatus(201, 'POST', '/api/ground-stations', user, stationConfig(world.station));
      const added = await expectStatus(201, 'POST', `/api/ground-stations/${world.station}/rules`, user, {
        operation: 'ADD',
        periodicity: 'DAILY',
        startTime: '00:00',
        endTime: '24:00',
      });
      rule = added.ruleId;
    }
    if ((await t.http('GET', `/api/spacecraft/${world.spacecraft}`, { token: user })).status === 404)
      await expectStatus(201, 'POST', '/api/spacecraft', user, spacecraftConfig(world.spacecraft));
    // Slots are generated on first sight: look now, so a later read does not change the tables.
    const slots =
      (await t.rpc('get_operational_slots', [world.spacecraft], user)).result?.OperationSlot ?? [];
    await t.rpc('get_operational_slots', [world.station], user);
    const ids = slots.slice(0, 2).map((slot: { identifier: string }) => slot.identifier);
    world.existing = [...new Set([...world.existing, ...(rule ? [rule] : []), ...ids])];
    snapshot = await databaseSnapshot(t);
  }

  async function expectStatus(status: number, method: string, path: string, token?: string, body?: unknown) {
    const result = await t.http(method, path, { token, body });
    if (result.status !== status)
      throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  /** Replaces placeholders: Existing by identifiers of the current world, Deep by its value. */
  function resolve(value: unknown, depth = 0): unknown {
    if (value instanceof Existing) return world.existing[value.index % world.existing.length];
    if (value instanceof Deep) return value.build();
    if (depth > 10 || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((child) => resolve(child, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, resolve(child, depth + 1)]));
  }

  /** After each call: a failed call must have changed nothing; a successful one may have. */
  async function checkDatabase(failed: boolean, call: string): Promise<void> {
    const after = await databaseSnapshot(t);
    if (after === snapshot) return;
    if (failed)
      throw new Error(`${call} failed but changed the database: ${describeDifference(snapshot, after)}`);
    await repair();
  }

  // ---- Arbitraries -------------------------------------------------------------------------

  const key = () =>
    fc.oneof(
      fc.nat().map((index) => fieldNames[index % fieldNames.length]),
      fc.constantFrom(...PROTOTYPE_KEYS),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    );

  const shortText = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom(
      '',
      ' ',
      '0',
      '-1',
      '1e400',
      'true',
      'null',
      'ＡＢＣ',
      '2030-01-01T00:00:00Z',
      '2030-01-01',
      '24:00',
    ),
  );

  const text = fc.oneof(
    { weight: 5, arbitrary: shortText },
    // Constants, not an integer range: shrinking a 400 kB string one character at a time takes minutes.
    fc.constantFrom(2_000, 70_000, 400_000).map((length) => 'é'.repeat(length)),
  );

  const leaf = fc.oneof(
    { weight: 3, arbitrary: text },
    { weight: 3, arbitrary: fc.nat().map((index) => new Existing(index)) },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -1, 2 ** 53, 1e308, -0.5),
  );

  /** Nested arrays or objects far deeper than any real input. */
  const deep = fc
    .tuple(fc.integer({ min: 30, max: 3_000 }), fc.boolean())
    .map(([depth, objects]) => new Deep(depth, objects));

  const value: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 4, depthSize: 'small', withCrossShrink: true },
      { weight: 5, arbitrary: leaf },
      fc.array(tie('node'), { maxLength: 5 }),
      fc.array(fc.tuple(key(), tie('node')), { maxLength: 5 }).map((entries) => Object.fromEntries(entries)),
    ),
  })).node;

  /** Named params or a body: the DTO's own fields (so some values pass), plus strays. */
  const object = (fields: string[]) =>
    fc
      .tuple(
        fc
          .subarray(fields)
          .chain((names) => fc.tuple(...names.map((name) => fc.tuple(fc.constant(name), value)))),
        fc.array(fc.tuple(key(), value), { maxLength: 3 }),
      )
      .map(([own, strays]) => Object.fromEntries([...own, ...strays]));

  const input = (fields: string[]) =>
    fc.oneof(
      { weight: 4, arbitrary: object(fields) },
      { weight: 2, arbitrary: fc.array(value, { maxLength: 7 }) },
      value,
      deep,
      fc.constant(undefined),
    );

  const caller = fc.constantFrom<Caller>('admin', 'user', 'nobody');

  // ---- JSON-RPC ----------------------------------------------------------------------------

  it('answers every JSON-RPC method with a result or a -32600..-32602 / -32000..-32099 error', async () => {
    const registry = t.app.get(JsonRpcMethods);
    const methods = registry.list().map((m) => m.name);
    expect(methods.length).toBeGreaterThan(30);
    for (const [index, name] of methods.entries()) {
      const fields = dtoFields(registry.get(name)?.params);
      const property = fc.asyncProperty(caller, input(fields), async (who, params) => {
        const sent = resolve(params);
        const response = await t.http('POST', '/jsonrpc', {
          token: world.tokens[who],
          raw: JSON.stringify({ jsonrpc: '2.0', id: 7, method: name, params: sent }),
        });
        const body = response.body;
        if (response.status === 413) {
          // Too large for the body parser (several huge strings): the JSON-RPC shape, no id read.
          expect(body).toEqual({
            jsonrpc: '2.0',
            id: null,
            error: expect.objectContaining({
              code: -32600,
              data: expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }),
            }),
          });
          return checkDatabase(true, `${name} as ${who}`);
        }
        expect(response.status).toBe(200);
        expect(body).toMatchObject({ jsonrpc: '2.0', id: 7 });
        if ('result' in body) expect(Object.keys(body).sort()).toEqual(['id', 'jsonrpc', 'result']);
        else {
          const { code, message, data } = body.error;
          const inRange = (code >= -32602 && code <= -32600) || (code >= -32099 && code <= -32000);
          if (!inRange) throw new Error(`${name} answered ${JSON.stringify(body.error)}`);
          expect(typeof message).toBe('string');
          expect(typeof data?.code).toBe('string');
          if (code === -32602) expect(Array.isArray(data.fields)).toBe(true);
        }
        await checkDatabase('error' in body, `${name} as ${who}`);
      });
      await check(name, property, SEED + index);
    }
  }, 240_000);

  // ---- REST --------------------------------------------------------------------------------

  /** A path segment: an existing identifier, random text (UTF-8, percent-encoded) or a broken escape. */
  const segment = fc.oneof(
    { weight: 3, arbitrary: fc.nat().map((index) => new Existing(index)) },
    { weight: 2, arbitrary: shortText.filter((s) => s.length > 0) },
    fc.constant('x'.repeat(2_000)),
    fc.constantFrom('%', '%zz', '%E0%A4', '%C0%AF', '..', '%2F', 'constructor', '__proto__'),
  );

  const encodeSegment = (raw: unknown): string =>
    raw instanceof Existing
      ? encodeURIComponent(resolve(raw) as string)
      : (typeof raw === 'string' && raw.startsWith('%')) || raw === '..'
        ? raw
        : [...Buffer.from(String(raw), 'utf8')]
            .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
            .join('');

  const query = (names: string[]) =>
    fc.array(
      fc.tuple(fc.oneof(fc.constantFrom(...names, ...PROTOTYPE_KEYS), key()), fc.oneof(shortText, segment)),
      { maxLength: 4 },
    );

  it('answers every REST route with a 2xx or a 4xx in the REST error shape', async () => {
    const all = restRoutes;
    expect(all.length).toBeGreaterThan(40);
    for (const [index, route] of all.entries()) {
      // fetch() sends no body with a GET; other routes without a DTO get a stray one now and then.
      const body = route.bodyFields
        ? input(route.bodyFields)
        : route.method === 'GET'
          ? fc.constant(undefined)
          : fc.option(value, { nil: undefined });
      const segments = fc.tuple(...route.pathParams.map(() => segment));
      const property = fc.asyncProperty(
        caller,
        segments,
        query(route.queryParams),
        body,
        async (who, params, pairs, raw) => {
          let path = route.path;
          route.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, encodeSegment(params[i]))));
          const search = new URLSearchParams(
            pairs.map(([k, v]): [string, string] => [k, String(resolve(v))]),
          ).toString();
          const sent = resolve(raw);
          const call = `${route.method} ${route.path} as ${who}`;
          const response = await t.http(route.method, search ? `${path}?${search}` : path, {
            token: world.tokens[who],
            raw: sent === undefined ? undefined : JSON.stringify(sent),
          });
          if (response.status >= 500)
            throw new Error(`${call}: ${response.status} ${JSON.stringify(response.body)}`);
          const rpcCodes = jsonRpcErrorCodes(response.body);
          if (rpcCodes.includes(-32603)) throw new Error(`${call}: ${JSON.stringify(response.body)}`);
          const failed = response.status >= 400 || (rpcCodes.length > 0 && !hasJsonRpcResult(response.body));
          if (response.status >= 400)
            expect(response.body).toEqual({
              error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
            });
          await checkDatabase(failed, call);
        },
      );
      await check(`${route.method} ${route.path}`, property, SEED + 1_000 + index);
    }
  }, 240_000);
});

/** Runs one property; a failure names the method or route and how to replay the whole file. */
async function check(target: string, property: fc.IAsyncProperty<unknown[]>, seed: number): Promise<void> {
  try {
    await fc.assert(property, { seed, numRuns: RUNS });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${target} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS})\n${message}`);
  }
}

/** /jsonrpc is a route too: its 200s can carry errors, and must never carry -32603. */
function jsonRpcErrorCodes(body: unknown): number[] {
  const responses: unknown[] = Array.isArray(body) ? body : [body];
  return responses.flatMap((r: any) => (typeof r?.error?.code === 'number' ? [r.error.code as number] : []));
}

function hasJsonRpcResult(body: unknown): boolean {
  const responses: unknown[] = Array.isArray(body) ? body : [body];
  return responses.some((r) => typeof r === 'object' && r !== null && 'result' in r);
}

function dtoFields(dto: (new () => object) | undefined): string[] {
  if (!dto) return [];
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

interface Route {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyFields: string[] | null;
}

function routesOf(document: any): Route[] {
  const schemas = document.components.schemas as Record<string, { properties?: Record<string, unknown> }>;
  const found: Route[] = [];
  for (const [path, operations] of Object.entries<Record<string, any>>(document.paths))
    for (const [method, operation] of Object.entries<any>(operations)) {
      const parameters: { in: string; name: string }[] = operation.parameters ?? [];
      const ref: string | undefined = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      found.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: ref ? Object.keys(schemas[ref.split('/').pop()!].properties ?? {}) : null,
      });
    }
  return found;
}
