// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../common/clock';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends through SMTP when configured. Otherwise (and as a fallback when SMTP fails, so no
 * notice is lost) it writes the message as an .eml file under the outbox directory.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);
  private readonly smtp: Transporter | null;
  private readonly renderer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  private readonly outboxDir: string;
  /** Orders files written within one millisecond (or under a clock that stands still). */
  private sequence = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    const url = config.mail.smtpUrl;
    this.smtp = url ? createTransport(url, { connectionTimeout: 10_000, greetingTimeout: 10_000 }) : null;
    this.outboxDir = resolve(config.mail.outboxDir);
  }

  async send(message: MailMessage): Promise<void> {
    const envelope = { from: this.config.mail.from, ...message };
    if (this.smtp) {
      try {
        await this.smtp.sendMail(envelope);
        this.logger.log({ to: message.to, subject: message.subject }, 'mail sent');
        return;
      } catch (error) {
        this.logger.error(
          { err: error, to: message.to },
          'SMTP delivery failed; keeping the message in the outbox',
        );
      }
    }
    await this.writeToOutbox(envelope);
  }

  private async writeToOutbox(envelope: MailMessage & { from: string }): Promise<void> {
    const rendered = (await this.renderer.sendMail(envelope)) as { message: Buffer };
    const stamp = this.clock.now().toISOString().replace(/[:.]/g, '-');
    const sequence = String(++this.sequence).padStart(6, '0');
    const file = join(this.outboxDir, `${stamp}-${sequence}-${randomBytes(4).toString('hex')}.eml`);
    await mkdir(this.outboxDir, { recursive: true });
    await writeFile(file, rendered.message);
    this.logger.log({ to: envelope.to, subject: envelope.subject, file }, `mail written to ${file}`);
  }
}
