// SPDX-License-Identifier: Apache-2.0
// The console's booking journey in a real Chromium against the real server (issue 12): sign-up,
// approval, a station with a rule, a spacecraft, a slot selected and confirmed live.
import type { Page } from 'playwright-core';
import { HOLD_SWEEP_JOB } from '../../src/booking/booking.service';
import { JobRunner } from '../../src/common/jobs';
import { ISS_TLE } from '../../src/orbit/test-fixtures';
import { tleChecksum } from '../../src/orbit/tle';
import { spacecraftConfig, stationConfig } from '../helpers/fixtures';
import { fillChannel } from './channel-editor';
import { ConsoleHarness } from './console-harness';
import { expectText } from './expect-text';

describe('console: booking', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  /**
   * A station shared all day (its owner `<prefix>-gs`) and the fixture spacecraft (`<prefix>-sc`),
   * made through the API; with the ids of the spacecraft's downlink slots over that station (one a
   * pass, so they never overlap), first first.
   */
  async function stationAndSpacecraft(prefix: string, station: string, spacecraft: string) {
    const owner = await h.t.operator(`${prefix}-gs`);
    const mission = await h.t.operator(`${prefix}-sc`);
    await h.t.http('POST', '/api/ground-stations', { token: owner.token, body: stationConfig(station) });
    const rule = await h.t.http('POST', `/api/ground-stations/${station}/rules`, {
      token: owner.token,
      body: { operation: 'ADD', periodicity: 'DAILY', startTime: '00:00', endTime: '24:00' },
    });
    await h.t.http('POST', '/api/spacecraft', { token: mission.token, body: spacecraftConfig(spacecraft) });
    const listed = await h.t.http('GET', `/api/spacecraft/${spacecraft}/slots?limit=500`, {
      token: mission.token,
    });
    const slots = (listed.body as { identifier: string; gsIdentifier: string; scChannel: string }[])
      .filter((slot) => slot.gsIdentifier === station && slot.scChannel === 'tm')
      .map((slot) => slot.identifier);
    return { owner, mission, ruleId: rule.body.ruleId as string, slots };
  }

  async function createSpacecraft(
    page: Page,
    identifier: string,
    tle: { line1: string; line2: string },
  ): Promise<void> {
    await page.getByRole('link', { name: 'Spacecraft' }).click();
    await page.getByLabel('Identifier').fill(identifier);
    await page.getByLabel('Callsign').fill('KXSC02');
    await page.getByLabel('TLE (two lines, or three with a name)').fill(`${tle.line1}\n${tle.line2}`);
    // The fixture spacecraft's two channels, the first over the editor's example.
    await fillChannel(page, 1, {
      'Channel id': 'tm',
      Direction: 'DOWNLINK',
      'Frequency (MHz)': '437.5',
      'Bandwidth (kHz)': '25',
      'Bitrate (bit/s)': '9600',
      Modulation: 'GMSK',
      Polarization: 'RHCP',
    });
    await page.getByRole('button', { name: 'Add channel' }).click();
    await fillChannel(page, 2, {
      'Channel id': 'tc',
      Direction: 'UPLINK',
      'Frequency (MHz)': '436',
      'Bandwidth (kHz)': '25',
      'Bitrate (bit/s)': '9600',
      Modulation: 'FM',
      Polarization: 'LHCP',
    });
    await page.getByRole('button', { name: 'Create spacecraft' }).click();
  }

  it('goes from sign-up to a slot reserved, the station seeing the hold live', async () => {
    // A station owner signs up; the account waits for an administrator.
    const owner = await h.page();
    await owner.getByRole('link', { name: 'Sign up' }).click();
    await owner.getByLabel('Username').fill('vigo-ops');
    await owner.getByLabel('Email').fill('ops@uvigo.example');
    await owner.getByLabel('Organisation').fill('University of Vigo');
    await owner.getByLabel('Password').fill('a-long-password');
    await owner.getByRole('button', { name: 'Sign up' }).click();
    await owner.getByRole('heading', { name: 'Account requested' }).waitFor();
    await expectText(owner.getByRole('status'), /PENDING/);

    // The administrator approves it from the queue, in a browser of its own.
    const admin = await h.page();
    await h.login(admin, 'admin', 'admin-password-1');
    const row = admin.locator('tr[data-user="vigo-ops"]');
    await row.getByRole('button', { name: 'Approve' }).click();
    await row.waitFor({ state: 'detached' });
    await admin.getByRole('button', { name: 'All' }).click();
    await expectText(admin.locator('tr[data-user="vigo-ops"] .badge'), 'ACTIVE');

    // The owner logs in, creates the station and shares it every day.
    await h.login(owner, 'vigo-ops', 'a-long-password');
    await owner.getByLabel('Identifier').fill('VigoGS');
    await owner.getByLabel('Callsign').fill('EA1XYZ');
    await owner.getByLabel('Latitude (deg)').fill('42.17');
    await owner.getByLabel('Longitude (deg)').fill('-8.69');
    await owner.getByLabel('Altitude (m)').fill('460');
    await owner.getByRole('button', { name: 'Create station' }).click();
    await owner.getByRole('heading', { name: 'Station VigoGS' }).waitFor();
    await owner.getByRole('button', { name: 'Add rule' }).click();
    await owner.locator('ul.rules li').filter({ hasText: 'every day 00:00–24:00 UTC' }).waitFor();
    const week = owner.getByRole('table', { name: 'Availability by day, UTC' });
    await expectText(week.locator('tr').first(), /2008-09-20.*00:00–24:00/);
    expect(await week.locator('tr').count()).toBe(7);

    // A mission operator creates a spacecraft, sees its passes and picks a slot.
    const mission = await h.page();
    const { password } = await h.t.operator('xatco-ops');
    await h.login(mission, 'xatco-ops', password);
    await createSpacecraft(mission, 'XATCOBEO', ISS_TLE);
    await mission.getByRole('heading', { name: 'Spacecraft XATCOBEO' }).waitFor();
    await mission.getByText('VigoGS: uhf ↔ tm (downlink)').waitFor();
    await mission.getByText('VigoGS: uhf ↔ tc (uplink)').waitFor();
    const token = await h.t.login('xatco-ops', password);
    const stored = (await h.t.http('GET', '/api/spacecraft/XATCOBEO', { token })).body.channels;
    expect(stored).toHaveLength(2);
    expect(stored).toEqual(expect.arrayContaining(spacecraftConfig().channels));
    // (Other tests' stations, at the same place, may list the same passes.)
    const firstPass = mission.locator('table.passes tbody tr').filter({ hasText: 'VigoGS' }).first();
    await expectText(firstPass, '2008-09-20 18:17:06');
    await firstPass.getByRole('button', { name: 'Sky plot' }).click();
    await mission.getByRole('img', { name: 'Sky plot of the pass' }).locator('path.track').waitFor();
    // A Doppler curve per channel: the downlink as received, the uplink pre-compensated.
    for (const channel of ['tm downlink at 437.500 MHz', 'tc uplink at 436.000 MHz'])
      await mission
        .getByRole('img', { name: `Doppler curve, ${channel}`, exact: false })
        .locator('path.curve')
        .waitFor();

    const bookable = mission.getByRole('table', { name: 'Bookable slots' });
    const slotRow = bookable
      .locator('tr[data-slot]')
      .filter({ hasText: 'VigoGS' })
      .filter({ hasText: 'uhf/tm' })
      .first();
    const slot = (await slotRow.getAttribute('data-slot')) as string;
    await slotRow.getByRole('button', { name: 'Select' }).click();
    const booked = mission.getByRole('table', { name: 'My bookings' }).locator(`tr[data-slot="${slot}"]`);
    await expectText(booked.locator('.badge'), 'held 5:00');

    // The owner's open station page shows the hold without a reload, and confirms it.
    // (The notice comes first and stays a few seconds; the schedule reloads after it.)
    await owner.locator('.toast', { hasText: 'FREE → SELECTED (select)' }).waitFor();
    const held = owner.locator(`li[data-slot="${slot}"][data-state="SELECTED"]`);
    await expectText(held, /xatco-ops.*held 5:00/);
    await held.getByRole('button', { name: 'Confirm' }).click();
    await expectText(
      owner.locator(`li[data-slot="${slot}"][data-state="RESERVED"]`),
      /xatco-ops \(xatco-ops org\)/,
    );

    // The mission sees it reserved, live.
    await mission.locator('.toast', { hasText: 'SELECTED → RESERVED (confirm)' }).waitFor();
    await mission.locator(`tr[data-slot="${slot}"][data-state="RESERVED"]`).waitFor();
    const api = await h.t.http('GET', `/api/spacecraft/XATCOBEO/slots?limit=500`, { token });
    expect(api.body.find((s: { identifier: string }) => s.identifier === slot).state).toBe('RESERVED');
  });

  it("shows the API's message for a bad TLE beside the TLE box, and creates nothing", async () => {
    const page = await h.page();
    const { password, token } = await h.t.operator('tle-typo');
    await h.login(page, 'tle-typo', password);
    const typo = {
      line1: ISS_TLE.line1,
      line2: ISS_TLE.line2.slice(0, -1) + String((tleChecksum(ISS_TLE.line2) + 1) % 10),
    };
    await createSpacecraft(page, 'TYPOSAT', typo);
    const expected = await h.t.http('POST', '/api/spacecraft', {
      token,
      body: { ...spacecraftConfig('TYPOSAT'), tracking: { tle: { line1: typo.line1, line2: typo.line2 } } },
    });
    expect(expected.body.error.code).toBe('INVALID_TLE');
    const message = page.locator('.field small.error[data-field="tle"]');
    await expectText(message, expected.body.error.message);
    expect(
      await page.getByLabel('TLE (two lines, or three with a name)').getAttribute('aria-describedby'),
    ).toBe('f-tle-error');
    expect((await h.t.http('GET', '/api/spacecraft', { token })).body).toEqual([]);
  });

  it('lets the station deny a hold and cancel a reservation, the mission cancel its own, then log out', async () => {
    const { owner, mission, slots } = await stationAndSpacecraft('acts', 'ActsGS', 'ACTSAT');
    const [denied, stationCancels, missionUnselects, missionCancels] = slots;
    const book = async (slots: string[], confirm: boolean) => {
      await h.t.http('POST', '/api/spacecraft/ACTSAT/slots/select', {
        token: mission.token,
        body: { slots },
      });
      if (confirm)
        await h.t.http('POST', '/api/ground-stations/ActsGS/slots/confirm', {
          token: owner.token,
          body: { slots },
        });
    };
    await book([denied, missionUnselects], false);
    await book([stationCancels, missionCancels], true);
    const lastChange = async (slot: string) =>
      (
        (await h.t.http('GET', '/api/spacecraft/ACTSAT/changes', { token: mission.token })).body.changes as {
          slot: string;
          to: string;
          reason: string;
        }[]
      )
        .filter((change) => change.slot === slot)
        .map(({ to, reason }) => `${to} (${reason})`)
        .pop();

    const station = await h.page();
    await h.login(station, 'acts-gs', owner.password);
    await station.goto('/stations/ActsGS');
    await station.locator(`li[data-slot="${denied}"]`).getByRole('button', { name: 'Deny' }).click();
    await station.locator(`li[data-slot="${denied}"]`).waitFor({ state: 'detached' });
    await expect(lastChange(denied)).resolves.toBe('DENIED (deny)');
    const reserved = station.locator(`li[data-slot="${stationCancels}"][data-state="RESERVED"]`);
    await expectText(reserved, 'acts-sc');
    await reserved.getByRole('button', { name: 'Cancel' }).click();
    await reserved.waitFor({ state: 'detached' });
    await expect(lastChange(stationCancels)).resolves.toBe('CANCELED (cancelReservation)');

    const page = await h.page();
    await h.login(page, 'acts-sc', mission.password);
    await page.goto('/spacecraft/ACTSAT');
    const bookings = page.getByRole('table', { name: 'My bookings' });
    await bookings
      .locator(`tr[data-slot="${missionUnselects}"]`)
      .getByRole('button', { name: 'Cancel selection' })
      .click();
    await bookings.locator(`tr[data-slot="${missionUnselects}"]`).waitFor({ state: 'detached' });
    await bookings
      .locator(`tr[data-slot="${missionCancels}"]`)
      .getByRole('button', { name: 'Cancel reservation' })
      .click();
    await page.getByText('No selection or reservation.').waitFor();
    await expect(lastChange(missionUnselects)).resolves.toBe('CANCELED (cancelSelection)');
    await expect(lastChange(missionCancels)).resolves.toBe('CANCELED (cancelReservation)');

    // Logging out ends the session: its token no longer opens the API.
    const token = await page.evaluate<string>('localStorage.getItem("satnet.token")');
    await page.getByRole('link', { name: 'acts-sc' }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect((await h.t.http('GET', '/api/me', { token })).status).toBe(401);
  });

  it('shows a reservation whose window was taken away as removed on the timeline, live', async () => {
    const { owner, mission, ruleId, slots } = await stationAndSpacecraft('rem', 'RemGS', 'REMSAT');
    const slot = slots[0];
    await h.t.http('POST', '/api/spacecraft/REMSAT/slots/select', {
      token: mission.token,
      body: { slots: [slot] },
    });
    await h.t.http('POST', '/api/ground-stations/RemGS/slots/confirm', {
      token: owner.token,
      body: { slots: [slot] },
    });

    const page = await h.page();
    await h.login(page, 'rem-gs', owner.password);
    await page.goto('/stations/RemGS');
    await page.locator(`li[data-slot="${slot}"][data-state="RESERVED"]`).waitFor();
    expect(await page.getByRole('list', { name: 'Removed slots' }).count()).toBe(0);
    // The rule goes from another device: the open page learns of the removal live.
    await page.locator('.live-dot.live').waitFor();
    await h.t.http('DELETE', `/api/ground-stations/RemGS/rules/${ruleId}`, { token: owner.token });
    await page.locator('.toast', { hasText: 'RESERVED → REMOVED (remove)' }).waitFor();
    const removed = page.getByRole('list', { name: 'Removed slots' }).locator(`li[data-slot="${slot}"]`);
    await expectText(removed, /REMSAT · was reserved.*removed/);
    expect(await page.locator(`li[data-slot="${slot}"][data-state="RESERVED"]`).count()).toBe(0);
  });

  it('takes an expired hold off the station timeline', async () => {
    const { owner, mission, slots } = await stationAndSpacecraft('hold', 'HoldGS', 'HOLDSAT');
    const slot = slots[0];

    const page = await h.page();
    await h.login(page, 'hold-gs', owner.password);
    await page.goto('/stations/HoldGS');
    await page.getByRole('heading', { name: 'Schedule' }).waitFor();
    await page.locator('.live-dot.live').waitFor();
    const selected = await h.t.http('POST', '/api/spacecraft/HOLDSAT/slots/select', {
      token: mission.token,
      body: { slots: [slot] },
    });
    expect(selected.status).toBe(200);
    const held = page.locator(`li[data-slot="${slot}"]`);
    await expectText(held.locator('.badge'), 'held 5:00');

    await h.advance(4 * 60_000);
    await expectText(held.locator('.badge'), 'held 1:00');
    await h.advance(60_000);
    await h.t.app.get(JobRunner).tick(HOLD_SWEEP_JOB);
    await page.locator('.toast', { hasText: 'SELECTED → FREE (expireHold)' }).waitFor();
    await held.waitFor({ state: 'detached' });
    await page.getByLabel(/Show free slots/).check();
    await page.locator(`li[data-slot="${slot}"][data-state="FREE"]`).waitFor();
  });
});
