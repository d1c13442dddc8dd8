// SPDX-License-Identifier: Apache-2.0
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AccountsService } from '../../../accounts/accounts.service';
import { AdminService } from '../../../accounts/admin.service';
import { ApiKeysService } from '../../../accounts/api-keys.service';
import {
  ApiKeyIdDto,
  CreateApiKeyDto,
  DenyUserDto,
  ListUsersDto,
  LoginDto,
  RegisterDto,
  SuspendUserDto,
  UnregisterDto,
  UsernameDto,
} from '../../../accounts/dto/account.dto';
import { JsonRpcMethods } from '../json-rpc-methods';

/** Account operations over JSON-RPC; each maps to the REST route named in docs/api.md. */
@Injectable()
export class AccountsMethods implements OnModuleInit {
  constructor(
    private readonly methods: JsonRpcMethods,
    private readonly accounts: AccountsService,
    private readonly admin: AdminService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  onModuleInit(): void {
    const m = this.methods;
    m.register({
      name: 'register',
      description: 'Register an account (PENDING until an admin approves it).',
      params: RegisterDto,
      public: true,
      handler: (ctx, p) => this.accounts.register(ctx, p),
    });
    m.register({
      name: 'login',
      description: 'Exchange username (or email) and password for a bearer token.',
      params: LoginDto,
      positional: ['username', 'password'],
      public: true,
      handler: (ctx, p) => this.accounts.login(ctx, p.username, p.password),
    });
    m.register({
      name: 'logout',
      description: 'Revoke the bearer token of this call.',
      handler: (ctx) => this.accounts.logout(ctx),
    });
    m.register({
      name: 'get_account',
      description: 'The calling account.',
      handler: (ctx) => this.accounts.me(ctx),
    });
    m.register({
      name: 'unregister',
      description: 'Delete the calling account and everything it owns (password confirmation).',
      params: UnregisterDto,
      handler: (ctx, p) => this.accounts.unregister(ctx, p.password),
    });
    m.register({
      name: 'create_api_key',
      description: 'Create an API key for station or mission software; the key is shown once.',
      params: CreateApiKeyDto,
      positional: ['name'],
      handler: (ctx, p) => this.apiKeys.create(ctx, p.name),
    });
    m.register({
      name: 'list_api_keys',
      description: 'Your API keys (never their secrets).',
      handler: (ctx) => this.apiKeys.list(ctx),
    });
    m.register({
      name: 'revoke_api_key',
      description: 'Revoke one of your API keys.',
      params: ApiKeyIdDto,
      positional: ['id'],
      handler: (ctx, p) => this.apiKeys.revoke(ctx, p.id),
    });
    this.registerAdminMethods();
  }

  private registerAdminMethods(): void {
    const m = this.methods;
    m.register({
      name: 'list_users',
      description: 'Admin: list accounts, optionally by status.',
      params: ListUsersDto,
      positional: ['status'],
      handler: (ctx, p) => this.admin.listUsers(ctx, p.status),
    });
    m.register({
      name: 'approve_user',
      description: 'Admin: approve a pending account (sends the approval email).',
      params: UsernameDto,
      positional: ['username'],
      handler: (ctx, p) => this.admin.approve(ctx, p.username),
    });
    m.register({
      name: 'deny_user',
      description: 'Admin: deny a pending account with a reason (sends a notice).',
      params: DenyUserDto,
      positional: ['username', 'reason'],
      handler: (ctx, p) => this.admin.deny(ctx, p.username, p.reason),
    });
    m.register({
      name: 'suspend_user',
      description: 'Admin: suspend an active account.',
      params: SuspendUserDto,
      positional: ['username', 'reason'],
      handler: (ctx, p) => this.admin.suspend(ctx, p.username, p.reason ?? null),
    });
    m.register({
      name: 'reactivate_user',
      description: 'Admin: reactivate a suspended account.',
      params: UsernameDto,
      positional: ['username'],
      handler: (ctx, p) => this.admin.reactivate(ctx, p.username),
    });
  }
}
