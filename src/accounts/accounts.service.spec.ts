// SPDX-License-Identifier: Apache-2.0
import { ServiceHarness } from '../../test/helpers/service-harness';
import { AccountsModule } from './accounts.module';
import { AccountsService } from './accounts.service';
import { ApiKeysService } from './api-keys.service';
import { AccountsFixture, anonymous, PASSWORD, registration } from './testing/accounts-fixture';

describe('AccountsService', () => {
  let harness: ServiceHarness;
  let fixture: AccountsFixture;
  let accounts: AccountsService;

  beforeEach(async () => {
    harness = await ServiceHarness.start([AccountsModule], {
      SATNET_SESSION_TTL_MINUTES: '60',
      SATNET_PASSWORD_MIN_LENGTH: '12',
    });
    fixture = new AccountsFixture(harness);
    accounts = harness.get(AccountsService);
  });

  afterEach(() => harness.stop());

  it('registers an operator awaiting approval, stamped with the clock, without the password hash', async () => {
    const user = await accounts.register(anonymous(), { ...registration('ada'), email: 'Ada@Example.TEST' });
    expect(user).toEqual({
      id: expect.any(String),
      username: 'ada',
      email: 'ada@example.test',
      organisation: 'Test Org',
      role: 'OPERATOR',
      status: 'PENDING',
      statusReason: null,
      createdAt: '2030-01-01T00:00:00.000Z',
    });
  });

  it('refuses a taken username or email, and a password shorter than the policy', async () => {
    await accounts.register(anonymous(), registration('ada'));
    await expect(accounts.register(anonymous(), registration('ada'))).rejects.toMatchObject({
      code: 'USERNAME_TAKEN',
    });
    await expect(
      accounts.register(anonymous(), { ...registration('bob'), email: 'ADA@example.test' }),
    ).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    await expect(
      accounts.register(anonymous(), { ...registration('bob'), password: 'short-pw' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'password' }] });
  });

  it('lets nobody in until an admin approves, and answers a wrong password and an unknown user alike', async () => {
    await accounts.register(anonymous(), registration('ada'));
    await expect(accounts.login(anonymous(), 'ada', PASSWORD)).rejects.toMatchObject({
      code: 'ACCOUNT_PENDING',
    });
    await expect(accounts.login(anonymous(), 'ada', 'wrong-password-1')).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    await expect(accounts.login(anonymous(), 'nobody', PASSWORD)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
  });

  it('issues a session that authenticates until its TTL runs out on the clock', async () => {
    await fixture.operator('ada', await fixture.adminContext());
    const login = await accounts.login(anonymous(), 'ada@example.test', PASSWORD);
    expect(login.expiresAt).toBe('2030-01-01T01:00:00.000Z');
    expect(await accounts.authenticate(login.token)).toMatchObject({ username: 'ada', via: 'SESSION' });

    harness.clock.advance(60 * 60_000 - 1);
    await expect(accounts.authenticate(login.token)).resolves.toMatchObject({ username: 'ada' });
    harness.clock.advance(1);
    await expect(accounts.authenticate(login.token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('rejects unknown tokens, and a session after logout', async () => {
    const ada = await fixture.operator('ada', await fixture.adminContext());
    await expect(accounts.authenticate('not-a-token')).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    const { token } = await accounts.login(anonymous(), 'ada', PASSWORD);
    await accounts.logout({ ...ada, actor: await accounts.authenticate(token) });
    await expect(accounts.authenticate(token)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    await expect(accounts.me(ada)).resolves.toMatchObject({ username: 'ada', status: 'ACTIVE' });
  });

  it('unregisters only with a session and the right password, and then the account is gone', async () => {
    const ada = await fixture.operator('ada', await fixture.adminContext());
    const { key } = await harness.get(ApiKeysService).create(ada, 'station');
    const viaKey = { ...ada, actor: await accounts.authenticate(key) };
    await expect(accounts.unregister(viaKey, PASSWORD)).rejects.toMatchObject({ code: 'SESSION_REQUIRED' });
    await expect(accounts.unregister(ada, 'wrong-password-1')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });

    await accounts.unregister(ada, PASSWORD);
    await expect(accounts.login(anonymous(), 'ada', PASSWORD)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    await expect(accounts.authenticate(key)).rejects.toMatchObject({ code: 'INVALID_API_KEY' });
  });

  it('keeps the last active admin', async () => {
    const root = await fixture.adminContext();
    await expect(accounts.unregister(root, PASSWORD)).rejects.toMatchObject({ code: 'LAST_ADMIN' });
  });
});
