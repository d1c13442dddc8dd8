// SPDX-License-Identifier: Apache-2.0
import { gzipSync } from 'node:zlib';
import { spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';

/**
 * Inputs that used to end as -32603 or HTTP 500 (issue 16); each now has a client error. The
 * property-based sweep over every method and route is malformed-input.e2e-spec.ts.
 */
describe('Malformed input gets a client error', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await TestApp.start();
    admin = await t.adminToken();
    await t.http('POST', '/api/ground-stations', { token: admin, body: stationConfig('AGS') });
    await t.http('POST', '/api/spacecraft', { token: admin, body: spacecraftConfig('ASAT') });
  });
  afterAll(() => t.stop());

  const rpcRaw = (raw: string | Uint8Array, headers: Record<string, string> = {}) =>
    t.http('POST', '/jsonrpc', { token: admin, raw, headers });
  const rpcBody = (method: string, params: string) =>
    `{"jsonrpc":"2.0","id":1,"method":"${method}","params":${params}}`;
  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  /** A -32602 answer to id 1 carrying these field errors (and perhaps more). */
  const invalidParams = (...fields: { field: string; message?: string }[]) => ({
    jsonrpc: '2.0',
    id: 1,
    error: {
      code: -32602,
      message: expect.stringMatching(/^invalid params: /),
      data: {
        code: 'VALIDATION_FAILED',
        fields: expect.arrayContaining(fields.map((f) => expect.objectContaining(f))),
      },
    },
  });

  describe('JSON-RPC params', () => {
    it.each([
      [
        'get_operational_slots',
        '{"identifier":"AGS","slots":"ＡＢＣ","rule":{"extra":{"constructor":true}}}',
        'rule.extra.constructor',
      ],
      ['revoke_api_key', '{"id":{"constructor":1}}', 'id.constructor'],
      ['get_changes', '{"identifier":"AGS","cursor":{"toString":1}}', 'cursor.toString'],
      ['approve_user', '{"username":{"__proto__":{"length":3}}}', 'username.__proto__'],
      ['get_changes', '["AGS", {"valueOf": 1}]', 'cursor.valueOf'],
    ])('%s %s: a prototype-named key is an unknown field', async (method, params, field) => {
      const result = await rpcRaw(rpcBody(method, params));
      expect(result.status).toBe(200);
      expect(result.body).toEqual(invalidParams({ field, message: 'is not a known field' }));
    });

    it('answers params nested 1,500 arrays deep with -32602 naming the depth limit', async () => {
      const result = await rpcRaw(rpcBody('get_changes', deep(1500)));
      expect(result.body).toEqual(
        invalidParams({ field: 'identifier', message: 'nests more than 32 levels deep' }),
      );
    });

    it('binds positional params of any length and shape, then validates them', async () => {
      expect((await rpcRaw(rpcBody('get_rules', '[{"from":{"organisation":{}}}]'))).body).toEqual(
        invalidParams({ field: 'identifier', message: 'must be a string' }),
      );
      expect((await rpcRaw(rpcBody('get_rules', '["AGS", null, 3, [], {}]'))).body).toEqual(
        invalidParams({ field: '(params)' }),
      );
    });

    it('reports every unknown or mistyped field of deny_selections', async () => {
      const result = await rpcRaw(
        rpcBody('deny_selections', '{"reason":null,"organisation":"2030-01-01T00:00:00Z"}'),
      );
      expect(result.body).toEqual(
        invalidParams(
          { field: 'reason', message: 'is not a known field' },
          { field: 'organisation', message: 'is not a known field' },
          { field: 'identifier', message: 'is required' },
          { field: 'slots', message: 'is required' },
        ),
      );
    });

    it('answers a string where params should be structured with -32600', async () => {
      const result = await rpcRaw(rpcBody('get_changes', JSON.stringify('x'.repeat(100_000))));
      expect(result.status).toBe(200);
      expect(result.body).toEqual({
        jsonrpc: '2.0',
        id: 1,
        error: expect.objectContaining({ code: -32600, data: { code: 'INVALID_REQUEST' } }),
      });
    });

    it('gives domain validation errors (WRONG_SIDE) data.fields too', async () => {
      const result = await rpcRaw(rpcBody('confirm_selections', '["ASAT", ["slot-x"]]'));
      expect(result.body.error).toEqual({
        code: -32602,
        message: expect.any(String),
        data: { code: 'WRONG_SIDE', fields: [] },
      });
    });
  });

  describe('bodies the server cannot read', () => {
    it.each(['gzip', 'deflate', 'br'])(
      'refuses Content-Encoding %s on a plain body with 415, in each API’s error shape',
      async (encoding) => {
        const rpc = await rpcRaw(rpcBody('deny_user', 'null'), { 'content-encoding': encoding });
        expect(rpc.status).toBe(415);
        expect(rpc.body).toEqual({
          jsonrpc: '2.0',
          id: null,
          error: {
            code: -32600,
            message: `invalid request: content encoding "${encoding}" is not supported; send the body uncompressed`,
            data: { code: 'UNSUPPORTED_MEDIA_TYPE' },
          },
        });
        const rest = await t.http('POST', '/api/ground-stations', {
          token: admin,
          body: stationConfig('ZipGS'),
          headers: { 'content-encoding': encoding },
        });
        expect(rest.status).toBe(415);
        expect(rest.body).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) } });
      },
    );

    it('refuses a body that really is compressed the same way (compression is not supported)', async () => {
      const result = await t.http('POST', '/api/ground-stations', {
        token: admin,
        raw: gzipSync(JSON.stringify(stationConfig('ZipGS'))),
        headers: { 'content-encoding': 'gzip' },
      });
      expect(result.status).toBe(415);
      expect((await t.http('GET', '/api/ground-stations/ZipGS', { token: admin })).status).toBe(404);
    });

    it.each(['application/x-www-form-urlencoded', 'text/plain'])(
      'answers JSON declared as %s (curl -d without a content-type) with 415 "send JSON"',
      async (type) => {
        const rest = await t.http('POST', '/api/auth/login', {
          raw: JSON.stringify({ username: 'someone', password: 'a-long-password' }),
          headers: { 'content-type': type },
        });
        expect(rest.status).toBe(415);
        expect(rest.body).toEqual({
          error: {
            code: 'UNSUPPORTED_MEDIA_TYPE',
            message: `send the body as JSON with Content-Type: application/json (it was declared as ${type})`,
          },
        });
        // JSON-RPC reads any content type, as before.
        const rpc = await rpcRaw(rpcBody('system.listMethods', '{}'), { 'content-type': type });
        expect(rpc.status).toBe(200);
        expect(rpc.body.result).toEqual(expect.any(Array));
      },
    );

    it('refuses an unknown charset with 415', async () => {
      const rest = await t.http('POST', '/api/auth/login', {
        raw: '{}',
        headers: { 'content-type': 'application/json; charset=klingon' },
      });
      expect(rest.status).toBe(415);
      expect(rest.body.error).toEqual({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.stringContaining('KLINGON'),
      });
      const rpc = await rpcRaw(rpcBody('system.listMethods', '{}'), {
        'content-type': 'text/plain; charset=klingon',
      });
      expect(rpc.status).toBe(415);
      expect(rpc.body.error.data).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('answers a body over 1 MiB with 413: a JSON-RPC error on /jsonrpc, the REST shape elsewhere', async () => {
      const rpc = await rpcRaw(rpcBody('get_changes', JSON.stringify('x'.repeat(1_100_000))));
      expect(rpc.status).toBe(413);
      expect(rpc.body).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32600,
          message: 'invalid request: the request body is larger than 1048576 bytes',
          data: { code: 'PAYLOAD_TOO_LARGE', limitBytes: 1048576 },
        },
      });
      const rest = await t.http('POST', '/api/ground-stations', {
        token: admin,
        body: stationConfig('BigGS', { callsign: 'x'.repeat(1_100_000) }),
      });
      expect(rest.status).toBe(413);
      expect(rest.body).toEqual({
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: 'the request body is larger than 1048576 bytes',
          details: { limitBytes: 1048576 },
        },
      });
    });
  });

  describe('REST bodies', () => {
    it('answers a body nested 5,000 arrays deep with 400 VALIDATION_FAILED', async () => {
      const result = await t.http('POST', '/api/ground-stations', { token: admin, raw: deep(5000) });
      expect(result.status).toBe(400);
      expect(result.body.error).toEqual({
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        fields: [{ field: '0', message: 'nests more than 32 levels deep' }],
      });
    });

    it('answers prototype-named keys in a body or a query with 400 and changes nothing', async () => {
      const body = {
        ...stationConfig('ProtoGS'),
        location: { latitude: 1, longitude: 2, altitude: 3, constructor: 1 },
      };
      const result = await t.http('POST', '/api/ground-stations', { token: admin, body });
      expect(result.status).toBe(400);
      expect(result.body.error.fields).toEqual([
        { field: 'location.constructor', message: 'is not a known field' },
      ]);
      expect((await t.http('GET', '/api/ground-stations/ProtoGS', { token: admin })).status).toBe(404);
      const query = await t.http('GET', '/api/ground-stations/AGS/changes?toString=1', { token: admin });
      expect(query.status).toBe(400);
      expect(query.body.error.fields).toEqual([{ field: 'toString', message: 'is not a known field' }]);
    });
  });
});
