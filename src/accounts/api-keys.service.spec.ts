// SPDX-License-Identifier: Apache-2.0
import type { RequestContext } from '../common/request-context';
import { ServiceHarness } from '../../test/helpers/service-harness';
import { AccountsModule } from './accounts.module';
import { AccountsService } from './accounts.service';
import { ApiKeysService } from './api-keys.service';
import { AccountsFixture } from './testing/accounts-fixture';

describe('ApiKeysService', () => {
  let harness: ServiceHarness;
  let keys: ApiKeysService;
  let accounts: AccountsService;
  let ada: RequestContext;

  beforeEach(async () => {
    harness = await ServiceHarness.start([AccountsModule]);
    keys = harness.get(ApiKeysService);
    accounts = harness.get(AccountsService);
    const fixture = new AccountsFixture(harness);
    ada = await fixture.operator('ada', await fixture.adminContext());
  });

  afterEach(() => harness.stop());

  it('shows the secret once; the list shows its prefix, never the secret', async () => {
    const created = await keys.create(ada, 'ground station');
    expect(created).toMatchObject({ name: 'ground station', createdAt: '2030-01-01T00:00:00.000Z' });
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const listed = await keys.list(ada);
    expect(listed).toEqual([
      {
        id: created.id,
        name: 'ground station',
        prefix: created.prefix,
        createdAt: created.createdAt,
        lastUsedAt: null,
        revokedAt: null,
      },
    ]);
  });

  it('authenticates as its owner and records use at most once a minute', async () => {
    const { key } = await keys.create(ada, 'mission');
    harness.clock.advance(1000);
    expect(await accounts.authenticate(key)).toMatchObject({ username: 'ada', via: 'API_KEY' });
    const firstUse = '2030-01-01T00:00:01.000Z';
    expect((await keys.list(ada))[0].lastUsedAt).toBe(firstUse);

    harness.clock.advance(60_000);
    await accounts.authenticate(key);
    expect((await keys.list(ada))[0].lastUsedAt).toBe(firstUse);
    harness.clock.advance(1);
    await accounts.authenticate(key);
    expect((await keys.list(ada))[0].lastUsedAt).toBe('2030-01-01T00:01:01.001Z');
  });

  it('a revoked key no longer authenticates; revoking again changes nothing', async () => {
    const { id, key } = await keys.create(ada, 'mission');
    harness.clock.advance(5000);
    const revoked = await keys.revoke(ada, id);
    expect(revoked.revokedAt).toBe('2030-01-01T00:00:05.000Z');
    await expect(accounts.authenticate(key)).rejects.toMatchObject({ code: 'API_KEY_REVOKED' });
    harness.clock.advance(5000);
    expect((await keys.revoke(ada, id)).revokedAt).toBe(revoked.revokedAt);
  });

  it("needs a login session to create or revoke keys, and revokes only the caller's own keys", async () => {
    const { id, key } = await keys.create(ada, 'mission');
    const viaKey = { ...ada, actor: await accounts.authenticate(key) };
    await expect(keys.create(viaKey, 'minted')).rejects.toMatchObject({ code: 'SESSION_REQUIRED' });
    await expect(keys.revoke(viaKey, id)).rejects.toMatchObject({ code: 'SESSION_REQUIRED' });
    expect(await keys.list(viaKey)).toHaveLength(1);

    const root = await new AccountsFixture(harness).login('root');
    await expect(keys.revoke(root, id)).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
  });
});
