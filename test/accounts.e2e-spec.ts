// SPDX-License-Identifier: Apache-2.0
import { ADMIN, TestApp } from './helpers/test-app';

describe('accounts over HTTP', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await TestApp.start();
    admin = await t.adminToken();
  });
  afterAll(() => t.stop());

  const register = (body: Record<string, unknown>) => t.http('POST', '/api/auth/register', { body });
  const valid = (name: string) => ({
    username: name,
    email: `${name}@example.org`,
    password: 'long-enough-pw',
    organisation: 'Org',
  });
  const userNames = async () =>
    ((await t.http('GET', '/api/admin/users', { token: admin })).body as { username: string }[]).map(
      (u) => u.username,
    );

  const pendingNames = async () =>
    (
      (await t.http('GET', '/api/admin/users?status=PENDING', { token: admin })).body as {
        username: string;
      }[]
    )
      .map((u) => u.username)
      .sort();

  it('runs the whole cycle: register → approve → email → login → API key → unregister', async () => {
    const pendingBefore = await pendingNames(); // other tests' registrations, whichever ran first
    const registered = await register(valid('vigo'));
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ username: 'vigo', status: 'PENDING', role: 'OPERATOR' });
    expect(registered.body).not.toHaveProperty('passwordHash');

    const pendingLogin = await t.http('POST', '/api/auth/login', {
      body: { username: 'vigo', password: 'long-enough-pw' },
    });
    expect(pendingLogin.status).toBe(403);
    expect(pendingLogin.body.error.code).toBe('ACCOUNT_PENDING');

    expect(await pendingNames()).toEqual([...pendingBefore, 'vigo'].sort());

    const approved = await t.http('POST', '/api/admin/users/vigo/approve', { token: admin });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('ACTIVE');
    const mail = (await t.outbox()).find((m) => m.content.includes('To: vigo@example.org'));
    expect(mail?.content).toContain('Subject: Your SATNet account has been approved');

    const token = await t.login('vigo@example.org', 'long-enough-pw');
    expect((await t.http('GET', '/api/me', { token })).body).toMatchObject({
      username: 'vigo',
      status: 'ACTIVE',
    });

    const created = await t.http('POST', '/api/me/api-keys', { token, body: { name: 'gs-client' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^snk_/);
    const listed = await t.http('GET', '/api/me/api-keys', { token });
    expect(listed.body).toEqual([
      expect.objectContaining({ name: 'gs-client', prefix: created.body.key.slice(0, 12) }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect((await t.http('GET', '/api/me', { token: created.body.key })).body.username).toBe('vigo');

    const wrongPassword = await t.http('DELETE', '/api/me', { token, body: { password: 'not-my-password' } });
    expect(wrongPassword.status).toBe(400);
    expect(await userNames()).toContain('vigo');

    expect((await t.http('DELETE', '/api/me', { token, body: { password: 'long-enough-pw' } })).status).toBe(
      204,
    );
    expect(await userNames()).not.toContain('vigo');
    expect((await t.http('GET', '/api/me', { token: created.body.key })).status).toBe(401);
    expect(
      (await t.http('POST', '/api/auth/login', { body: { username: 'vigo', password: 'long-enough-pw' } }))
        .status,
    ).toBe(401);
  });

  describe('bad input changes nothing', () => {
    it('malformed JSON', async () => {
      const result = await t.http('POST', '/api/auth/register', { raw: '{"username": "a",' });
      expect(result.status).toBe(400);
      expect(result.body.error.code).toBe('MALFORMED_JSON');
    });

    it('unknown fields, invalid email and a short password get field-level errors', async () => {
      const before = await userNames();
      const result = await register({ ...valid('bad1'), email: 'not-an-email', isAdmin: true });
      expect(result.status).toBe(400);
      expect(result.body.error.code).toBe('VALIDATION_FAILED');
      expect(result.body.error.fields).toEqual(
        expect.arrayContaining([
          { field: 'isAdmin', message: 'is not a known field' },
          { field: 'email', message: 'must be a valid email address' },
        ]),
      );
      const short = await register({ ...valid('bad2'), password: 'short' });
      expect(short.status).toBe(400);
      expect(short.body.error.fields).toEqual([
        { field: 'password', message: 'must be at least 10 characters long' },
      ]);
      expect(await userNames()).toEqual(before);
    });

    it('duplicate username or email is a conflict', async () => {
      expect((await register(valid('dup'))).status).toBe(201);
      const sameName = await register({ ...valid('dup'), email: 'other@example.org' });
      expect(sameName.status).toBe(409);
      expect(sameName.body.error.code).toBe('USERNAME_TAKEN');
      const sameEmail = await register({ ...valid('dup2'), email: 'DUP@example.org' });
      expect(sameEmail.status).toBe(409);
      expect(sameEmail.body.error.code).toBe('EMAIL_TAKEN');
      expect((await userNames()).filter((name) => name.startsWith('dup'))).toEqual(['dup']);
    });

    it('a wrong password and an unknown user get the same generic 401', async () => {
      const wrong = await t.http('POST', '/api/auth/login', {
        body: { username: ADMIN.username, password: 'wrong-password' },
      });
      const unknown = await t.http('POST', '/api/auth/login', {
        body: { username: 'nobody', password: 'wrong-password' },
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    });

    it('tells the admins of a registration with the call that approves it, and that call works', async () => {
      await register(valid('mailed'));
      const notice = (await t.outbox()).find((m) =>
        m.content.includes('Subject: SATNet registration waiting for approval: mailed'),
      );
      expect(notice?.content).toContain('mailed (Org) registered and waits for your approval.');
      const approve = /curl -X POST (\S+) -H "authorization: Bearer \$ADMIN"/.exec(notice!.content)![1];
      expect(approve).toBe('http://localhost:8080/api/admin/users/mailed/approve');
      const approved = await t.http('POST', new URL(approve).pathname, { token: admin });
      expect(approved.body).toMatchObject({ username: 'mailed', status: 'ACTIVE' });
    });

    it('denied and suspended users are told why they cannot log in', async () => {
      await register(valid('denied'));
      const denied = await t.http('POST', '/api/admin/users/denied/deny', {
        token: admin,
        body: { reason: 'unknown organisation' },
      });
      expect(denied.body.status).toBe('DENIED');
      expect(
        (await t.outbox()).some(
          (m) => m.content.includes('To: denied@example.org') && m.content.includes('unknown organisation'),
        ),
      ).toBe(true);
      const deniedLogin = await t.http('POST', '/api/auth/login', {
        body: { username: 'denied', password: 'long-enough-pw' },
      });
      expect(deniedLogin.status).toBe(403);
      expect(deniedLogin.body.error).toMatchObject({
        code: 'ACCOUNT_DENIED',
        message: 'this account was denied: unknown organisation',
      });

      const { token } = await t.operator('suspended');
      await t.http('POST', '/api/admin/users/suspended/suspend', { token: admin, body: { reason: 'abuse' } });
      const withOldToken = await t.http('GET', '/api/me', { token });
      expect(withOldToken.status).toBe(401);
      const login = await t.http('POST', '/api/auth/login', {
        body: { username: 'suspended', password: 'suspended-password' },
      });
      expect(login.status).toBe(403);
      expect(login.body.error.code).toBe('ACCOUNT_SUSPENDED');

      await t.http('POST', '/api/admin/users/suspended/reactivate', { token: admin });
      expect(await t.login('suspended', 'suspended-password')).toMatch(/^sns_/);
    });

    it('non-admins cannot use admin routes', async () => {
      await register(valid('victim'));
      const { token } = await t.operator('mallory');
      const result = await t.http('POST', '/api/admin/users/victim/approve', { token });
      expect(result.status).toBe(403);
      expect(result.body.error.code).toBe('ADMIN_REQUIRED');
      expect(
        (await t.http('GET', '/api/admin/users?status=PENDING', { token: admin })).body.map(
          (u: { username: string }) => u.username,
        ),
      ).toContain('victim');
    });

    it('an illegal decision names the account state', async () => {
      await t.operator('active1');
      const result = await t.http('POST', '/api/admin/users/active1/approve', { token: admin });
      expect(result.status).toBe(409);
      expect(result.body.error.message).toContain('the account is ACTIVE');
    });

    it('expired, revoked and missing tokens are refused', async () => {
      const { token } = await t.operator('sessions');
      expect((await t.http('POST', '/api/auth/logout', { token })).status).toBe(204);
      const revoked = await t.http('GET', '/api/me', { token });
      expect(revoked.status).toBe(401);
      expect(revoked.body.error.code).toBe('TOKEN_REVOKED');

      const fresh = await t.login('sessions', 'sessions-password');
      t.clock.advance(24 * 3600_000 + 1);
      const expired = await t.http('GET', '/api/me', { token: fresh });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('TOKEN_EXPIRED');
      admin = await t.adminToken();

      expect((await t.http('GET', '/api/me')).body.error.code).toBe('AUTHENTICATION_REQUIRED');
      expect((await t.http('GET', '/api/me', { token: 'sns_forged' })).body.error.code).toBe('INVALID_TOKEN');
    });

    it('a revoked API key is refused; API keys cannot mint keys', async () => {
      const { token } = await t.operator('keys');
      const { body: key } = await t.http('POST', '/api/me/api-keys', { token, body: { name: 'k' } });
      const minted = await t.http('POST', '/api/me/api-keys', { token: key.key, body: { name: 'k2' } });
      expect(minted.status).toBe(403);
      expect(minted.body.error.code).toBe('SESSION_REQUIRED');
      expect((await t.http('DELETE', `/api/me/api-keys/${key.id}`, { token })).body.revokedAt).not.toBeNull();
      const refused = await t.http('GET', '/api/me', { token: key.key });
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('API_KEY_REVOKED');
    });
  });

  it('the last admin cannot unregister', async () => {
    const result = await t.http('DELETE', '/api/me', { token: admin, body: { password: ADMIN.password } });
    expect(result.status).toBe(409);
    expect(result.body.error.code).toBe('LAST_ADMIN');
  });

  it('serves health and the OpenAPI document', async () => {
    expect((await t.http('GET', '/health')).body).toMatchObject({
      status: 'ok',
      database: { status: 'up', kind: t.database.kind },
    });
    const docs = await t.http('GET', '/api/docs.json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/register', '/api/me/api-keys']),
    );
  });
});

describe('login and registration throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ SATNET_AUTH_THROTTLE_LIMIT: '3', SATNET_AUTH_THROTTLE_WINDOW_SECONDS: '60' });
  });
  afterAll(() => t.stop());

  it('refuses the attempt over the limit until the window passes', async () => {
    const attempt = () =>
      t.http('POST', '/api/auth/login', { body: { username: 'x', password: 'wrong-password' } });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(limited.headers.get('retry-after')).toBe('60');
    t.clock.advance(60_000);
    expect((await attempt()).status).toBe(401);
  });
});
