// SPDX-License-Identifier: Apache-2.0
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountsService } from '../../accounts/accounts.service';
import { ApiKeysService } from '../../accounts/api-keys.service';
import { CreateApiKeyDto, LoginDto, RegisterDto, UnregisterDto } from '../../accounts/dto/account.dto';
import type { RequestContext } from '../../common/request-context';
import { Public } from '../http-auth';
import { Ctx } from './auth';
import { ApiDoc } from './openapi';
import { API_KEY, API_KEY_CREATED, arrayOf, LOGIN, USER } from './openapi-schemas';

@ApiTags('accounts')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly accounts: AccountsService) {}

  @ApiDoc({
    summary: 'Register an account (PENDING until an admin approves it)',
    ok: { status: 201, schema: USER },
    public: true,
    body: true,
    errors: ['USERNAME_OR_EMAIL_TAKEN', 'TOO_MANY_REQUESTS'],
  })
  @Public()
  @Post('register')
  register(@Ctx() ctx: RequestContext, @Body() body: RegisterDto) {
    return this.accounts.register(ctx, body);
  }

  @ApiDoc({
    summary: 'Log in: a bearer token for the API',
    ok: { schema: LOGIN },
    public: true,
    body: true,
    errors: [
      'INVALID_CREDENTIALS',
      'ACCOUNT_PENDING',
      'ACCOUNT_DENIED',
      'ACCOUNT_SUSPENDED',
      'TOO_MANY_REQUESTS',
    ],
  })
  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Ctx() ctx: RequestContext, @Body() body: LoginDto) {
    return this.accounts.login(ctx, body.username, body.password);
  }

  @ApiDoc({ summary: 'Log out: revoke this login token', ok: null, errors: ['SESSION_REQUIRED'] })
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  logout(@Ctx() ctx: RequestContext) {
    return this.accounts.logout(ctx);
  }
}

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/me')
export class MeController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @ApiDoc({ summary: 'Your account', ok: { schema: USER } })
  @Get()
  me(@Ctx() ctx: RequestContext) {
    return this.accounts.me(ctx);
  }

  @ApiDoc({
    summary: 'Unregister: delete your account and everything it owns',
    description: 'Slots booked with other users are cancelled first and the other side is told.',
    ok: null,
    body: true,
    errors: ['SESSION_REQUIRED', 'LAST_ADMIN'],
  })
  @Delete()
  @HttpCode(204)
  unregister(@Ctx() ctx: RequestContext, @Body() body: UnregisterDto) {
    return this.accounts.unregister(ctx, body.password);
  }

  @ApiDoc({
    summary: 'Create an API key for station or mission software (shown once)',
    ok: { status: 201, schema: API_KEY_CREATED },
    body: true,
    errors: ['SESSION_REQUIRED'],
  })
  @Post('api-keys')
  createApiKey(@Ctx() ctx: RequestContext, @Body() body: CreateApiKeyDto) {
    return this.apiKeys.create(ctx, body.name);
  }

  @ApiDoc({ summary: 'Your API keys (never the keys themselves)', ok: { schema: arrayOf(API_KEY) } })
  @Get('api-keys')
  listApiKeys(@Ctx() ctx: RequestContext) {
    return this.apiKeys.list(ctx);
  }

  @ApiDoc({
    summary: 'Revoke an API key',
    ok: { schema: API_KEY },
    errors: ['SESSION_REQUIRED', 'API_KEY_NOT_FOUND'],
  })
  @Delete('api-keys/:id')
  revokeApiKey(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.apiKeys.revoke(ctx, id);
  }
}
