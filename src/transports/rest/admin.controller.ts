// SPDX-License-Identifier: Apache-2.0
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminService } from '../../accounts/admin.service';
import { ListUsersDto, OptionalReasonDto, ReasonDto } from '../../accounts/dto/account.dto';
import type { RequestContext } from '../../common/request-context';
import { Ctx } from './auth';
import { ApiDoc } from './openapi';
import { arrayOf, USER } from './openapi-schemas';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/admin/users')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @ApiDoc({
    summary: 'Accounts, optionally by status (admin)',
    ok: { schema: arrayOf(USER) },
    errors: ['ADMIN_REQUIRED'],
  })
  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: ListUsersDto) {
    return this.admin.listUsers(ctx, query.status);
  }

  @ApiDoc({
    summary: 'Approve an account: it becomes ACTIVE and its owner is emailed (admin)',
    ok: { schema: USER },
    errors: ['ADMIN_REQUIRED', 'SELF_DECISION', 'USER_NOT_FOUND', 'ILLEGAL_ACCOUNT_STATE'],
  })
  @Post(':username/approve')
  @HttpCode(200)
  approve(@Ctx() ctx: RequestContext, @Param('username') username: string) {
    return this.admin.approve(ctx, username);
  }

  @ApiDoc({
    summary: 'Deny a registration, with a reason its owner reads (admin)',
    ok: { schema: USER },
    body: true,
    errors: ['ADMIN_REQUIRED', 'SELF_DECISION', 'USER_NOT_FOUND', 'ILLEGAL_ACCOUNT_STATE'],
  })
  @Post(':username/deny')
  @HttpCode(200)
  deny(@Ctx() ctx: RequestContext, @Param('username') username: string, @Body() body: ReasonDto) {
    return this.admin.deny(ctx, username, body.reason);
  }

  @ApiDoc({
    summary: 'Suspend an active account (admin)',
    ok: { schema: USER },
    body: true,
    errors: ['ADMIN_REQUIRED', 'SELF_DECISION', 'USER_NOT_FOUND', 'ILLEGAL_ACCOUNT_STATE', 'LAST_ADMIN'],
  })
  @Post(':username/suspend')
  @HttpCode(200)
  suspend(@Ctx() ctx: RequestContext, @Param('username') username: string, @Body() body: OptionalReasonDto) {
    return this.admin.suspend(ctx, username, body.reason ?? null);
  }

  @ApiDoc({
    summary: 'Reactivate a suspended account (admin)',
    ok: { schema: USER },
    errors: ['ADMIN_REQUIRED', 'SELF_DECISION', 'USER_NOT_FOUND', 'ILLEGAL_ACCOUNT_STATE'],
  })
  @Post(':username/reactivate')
  @HttpCode(200)
  reactivate(@Ctx() ctx: RequestContext, @Param('username') username: string) {
    return this.admin.reactivate(ctx, username);
  }
}
