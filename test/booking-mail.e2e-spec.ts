// SPDX-License-Identifier: Apache-2.0
import { Logger } from '@nestjs/common';
import { ManualClock } from '../src/common/clock';
import { MailService } from '../src/mail/mail.service';
import { ORBIT_NOW, spacecraftConfig, stationConfig } from './helpers/fixtures';
import { TestApp } from './helpers/test-app';
import { createTestDatabase } from './helpers/test-database';

const ALWAYS = { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' };

describe('booking emails are sent from the change log (docs/api.md "Notifications")', () => {
  afterEach(() => jest.restoreAllMocks());

  it('mails a change it could not mail before the server stopped, once, after it starts again', async () => {
    const database = await createTestDatabase();
    const clock = new ManualClock(ORBIT_NOW);
    const running: TestApp[] = [];
    const start = async () => {
      const app = await TestApp.start({}, database, clock, { jobTimers: false });
      running.push(app);
      return app;
    };
    try {
      const before = await start();
      const gs = await before.operator('bm-gs');
      const mission = await before.operator('bm-m');
      await before.http('POST', '/api/ground-stations', { token: gs.token, body: stationConfig('bmGS') });
      await before.http('POST', '/api/ground-stations/bmGS/rules', { token: gs.token, body: ALWAYS });
      await before.http('POST', '/api/spacecraft', { token: mission.token, body: spacecraftConfig('bmSAT') });
      const slotId = (await before.rpc('get_operational_slots', ['bmSAT'], mission.token)).result
        .OperationSlot[0].identifier as string;
      /** The booking emails of this slot an instance wrote (account emails take another path). */
      const bookingMails = async (app: TestApp) =>
        (await app.outbox()).filter((mail) => mail.content.includes(`(slot ${slotId})`));

      // The outbox cannot be written (a full disk, say) from the selection until the server stops.
      const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      jest
        .spyOn(MailService.prototype, 'send')
        .mockRejectedValue(new Error('ENOSPC: no space left on device'));
      await before.rpc('select_slots', ['bmSAT', [slotId]], mission.token);
      expect(await bookingMails(before)).toEqual([]);
      expect(errors).toHaveBeenCalledWith(
        expect.objectContaining({ job: 'booking.notify' }),
        expect.stringContaining('booking.notify'),
      );
      await running.pop()?.stop();
      jest.restoreAllMocks();

      const after = await start();
      const mails = await bookingMails(after);
      expect(mails).toHaveLength(1);
      expect(mails[0].content).toContain(`To: ${gs.email}`);
      expect(mails[0].content).toContain(`(slot ${slotId}): was selected and waits for your confirmation`);
      expect(await bookingMails(after)).toHaveLength(1); // mailed once: the cursor moved on
    } finally {
      for (const app of running) await app.stop();
      await database.drop();
    }
  });
});
