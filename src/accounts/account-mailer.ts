// SPDX-License-Identifier: Apache-2.0
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
          text: registrationNotice(site, username, organisation),
        });
    });
  }
}

/**
 * What an admin needs to act on a registration. There is no web console yet, so the notice gives
 * the API calls themselves, not a link: a JSON route opened in a browser only answers 401.
 */
function registrationNotice(site: string, username: string, organisation: string): string {
  const token = '-H "authorization: Bearer $ADMIN"';
  return [
    `${username} (${organisation}) registered and waits for your approval.`,
    '',
    'With your admin login token in $ADMIN, approve (the user is emailed):',
    `  curl -X POST ${site}/api/admin/users/${username}/approve ${token}`,
    'or deny, with a reason the user will read:',
    `  curl -X POST ${site}/api/admin/users/${username}/deny ${token} -H 'content-type: application/json' -d '{"reason": "..."}'`,
    '',
    `Over JSON-RPC (${site}/jsonrpc): approve_user, deny_user. Every registration waiting:`,
    `GET ${site}/api/admin/users?status=PENDING. The whole API: ${site}/api/docs`,
    '',
  ].join('\n');
}
