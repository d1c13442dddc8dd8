import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountsService } from '../../accounts/accounts.service';
import { ApiKeysService } from '../../accounts/api-keys.service';
import { CreateApiKeyDto, LoginDto, RegisterDto, UnregisterDto } from '../../accounts/dto/account.dto';
import type { RequestContext } from '../../common/request-context';
import { Public } from '../http-auth';
import { Ctx } from './auth';

@ApiTags('accounts')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly accounts: AccountsService) {}

  @Public()
  @Post('register')
  register(@Ctx() ctx: RequestContext, @Body() body: RegisterDto) {
    return this.accounts.register(ctx, body);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Ctx() ctx: RequestContext, @Body() body: LoginDto) {
    return this.accounts.login(ctx, body.username, body.password);
  }

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

  @Get()
  me(@Ctx() ctx: RequestContext) {
    return this.accounts.me(ctx);
  }

  @Delete()
  @HttpCode(204)
  unregister(@Ctx() ctx: RequestContext, @Body() body: UnregisterDto) {
    return this.accounts.unregister(ctx, body.password);
  }

  @Post('api-keys')
  createApiKey(@Ctx() ctx: RequestContext, @Body() body: CreateApiKeyDto) {
    return this.apiKeys.create(ctx, body.name);
  }

  @Get('api-keys')
  listApiKeys(@Ctx() ctx: RequestContext) {
    return this.apiKeys.list(ctx);
  }

  @Delete('api-keys/:id')
  revokeApiKey(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.apiKeys.revoke(ctx, id);
  }
}
