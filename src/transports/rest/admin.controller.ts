import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminService } from '../../accounts/admin.service';
import { ListUsersDto, OptionalReasonDto, ReasonDto } from '../../accounts/dto/account.dto';
import type { RequestContext } from '../../common/request-context';
import { Ctx } from './auth';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/admin/users')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  list(@Ctx() ctx: RequestContext, @Query() query: ListUsersDto) {
    return this.admin.listUsers(ctx, query.status);
  }

  @Post(':username/approve')
  @HttpCode(200)
  approve(@Ctx() ctx: RequestContext, @Param('username') username: string) {
    return this.admin.approve(ctx, username);
  }

  @Post(':username/deny')
  @HttpCode(200)
  deny(@Ctx() ctx: RequestContext, @Param('username') username: string, @Body() body: ReasonDto) {
    return this.admin.deny(ctx, username, body.reason);
  }

  @Post(':username/suspend')
  @HttpCode(200)
  suspend(@Ctx() ctx: RequestContext, @Param('username') username: string, @Body() body: OptionalReasonDto) {
    return this.admin.suspend(ctx, username, body.reason ?? null);
  }

  @Post(':username/reactivate')
  @HttpCode(200)
  reactivate(@Ctx() ctx: RequestContext, @Param('username') username: string) {
    return this.admin.reactivate(ctx, username);
  }
}
