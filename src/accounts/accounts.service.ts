// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../common/clock';
import { DomainEvents } from '../common/domain-events';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  UnauthenticatedError,
  ValidationFailedError,
} from '../common/errors';
import { type Actor, type RequestContext, requireActor } from '../common/request-context';
import { Database } from '../database/database.service';
import { isUniqueViolation } from '../database/unique-violation';
import { accountPayload } from './account-events';
import { type UserView, userView } from './account-views';
import { AuthThrottle } from './auth-throttle';
import { CredentialsRepository } from './credentials.repository';
import { hashPassword, UNUSABLE_PASSWORD_HASH, verifyPassword } from './password-hasher';
import { hashSecret, newSecret, SECRET_PREFIX } from './secrets';
import type { Session } from './session.entity';
import { UserDeletion } from './user-deletion';
import type { User } from './user.entity';
import { UsersRepository } from './users.repository';

export interface Registration {
  username: string;
  email: string;
  password: string;
  organisation: string;
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: UserView;
}

/** Registration, login, bearer authentication and unregistering (DESIGN §3 "Accounts"). */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly credentials: CredentialsRepository,
    private readonly throttle: AuthThrottle,
    private readonly events: DomainEvents,
    private readonly deletion: UserDeletion,
  ) {}

  async register(ctx: RequestContext, input: Registration): Promise<UserView> {
    this.throttle.consume('register', ctx.clientAddress);
    this.checkPasswordPolicy(input.password);
    const passwordHash = await hashPassword(input.password);
    const user = await this.insertUser(input, passwordHash, 'OPERATOR', 'PENDING');
    this.logger.log({ username: user.username }, 'account registered, awaiting approval');
    return userView(user);
  }

  /** Creates an active admin (CLI `admin:create`, or the first admin from the environment). */
  async createAdmin(input: Registration): Promise<UserView> {
    this.checkPasswordPolicy(input.password);
    const passwordHash = await hashPassword(input.password);
    const user = await this.insertUser(input, passwordHash, 'ADMIN', 'ACTIVE');
    this.logger.log({ username: user.username }, 'admin account created');
    return userView(user);
  }

  async login(ctx: RequestContext, login: string, password: string): Promise<LoginResult> {
    this.throttle.consume('login', ctx.clientAddress);
    const user = await this.users.findByLogin(login);
    // Verify even for unknown users, so timing does not tell which usernames exist.
    const valid = await verifyPassword(password, user?.passwordHash ?? UNUSABLE_PASSWORD_HASH);
    if (!user || !valid) {
      this.logger.warn({ login, clientAddress: ctx.clientAddress }, 'failed login');
      throw new UnauthenticatedError('INVALID_CREDENTIALS', 'invalid username or password');
    }
    this.ensureActive(user);
    const token = newSecret(SECRET_PREFIX.session);
    const now = this.clock.now();
    const session: Session = {
      id: randomUUID(),
      userId: user.id,
      tokenHash: hashSecret(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.auth.sessionTtlMinutes * 60_000),
      revokedAt: null,
    };
    await this.db.transaction(() => this.credentials.saveSession(session));
    this.logger.log({ username: user.username }, 'login');
    return { token, expiresAt: session.expiresAt.toISOString(), user: userView(user) };
  }

  async logout(ctx: RequestContext): Promise<void> {
    const actor = requireActor(ctx);
    if (actor.via !== 'SESSION')
      throw new ForbiddenError('SESSION_REQUIRED', 'logout ends a login session; revoke API keys instead');
    await this.db.transaction(async () => {
      const session = await this.credentials.findSessionById(actor.credentialId);
      if (session && !session.revokedAt)
        await this.credentials.saveSession({ ...session, revokedAt: this.clock.now() });
    });
  }

  /** Resolves a bearer token (login token or API key) to the calling actor. */
  async authenticate(token: string): Promise<Actor> {
    if (token.startsWith(SECRET_PREFIX.apiKey)) return this.authenticateApiKey(token);
    const found = token.startsWith(SECRET_PREFIX.session)
      ? await this.credentials.findSessionByHash(hashSecret(token))
      : null;
    if (!found)
      throw new UnauthenticatedError('INVALID_TOKEN', 'the bearer token is not valid; log in again');
    const { session, user } = found;
    if (session.revokedAt)
      throw new UnauthenticatedError('TOKEN_REVOKED', 'this token was revoked; log in again');
    if (session.expiresAt.getTime() <= this.clock.nowMs())
      throw new UnauthenticatedError('TOKEN_EXPIRED', 'this token has expired; log in again');
    return this.actorOf(user, 'SESSION', session.id);
  }

  /** API keys authenticate station and mission software (REST, JSON-RPC and the TLS gateway). */
  async authenticateApiKey(key: string): Promise<Actor> {
    const apiKey = await this.credentials.findApiKeyByHash(hashSecret(key));
    if (!apiKey) throw new UnauthenticatedError('INVALID_API_KEY', 'the API key is not valid');
    if (apiKey.revokedAt) throw new UnauthenticatedError('API_KEY_REVOKED', 'this API key was revoked');
    const actor = this.actorOf(await this.users.findById(apiKey.userId), 'API_KEY', apiKey.id);
    const now = this.clock.now();
    // Record use at most once a minute: a busy client must not turn every call into a write.
    if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > 60_000)
      await this.db.transaction(() => this.credentials.touchApiKey(apiKey.id, now));
    return actor;
  }

  async me(ctx: RequestContext): Promise<UserView> {
    return userView(await this.currentUser(ctx));
  }

  async unregister(ctx: RequestContext, password: string): Promise<void> {
    const actor = requireActor(ctx);
    if (actor.via !== 'SESSION')
      throw new ForbiddenError('SESSION_REQUIRED', 'unregistering needs a login session, not an API key');
    const user = await this.currentUser(ctx);
    if (!(await verifyPassword(password, user.passwordHash)))
      throw new ValidationFailedError([{ field: 'password', message: 'password is incorrect' }]);
    await this.db.transaction(async () => {
      if (user.role === 'ADMIN' && (await this.users.activeAdmins()).length <= 1)
        throw new DomainError(
          'STATE',
          'LAST_ADMIN',
          'the last active admin cannot unregister; appoint another admin first',
        );
      await this.deletion.deleteAll(ctx, user.id);
      await this.users.delete(user.id);
      await this.events.publish('account.unregistered', accountPayload(user));
    });
    this.logger.log({ username: user.username }, 'account unregistered and its data deleted');
  }

  /** The user with this id, or null (for other modules naming a user; no permission check). */
  findUser(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  /** The users with these ids that still exist (for other modules naming several users at once). */
  findUsers(ids: string[]): Promise<User[]> {
    return this.users.findByIds(ids);
  }

  async currentUser(ctx: RequestContext): Promise<User> {
    const user = await this.users.findById(requireActor(ctx).userId);
    if (!user)
      throw new UnauthenticatedError('INVALID_TOKEN', 'the account behind this token no longer exists');
    return user;
  }

  checkPasswordPolicy(password: string): void {
    const min = this.config.auth.passwordMinLength;
    if (password.length < min)
      throw new ValidationFailedError([
        { field: 'password', message: `must be at least ${min} characters long` },
      ]);
  }

  private actorOf(user: User | null, via: Actor['via'], credentialId: string): Actor {
    if (!user)
      throw new UnauthenticatedError('INVALID_TOKEN', 'the account behind this credential no longer exists');
    this.ensureActive(user);
    return { userId: user.id, username: user.username, role: user.role, via, credentialId };
  }

  private ensureActive(user: User): void {
    const reason = user.statusReason ? `: ${user.statusReason}` : '';
    switch (user.status) {
      case 'ACTIVE':
        return;
      case 'PENDING':
        throw new ForbiddenError(
          'ACCOUNT_PENDING',
          'this account is waiting for an administrator to approve it',
        );
      case 'DENIED':
        throw new ForbiddenError('ACCOUNT_DENIED', `this account was denied${reason}`);
      case 'SUSPENDED':
        throw new ForbiddenError('ACCOUNT_SUSPENDED', `this account is suspended${reason}`);
    }
  }

  private async insertUser(
    input: Registration,
    passwordHash: string,
    role: User['role'],
    status: User['status'],
  ): Promise<User> {
    try {
      return await this.db.transaction(async () => {
        await this.ensureAvailable(input.username, input.email);
        const user = await this.users.save(this.newUser(input, passwordHash, role, status));
        if (status === 'PENDING')
          await this.events.publish('account.registered', {
            ...accountPayload(user),
            organisation: input.organisation,
          });
        return user;
      });
    } catch (error) {
      // Two registrations racing for one name: the database's unique index decides.
      if (isUniqueViolation(error))
        throw new ConflictError(
          'USERNAME_OR_EMAIL_TAKEN',
          'this username or email address is already registered',
        );
      throw error;
    }
  }

  private async ensureAvailable(username: string, email: string): Promise<void> {
    const taken = await this.users.usernameOrEmailTaken(username, email);
    if (taken.username)
      throw new ConflictError('USERNAME_TAKEN', `the username "${username}" is already registered`);
    if (taken.email)
      throw new ConflictError('EMAIL_TAKEN', 'an account with this email address already exists');
  }

  private newUser(
    input: Registration,
    passwordHash: string,
    role: User['role'],
    status: User['status'],
  ): User {
    const now = this.clock.now();
    return {
      id: randomUUID(),
      username: input.username,
      email: input.email.toLowerCase(),
      passwordHash,
      organisation: input.organisation,
      role,
      status,
      statusReason: null,
      createdAt: now,
      updatedAt: now,
    };
  }
}
