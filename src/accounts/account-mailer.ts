import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainEvents } from '../common/domain-events';
import { MailService } from '../mail/mail.service';
import { UsersRepository } from './users.repository';

/** Turns account decisions into emails, after the decision has committed. */
@Injectable()
export class AccountMailer implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: DomainEvents,
    private readonly mail: MailService,
    private readonly users: UsersRepository,
  ) {}

  onModuleInit(): void {
    const site = this.config.http.publicUrl;
    this.events.subscribe('account.approved', ({ email, username }) =>
      this.mail.send({
        to: email,
        subject: 'Your SATNet account has been approved',
        text: `Hello ${username},\n\nan administrator approved your SATNet account. You can now log in at ${site} and configure your ground stations and spacecraft.\n`,
      }),
    );
    this.events.subscribe('account.denied', ({ email, username, reason }) =>
      this.mail.send({
        to: email,
        subject: 'Your SATNet registration was not approved',
        text: `Hello ${username},\n\nan administrator did not approve your SATNet registration.\nReason: ${reason}\n`,
      }),
    );
    this.events.subscribe('account.suspended', ({ email, username, reason }) =>
      this.mail.send({
        to: email,
        subject: 'Your SATNet account has been suspended',
        text: `Hello ${username},\n\nyour SATNet account has been suspended.${reason ? `\nReason: ${reason}` : ''}\n`,
      }),
    );
    this.events.subscribe('account.registered', async ({ username, organisation }) => {
      for (const admin of await this.users.activeAdmins())
        await this.mail.send({
          to: admin.email,
          subject: `SATNet registration waiting for approval: ${username}`,
          text: `${username} (${organisation}) registered and waits for approval at ${site}/api/admin/users?status=PENDING\n`,
        });
    });
  }
}
