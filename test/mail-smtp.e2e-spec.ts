// SPDX-License-Identifier: Apache-2.0
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { TestApp } from './helpers/test-app';

/** With SMTP configured, the approval email goes to a real (in-process) SMTP server. */
describe('approval email over SMTP', () => {
  const received: { to: string[]; raw: string }[] = [];
  let smtp: SMTPServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    t = await TestApp.start({
      SATNET_SMTP_URL: `smtp://127.0.0.1:${port}`,
      SATNET_MAIL_FROM: 'SATNet <noreply@satnet.test>',
    });
  });

  afterAll(async () => {
    await t.stop();
    await new Promise<void>((resolve) => smtp.close(resolve));
  });

  it('delivers the approval message to the SMTP server, not the outbox', async () => {
    await t.operator('smtp-user');
    const approval = received.find((m) => m.to.includes('smtp-user@example.org'));
    expect(approval?.raw).toContain('Subject: Your SATNet account has been approved');
    expect(approval?.raw).toContain('From: SATNet <noreply@satnet.test>');
    expect(approval?.raw).toContain('Hello smtp-user');
    expect(
      received.some((m) => m.to.includes('admin@satnet.test') && m.raw.includes('waiting for approval')),
    ).toBe(true);
    expect(await t.outbox()).toEqual([]);
  });
});
