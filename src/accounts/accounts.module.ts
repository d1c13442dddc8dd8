// SPDX-License-Identifier: Apache-2.0
import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { AccountMailer } from './account-mailer';
import { AccountsService } from './accounts.service';
import { AdminService } from './admin.service';
import { ApiKeysService } from './api-keys.service';
import { AuthThrottle } from './auth-throttle';
import { CredentialsRepository } from './credentials.repository';
import { UserDeletion } from './user-deletion';
import { UsersRepository } from './users.repository';

@Module({
  imports: [MailModule],
  providers: [
    AccountsService,
    AdminService,
    ApiKeysService,
    AuthThrottle,
    AccountMailer,
    UserDeletion,
    UsersRepository,
    CredentialsRepository,
  ],
  exports: [AccountsService, AdminService, ApiKeysService, UserDeletion],
})
export class AccountsModule {}
