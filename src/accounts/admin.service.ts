// SPDX-License-Identifier: Apache-2.0
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../common/clock';
import { DomainEvents } from '../common/domain-events';
import { DomainError, ForbiddenError, NotFoundError } from '../common/errors';
import { type RequestContext, requireActor } from '../common/request-context';
import { Database } from '../database/database.service';
import { accountPayload } from './account-events';
import { type UserView, userView } from './account-views';
import { AccountsService } from './accounts.service';
import { CredentialsRepository } from './credentials.repository';
import type { User, UserStatus } from './user.entity';
import { UsersRepository } from './users.repository';

/** Which statuses each admin decision may start from, and where it leads. */
const DECISIONS = {
  approve: { from: ['PENDING', 'DENIED'], to: 'ACTIVE' },
  deny: { from: ['PENDING'], to: 'DENIED' },
  suspend: { from: ['ACTIVE'], to: 'SUSPENDED' },
  reactivate: { from: ['SUSPENDED'], to: 'ACTIVE' },
} as const satisfies Record<string, { from: readonly UserStatus[]; to: UserStatus }>;

type Decision = keyof typeof DECISIONS;

/** The N-operator's work: reviewing registrations and suspending accounts (DESIGN §3). */
@Injectable()
export class AdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly credentials: CredentialsRepository,
    private readonly accounts: AccountsService,
    private readonly events: DomainEvents,
  ) {}

  /** SATNET_ADMIN_EMAIL + SATNET_ADMIN_PASSWORD create the first admin when there is none. */
  async onApplicationBootstrap(): Promise<void> {
    const { username, email, password } = this.config.admin;
    if (!email || !password) return;
    if ((await this.users.activeAdmins()).length > 0) return;
    await this.accounts.createAdmin({ username, email, password, organisation: 'SATNet administration' });
  }

  async listUsers(ctx: RequestContext, status?: UserStatus): Promise<UserView[]> {
    this.requireAdmin(ctx);
    return (await this.users.list(status)).map(userView);
  }

  approve(ctx: RequestContext, username: string): Promise<UserView> {
    return this.decide(ctx, username, 'approve', null);
  }

  deny(ctx: RequestContext, username: string, reason: string): Promise<UserView> {
    return this.decide(ctx, username, 'deny', reason);
  }

  suspend(ctx: RequestContext, username: string, reason: string | null): Promise<UserView> {
    return this.decide(ctx, username, 'suspend', reason);
  }

  reactivate(ctx: RequestContext, username: string): Promise<UserView> {
    return this.decide(ctx, username, 'reactivate', null);
  }

  private async decide(ctx: RequestContext, username: string, decision: Decision, reason: string | null) {
    const admin = this.requireAdmin(ctx);
    const user = await this.db.transaction(async () => {
      const target = await this.users.findByUsername(username);
      if (!target) throw new NotFoundError('USER_NOT_FOUND', `no user named "${username}"`);
      if (target.id === admin.userId)
        throw new ForbiddenError('SELF_DECISION', 'admins cannot approve, deny or suspend their own account');
      const rule = DECISIONS[decision];
      if (!(rule.from as readonly UserStatus[]).includes(target.status))
        throw new DomainError(
          'STATE',
          'ILLEGAL_ACCOUNT_STATE',
          `cannot ${decision} "${username}": the account is ${target.status} (expected ${rule.from.join(' or ')})`,
        );
      const updated = await this.users.save({
        ...target,
        status: rule.to,
        statusReason: reason,
        updatedAt: this.clock.now(),
      });
      if (rule.to !== 'ACTIVE') await this.credentials.revokeSessionsOf(target.id, this.clock.now());
      await this.publishDecision(decision, updated, reason);
      return updated;
    });
    this.logger.log({ admin: admin.username, username, decision }, `account ${decision}`);
    return userView(user);
  }

  private publishDecision(decision: Decision, user: User, reason: string | null): Promise<void> {
    const payload = accountPayload(user);
    switch (decision) {
      case 'approve':
        return this.events.publish('account.approved', payload);
      case 'deny':
        return this.events.publish('account.denied', { ...payload, reason: reason ?? '' });
      case 'suspend':
        return this.events.publish('account.suspended', { ...payload, reason });
      case 'reactivate':
        return this.events.publish('account.reactivated', payload);
    }
  }

  private requireAdmin(ctx: RequestContext) {
    const actor = requireActor(ctx);
    if (actor.role !== 'ADMIN') throw new ForbiddenError('ADMIN_REQUIRED', 'only administrators may do this');
    return actor;
  }
}
