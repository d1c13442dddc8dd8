// SPDX-License-Identifier: Apache-2.0
import { ADMIN, TestApp } from './helpers/test-app';

describe('JSON-RPC 2.0 transport', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await TestApp.start();
    admin = (await t.rpc('login', { username: ADMIN.username, password: ADMIN.password })).result.token;
  });
  afterAll(() => t.stop());

  const post = (raw: string, token?: string) => t.http('POST', '/jsonrpc', { raw, token });

  it('runs register → approve → email → login → API key → unregister', async () => {
    const registered = await t.rpc('register', {
      username: 'xatco',
      email: 'xatco@example.org',
      password: 'mission-password',
      organisation: 'XATCOBEO',
    });
    expect(registered).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: expect.objectContaining({ username: 'xatco', status: 'PENDING' }),
    });

    const pendingLogin = await t.rpc('login', ['xatco', 'mission-password']);
    expect(pendingLogin.error).toMatchObject({ code: -32003, data: { code: 'ACCOUNT_PENDING' } });

    expect((await t.rpc('approve_user', { username: 'xatco' }, admin)).result.status).toBe('ACTIVE');
    expect(
      (await t.outbox()).some(
        (m) => m.content.includes('To: xatco@example.org') && m.content.includes('approved'),
      ),
    ).toBe(true);

    const token = (await t.rpc('login', ['xatco', 'mission-password'])).result.token as string;
    expect((await t.rpc('get_account', undefined, token)).result.username).toBe('xatco');
    const key = (await t.rpc('create_api_key', ['mission-client'], token)).result;
    expect(key.key).toMatch(/^snk_/);
    expect((await t.rpc('list_api_keys', {}, key.key)).result).toEqual([
      expect.objectContaining({ id: key.id, name: 'mission-client' }),
    ]);

    expect((await t.rpc('unregister', { password: 'mission-password' }, token)).result).toBeNull();
    expect((await t.rpc('get_account', undefined, key.key)).error).toMatchObject({
      code: -32001,
      data: { code: 'INVALID_API_KEY' },
    });
  });

  it('answers invalid JSON with -32700', async () => {
    const result = await post('{"jsonrpc": "2.0", "method": ');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: expect.stringContaining('parse error') },
    });
  });

  it('answers an empty batch with one -32600', async () => {
    expect((await post('[]')).body).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: expect.objectContaining({ code: -32600 }),
    });
  });

  it('answers invalid request objects with -32600, each in a batch', async () => {
    const result = await post(
      JSON.stringify([1, { jsonrpc: '1.0', method: 'x', id: 7 }, { jsonrpc: '2.0', method: 5, id: 8 }]),
    );
    expect(result.body).toEqual([
      expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32600 }) }),
      expect.objectContaining({ id: 7, error: expect.objectContaining({ code: -32600 }) }),
      expect.objectContaining({ id: 8, error: expect.objectContaining({ code: -32600 }) }),
    ]);
  });

  it('answers an unknown method with -32601', async () => {
    expect((await t.rpc('no_such_method', {}, admin)).error).toMatchObject({
      code: -32601,
      data: { code: 'METHOD_NOT_FOUND' },
    });
  });

  it('answers wrong params with -32602 and field errors, changing nothing', async () => {
    const before = (await t.rpc('list_users', {}, admin)).result.length;
    const bad = await t.rpc('register', {
      username: 'ok-name',
      email: 'nope',
      password: 'x',
      organisation: 'o',
      extra: 1,
    });
    expect(bad.error.code).toBe(-32602);
    expect(bad.error.data.fields).toEqual(
      expect.arrayContaining([
        { field: 'email', message: 'must be a valid email address' },
        { field: 'extra', message: 'is not a known field' },
      ]),
    );
    expect((await t.rpc('login', ['a', 'b', 'c'])).error.code).toBe(-32602);
    expect((await t.rpc('register', 'not-an-object')).error).toMatchObject({ code: -32600 });
    expect((await t.rpc('list_users', {}, admin)).result).toHaveLength(before);
  });

  it('maps domain errors to -32000..-32099 with a stable data.code', async () => {
    expect((await t.rpc('get_account')).error).toMatchObject({
      code: -32001,
      data: { code: 'AUTHENTICATION_REQUIRED' },
    });
    expect((await t.rpc('approve_user', ['ghost'], admin)).error).toMatchObject({
      code: -32004,
      data: { code: 'USER_NOT_FOUND' },
    });
    const { token } = await t.operator('plain');
    expect((await t.rpc('list_users', {}, token)).error).toMatchObject({
      code: -32003,
      data: { code: 'ADMIN_REQUIRED' },
    });
  });

  it('runs batches in order, answers only requests, and 204s an all-notification batch', async () => {
    const batch = [
      { jsonrpc: '2.0', method: 'system.listMethods', id: 'a' },
      { jsonrpc: '2.0', method: 'get_account' },
      { jsonrpc: '2.0', method: 'get_account', id: 'b' },
    ];
    const result = await post(JSON.stringify(batch), admin);
    expect(result.body.map((r: { id: string }) => r.id)).toEqual(['a', 'b']);
    expect(result.body[1].result.username).toBe(ADMIN.username);
    const notificationsOnly = await post(JSON.stringify([{ jsonrpc: '2.0', method: 'get_account' }]), admin);
    expect(notificationsOnly.status).toBe(204);
  });

  it('lists methods without authentication', async () => {
    const names = (await t.rpc('system.listMethods')).result.map((m: { name: string }) => m.name);
    expect(names).toEqual(
      expect.arrayContaining(['register', 'login', 'approve_user', 'create_api_key', 'system.listMethods']),
    );
  });
});
