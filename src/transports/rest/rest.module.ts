import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccountsModule } from '../../accounts/accounts.module';
import { AdminController } from './admin.controller';
import { AuthController, MeController } from './accounts.controller';
import { BearerAuthGuard } from './auth';
import { HealthController } from './health.controller';
import { HttpErrorFilter } from './http-error.filter';

@Module({
  imports: [AccountsModule],
  controllers: [AuthController, MeController, AdminController, HealthController],
  providers: [
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class RestModule {}
