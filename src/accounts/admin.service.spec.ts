// SPDX-License-Identifier: Apache-2.0
import type { RequestContext } from '../common/request-context';
import { ServiceHarness } from '../../test/helpers/service-harness';
import { AccountsModule } from './accounts.module';
import { AccountsService } from './accounts.service';
import { AdminService } from './admin.service';
import { AccountsFixture, anonymous, PASSWORD, registration } from './testing/accounts-fixture';

describe('AdminService', () => {
  let harness: ServiceHarness;
  let fixture: AccountsFixture;
  let admin: AdminService;
  let root: RequestContext;

  beforeEach(async () => {
    harness = await ServiceHarness.start([AccountsModule]);
    fixture = new AccountsFixture(harness);
    admin = harness.get(AdminService);
    root = await fixture.adminContext();
    await harness.get(AccountsService).register(anonymous(), registration('ada'));
  });

  afterEach(() => harness.stop());

  it('approves a pending account, and then it can log in', async () => {
    expect(await admin.approve(root, 'ada')).toMatchObject({ username: 'ada', status: 'ACTIVE' });
    await expect(fixture.login('ada')).resolves.toMatchObject({ actor: { username: 'ada' } });
  });

  it('lists accounts, filtered by status', async () => {
    expect((await admin.listUsers(root, 'PENDING')).map((user) => user.username)).toEqual(['ada']);
    expect((await admin.listUsers(root)).map((user) => user.username).sort()).toEqual(['ada', 'root']);
  });

  it('denies with a reason the user is told at login; a denied account may still be approved', async () => {
    expect(await admin.deny(root, 'ada', 'unknown organisation')).toMatchObject({
      status: 'DENIED',
      statusReason: 'unknown organisation',
    });
    await expect(fixture.login('ada')).rejects.toMatchObject({
      code: 'ACCOUNT_DENIED',
      message: 'this account was denied: unknown organisation',
    });
    expect(await admin.approve(root, 'ada')).toMatchObject({ status: 'ACTIVE', statusReason: null });
  });

  it('suspending ends the sessions the account holds; reactivating lets it log in again', async () => {
    await admin.approve(root, 'ada');
    const { token } = await harness.get(AccountsService).login(anonymous(), 'ada', PASSWORD);
    await admin.suspend(root, 'ada', null);
    await expect(harness.get(AccountsService).authenticate(token)).rejects.toMatchObject({
      code: 'TOKEN_REVOKED',
    });
    await expect(fixture.login('ada')).rejects.toMatchObject({ code: 'ACCOUNT_SUSPENDED' });
    await admin.reactivate(root, 'ada');
    await expect(fixture.login('ada')).resolves.toMatchObject({ actor: { username: 'ada' } });
  });

  it('refuses decisions the account state does not allow, on unknown users and on oneself', async () => {
    await expect(admin.suspend(root, 'ada', null)).rejects.toMatchObject({ code: 'ILLEGAL_ACCOUNT_STATE' });
    await expect(admin.reactivate(root, 'ada')).rejects.toMatchObject({ code: 'ILLEGAL_ACCOUNT_STATE' });
    await admin.approve(root, 'ada');
    await expect(admin.deny(root, 'ada', 'late')).rejects.toMatchObject({ code: 'ILLEGAL_ACCOUNT_STATE' });
    await expect(admin.approve(root, 'nobody')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(admin.suspend(root, 'root', null)).rejects.toMatchObject({ code: 'SELF_DECISION' });
  });

  it('is for admins only', async () => {
    await admin.approve(root, 'ada');
    const ada = await fixture.login('ada');
    await expect(admin.listUsers(ada)).rejects.toMatchObject({ code: 'ADMIN_REQUIRED' });
    await expect(admin.suspend(ada, 'root', null)).rejects.toMatchObject({ code: 'ADMIN_REQUIRED' });
    await expect(admin.listUsers(anonymous())).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
  });

  it('creates the first admin from the configuration when there is none', async () => {
    const seeded = await ServiceHarness.start([AccountsModule], {
      SATNET_ADMIN_EMAIL: 'boss@example.test',
      SATNET_ADMIN_PASSWORD: PASSWORD,
    });
    try {
      const { user } = await seeded.get(AccountsService).login(anonymous(), 'boss@example.test', PASSWORD);
      expect(user).toMatchObject({ role: 'ADMIN', status: 'ACTIVE' });
    } finally {
      await seeded.stop();
    }
  });
});
