// SPDX-License-Identifier: Apache-2.0
// README's screenshots of the web console, taken from the running app: a server with a fresh
// database and the fixture clock, a few users doing what the README shows, Debian's Chromium.
// Run with `npm run docs:screenshots`; it rewrites docs/screenshots/*.png.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { JobRunner } from '../src/common/jobs';
import { SLOT_END_JOB } from '../src/relay/relay.service';
import { SETTLE_GRACE_MS, SLOT_SETTLE_JOB } from '../src/relay/slot-settlement';
import buildConsole from '../test/browser/build-console';
import { ConsoleHarness } from '../test/browser/console-harness';
import { frames, gatewayClient, reservedSlot } from '../test/helpers/relay-fixture';
import { spacecraftConfig, stationConfig } from '../test/helpers/fixtures';

const OUT = join(__dirname, '..', 'docs', 'screenshots');

/** Debian's pngquant (apt-get install pngquant), when present, makes the committed PNGs a third the size. */
const PNGQUANT = '/usr/bin/pngquant';

async function shoot(page: Page, name: string): Promise<void> {
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path });
  if (existsSync(PNGQUANT))
    execFileSync(PNGQUANT, ['--force', '--skip-if-larger', '--output', path, '64', path]);
  console.log(`docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  buildConsole();
  const h = await ConsoleHarness.start();
  try {
    const t = h.t;
    const gs = await t.operator('vigo-ops');
    const mission = await t.operator('xatco-ops');
    await t.http('POST', '/api/auth/register', {
      body: {
        username: 'new-mission',
        email: 'ops@new.example',
        password: 'new-mission-pw',
        organisation: 'New Mission',
      },
    });
    await t.http('POST', '/api/ground-stations', {
      token: gs.token,
      body: stationConfig('VigoGS', { horizonMask: [{ fromAzimuth: 300, toAzimuth: 40, minElevation: 12 }] }),
    });
    for (const rule of [
      {
        operation: 'ADD',
        periodicity: 'DAILY',
        startTime: '06:00',
        endTime: '23:00',
        timeZone: 'Europe/Madrid',
      },
      {
        operation: 'REMOVE',
        periodicity: 'WEEKLY',
        weekdays: ['SUN'],
        startTime: '00:00',
        endTime: '24:00',
        timeZone: 'Europe/Madrid',
      },
    ])
      await t.http('POST', '/api/ground-stations/VigoGS/rules', { token: gs.token, body: rule });
    await t.http('POST', '/api/spacecraft', { token: mission.token, body: spacecraftConfig('XATCOBEO') });
    const slots = (await t.http('GET', '/api/spacecraft/XATCOBEO/slots', { token: mission.token })).body as {
      identifier: string;
      scChannel: string;
    }[];
    const tm = slots.filter((s) => s.scChannel === 'tm');
    await t.http('POST', '/api/spacecraft/XATCOBEO/slots/select', {
      token: mission.token,
      body: { slots: [tm[0].identifier] },
    });

    const admin = await h.page();
    await h.login(admin, 'admin', 'admin-password-1');
    await admin.locator('tr[data-user="new-mission"]').waitFor();
    await shoot(admin, 'admin-users');

    const owner = await h.page();
    await h.login(owner, 'vigo-ops', 'vigo-ops-password');
    await owner.goto('/stations/VigoGS');
    await owner.locator('li[data-state="SELECTED"]').waitFor();
    await t.http('POST', '/api/spacecraft/XATCOBEO/slots/select', {
      token: mission.token,
      body: { slots: [tm[1].identifier] },
    });
    await owner.locator('.toast').waitFor();
    await shoot(owner, 'station-schedule');
    await owner.getByText('Configuration').click();
    const mask = owner.getByRole('img', { name: 'Horizon mask, polar view' });
    await mask.scrollIntoViewIfNeeded();
    await owner.evaluate('window.scrollBy(0, 300)');
    await shoot(owner, 'station-editor');

    const m = await h.page();
    await h.login(m, 'xatco-ops', 'xatco-ops-password');
    await m.goto('/spacecraft/XATCOBEO');
    await m.locator('table.passes tbody tr').nth(1).getByRole('button', { name: 'Sky plot' }).click();
    await m.locator('path.track').waitFor();
    await m.locator('.pass-detail').scrollIntoViewIfNeeded();
    await shoot(m, 'spacecraft-pass');

    const phone = await h.page({ width: 390, height: 844 }, 'dark');
    await h.login(phone, 'xatco-ops', 'xatco-ops-password');
    await phone.goto('/spacecraft/XATCOBEO');
    await phone.getByRole('table', { name: 'My bookings' }).waitFor();
    await shoot(phone, 'phone-dark');

    const live = await reservedSlot(t, 'Demo');
    await h.setTime(new Date(live.start.getTime() + 20_000));
    const station = await gatewayClient(t, live.stationKey);
    await station.startRemote(live.slotId);
    const demo = await h.page();
    await h.login(demo, 'Demo-m', 'Demo-m-password');
    await demo.goto(`/live/DemoSAT/${live.slotId}`);
    await demo.locator('li[data-kind="event"]').waitFor();
    await station.sendMsg(
      frames.downlink('housekeeping: battery 7.9 V, temperature 21 C'),
      t.clock.now().getTime(),
    );
    await demo.locator('li[data-kind="downlink"]').waitFor();
    await demo
      .getByLabel('Uplink frame (hex, a whole CSP packet)')
      .fill(frames.uplink('ping').toString('hex'));
    await demo.getByRole('button', { name: 'Send' }).click();
    await demo.locator('li[data-kind="uplink"]').waitFor();
    await shoot(demo, 'live-slot');

    // The station owner's view of the same slot, then the slot's report once it is over.
    const owned = await h.page();
    await h.login(owned, 'Demo-gs', 'Demo-gs-password');
    await owned.goto(`/live/ground-stations/DemoGS/${live.slotId}`);
    await owned.locator('li[data-kind="uplink"]').waitFor();
    await shoot(owned, 'station-live');
    await h.setTime(live.end);
    await h.t.app.get(JobRunner).tick(SLOT_END_JOB);
    await station.close();
    await h.setTime(new Date(live.end.getTime() + SETTLE_GRACE_MS));
    await h.t.app.get(JobRunner).tick(SLOT_SETTLE_JOB);
    await owned.goto('/stations/DemoGS');
    await owned
      .getByRole('list', { name: 'Past slots' })
      .locator(`li[data-slot="${live.slotId}"]`)
      .getByRole('link', { name: 'Packets & report' })
      .click();
    await owned.getByRole('region', { name: 'Slot report' }).getByText('COMPLETED (final)').waitFor();
    await owned.getByRole('list', { name: 'Packets' }).locator('li').nth(1).waitFor();
    await shoot(owned, 'slot-report');
  } finally {
    await h.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
