// SPDX-License-Identifier: Apache-2.0
import type { ServiceHarness } from '../../../test/helpers/service-harness';
import type { RequestContext } from '../../common/request-context';
import { AccountsService } from '../accounts.service';
import { AdminService } from '../admin.service';

export const PASSWORD = 'correct-horse-battery';

/** Users made and logged in through the real services, so specs hold real session contexts. */
export class AccountsFixture {
  constructor(private readonly harness: ServiceHarness) {}

  get accounts(): AccountsService {
    return this.harness.get(AccountsService);
  }

  get admin(): AdminService {
    return this.harness.get(AdminService);
  }

  async adminContext(username = 'root'): Promise<RequestContext> {
    await this.accounts.createAdmin(registration(username));
    return this.login(username);
  }

  /** A registered account, approved by `approver` (an admin context). */
  async operator(username: string, approver: RequestContext): Promise<RequestContext> {
    await this.accounts.register(anonymous(), registration(username));
    await this.admin.approve(approver, username);
    return this.login(username);
  }

  async login(username: string): Promise<RequestContext> {
    const { token } = await this.accounts.login(anonymous(), username, PASSWORD);
    return { actor: await this.accounts.authenticate(token), clientAddress: '127.0.0.1' };
  }
}

export function registration(username: string) {
  return { username, email: `${username}@example.test`, password: PASSWORD, organisation: 'Test Org' };
}

export function anonymous(): RequestContext {
  return { actor: null, clientAddress: '127.0.0.1' };
}
